/** The GitOps port over adapters/git (isomorphic-git with a clone cache): the app's default. */
import { publish, readFiles, readHistory } from "../../adapters/git/index.js";
import type { GitopsDeps } from "../../adapters/git/index.js";
import type { GitopsPort } from "./gitops.js";

/**
 * A port that publishes and reads through adapters/git. One instance per app: it holds the parsed
 * pack cache that adapters/git asks long-running processes to share between calls.
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
