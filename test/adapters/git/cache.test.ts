/** The clone cache (adapters/git/cache.ts): its lock, one holder at a time, and its default directory. */
import { stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultCacheDir, withLock } from "../../../adapters/git/cache.js";
import { tempDirs } from "../../support/gitops.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe("the clone cache lock", () => {
  const clock = { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), now: () => new Date() };

  it("runs holders one at a time and removes the lock afterwards", async () => {
    const lock = path.join(await dirs.make(), "repo.lock");
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lock, { ...clock, timeoutMs: 10_000 }, async () => {
        events.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`${name} out`);
      });
    await Promise.all([hold("a"), hold("b"), hold("c")]);

    expect(events.filter((_, i) => i % 2 === 0).map((e) => e.split(" ")[0])).toEqual(events.filter((_, i) => i % 2 === 1).map((e) => e.split(" ")[0]));
    await expect(stat(lock)).rejects.toThrow(/ENOENT/);
  });

  it("takes over a lock left by a process that is gone, and times out on a live one", async () => {
    const dir = await dirs.make();
    const stale = path.join(dir, "stale.lock");
    await writeFile(stale, `999999999 ${hostname()} 2020-01-01T00:00:00Z\n`);
    await expect(withLock(stale, { ...clock, timeoutMs: 1000 }, async () => "ran")).resolves.toBe("ran");

    const live = path.join(dir, "live.lock");
    await writeFile(live, `${process.pid} ${hostname()} now\n`);
    await expect(withLock(live, { ...clock, timeoutMs: 50 }, async () => "ran")).rejects.toThrow(/the clone cache is locked by another Ferry process/);
  });
});

describe("paths, branches and targets", () => {
  it("picks the default cache directory from FERRY_CACHE_DIR, XDG_CACHE_HOME, then ~/.cache/ferry", () => {
    expect(defaultCacheDir({ FERRY_CACHE_DIR: "/c/ferry", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/c/ferry");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/x/ferry");
    expect(defaultCacheDir({}, "/home/u")).toBe("/home/u/.cache/ferry");
  });
});
