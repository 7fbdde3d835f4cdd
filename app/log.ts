/**
 * The app's logger: Probot's own (pino, formatted by @probot/pino as LOG_FORMAT asks, LOG_LEVEL,
 * LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY, SENTRY_DSN) with secrets taken out before a line is
 * written. Probot's request logger (pino-http) logs every request's headers and URL: the
 * `Authorization` of MCP callers (a person's GitHub token), the portal's session cookie, the
 * `Set-Cookie` of its answers and the OAuth callback's `code` and `state`. Those headers are
 * written as `[Redacted]`, and the secret query parameters of any URL (in the request line, a
 * `Location` header or a message) keep their name with the value `[Redacted]`, so a log reader
 * still sees every request, its path and its status.
 */
import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";

export const REDACTED = "[Redacted]";

/** Query parameters whose values are secrets: the OAuth callback's, and tokens some clients put in URLs. */
const SECRET_PARAMS = ["code", "state", "access_token", "refresh_token", "client_secret", "token"];
const SECRET_QUERY = new RegExp(`([?&](?:${SECRET_PARAMS.join("|")})=)[^&#\\s"']*`, "gi");

/** `text` with the values of secret query parameters (`?code=...&state=...`) replaced by `[Redacted]`. */
export function redactUrl(text: string): string {
  return text.replace(SECRET_QUERY, `$1${REDACTED}`);
}

const HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-hub-signature", "x-hub-signature-256"];
/** Where a logged object carries headers: pino-http's `req`/`res`, Octokit's errors, a plain `headers` field. */
const HEADER_HOLDERS = ["req.headers", "res.headers", "headers", "request.headers", "err.request.headers", "err.response.headers", "err.headers"];
/** Where a logged object carries a URL. */
const URL_PATHS = ["req.url", "req.originalUrl", "res.headers.location", "url", "request.url", "err.request.url", "err.response.url"];

/** The pino `redact` option: secret headers censored, secret query parameters of URLs rewritten. */
export const redaction = {
  paths: [...HEADER_HOLDERS.flatMap((holder) => HEADERS.map((h) => `${holder}["${h}"]`)), ...URL_PATHS],
  censor: (value: unknown, path: string[]): unknown => {
    const key = path[path.length - 1]?.toLowerCase() ?? "";
    if (HEADERS.includes(key)) return REDACTED;
    return typeof value === "string" ? redactUrl(value) : value;
  },
};

/** The pino hooks: string arguments (the message, e.g. pino-http's `GET /ferry/callback?code=... 303`) lose their secret query values. */
const hooks = {
  logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void): void {
    method.apply(
      this,
      args.map((a) => (typeof a === "string" ? redactUrl(a) : a)),
    );
  },
};

/** The log options Probot reads from the environment (its `readEnvOptions`). */
function logOptions(env: Readonly<Record<string, string | undefined>>) {
  const format = env.LOG_FORMAT ? (env.LOG_FORMAT === "pretty" ? "pretty" : "json") : env.NODE_ENV === "production" ? "json" : "pretty";
  return {
    level: env.LOG_LEVEL || "info",
    messageKey: env.LOG_MESSAGE_KEY || "msg",
    transform: { logFormat: format, logLevelInString: env.LOG_LEVEL_IN_STRING === "true", ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}) } as const,
  };
}

/**
 * The logger the app runs with (given to Probot's `run`, so its server's request logger and every
 * child logger share it): Probot's defaults, plus {@link redaction} and the message hook.
 */
export async function ferryLog(
  env: Readonly<Record<string, string | undefined>> = process.env,
  destination: NodeJS.WritableStream = pino.destination(1) as unknown as NodeJS.WritableStream,
): Promise<Logger> {
  const options = logOptions(env);
  const transform = await getTransformStream(options.transform);
  transform.pipe(destination);
  return pino({ level: options.level, name: "probot", messageKey: options.messageKey, redact: redaction, hooks }, transform);
}
