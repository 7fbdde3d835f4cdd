/**
 * The readers (adapters/git/read.ts) against a real git server (git http-backend behind
 * test/support/git-server.ts): a path's history with its trailers, and empty repositories.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish } from "../../../adapters/git/publish.js";
import { readFiles, readHistory } from "../../../adapters/git/read.js";
import { startGitServer } from "../../support/git-server.js";
import type { GitServer } from "../../support/git-server.js";
import { componentPublish, tempDirs } from "../../support/gitops.js";

const NOW = new Date("2025-03-04T05:06:07Z");
const deps = { now: () => NOW, sleep: () => Promise.resolve() };

let server: GitServer;
const dirs = tempDirs();
let counter = 0;

beforeAll(async () => {
  server = await startGitServer();
});
afterAll(async () => {
  await server.close();
  await dirs.cleanup();
});

/** A fresh repository (with a README commit) and cache directory per test. */
async function fresh(files: Record<string, string> = { "README.md": "gitops\n" }) {
  const name = `repo-${++counter}`;
  const repo = await server.createRepo(name, { files });
  const cacheDir = await dirs.make("ferry-cache-");
  return { name, repo, cacheDir, target: { url: repo.url, branch: "main" } };
}

describe("reading an HTTP remote", () => {
  it("lists the commits that changed an environment path, newest first, with parsed trailers", async () => {
    const { name, repo, cacheDir, target } = await fresh();
    const r1 = await publish(componentPublish(target, cacheDir, { tag: "1.0.0" }), deps);
    await server.commit(name, { files: { "README.md": "edited elsewhere\n" }, message: "docs" });
    await publish(componentPublish(target, cacheDir, { env: "staging" }), deps);
    const req = componentPublish(target, cacheDir, { tag: "2.0.0" });
    const r2 = await publish({ ...req, trailers: { ...req.trailers, "Ferry-Approved-By": ["alice", "bob"] } }, deps);

    const history = await readHistory({ target, cacheDir, path: "environments/dev" }, deps);
    expect(history.map((h) => h.commit)).toEqual([r2.commit, r1.commit]);
    expect(history[0]).toMatchObject({
      subject: "dev: shop/api 2.0.0",
      trailers: {
        "Ferry-Approved-By": ["alice", "bob"],
        "Ferry-Environment": ["dev"],
        "Ferry-Release": ["r-2.0.0"],
        "Ferry-Source": [`acme/api@${"a".repeat(40)}`],
      },
      committer: { name: "Ferry", date: "2025-03-04T05:06:07.000Z" },
    });
    expect(history.map((h) => h.commit)).toEqual((await server.git(name, ["log", "--format=%H", "--", "environments/dev"])).trim().split("\n"));
    expect((await readHistory({ target, cacheDir }, deps)).map((h) => h.subject)).toEqual([
      "dev: shop/api 2.0.0",
      "staging: shop/api 1.0.0",
      "docs",
      "dev: shop/api 1.0.0",
      "initial",
    ]);
    expect(repo.head).toBe(history.at(-1)?.parents[0]);
  });

  it("reads nothing from an empty repository or a missing branch", async () => {
    const name = `empty-${++counter}`;
    const repo = await server.createRepo(name);
    const cacheDir = await dirs.make("ferry-cache-");

    expect(await readFiles({ target: { url: repo.url, branch: "main" }, cacheDir, paths: ["environments"] }, deps)).toEqual({ commit: null, files: new Map() });
    expect(await readHistory({ target: { url: repo.url, branch: "nope" }, cacheDir }, deps)).toEqual([]);
  });
});
