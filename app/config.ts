/**
 * The app's configuration, read from environment variables (and Probot's `.env`).
 *
 * Every problem is collected and reported together, each naming the variable, so a newcomer
 * fixes a broken deployment in one pass. Probot reads `APP_ID`, `PRIVATE_KEY`/`PRIVATE_KEY_PATH`,
 * `WEBHOOK_SECRET`, `GHE_HOST` and `LOG_LEVEL` itself; Ferry checks them again because Probot
 * silently falls back to the secret `development`, which would accept forged deliveries.
 */
import { parseRepoRef, type RepoRef } from "../adapters/github/types.js";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { RepoName } from "../renderers/model/common.js";

const LogLevel = z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

/** The raw environment variables the app understands; see `.env.example`. */
export const FerryEnv = z.object({
  /** Numeric id of the registered GitHub App. */
  APP_ID: z
    .string({ error: "is required (the GitHub App's numeric id)" })
    .regex(/^\d+$/, { error: (iss) => `must be the app's numeric id, got ${JSON.stringify(iss.input)}` }),
  /** PEM private key of the app (literal, `\n`-escaped, or base64). */
  PRIVATE_KEY: z.string().min(1).optional(),
  /** Path of the `.pem` file holding the private key. */
  PRIVATE_KEY_PATH: z.string().min(1).optional(),
  /** Secret GitHub signs webhook deliveries with (HMAC SHA-256). */
  WEBHOOK_SECRET: z.string({ error: "is required: deliveries are only accepted when signed with it" }).min(8, { error: "must be at least 8 characters" }),
  /** Host name of a GitHub Enterprise Server, e.g. `github.example.com`. */
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, { error: (iss) => `must be a host name like github.example.com, got ${JSON.stringify(iss.input)}` })
    .optional(),
  /** `https` unless your GitHub Enterprise Server says otherwise. */
  GHE_PROTOCOL: z.enum(["https", "http"]).default("https"),
  /** `owner/name` of the platform repository: the only source of platform definitions. */
  FERRY_PLATFORM_REPO: z.string({ error: "is required (owner/name of the platform repository)" }).pipe(RepoName),
  /** Where clones of GitOps repositories are cached. */
  FERRY_CACHE_DIR: z.string().min(1).default(".cache/ferry"),
  /** Log verbosity. */
  LOG_LEVEL: LogLevel.default("info"),
  /** Seconds between reconcile passes (one also runs at start-up); 0 turns the pass off. */
  FERRY_RECONCILE_INTERVAL: z.coerce
    .number({ error: (iss) => `must be a whole number of seconds, got ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of seconds, got ${JSON.stringify(iss.input)}` })
    .refine((n) => n === 0 || n >= 10, { error: (iss) => `must be 0 (off) or at least 10 seconds, got ${JSON.stringify(iss.input)}` })
    .default(300),
  /** Seconds one computation of the DORA gauges on /metrics answers scrapes for (app/dora-metrics.ts); 0 turns the gauges off. */
  FERRY_DORA_METRICS_TTL: z.coerce
    .number({ error: (iss) => `must be a whole number of seconds, got ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of seconds, got ${JSON.stringify(iss.input)}` })
    .refine((n) => n === 0 || n >= 10, { error: (iss) => `must be 0 (off) or at least 10 seconds, got ${JSON.stringify(iss.input)}` })
    .default(300),
  /** Days the DORA gauges on /metrics look back. */
  FERRY_DORA_METRICS_WINDOW_DAYS: z.coerce
    .number({ error: (iss) => `must be a whole number of days, got ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of days, got ${JSON.stringify(iss.input)}` })
    .refine((n) => n >= 1 && n <= 365, { error: (iss) => `must be 1 to 365 days, got ${JSON.stringify(iss.input)}` })
    .default(30),
  /** Replicas share delivery de-duplication, Probot's throttling and the passes' leases through this Redis (`redis://host:port/db`); unset: one replica, in memory. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: (iss) => `must be a redis:// or rediss:// URL, got ${JSON.stringify(iss.input)}` })
    .optional(),
  /** Milliseconds between every two GitHub writes of the app; unset: a burst of 10 writes, then one a second (3 s apart after 3 for writes that notify; app/octokit.ts DEFAULT_WRITE_BUDGET). */
  FERRY_GITHUB_WRITE_INTERVAL_MS: z.coerce
    .number({ error: (iss) => `must be a whole number of milliseconds, got ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of milliseconds, got ${JSON.stringify(iss.input)}` })
    .min(0, { error: (iss) => `must be 0 or more milliseconds, got ${JSON.stringify(iss.input)}` })
    .optional(),
  /** The GitHub App's OAuth client id (Probot's setup flow writes it): with the secret, the portal at /ferry/ signs people in with GitHub. */
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  /** The GitHub App's OAuth client secret (Probot's setup flow writes it). */
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** The portal's public URL (`https://ferry.example.com`), for the OAuth callback behind a proxy; unset: from the request's Host. */
  FERRY_PORTAL_URL: z.url({ error: (iss) => `must be a URL like https://ferry.example.com, got ${JSON.stringify(iss.input)}` }).optional(),
  /** Key of the portal's session cookies (at least 32 characters); unset: derived from the app's private key. */
  FERRY_SESSION_SECRET: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
  /** The platform checkout the MCP server at /mcp reads (kept current by the operator, e.g. a git-sync sidecar); unset: /mcp is not served. */
  FERRY_MCP_PLATFORM: z.string().min(1).optional(),
  /** App checkouts (or directories with apps below them) for /mcp, separated by commas. */
  FERRY_MCP_APPS: z.string().min(1).optional(),
  /** `true`: /mcp lists ferry_promote and ferry_rollback (they act with the caller's own token). */
  FERRY_MCP_ALLOW_WRITES: z.enum(["true", "false"], { error: (iss) => `must be true or false, got ${JSON.stringify(iss.input)}` }).optional(),
});
export type FerryEnv = z.infer<typeof FerryEnv>;

export type { RepoRef };

/** The checked configuration the app runs with. */
export interface AppConfig {
  readonly appId: number;
  readonly privateKey: string;
  readonly webhookSecret: string;
  /** REST API base URL: `https://api.github.com` or `<protocol>://<GHE_HOST>/api/v3`. */
  readonly baseUrl: string;
  readonly platformRepo: RepoRef;
  /** Absolute path of the clone cache. */
  readonly cacheDir: string;
  readonly logLevel: z.infer<typeof LogLevel>;
  /** Seconds between reconcile passes; 0: no pass runs. */
  readonly reconcileInterval: number;
  /** Seconds a computation of the DORA gauges answers scrapes for; 0: no gauges. */
  readonly doraMetricsTtl: number;
  /** Days the DORA gauges look back. */
  readonly doraMetricsWindowDays: number;
  /** The Redis replicas share; undefined: one replica, in memory. */
  readonly redisUrl?: string;
  /** The portal's sign-in (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET); undefined: no portal. */
  readonly portal?: { readonly clientId: string; readonly clientSecret: string; readonly sessionSecret: string; readonly publicUrl?: string };
  /** The MCP server at /mcp (FERRY_MCP_PLATFORM); undefined: not served. */
  readonly mcp?: { readonly platform: string; readonly apps: readonly string[]; readonly allowWrites: boolean };
}

/** Thrown when the configuration is unusable; the message lists every problem by variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `Ferry cannot start, its configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every variable.`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * FERRY_GITHUB_WRITE_INTERVAL_MS, for the Octokit class the app is started with (before the rest
 * of the configuration is read); undefined when unset or unusable ({@link loadConfig} reports the latter).
 */
export function githubWriteInterval(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const raw = env.FERRY_GITHUB_WRITE_INTERVAL_MS;
  if (raw === undefined || raw.trim() === "") return undefined;
  const parsed = FerryEnv.shape.FERRY_GITHUB_WRITE_INTERVAL_MS.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Splits `owner/name`. */
export { parseRepoRef };

/** A private key given literally, with escaped newlines, or base64-encoded. */
function decodePrivateKey(value: string): string {
  const unescaped = value.includes("\\n") ? value.replace(/\\n/g, "\n") : value;
  if (unescaped.includes("-----BEGIN")) return unescaped;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  return decoded.includes("-----BEGIN") ? decoded : unescaped;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Reads the private key file. @default fs.readFileSync (utf8) */
  readonly readFile?: (file: string) => string;
  /** Resolves relative paths. @default process.cwd() */
  readonly cwd?: string;
}

/** Reads and checks the configuration; throws {@link ConfigError} naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env, opts: LoadConfigOptions = {}): AppConfig {
  const readFile = opts.readFile ?? ((file: string) => readFileSync(file, "utf8"));
  const cwd = opts.cwd ?? process.cwd();
  const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);
  const input = Object.fromEntries(Object.keys(FerryEnv.shape).map((k) => [k, blank(env[k])]));
  const parsed = FerryEnv.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0] ?? "?")}: ${issue.message}`);
  }
  let privateKey: string | undefined;
  const keyValue = blank(env.PRIVATE_KEY);
  const keyPath = blank(env.PRIVATE_KEY_PATH);
  if (keyValue) {
    privateKey = decodePrivateKey(keyValue);
    if (!privateKey.includes("-----BEGIN")) problems.push("PRIVATE_KEY: is not a PEM private key (literal, \\n-escaped or base64)");
  } else if (keyPath) {
    try {
      privateKey = readFile(path.resolve(cwd, keyPath));
      if (!privateKey.includes("-----BEGIN")) problems.push(`PRIVATE_KEY_PATH: ${keyPath} does not hold a PEM private key`);
    } catch (e) {
      problems.push(`PRIVATE_KEY_PATH: cannot read ${keyPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    problems.push("PRIVATE_KEY or PRIVATE_KEY_PATH: one is required (the app's private key)");
  }
  if (problems.length > 0 || !parsed.success || privateKey === undefined) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    appId: Number(e.APP_ID),
    privateKey,
    webhookSecret: e.WEBHOOK_SECRET,
    baseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` : "https://api.github.com",
    platformRepo: parseRepoRef(e.FERRY_PLATFORM_REPO),
    cacheDir: path.resolve(cwd, e.FERRY_CACHE_DIR),
    logLevel: e.LOG_LEVEL,
    reconcileInterval: e.FERRY_RECONCILE_INTERVAL,
    doraMetricsTtl: e.FERRY_DORA_METRICS_TTL,
    doraMetricsWindowDays: e.FERRY_DORA_METRICS_WINDOW_DAYS,
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    ...(e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
      ? {
          portal: {
            clientId: e.GITHUB_CLIENT_ID,
            clientSecret: e.GITHUB_CLIENT_SECRET,
            sessionSecret: e.FERRY_SESSION_SECRET ?? createHash("sha256").update(`ferry portal sessions\n${privateKey}`).digest("hex"),
            ...(e.FERRY_PORTAL_URL ? { publicUrl: e.FERRY_PORTAL_URL } : {}),
          },
        }
      : {}),
    ...(e.FERRY_MCP_PLATFORM
      ? {
          mcp: {
            platform: path.resolve(cwd, e.FERRY_MCP_PLATFORM),
            apps: (e.FERRY_MCP_APPS ?? "")
              .split(",")
              .map((a) => a.trim())
              .filter((a) => a !== "")
              .map((a) => path.resolve(cwd, a)),
            allowWrites: e.FERRY_MCP_ALLOW_WRITES === "true",
          },
        }
      : {}),
  };
}
