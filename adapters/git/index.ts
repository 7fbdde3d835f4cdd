/**
 * Ferry's git side: publishing rendered environments into GitOps repositories and reading them
 * back, on isomorphic-git over smart HTTP(S) (token auth as GitHub expects) or on local paths.
 *
 * - {@link publish}: one commit per change, none when nothing changed, trailers for the audit
 *   trail, only the trees on changed paths rebuilt, compare-and-swap push retried on a moved
 *   branch, never a force push.
 * - {@link readFiles}, {@link readHistory}: what an environment holds, and the commits that
 *   changed it with their trailers.
 *
 * The repository's layout, trailers and request types are core/gitops's; the Argo CD and Flux
 * objects that apply it are core/gitops/bootstrap.ts.
 */
export { GitopsError } from "./errors.js";
export type { GitopsErrorCode } from "./errors.js";
export type { GitopsDeps, PushRetry } from "./gitops-deps.js";
export { resolveGitopsDeps } from "./gitops-deps.js";
export { defaultCacheDir } from "./cache.js";
export { publish, retryDelay } from "./publish.js";
export type { PublishResult } from "./publish.js";
export { readFiles, readHistory } from "./read.js";
export type { HistoryEntry, HistoryPerson, ReadFilesResult } from "./read.js";
export { Author, DirectoryChange, GitTarget, PublishRequest, ReadFilesRequest, ReadHistoryRequest } from "./schema.js";
export { FERRY_AUTHOR } from "./target.js";
