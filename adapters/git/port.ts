/**
 * The GitOps port: how the app, the CLI and the MCP server publish to and read GitOps
 * repositories. One interface ({@link GitopsPort}, its read half {@link GitopsReader}); the
 * default implementation is adapters/git itself, with a clone cache shared between calls.
 */
import type { CommitAuthor, GitTarget, PublishRequest } from "../../core/gitops/request.js";
import type { GitopsDeps } from "./gitops-deps.js";
import { publish } from "./publish.js";
import { readFiles, readHistory } from "./read.js";

/** What a publish did. */
export interface PublishOutcome {
  /** The commit the branch points at afterwards. */
  readonly commit: string;
  /** False when the content was already there (no commit made). */
  readonly changed: boolean;
  /** The branch written. */
  readonly branch: string;
}

/** One commit of a path's history, as {@link GitopsReader.readHistory} gives it. */
export interface HistoryCommit {
  readonly commit: string;
  readonly subject: string;
  /** Trailer values by key, as written (`Ferry-Release`, `Ferry-Approved-By`...). */
  readonly trailers: Readonly<Record<string, readonly string[]>>;
  /** Committer date, ISO 8601 UTC: when the change reached the branch. */
  readonly date: string;
}

/** How GitOps repositories are read. `cacheDir` undefined: adapters/git's default clone cache. */
export interface GitopsReader {
  /**
   * The files at or under `paths` (repository-relative files or directories) at the tip of the
   * target branch (or at `commit`), keyed by repository-relative path; an empty repository or branch gives none.
   */
  readFiles(request: {
    readonly target: GitTarget;
    readonly paths: readonly string[];
    readonly cacheDir: string | undefined;
    /** Read at this commit of the branch (its tip or an ancestor) instead of the tip. @default the tip */
    readonly commit?: string;
  }): Promise<ReadonlyMap<string, string>>;
  /** The commits of the target branch that changed `path`, newest first (at most `limit`, default 50). */
  readHistory(request: {
    readonly target: GitTarget;
    readonly path: string;
    readonly limit?: number;
    readonly cacheDir: string | undefined;
  }): Promise<readonly HistoryCommit[]>;
}

/** How GitOps repositories are read and published to. */
export interface GitopsPort extends GitopsReader {
  /** Commits the changes (compare-and-swap on the ref, retried), or nothing when unchanged. */
  publish(request: PublishRequest & { readonly target: GitTarget; readonly cacheDir: string }): Promise<PublishOutcome>;
}

/**
 * A port that publishes and reads through adapters/git. One instance per process: it holds the
 * parsed pack cache that adapters/git asks long-running processes to share between calls.
 */
export function defaultGitopsPort(deps: Partial<GitopsDeps> = {}): GitopsPort {
  const shared: Partial<GitopsDeps> = { cache: {}, ...deps };
  return {
    async publish(req) {
      const result = await publish(req, shared);
      if (result.head === null) throw new Error(`publishing to ${result.branch} left no commit`);
      return { commit: result.head, changed: result.changed, branch: result.branch };
    },
    async readFiles(req) {
      return (await readFiles(req, shared)).files;
    },
    async readHistory(req) {
      const entries = await readHistory({ target: req.target, path: req.path, limit: req.limit ?? 50, cacheDir: req.cacheDir }, shared);
      return entries.map((e) => ({ commit: e.commit, subject: e.subject, trailers: e.trailers, date: e.committer.date }));
    },
  };
}

/**
 * `port` whose commits are authored by `author()` (Ferry's bot user, or the person a promotion is
 * made for), unless a request names its author; `author()` giving none leaves adapters/git's default.
 */
export function withCommitAuthor(port: GitopsPort, author: () => Promise<CommitAuthor | undefined>): GitopsPort {
  return {
    async publish(request) {
      const who = request.author ?? (await author());
      return port.publish(who ? { ...request, author: who } : request);
    },
    readFiles: (request) => port.readFiles(request),
    readHistory: (request) => port.readHistory(request),
  };
}
