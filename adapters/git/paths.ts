/**
 * Where a GitOps target lives and how it is named in the clone cache and in messages. The names
 * inside a repository (paths, branches) are checked by core/gitops/names.ts.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where a GitOps target lives: a smart-HTTP(S) server, or a repository on this machine. */
export type TargetLocation =
  | { readonly kind: "http"; /** URL without credentials, query or fragment. */ readonly url: string }
  | { readonly kind: "local"; /** Absolute path of the work tree or bare repository. */ readonly path: string };

/**
 * Classifies a target: `http(s)://` URLs are remotes, `file://` URLs and plain paths (relative to
 * `cwd`) are local repositories; other schemes and scp-like `user@host:path` are refused with the
 * reason. Credentials inside the URL are refused: they would end up in logs and cache paths.
 */
export function parseTargetUrl(raw: string, cwd: string): { location?: TargetLocation; problems: string[] } {
  const text = raw.trim();
  if (text.length === 0) return { problems: ["must not be empty"] };
  if (/^https?:\/\//i.test(text)) {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      return { problems: [`is not a valid URL: ${JSON.stringify(text)}`] };
    }
    const problems: string[] = [];
    if (u.username || u.password) problems.push("must not contain credentials: pass the token separately (target.token, GITHUB_TOKEN)");
    if (u.search || u.hash) problems.push("must not have a query or fragment");
    if (problems.length > 0) return { problems };
    const url = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
    return { location: { kind: "http", url }, problems: [] };
  }
  if (/^file:\/\//i.test(text)) {
    try {
      return { location: { kind: "local", path: fileURLToPath(text) }, problems: [] };
    } catch {
      return { problems: [`is not a valid file URL: ${JSON.stringify(text)}`] };
    }
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    return { problems: [`uses an unsupported scheme (${text.split(":")[0]}): use an https:// URL with a token, or a local path`] };
  }
  if (/^[^/\\]+@[^/\\:]+:/.test(text)) {
    return { problems: ["is an SSH address, which is not supported: use an https:// URL with a token, or a local path"] };
  }
  return { location: { kind: "local", path: path.resolve(cwd, text) }, problems: [] };
}

/**
 * The cache directory name of a remote: a readable slug of host and path plus a hash of the
 * normalized URL, so no URL can point outside the cache (no separators, never `.` or `..`) and
 * `https://Host/org/repo.git/` and `https://host/org/repo` share one clone.
 */
export function cacheKey(url: string): string {
  const u = new URL(url);
  const normalized = `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, "").replace(/\.git$/i, "")}`;
  const slug = `${u.host}${u.pathname}`
    .toLowerCase()
    .replace(/\.git\/?$/, "")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 60);
  const hash = createHash("sha256").update(normalized).digest("hex").slice(0, 16);
  return `${slug || "repo"}-${hash}`;
}

/** A target URL as it may appear in messages: credentials, query and fragment removed. */
export function displayTarget(raw: string): string {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw)) return raw;
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(unparseable URL)";
  }
}
