/**
 * What publishing to a GitOps repository is asked to do: one request type from the release plan
 * to the push. The plan and the promotion build it, the app's GitOps port passes it on unchanged,
 * and adapters/git validates it once at its edge (adapters/git/schema.ts) before editing the tree.
 */
import type { Trailers } from "./trailers.js";
import type { SealedCommit } from "./seal.js";

/** The content of one file: text (Ferry's YAML) or bytes. */
export type FileContent = string | Uint8Array;

/**
 * One directory Ferry writes. `files` are paths relative to `dir` (plain names or sub paths).
 * `prune: true`: afterwards `dir` holds exactly `files` (no files removes the directory, e.g. a
 * removed component); `prune: false`: add or replace `files`, keep the rest.
 */
export interface DirectoryChange {
  /** Repository-relative directory. */
  readonly dir: string;
  readonly files: ReadonlyMap<string, FileContent>;
  readonly prune: boolean;
}

/** Where to publish or read: a repository URL (or local path), a branch, and a token for HTTPS. */
export interface GitTarget {
  /** `https://host/org/repo.git`, `file:///path`, or a local path (relative to the working directory). */
  readonly url: string;
  readonly branch: string;
  /** Sent as Basic auth `x-access-token:<token>`; ignored for local paths. @default none */
  readonly token?: string;
}

/** A commit author. */
export interface CommitAuthor {
  readonly name: string;
  readonly email: string;
}

/** One commit of directory changes to a GitOps target. */
export interface PublishRequest {
  readonly target: GitTarget;
  /** Applied in order; a later change to the same place wins. */
  readonly changes: readonly DirectoryChange[];
  /** Subject line, blank line, body: what changed and why. */
  readonly message: string;
  /** Git trailers (`Ferry-Release`, `Ferry-Approved-By`...), written sorted by key; several values give one line each. */
  readonly trailers: Trailers;
  /** @default Ferry <ferry@users.noreply.github.com> */
  readonly author?: CommitAuthor;
  /**
   * Commit to branch `name` instead of the target branch, which is left alone. A new branch starts
   * at `from` (default: the target branch); an existing one gets a commit on top of its tip.
   * @default the target branch
   */
  readonly branch?: { readonly name: string; readonly from?: string };
  /** Clone cache directory. @default FERRY_CACHE_DIR, else $XDG_CACHE_HOME/ferry, else ~/.cache/ferry */
  readonly cacheDir?: string;
  /** Retries after losing a race for the branch (non-fast-forward). @default 5 */
  readonly retries?: number;
  /**
   * Seals the commit (core/gitops/seal.ts): given the commit's tree, parents and trailers, the
   * `Ferry-Seal` value to add. @default no seal
   */
  readonly seal?: (commit: SealedCommit) => string;
  /** Commit even when the changes leave the tree as it is (a commit that only records its trailers). @default false */
  readonly always?: boolean;
}
