/**
 * Authentication and authorisation of fake GitHub requests: app JWTs on the app endpoints,
 * installation tokens everywhere else, and the permission each operation needs (enforced when a
 * test gave an installation explicit permissions, so a too-narrow app manifest shows up).
 */
import { createPublicKey, createVerify, type KeyObject } from "node:crypto";

/** Operations that authenticate as the app (JWT), not as an installation. */
export const APP_AUTH_OPERATIONS: ReadonlySet<string> = new Set([
  "GET /app",
  "GET /app/installations",
  "GET /app/installations/{installation_id}",
  "POST /app/installations/{installation_id}/access_tokens",
  "GET /repos/{owner}/{repo}/installation",
  "GET /orgs/{org}/installation",
  "GET /app/hook/deliveries",
  "POST /app/hook/deliveries/{delivery_id}/attempts",
]);

/** Permission (name and level) an operation needs from an installation token. */
export const REQUIRED_PERMISSION: Readonly<Record<string, readonly [string, "read" | "write"]>> = {
  "DELETE /repos/{owner}/{repo}/git/refs/{ref}": ["contents", "write"],
  "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}": ["issues|pull_requests", "write"],
  "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}": ["issues|pull_requests", "write"],
  "GET /installation/repositories": ["metadata", "read"],
  "GET /orgs/{org}/teams/{team_slug}/members": ["members", "read"],
  "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": ["members", "read"],
  "GET /rate_limit": ["metadata", "read"],
  "GET /repos/{owner}/{repo}": ["metadata", "read"],
  "GET /user": ["metadata", "read"],
  "GET /users/{username}": ["metadata", "read"],
  "GET /repos/{owner}/{repo}/branches": ["contents", "read"],
  "GET /repos/{owner}/{repo}/branches/{branch}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}": ["checks", "read"],
  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations": ["checks", "read"],
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission": ["metadata", "read"],
  "GET /repos/{owner}/{repo}/commits": ["contents", "read"],
  "GET /repos/{owner}/{repo}/commits/{ref}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": ["checks", "read"],
  "GET /repos/{owner}/{repo}/commits/{ref}/status": ["statuses", "read"],
  "GET /repos/{owner}/{repo}/compare/{basehead}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/contents/{path}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/deployments": ["deployments", "read"],
  "GET /repos/{owner}/{repo}/deployments/{deployment_id}": ["deployments", "read"],
  "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": ["deployments", "read"],
  "GET /repos/{owner}/{repo}/environments": ["metadata", "read"],
  "GET /repos/{owner}/{repo}/git/blobs/{file_sha}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/git/commits/{commit_sha}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/git/matching-refs/{ref}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/git/ref/{ref}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}": ["issues|pull_requests", "read"],
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": ["issues|pull_requests", "read"],
  "GET /repos/{owner}/{repo}/pulls": ["pull_requests", "read"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": ["pull_requests", "read"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits": ["pull_requests", "read"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": ["pull_requests", "read"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews": ["pull_requests", "read"],
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": ["checks", "write"],
  "PATCH /repos/{owner}/{repo}/git/refs/{ref}": ["contents", "write"],
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": ["issues|pull_requests", "write"],
  "PATCH /repos/{owner}/{repo}/pulls/{pull_number}": ["pull_requests", "write"],
  "POST /repos/{owner}/{repo}/check-runs": ["checks", "write"],
  "POST /repos/{owner}/{repo}/commits/{commit_sha}/comments": ["contents", "write"],
  "GET /repos/{owner}/{repo}/commits/{commit_sha}/comments": ["contents", "read"],
  "PATCH /repos/{owner}/{repo}/comments/{comment_id}": ["contents", "write"],
  "DELETE /repos/{owner}/{repo}/comments/{comment_id}": ["contents", "write"],
  "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls": ["pull_requests", "read"],
  "POST /repos/{owner}/{repo}/deployments": ["deployments", "write"],
  "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": ["deployments", "write"],
  "POST /repos/{owner}/{repo}/git/refs": ["contents", "write"],
  "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions": ["issues|pull_requests", "write"],
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": ["issues|pull_requests", "write"],
  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels": ["issues|pull_requests", "write"],
  "POST /repos/{owner}/{repo}/pulls": ["pull_requests", "write"],
  "POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers": ["pull_requests", "write"],
  "POST /repos/{owner}/{repo}/statuses/{sha}": ["statuses", "write"],
  "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge": ["contents", "write"],
};

const LEVEL = { read: 1, write: 2, admin: 3 } as const;

/** Why a permission set does not allow an operation, or `undefined` when it does. */
export function missingPermission(operation: string, granted: Readonly<Record<string, "read" | "write" | "admin">>): string | undefined {
  const need = REQUIRED_PERMISSION[operation];
  if (!need) return undefined;
  const [names, level] = need;
  const options = names.split("|");
  const ok = options.some((n) => {
    const have = n === "metadata" ? "read" : granted[n];
    return have !== undefined && LEVEL[have] >= LEVEL[level];
  });
  return ok ? undefined : `${operation} needs ${options.join(" or ")}: ${level}; the installation has ${JSON.stringify(granted)}`;
}

/** The credentials of a request, from its Authorization header. */
export type Credentials = { readonly kind: "none" } | { readonly kind: "jwt"; readonly jwt: string } | { readonly kind: "token"; readonly token: string };

/** Reads `Authorization: Bearer <jwt>`, `Bearer <token>` or `token <token>`. */
export function readCredentials(header: string | undefined): Credentials {
  if (!header) return { kind: "none" };
  const m = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (!m?.[2]) return { kind: "none" };
  const value = m[2];
  return value.split(".").length === 3 && !value.startsWith("ghs_") ? { kind: "jwt", jwt: value } : { kind: "token", token: value };
}

/**
 * Checks an app JWT: three base64url parts, RS256, `iss` equal to the app id, and, when a public
 * key is known, a valid signature. Returns the problem, or `undefined` when it is fine.
 */
export function checkJwt(jwt: string, appId: number, publicKey: string | KeyObject | undefined): string | undefined {
  const [h = "", p = "", sig = ""] = jwt.split(".");
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return "the JWT is not base64url JSON";
  }
  const alg = (header as { alg?: unknown }).alg;
  if (alg !== "RS256") return `the JWT must use RS256, got ${String(alg)}`;
  const iss = (payload as { iss?: unknown }).iss;
  if (String(iss) !== String(appId)) return `the JWT's iss is ${String(iss)}, the app id is ${appId}`;
  if (publicKey) {
    const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
    const verifier = createVerify("RSA-SHA256");
    verifier.update(`${h}.${p}`);
    if (!verifier.verify(key, Buffer.from(sig, "base64url"))) return "the JWT signature does not verify with the app's public key";
  }
  return undefined;
}
