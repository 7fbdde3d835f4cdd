/** The platform cache: one load per platform commit, failures never remembered. */
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { PlatformCache } from "../../../adapters/github/platform-loader.js";
import type { GitHub } from "../../../adapters/github/types.js";
import { loadBuiltins } from "../../../templates/index.js";
import { FakeGitHub } from "../../support/fake-github/index.js";
import { platformYaml } from "../../support/harness.js";

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const PLATFORM = { owner: "acme", repo: "platform" };
const builtins = loadBuiltins();

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** `treeListings`: one per load of the platform (each load lists the commit's .ferry/ tree once). */
async function start(): Promise<{ fake: FakeGitHub; octokit: GitHub; treeListings: () => number }> {
  fake = await FakeGitHub.start();
  const inst = fake.addInstallation({ account: "acme" });
  await fake.addRepo({ owner: "acme", name: "platform", files: { ".ferry/platform.yaml": platformYaml() } });
  const octokit = new Octokit({ baseUrl: fake.url, auth: fake.issueToken(inst.id).token, log: quiet }) as unknown as GitHub;
  const f = fake;
  return { fake: f, octokit, treeListings: () => f.requests.filter((r) => /^\/repos\/acme\/platform\/git\/trees\//.test(r.path)).length };
}

describe("PlatformCache", () => {
  it("loads a platform commit once, and a new commit once more", async () => {
    const { fake: f, octokit, treeListings } = await start();
    const cache = new PlatformCache(1);
    const first = await cache.read(octokit, PLATFORM, builtins);
    const again = await cache.read(octokit, PLATFORM, builtins);
    expect(first.bundle).toBeDefined();
    expect(again.source).toBe(first.source);
    expect(treeListings()).toBe(1);
    // Each caller gets its own list of findings to add to.
    again.diagnostics.push({ severity: "warning", file: "x", line: 0, column: 0, field: "", code: "test/x", message: "x" });
    expect((await cache.read(octokit, PLATFORM, builtins)).diagnostics).toHaveLength(first.diagnostics.length);

    await f.commit("acme/platform", { files: { ".ferry/platform.yaml": platformYaml({ devApprovals: 1 }) } });
    const changed = await cache.read(octokit, PLATFORM, builtins);
    expect(changed.source).not.toBe(first.source);
    expect(treeListings()).toBe(2);
    expect(cache.size).toBe(1); // capacity 1: the older commit was evicted
    f.assertNoViolations();
  });

  it("does not remember a platform it could not read", async () => {
    const { fake: f, octokit, treeListings } = await start();
    const cache = new PlatformCache();
    const remove = f.override("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", () => ({ status: 502, body: { message: "Bad Gateway" } }));
    const broken = await cache.read(octokit, PLATFORM, builtins);
    expect(broken.bundle).toBeUndefined();
    expect(broken.diagnostics.map((d) => d.code)).toEqual(["github/unreachable"]);
    expect(cache.size).toBe(0);
    remove();
    expect((await cache.read(octokit, PLATFORM, builtins)).bundle).toBeDefined();
    expect(treeListings()).toBe(2);
  });
});
