/**
 * Ferry's git side: publishing rendered environments into GitOps repositories and reading them
 * back, on isomorphic-git over smart HTTP(S) (token auth as GitHub expects) or on local paths.
 *
 * - {@link publish}: one commit per change, none when nothing changed, trailers for the audit
 *   trail, only the trees on changed paths rebuilt, compare-and-swap push retried on a moved
 *   branch, never a force push.
 * - {@link readFiles}, {@link readHistory}: what an environment holds, and the commits that
 *   changed it with their trailers.
 * - bootstrap.ts (imported separately): Argo CD and Flux objects pointing at environment paths.
 */
export { GitopsError } from "./errors.js";
export type { GitopsErrorCode } from "./errors.js";
export type { GitopsDeps } from "./deps.js";
export { resolveDeps } from "./deps.js";
export { defaultCacheDir } from "./cache.js";
export { formatCommitMessage, parseCommitMessage } from "../../core/gitops/trailers.js";
export type { ParsedMessage, Trailers } from "../../core/gitops/trailers.js";
export { publish, retryDelay } from "./publish.js";
export type { PublishResult } from "./publish.js";
export { readFiles, readHistory } from "./read.js";
export type { HistoryEntry, HistoryPerson, ReadFilesResult } from "./read.js";
export { Author, BranchName, GitTarget, PublishRequest, ReadFilesRequest, ReadHistoryRequest, RepoPath, TreeChange } from "./schema.js";
export { FERRY_AUTHOR } from "./target.js";
