/**
 * The one error type of adapters/git. Every message names the repository (never with credentials)
 * and, where it matters, the branch, then says what went wrong and what to do about it.
 */

/** What kind of failure a {@link GitopsError} is, for callers that branch on it. */
export type GitopsErrorCode =
  /** The request itself is wrong (bad path, branch, URL...): nothing was tried. */
  | "invalid"
  /** The server refused the credentials (401) or the token lacks access (403). */
  | "auth"
  /** The server could not be reached (refused, DNS, timeout, TLS). */
  | "unreachable"
  /** The repository or branch does not exist. */
  | "not-found"
  /** The server declined the push (hook, protection rule); nothing landed. */
  | "rejected"
  /** The branch kept moving: every retry lost the compare-and-swap race. */
  | "conflict"
  /** The server or the repository answered something unexpected. */
  | "protocol";

/** A failure of a GitOps operation; `message` is meant for people, `code` for programs. */
export class GitopsError extends Error {
  override readonly name = "GitopsError";
  readonly code: GitopsErrorCode;
  /** Repository URL (credentials stripped) or local path. */
  readonly repo: string;
  /** Branch involved, when one is. */
  readonly branch: string | undefined;

  constructor(code: GitopsErrorCode, repo: string, branch: string | undefined, cause: string, options?: { cause?: unknown }) {
    super(`${describeWhere(repo, branch)}: ${cause}`, options);
    this.code = code;
    this.repo = repo;
    this.branch = branch;
  }
}

/** `gitops https://host/org/repo.git (branch main)`: the common prefix of every message. */
export function describeWhere(repo: string, branch: string | undefined): string {
  return branch === undefined ? `gitops ${repo}` : `gitops ${repo} (branch ${branch})`;
}

/** The text of any thrown value, for wrapping into a message. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
