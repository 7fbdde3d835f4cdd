/**
 * Opening a target for one operation: a remote through its cached clone (held under the cache
 * lock for the whole operation), or a local repository directly.
 */
import type { Backend } from "./backend.js";
import { cachePaths, defaultCacheDir, ensureCacheRepo, withLock } from "./cache.js";
import type { GitopsDeps } from "./gitops-deps.js";
import { GitopsError, errorText } from "./errors.js";
import { findLocalRepo, localBackend } from "./local.js";
import { displayTarget, parseTargetUrl } from "./paths.js";
import { remoteBackend } from "./remote.js";
import type { GitTarget } from "../../core/gitops/request.js";

/** Identity written into local reflogs and commits by default. */
export const FERRY_AUTHOR = { name: "Ferry", email: "ferry@users.noreply.github.com" } as const;

/** Runs `fn` on `backend`, then releases the files its store opened. */
async function using<T>(backend: Backend, fn: (backend: Backend) => Promise<T>): Promise<T> {
  try {
    return await fn(backend);
  } finally {
    await backend.store.close();
  }
}

/** Runs `fn` with the target opened for reading or writing. */
export async function withBackend<T>(
  target: GitTarget,
  opts: { cacheDir: string | undefined; mode: "read" | "write"; ident: { name: string; email: string } },
  d: GitopsDeps,
  fn: (backend: Backend) => Promise<T>,
): Promise<T> {
  const { location, problems } = parseTargetUrl(target.url, d.cwd);
  if (!location) throw new GitopsError("invalid", displayTarget(target.url), target.branch, `target.url ${problems.join("; ")}`);
  const where = location.kind === "local" ? location.path : location.url;
  const run = async (): Promise<T> => {
    if (location.kind === "local") {
      const repo = await findLocalRepo(location.path, target.branch);
      return using(localBackend({ fs: d.fs, repo, path: location.path, cache: d.cache, ident: { ...opts.ident, now: d.now } }), fn);
    }
    const paths = cachePaths(opts.cacheDir ?? defaultCacheDir(d.env, d.home), location.url);
    return withLock(paths.lock, { sleep: d.sleep, now: d.now, timeoutMs: d.lockTimeoutMs }, async () => {
      await ensureCacheRepo(d.fs, paths.gitdir, location.url);
      return using(
        remoteBackend({
          fs: d.fs,
          http: d.http,
          fetch: d.fetch,
          gitdir: paths.gitdir,
          cache: d.cache,
          url: location.url,
          token: target.token,
          timeoutMs: d.timeoutMs,
          mode: opts.mode,
          branch: target.branch,
        }),
        fn,
      );
    });
  };
  try {
    return await run();
  } catch (err) {
    if (err instanceof GitopsError) throw err;
    throw new GitopsError("protocol", where, target.branch, errorText(err), { cause: err });
  }
}
