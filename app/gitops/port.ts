/**
 * app/gitops as the app's {@link GitopsPort} (app/release/gitops.ts): one set of dependencies,
 * with one isomorphic-git cache shared by every call of the process.
 */
import type { GitopsPort } from "../release/gitops.js";
import type { GitopsDeps } from "./deps.js";
import { resolveDeps } from "./deps.js";
import { publish } from "./publish.js";
import { readFiles } from "./read.js";

/** The app's GitOps port on app/gitops. `commit` of an unchanged empty repository is "". */
export function gitopsPort(deps: Partial<GitopsDeps> = {}): GitopsPort {
  const d = resolveDeps(deps);
  return {
    async publish(r) {
      const res = await publish(
        {
          target: { ...r.target },
          changes: r.changes.map((c) => ({ dir: c.dir, files: new Map(c.files), prune: c.prune })),
          message: r.message,
          trailers: { ...r.trailers },
          branch: r.branch ? { ...r.branch } : undefined,
          cacheDir: r.cacheDir,
        },
        d,
      );
      return { commit: res.head ?? "", changed: res.changed, branch: res.branch };
    },
    async readFiles(r) {
      return (await readFiles({ target: { ...r.target }, paths: [...r.paths], cacheDir: r.cacheDir }, d)).files;
    },
  };
}
