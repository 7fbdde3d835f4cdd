/**
 * The two smart-HTTP exchanges Ferry does itself (git protocol v0/v1, as GitHub and
 * `git http-backend` speak it): reading a server's refs, and a receive-pack push that sends
 * exactly the objects a change created with a compare-and-swap on one ref. isomorphic-git's own
 * push walks every tree of the new commit and of the merge base to work out what to send, which
 * costs time in proportion to the repository; here the caller knows the new objects already.
 *
 * Fetching (upload-pack, pack negotiation and indexing) stays with isomorphic-git.
 */
import { GitopsError, errorText } from "./errors.js";
import { ZERO_OID } from "./objects.js";

/** The `fetch` Ferry talks HTTP with (the global one by default). */
export type FetchFn = typeof globalThis.fetch;

/** How to reach a remote. */
export interface RemoteEndpoint {
  /** Repository URL without credentials. */
  readonly url: string;
  readonly token: string | undefined;
  readonly fetch: FetchFn;
  /** Per request. */
  readonly timeoutMs: number;
  /** The branch the operation is about (for messages). */
  readonly branch: string | undefined;
}

/** The refs a server advertises, by full name (`refs/heads/main`), and its capabilities. */
export interface Advertisement {
  readonly refs: ReadonlyMap<string, string>;
  readonly capabilities: ReadonlySet<string>;
}

/** Basic auth the way GitHub wants installation tokens: user `x-access-token`. */
export function authorizationHeader(token: string): string {
  return `Basic ${Buffer.from(`x-access-token:${token}`, "utf8").toString("base64")}`;
}

/** Headers for every request to the endpoint (auth sent up front: one round trip fewer). */
export function requestHeaders(ep: RemoteEndpoint): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": "git/2.0 (ferry)" };
  if (ep.token) headers.authorization = authorizationHeader(ep.token);
  return headers;
}

/** The GitopsError for a non-2xx HTTP answer; `action` is "read" or "push to". */
export function httpStatusError(ep: RemoteEndpoint, status: number, action: "read" | "push to"): GitopsError {
  if (status === 401) {
    const cause = ep.token
      ? "authentication failed: the server refused the token; check that it is valid and not expired"
      : "authentication required: the server wants a token (set GITHUB_TOKEN or target.token)";
    return new GitopsError("auth", ep.url, ep.branch, cause);
  }
  if (status === 403) return new GitopsError("auth", ep.url, ep.branch, `access denied: the token may not ${action} this repository`);
  if (status === 404) return new GitopsError("not-found", ep.url, ep.branch, "repository not found (or the token cannot see it)");
  return new GitopsError("protocol", ep.url, ep.branch, `the server answered HTTP ${status} when asked to ${action} the repository`);
}

/** The GitopsError for a request that got no HTTP answer at all. */
export function networkError(ep: RemoteEndpoint, err: unknown): GitopsError {
  const code = networkCode(err);
  let cause: string;
  if (code === "ECONNREFUSED") cause = "cannot reach the server: connection refused (is it running, is the URL right?)";
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN") cause = "cannot reach the server: host name not found";
  else if (code === "TIMEOUT") cause = `cannot reach the server: no answer within ${ep.timeoutMs} ms`;
  else if (code === "ECONNRESET" || code === "EPIPE") cause = "the connection to the server was reset";
  else if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) cause = `TLS problem talking to the server (${code})`;
  else cause = `cannot reach the server: ${code ?? errorText(err)}`;
  return new GitopsError("unreachable", ep.url, ep.branch, cause, { cause: err });
}

/** Codes of system, socket and TLS errors (not isomorphic-git's own `NotFoundError` and the like). */
const SYSTEM_CODE = /^(E[A-Z0-9]+|UND_ERR_[A-Z_]+|ERR_TLS_[A-Z_]+|CERT_[A-Z_]+|[A-Z_]*SELF_SIGNED[A-Z_]*|UNABLE_TO_[A-Z_]+)$/;

/** The system error code behind a failed request, looking through `cause` chains. */
export function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === "object"; i++) {
    const o = e as { name?: unknown; code?: unknown; cause?: unknown };
    if (o.name === "TimeoutError" || o.name === "AbortError") return "TIMEOUT";
    if (typeof o.code === "string" && SYSTEM_CODE.test(o.code)) {
      return o.code === "UND_ERR_CONNECT_TIMEOUT" || o.code === "ETIMEDOUT" ? "TIMEOUT" : o.code;
    }
    e = o.cause;
  }
  return undefined;
}

async function request(
  ep: RemoteEndpoint,
  path: string,
  init: { method: string; headers: Record<string, string>; body?: Buffer },
  action: "read" | "push to",
): Promise<{ status: number; type: string; body: Buffer }> {
  let res: Response;
  try {
    res = await ep.fetch(`${ep.url}${path}`, {
      method: init.method,
      headers: { ...requestHeaders(ep), ...init.headers },
      body: init.body,
      redirect: "follow",
      signal: AbortSignal.timeout(ep.timeoutMs),
    });
  } catch (err) {
    throw networkError(ep, err);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw networkError(ep, err);
  }
  if (res.status < 200 || res.status >= 300) throw httpStatusError(ep, res.status, action);
  return { status: res.status, type: res.headers.get("content-type") ?? "", body };
}

/** One pkt-line: a payload, or a flush (`0000`)/delimiter packet as null. */
export function* readPktLines(buf: Buffer): Generator<Buffer | null> {
  let at = 0;
  while (at + 4 <= buf.length) {
    const len = Number.parseInt(buf.toString("latin1", at, at + 4), 16);
    if (Number.isNaN(len)) throw new Error(`bad pkt-line length ${JSON.stringify(buf.toString("latin1", at, at + 4))}`);
    if (len < 4) {
      at += 4;
      yield null;
      continue;
    }
    if (at + len > buf.length) throw new Error("truncated pkt-line");
    yield buf.subarray(at + 4, at + len);
    at += len;
  }
}

/** Encodes one pkt-line. */
export function pktLine(payload: string | Buffer): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  return Buffer.concat([Buffer.from((data.length + 4).toString(16).padStart(4, "0"), "latin1"), data]);
}

/** Parses an `info/refs?service=...` advertisement (v0/v1). */
export function parseAdvertisement(body: Buffer, service: string): Advertisement {
  const refs = new Map<string, string>();
  let capabilities = new Set<string>();
  let first = true;
  for (const line of readPktLines(body)) {
    if (line === null) continue;
    let text = line.toString("utf8").replace(/\n$/, "");
    if (text.startsWith("# service=")) {
      if (text !== `# service=${service}`) throw new Error(`advertisement for ${text.slice(10)}, expected ${service}`);
      continue;
    }
    if (text.startsWith("version ")) continue;
    if (first) {
      const nul = text.indexOf("\0");
      if (nul >= 0) {
        capabilities = new Set(
          text
            .slice(nul + 1)
            .split(" ")
            .filter(Boolean),
        );
        text = text.slice(0, nul);
      }
      first = false;
    }
    const m = /^([0-9a-f]{40}) (.+)$/.exec(text);
    if (!m?.[1] || !m[2]) throw new Error(`unexpected advertisement line ${JSON.stringify(text.slice(0, 80))}`);
    if (m[2] !== "capabilities^{}" && !m[2].endsWith("^{}")) refs.set(m[2], m[1]);
  }
  return { refs, capabilities };
}

/** Reads the refs of a remote through the given service (`git-upload-pack` to read, `git-receive-pack` to push). */
export async function discover(ep: RemoteEndpoint, service: "git-upload-pack" | "git-receive-pack"): Promise<Advertisement> {
  const action = service === "git-receive-pack" ? "push to" : "read";
  const res = await request(ep, `/info/refs?service=${service}`, { method: "GET", headers: { accept: "*/*" } }, action);
  if (!res.type.startsWith(`application/x-${service}-advertisement`)) {
    throw new GitopsError("protocol", ep.url, ep.branch, `not a smart git HTTP server (info/refs answered ${res.type || "no content type"})`);
  }
  try {
    return parseAdvertisement(res.body, service);
  } catch (err) {
    throw new GitopsError("protocol", ep.url, ep.branch, `unreadable ref advertisement: ${errorText(err)}`, { cause: err });
  }
}

/** What the server said about a push. */
export interface PushReport {
  /** `ok`, or why the server could not unpack the objects. */
  readonly unpack: string;
  /** Per ref: null when updated, else the server's reason (`failed to update ref`, `pre-receive hook declined`...). */
  readonly refs: ReadonlyMap<string, string | null>;
  /** Messages hooks and the server printed (`remote:` lines), trimmed. */
  readonly messages: readonly string[];
}

/** Parses a receive-pack result, demultiplexing side-band channels when present. */
export function parsePushReport(body: Buffer, sideBand: boolean): PushReport {
  let report = body;
  const messages: string[] = [];
  if (sideBand) {
    const data: Buffer[] = [];
    for (const line of readPktLines(body)) {
      if (line === null || line.length === 0) continue;
      const band = line[0];
      const payload = line.subarray(1);
      if (band === 1) data.push(payload);
      else if (band === 2 || band === 3) messages.push(...payload.toString("utf8").split(/[\r\n]+/));
    }
    report = Buffer.concat(data);
  }
  let unpack = "no report";
  const refs = new Map<string, string | null>();
  for (const line of readPktLines(report)) {
    if (line === null) continue;
    const text = line.toString("utf8").replace(/\n$/, "");
    if (text.startsWith("unpack ")) unpack = text.slice(7);
    else if (text.startsWith("ok ")) refs.set(text.slice(3), null);
    else if (text.startsWith("ng ")) {
      const rest = text.slice(3);
      const sp = rest.indexOf(" ");
      refs.set(sp < 0 ? rest : rest.slice(0, sp), sp < 0 ? "rejected" : rest.slice(sp + 1));
    }
  }
  return { unpack, refs, messages: messages.map((m) => m.trim()).filter(Boolean) };
}

/**
 * Pushes `pack` and asks the server to move `ref` from `oldOid` (null: must not exist) to
 * `newOid`, which git's receive-pack does as a compare-and-swap: if the ref moved meanwhile, the
 * update fails and nothing changes. Never a force push.
 */
export async function receivePack(
  ep: RemoteEndpoint,
  adv: Advertisement,
  update: { ref: string; oldOid: string | null; newOid: string },
  pack: Buffer,
): Promise<PushReport> {
  const sideBand = adv.capabilities.has("side-band-64k");
  const caps = ["report-status", ...(sideBand ? ["side-band-64k"] : []), ...(adv.capabilities.has("quiet") ? ["quiet"] : []), "agent=ferry"];
  const command = pktLine(`${update.oldOid ?? ZERO_OID} ${update.newOid} ${update.ref}\0${caps.join(" ")}\n`);
  const body = Buffer.concat([command, Buffer.from("0000", "latin1"), pack]);
  const res = await request(
    ep,
    "/git-receive-pack",
    {
      method: "POST",
      headers: { "content-type": "application/x-git-receive-pack-request", accept: "application/x-git-receive-pack-result" },
      body,
    },
    "push to",
  );
  try {
    return parsePushReport(res.body, sideBand);
  } catch (err) {
    throw new GitopsError("protocol", ep.url, ep.branch, `unreadable push report: ${errorText(err)}`, { cause: err });
  }
}
