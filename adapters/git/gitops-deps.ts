/**
 * The edges adapters/git talks to, passed in (with working defaults) so tests and benchmarks can
 * substitute any of them.
 */
import fs from "node:fs";
import os from "node:os";
import type { FsClient, HttpClient } from "isomorphic-git";
import http from "isomorphic-git/http/node";
import type { FetchFn } from "./protocol.js";

/** Dependencies of every adapters/git operation. */
export interface GitopsDeps {
  /** File system for isomorphic-git. @default node:fs */
  readonly fs: FsClient;
  /** isomorphic-git's HTTP client (fetching packs). @default isomorphic-git/http/node */
  readonly http: HttpClient;
  /** HTTP for ref discovery and pushes. @default globalThis.fetch */
  readonly fetch: FetchFn;
  /** Commit timestamps. @default () => new Date() */
  readonly now: () => Date;
  /** Retry jitter, in [0, 1). @default Math.random */
  readonly random: () => number;
  /** @default setTimeout-based */
  readonly sleep: (ms: number) => Promise<void>;
  /** Where FERRY_CACHE_DIR / XDG_CACHE_HOME are read. @default process.env */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative local paths. @default process.cwd() */
  readonly cwd: string;
  /** Home directory for the default cache. @default os.homedir() */
  readonly home: string;
  /**
   * isomorphic-git's object cache, used when fetching and when updating a local work tree (Ferry
   * reads objects through its own pack reader). A long-running process may pass one object to
   * every call. @default a new object per call
   */
  readonly cache: object;
  /** Per HTTP request. @default 60000 */
  readonly timeoutMs: number;
  /** How long to wait for another process's lock on a cached clone. @default 300000 */
  readonly lockTimeoutMs: number;
  /** Told each time a publish tries again because another writer moved the branch (metrics). @default nobody */
  readonly onPushRetry: (retry: PushRetry) => void;
}

/** A publish about to try again on the branch's new tip. */
export interface PushRetry {
  readonly repo: string;
  readonly branch: string;
  /** The attempt that lost the compare-and-swap (1 for the first). */
  readonly attempt: number;
}

/** Fills in the defaults of {@link GitopsDeps}. */
export function resolveGitopsDeps(deps: Partial<GitopsDeps> = {}): GitopsDeps {
  return {
    fs: deps.fs ?? fs,
    http: deps.http ?? http,
    fetch: deps.fetch ?? globalThis.fetch,
    now: deps.now ?? (() => new Date()),
    random: deps.random ?? Math.random,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    env: deps.env ?? process.env,
    cwd: deps.cwd ?? process.cwd(),
    home: deps.home ?? os.homedir(),
    cache: deps.cache ?? {},
    timeoutMs: deps.timeoutMs ?? 60_000,
    lockTimeoutMs: deps.lockTimeoutMs ?? 300_000,
    onPushRetry: deps.onPushRetry ?? (() => undefined),
  };
}
