/**
 * Conditional requests of the app's GitHub client (app/github-cache.ts, wired by
 * createFerryOctokit) against the fake GitHub, which answers them as GitHub does: an `ETag` on
 * every GET, a bodyless 304 when `If-None-Match` names it.
 */
import type { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { identityOf, ResponseCache, type CachedResponse } from "../../app/github-cache.js";
import type { GitHubResponse } from "../../app/metrics.js";
import { createFerryOctokit } from "../../app/octokit.js";
import { ContractIndex, FakeGitHub } from "../support/fake-github/index.js";
import { createTestProbot } from "../support/fake-github/probot.js";

type Client = Awaited<ReturnType<Probot["auth"]>>;

const contract = ContractIndex.load();
let fake: FakeGitHub;
let acme: number;
let appOnly: number;

beforeAll(async () => {
  fake = await FakeGitHub.start({ contract });
  acme = fake.addInstallation({ account: "acme" }).id;
  appOnly = fake.addInstallation({ account: "acme", repositories: ["acme/app"] }).id;
  await fake.addRepo({
    owner: "acme",
    name: "app",
    files: { "README.md": "app\n", "a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "big.txt": "x".repeat(5000), "gone.txt": "soon gone\n" },
  });
  await fake.addRepo({ owner: "acme", name: "secret", files: { "README.md": "secret\n" } });
});
afterEach(() => fake.assertNoViolations());
afterAll(() => fake.close());

/** A Probot whose clients share `cache`, and what `observe` saw. */
function clients(cache: ResponseCache | boolean = new ResponseCache()): { probot: Probot; seen: GitHubResponse[] } {
  const seen: GitHubResponse[] = [];
  const Octokit = createFerryOctokit({ throttle: false, retries: 0, conditionalRequests: cache, observe: (r) => seen.push(r) });
  return { probot: createTestProbot(fake, { Octokit }), seen };
}

async function readme(gh: Client, repo = "app", path = "README.md"): Promise<{ status: number; text: string }> {
  const res = await gh.rest.repos.getContent({ owner: "acme", repo, path });
  const data = res.data as { content?: string };
  return { status: res.status, text: Buffer.from(data.content ?? "", "base64").toString("utf8") };
}

/** The fake's log of GETs to a path from now on. */
function watch(path: string): () => { status: number; conditional: boolean }[] {
  const from = fake.requests.length;
  return () =>
    fake.requests
      .slice(from)
      .filter((r) => r.method === "GET" && r.path === path)
      .map((r) => ({ status: r.status, conditional: r.conditional }));
}

describe("conditional requests", () => {
  it("asks again with If-None-Match, gets a 304 and hands the caller the same data as a 200", async () => {
    const { probot, seen } = clients();
    const gh = await probot.auth(acme);
    const log = watch("/repos/acme/app");
    const first = await gh.rest.repos.get({ owner: "acme", repo: "app" });
    const second = await gh.rest.repos.get({ owner: "acme", repo: "app" });
    expect(log()).toEqual([
      { status: 200, conditional: false },
      { status: 304, conditional: true },
    ]);
    expect(second.status).toBe(200);
    expect(second.data).toEqual(first.data);
    expect(second.headers.etag).toBe(first.headers.etag);
    // The metrics see the 304 itself (GitHub does not count it against the rate limit).
    expect(seen.filter((r) => r.method === "GET").map((r) => r.status)).toEqual([200, 304]);
  });

  it("hands out copies: a caller changing its data does not change the next answer", async () => {
    const { probot } = clients();
    const gh = await probot.auth(acme);
    const first = await gh.rest.repos.get({ owner: "acme", repo: "app" });
    const second = await gh.rest.repos.get({ owner: "acme", repo: "app" });
    (second.data as { name: string }).name = "changed by a caller";
    const third = await gh.rest.repos.get({ owner: "acme", repo: "app" });
    expect(third.data.name).toBe(first.data.name);
  });

  it("gets the new data with a 200 when the resource changed, and remembers that instead", async () => {
    const { probot } = clients();
    const gh = await probot.auth(acme);
    const log = watch("/repos/acme/app/contents/a.txt");
    expect(await readme(gh, "app", "a.txt")).toEqual({ status: 200, text: "a\n" });
    await fake.commit("acme/app", { files: { "a.txt": "a, changed\n" } });
    expect(await readme(gh, "app", "a.txt")).toEqual({ status: 200, text: "a, changed\n" });
    expect(await readme(gh, "app", "a.txt")).toEqual({ status: 200, text: "a, changed\n" });
    expect(log()).toEqual([
      { status: 200, conditional: false },
      { status: 200, conditional: true },
      { status: 304, conditional: true },
    ]);
  });

  it("forgets a response whose resource is gone", async () => {
    const cache = new ResponseCache();
    const { probot } = clients(cache);
    const gh = await probot.auth(acme);
    await readme(gh, "app", "gone.txt");
    expect(cache.keys().filter((k) => k.includes("/gone.txt"))).toHaveLength(1);
    await fake.commit("acme/app", { files: { "gone.txt": null } });
    await expect(readme(gh, "app", "gone.txt")).rejects.toMatchObject({ status: 404 });
    expect(cache.keys().filter((k) => k.includes("/gone.txt"))).toEqual([]);
  });

  it("never shares an entry between installations, even for the same URL", async () => {
    const cache = new ResponseCache();
    const { probot } = clients(cache);
    const everything = await probot.auth(acme);
    const onlyApp = await probot.auth(appOnly);
    const app = watch("/repos/acme/app/contents/README.md");
    const secret = watch("/repos/acme/secret/contents/README.md");
    await readme(everything);
    await readme(onlyApp);
    await readme(everything, "secret");
    // The other installation asks without a validator, so GitHub decides what it may see.
    await expect(readme(onlyApp, "secret")).rejects.toMatchObject({ status: 404 });
    expect(fake.violations.map((v) => v.message)).toEqual([`installation ${appOnly} (acme) cannot see acme/secret`]);
    fake.clearViolations();
    expect(app()).toEqual([
      { status: 200, conditional: false },
      { status: 200, conditional: false },
    ]);
    expect(secret()).toEqual([
      { status: 200, conditional: false },
      { status: 404, conditional: false },
    ]);
    expect(cache.keys().filter((k) => k.includes("/contents/README.md"))).toEqual([
      `installation:${acme} GET ${fake.url}/repos/acme/app/contents/README.md accept=application/vnd.github.v3+json`,
      `installation:${appOnly} GET ${fake.url}/repos/acme/app/contents/README.md accept=application/vnd.github.v3+json`,
      `installation:${acme} GET ${fake.url}/repos/acme/secret/contents/README.md accept=application/vnd.github.v3+json`,
    ]);
  });

  it("keeps at most maxEntries responses, least recently used out, and no body over maxEntryBytes", async () => {
    const cache = new ResponseCache({ maxEntries: 2, maxEntryBytes: 4000 });
    const { probot } = clients(cache);
    const gh = await probot.auth(acme);
    const a = watch("/repos/acme/app/contents/b.txt");
    const big = watch("/repos/acme/app/contents/big.txt");
    await readme(gh, "app", "b.txt");
    await readme(gh, "app", "c.txt");
    await readme(gh, "app", "README.md");
    expect(cache.size).toBe(2);
    await readme(gh, "app", "b.txt");
    expect(await readme(gh, "app", "big.txt")).toEqual({ status: 200, text: "x".repeat(5000) });
    await readme(gh, "app", "big.txt");
    expect(a()).toEqual([
      { status: 200, conditional: false },
      { status: 200, conditional: false },
    ]);
    expect(big()).toEqual([
      { status: 200, conditional: false },
      { status: 200, conditional: false },
    ]);
    expect(cache.size).toBe(2);
  });

  it("sends plain requests when turned off", async () => {
    const { probot } = clients(false);
    const gh = await probot.auth(acme);
    const log = watch("/repos/acme/app");
    await gh.rest.repos.get({ owner: "acme", repo: "app" });
    await gh.rest.repos.get({ owner: "acme", repo: "app" });
    expect(log()).toEqual([
      { status: 200, conditional: false },
      { status: 200, conditional: false },
    ]);
  });
});

describe("ResponseCache", () => {
  const entry = (bytes: number): CachedResponse => ({ etag: `"${bytes}"`, lastModified: undefined, status: 200, url: "u", headers: {}, data: {}, bytes });

  it("evicts the least recently used entries beyond its byte budget", () => {
    const cache = new ResponseCache({ maxEntries: 10, maxEntryBytes: 60, maxTotalBytes: 100 });
    cache.set("a", entry(40));
    cache.set("b", entry(40));
    cache.get("a");
    cache.set("c", entry(40));
    expect(cache.keys()).toEqual(["a", "c"]);
    expect(cache.bytes).toBe(80);
    cache.set("d", entry(61));
    expect(cache.keys()).toEqual(["a", "c"]);
    cache.set("a", entry(61));
    expect(cache.keys()).toEqual(["c"]);
    expect(cache.bytes).toBe(40);
  });

  it("refuses limits that are not positive integers, naming them", () => {
    expect(() => new ResponseCache({ maxEntries: 0 })).toThrowError(/maxEntries must be a positive integer, got 0/);
    expect(() => new ResponseCache({ maxTotalBytes: 1.5 })).toThrowError(/maxTotalBytes must be a positive integer, got 1.5/);
  });

  it("tells identities apart: installations, tokens, the app", () => {
    expect(identityOf({ auth: { installationId: 7 } })).toBe("installation:7");
    expect(identityOf({ auth: "ghs_one" })).not.toBe(identityOf({ auth: "ghs_two" }));
    expect(identityOf({ auth: "ghs_one" })).not.toContain("ghs_one");
    expect(identityOf({ auth: { appId: 1, privateKey: "k" } })).toBe("app");
  });
});
