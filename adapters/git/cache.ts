/**
 * The clone cache: one bare repository per remote under `<cacheDir>/git/<key>.git`, where `key`
 * comes from {@link cacheKey} (never from raw URL text), and a lock file beside each so that two
 * Ferry processes (or two calls in one process) never fetch into or push from it at once.
 */
import { hostname } from "node:os";
import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import git from "isomorphic-git";
import type { FsClient } from "isomorphic-git";
import { cacheKey } from "./paths.js";

/**
 * Where clones are cached: `FERRY_CACHE_DIR`, else `$XDG_CACHE_HOME/ferry`, else `~/.cache/ferry`.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  if (env.FERRY_CACHE_DIR) return path.resolve(env.FERRY_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), "ferry");
  return path.join(home, ".cache", "ferry");
}

/** Paths of the cached clone of `url`. */
export function cachePaths(cacheDir: string, url: string): { gitdir: string; lock: string } {
  const base = path.join(path.resolve(cacheDir), "git", cacheKey(url));
  return { gitdir: `${base}.git`, lock: `${base}.lock` };
}

/**
 * Creates the bare repository of a cached clone when it is not there yet, with remote `origin`
 * (the URL without credentials: tokens are never written to disk).
 */
export async function ensureCacheRepo(fs: FsClient, gitdir: string, url: string): Promise<void> {
  try {
    await stat(path.join(gitdir, "HEAD"));
  } catch {
    await mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true });
    await git.setConfig({ fs, gitdir, path: "remote.origin.url", value: url });
    await git.setConfig({ fs, gitdir, path: "remote.origin.fetch", value: "+refs/heads/*:refs/remotes/origin/*" });
  }
}

/** Timing of {@link withLock}. */
export interface LockOptions {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
  /** Give up waiting after this long. */
  readonly timeoutMs: number;
  /** A lock older than this is taken over (its holder died without cleaning up). @default 600000 */
  readonly staleMs?: number;
}

/** Whether the process that wrote a lock is gone (same host only; elsewhere we cannot tell). */
function holderIsGone(content: string): boolean {
  const [pid, host] = content.split(" ");
  if (!pid || host !== hostname()) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Runs `fn` holding the lock file `lockPath` (created exclusively, removed afterwards). Waits
 * while another holder has it; takes over a lock whose holder is gone or that is older than
 * `staleMs`; throws after `timeoutMs`.
 */
export async function withLock<T>(lockPath: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(lockPath), { recursive: true });
  const started = opts.now().getTime();
  const staleMs = opts.staleMs ?? 600_000;
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    try {
      const fh = await open(lockPath, "wx");
      await fh.writeFile(`${process.pid} ${hostname()} ${opts.now().toISOString()}\n`);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const content = await readFile(lockPath, "utf8").catch(() => "");
    const age = await stat(lockPath).then(
      (s) => opts.now().getTime() - s.mtimeMs,
      () => 0,
    );
    if (content && (holderIsGone(content) || age > staleMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (opts.now().getTime() - started > opts.timeoutMs) {
      throw new Error(
        `the clone cache is locked by another Ferry process (${lockPath}, held by ${content.trim() || "unknown"}); remove the file if no Ferry is running`,
      );
    }
    await opts.sleep(wait);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
