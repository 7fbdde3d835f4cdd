/**
 * publish() against a real git server (git http-backend behind test/support/git-server.ts),
 * checked afterwards with the git CLI on the server's bare repositories.
 */
import fc from "fast-check";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish, retryDelay } from "../../../adapters/git/publish.js";
import type { PushRetry } from "../../../adapters/git/gitops-deps.js";
import { readFiles } from "../../../adapters/git/read.js";
import { commitSeal, sealHolds } from "../../../core/gitops/seal.js";
import { parseCommitMessage } from "../../../core/gitops/trailers.js";
import { EMPTY_TREE } from "../../../adapters/git/objects.js";
import { runGit, startGitServer, unreachableUrl } from "../../support/git-server.js";
import type { GitServer } from "../../support/git-server.js";
import { componentPublish, failure, rendered, tempDirs } from "../../support/gitops.js";

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

const show = (name: string, spec: string) => server.git(name, ["show", spec]);
const lsTree = async (name: string, treeish: string, dir: string) =>
  (await server.git(name, ["ls-tree", "-r", "--name-only", treeish, "--", dir])).split("\n").filter(Boolean);
const fsck = (name: string) => server.git(name, ["fsck", "--strict", "--no-dangling"]);
const pushes = (name: string) => server.requests.filter((r) => r.repo === name && r.method === "POST" && r.service === "git-receive-pack").length;

describe("publish to an HTTP remote", () => {
  it("commits the rendered files as one commit with the trailers, on top of the branch tip", async () => {
    const { name, repo, cacheDir, target } = await fresh();
    const res = await publish(componentPublish(target, cacheDir, { tag: "1.0.0" }), deps);

    expect(res).toMatchObject({ changed: true, branch: "main", attempts: 1 });
    expect(res.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(res.head).toBe(res.commit);
    expect(await server.head(name)).toBe(res.commit);
    expect(await server.git(name, ["rev-parse", `${res.commit}^`])).toBe(`${repo.head}\n`);
    expect(await show(name, "main:environments/dev/shop/api/deployment.yaml")).toBe(rendered("api", "1.0.0")["deployment.yaml"]);
    expect(await lsTree(name, "main", ".")).toEqual(["README.md", "environments/dev/shop/api/deployment.yaml", "environments/dev/shop/api/service.yaml"]);
    expect(await server.git(name, ["log", "-1", "--format=%an <%ae> %aI|%cn <%ce> %cI|%s"])).toBe(
      "Ferry <ferry@users.noreply.github.com> 2025-03-04T05:06:07+00:00|Ferry <ferry@users.noreply.github.com> 2025-03-04T05:06:07+00:00|dev: shop/api 1.0.0\n",
    );
    await expect(fsck(name)).resolves.toBe("");
  });

  it("writes trailers git interpret-trailers parses, sorted by key, one line per value", async () => {
    const { name, cacheDir, target } = await fresh();
    const req = componentPublish(target, cacheDir);
    await publish({ ...req, trailers: { ...req.trailers, "Ferry-Approved-By": ["alice", "bob"] } }, deps);
    const message = await server.git(name, ["log", "-1", "--format=%B"]);
    const parsed = await runGit(server.repoPath(name), ["interpret-trailers", "--parse"], message);

    expect(parsed).toBe(
      [
        "Ferry-Approved-By: alice",
        "Ferry-Approved-By: bob",
        "Ferry-Environment: dev",
        "Ferry-Release: r-1.0.0",
        `Ferry-Source: acme/api@${"a".repeat(40)}`,
        "",
      ].join("\n"),
    );
    expect(message.startsWith("dev: shop/api 1.0.0\n\nRelease 1.0.0 of shop/api.\n\nFerry-Approved-By: alice\n")).toBe(true);
  });

  it("makes no commit and no push when the repository already holds exactly the change", async () => {
    const { name, cacheDir, target } = await fresh();
    const first = await publish(componentPublish(target, cacheDir), deps);
    const pushesBefore = pushes(name);
    const again = await publish(componentPublish(target, cacheDir), { ...deps, now: () => new Date("2030-01-01T00:00:00Z") });

    expect(again).toEqual({ commit: null, changed: false, branch: "main", head: first.commit, attempts: 1 });
    expect(await server.head(name)).toBe(first.commit);
    expect(pushes(name)).toBe(pushesBefore);
    expect(await server.git(name, ["rev-list", "--count", "main"])).toBe("2\n");
  });

  it("prunes a resource the component no longer renders and removes a removed component's directory", async () => {
    const { name, cacheDir, target } = await fresh();
    await publish(componentPublish(target, cacheDir, { component: "api" }), deps);
    await publish(componentPublish(target, cacheDir, { component: "web" }), deps);
    const withoutService = await publish(componentPublish(target, cacheDir, { component: "api", files: { "deployment.yaml": "kind: Deployment\n" } }), deps);

    expect(withoutService.changed).toBe(true);
    expect(await lsTree(name, "main", "environments")).toEqual([
      "environments/dev/shop/api/deployment.yaml",
      "environments/dev/shop/web/deployment.yaml",
      "environments/dev/shop/web/service.yaml",
    ]);

    const removed = await publish(
      { ...componentPublish(target, cacheDir, { component: "web" }), changes: [{ dir: "environments/dev/shop/web", files: {}, prune: true }] },
      deps,
    );
    expect(removed.changed).toBe(true);
    expect(await lsTree(name, "main", "environments")).toEqual(["environments/dev/shop/api/deployment.yaml"]);
    expect(await lsTree(name, "main", ".")).toContain("README.md");
    await expect(fsck(name)).resolves.toBe("");
  });

  it("removes directories left empty up the path, and keeps the repository root when everything goes", async () => {
    const { name, cacheDir, target } = await fresh({ "environments/dev/shop/api/a.yaml": "a\n" });
    const res = await publish({ ...componentPublish(target, cacheDir), changes: [{ dir: "environments/dev/shop/api", files: {}, prune: true }] }, deps);

    expect(res.changed).toBe(true);
    expect(await server.git(name, ["ls-tree", "main"])).toBe("");
    expect(await server.git(name, ["rev-parse", "main^{tree}"])).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904\n");
    await expect(fsck(name)).resolves.toBe("");
  });

  it("adds files without pruning (the release snapshot) and writes several directories in one commit", async () => {
    const { name, cacheDir, target } = await fresh({ "releases/shop/api/r-0.yaml": "old: release\n" });
    const req = componentPublish(target, cacheDir);
    const res = await publish(
      { ...req, changes: [...req.changes, { dir: "releases/shop/api", files: { "r-1.0.0.yaml": "new: release\n" }, prune: false }] },
      deps,
    );

    expect(res.changed).toBe(true);
    expect(await server.git(name, ["rev-list", "--count", "main"])).toBe("2\n");
    expect(await lsTree(name, "main", "releases")).toEqual(["releases/shop/api/r-0.yaml", "releases/shop/api/r-1.0.0.yaml"]);
    expect(await server.git(name, ["diff", "--name-only", "main^", "main"])).toBe(
      "environments/dev/shop/api/deployment.yaml\nenvironments/dev/shop/api/service.yaml\nreleases/shop/api/r-1.0.0.yaml\n",
    );
  });

  it("accepts files as a Map and as bytes, with sub paths under the directory", async () => {
    const { name, cacheDir, target } = await fresh();
    const files = new Map<string, string | Uint8Array>([
      ["crds/widget.yaml", "kind: CustomResourceDefinition\n"],
      ["binary.dat", new Uint8Array([0, 1, 2, 255])],
    ]);
    await publish({ ...componentPublish(target, cacheDir), changes: [{ dir: "environments/dev/shop/api", files, prune: true }] }, deps);

    expect(await lsTree(name, "main", "environments")).toEqual(["environments/dev/shop/api/binary.dat", "environments/dev/shop/api/crds/widget.yaml"]);
    expect(await server.git(name, ["cat-file", "-s", "main:environments/dev/shop/api/binary.dat"])).toBe("4\n");
  });

  it("publishes into an empty repository as its first commit", async () => {
    const name = `empty-${++counter}`;
    const repo = await server.createRepo(name);
    const cacheDir = await dirs.make("ferry-cache-");
    const res = await publish(componentPublish({ url: repo.url, branch: "main" }, cacheDir), deps);

    expect(res.changed).toBe(true);
    expect(await server.git(name, ["rev-list", "--parents", "main"])).toBe(`${res.commit}\n`);
    await expect(fsck(name)).resolves.toBe("");
  });

  it("keeps several environments in one repository and environments in different repositories apart", async () => {
    const a = await fresh();
    const b = await fresh();
    const cacheDir = await dirs.make("ferry-cache-");
    await publish(componentPublish(a.target, cacheDir, { env: "dev", tag: "1.0.0" }), deps);
    await publish(componentPublish(a.target, cacheDir, { env: "staging", tag: "0.9.0" }), deps);
    await publish(componentPublish(b.target, cacheDir, { env: "prod", tag: "0.8.0" }), deps);

    expect(await show(a.name, "main:environments/dev/shop/api/deployment.yaml")).toContain("api:1.0.0");
    expect(await show(a.name, "main:environments/staging/shop/api/deployment.yaml")).toContain("api:0.9.0");
    expect(await lsTree(a.name, "main", "environments/prod")).toEqual([]);
    expect(await lsTree(b.name, "main", "environments")).toEqual(["environments/prod/shop/api/deployment.yaml", "environments/prod/shop/api/service.yaml"]);
    const cached = (await readdir(path.join(cacheDir, "git"))).filter((f) => f.endsWith(".git"));
    expect(cached).toHaveLength(2);
  });

  it("fetches incrementally when another writer moved the branch, and builds on the new tip", async () => {
    const { name, cacheDir, target } = await fresh();
    await publish(componentPublish(target, cacheDir, { component: "api" }), deps);
    const other = await server.commit(name, { files: { "environments/dev/shop/other/x.yaml": "other: writer\n" }, message: "someone else" });
    const res = await publish(componentPublish(target, cacheDir, { component: "web" }), deps);

    expect(await server.git(name, ["rev-parse", `${res.commit}^`])).toBe(`${other}\n`);
    expect(await lsTree(name, "main", "environments/dev/shop")).toEqual([
      "environments/dev/shop/api/deployment.yaml",
      "environments/dev/shop/api/service.yaml",
      "environments/dev/shop/other/x.yaml",
      "environments/dev/shop/web/deployment.yaml",
      "environments/dev/shop/web/service.yaml",
    ]);
    const cache = path.join(cacheDir, "git", (await readdir(path.join(cacheDir, "git"))).find((f) => f.endsWith(".git")) ?? "");
    const packs = (await readdir(path.join(cache, "objects", "pack"))).filter((f) => f.endsWith(".idx"));
    expect(packs).toHaveLength(2);
    const sizes = await Promise.all(
      packs.map(async (p) => (await runGit(cache, ["show-index"], await readFile(path.join(cache, "objects", "pack", p)))).split("\n").filter(Boolean).length),
    );
    // The first pack is the clone (README commit); the second holds only the other writer's commit.
    expect(Math.min(...sizes)).toBeLessThanOrEqual(6);
  });
});

describe("publish when the branch moves (optimistic concurrency)", () => {
  it("re-applies the change on the new tip when another push lands between its read and its push", async () => {
    const { name, cacheDir, target } = await fresh();
    let concurrent = "";
    server.beforeNextPush(name, async () => {
      concurrent = await server.commit(name, { files: { "environments/dev/shop/web/deployment.yaml": "web: concurrent\n" }, message: "concurrent push" });
    });
    const retries: PushRetry[] = [];
    const res = await publish(componentPublish(target, cacheDir, { component: "api" }), { ...deps, onPushRetry: (r) => retries.push(r) });

    expect(res.attempts).toBe(2);
    expect(retries).toEqual([{ repo: expect.any(String), branch: "main", attempt: 1 }]); // the metrics' push retries
    expect(await server.git(name, ["rev-parse", `${res.commit}^`])).toBe(`${concurrent}\n`);
    expect(await show(name, "main:environments/dev/shop/web/deployment.yaml")).toBe("web: concurrent\n");
    expect(await show(name, "main:environments/dev/shop/api/deployment.yaml")).toBe(rendered("api", "1.0.0")["deployment.yaml"]);
    await expect(fsck(name)).resolves.toBe("");
  });

  it("lands every change when several publishers with their own caches race on one branch", async () => {
    const { name, target } = await fresh();
    const components = ["a", "b", "c", "d", "e", "f"];
    const caches = await Promise.all(components.map(() => dirs.make("ferry-cache-")));
    const results = await Promise.all(
      components.map((component, i) =>
        publish(
          { ...componentPublish(target, caches[i] ?? "", { component }), retries: 20 },
          { ...deps, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
        ),
      ),
    );

    expect(results.every((r) => r.changed)).toBe(true);
    expect(await server.git(name, ["rev-list", "--count", "--first-parent", "main"])).toBe(`${components.length + 1}\n`);
    expect(await server.git(name, ["rev-list", "--merges", "main"])).toBe("");
    for (const c of components) expect(await show(name, `main:environments/dev/shop/${c}/service.yaml`)).toBe(rendered(c, "1.0.0")["service.yaml"]);
    // Every commit a publisher reported is in the branch's history: nothing was overwritten.
    for (const r of results) await expect(server.git(name, ["merge-base", "--is-ancestor", r.commit ?? "", "main"])).resolves.toBe("");
    await expect(fsck(name)).resolves.toBe("");
  });

  it("serializes publishers sharing one cache directory and lands both", async () => {
    const { name, cacheDir, target } = await fresh();
    const [x, y] = await Promise.all([
      publish(componentPublish(target, cacheDir, { component: "x" }), deps),
      publish(componentPublish(target, cacheDir, { component: "y" }), deps),
    ]);

    expect(x.changed && y.changed).toBe(true);
    expect(await lsTree(name, "main", "environments/dev/shop")).toHaveLength(4);
    expect(await server.git(name, ["rev-list", "--count", "main"])).toBe("3\n");
  });

  it("gives up with a conflict error after the retries when the branch keeps moving", async () => {
    const { name, cacheDir, target } = await fresh();
    const moveAgain = () =>
      server.beforeNextPush(name, async () => {
        await server.commit(name, { files: { [`noise/${Date.now()}-${Math.random()}.txt`]: "x\n" } });
        moveAgain();
      });
    moveAgain();
    const retried: number[] = [];
    const err = await failure(publish({ ...componentPublish(target, cacheDir), retries: 2 }, { ...deps, onPushRetry: (r) => retried.push(r.attempt) }));
    server.beforeNextPush(name, () => Promise.resolve());
    expect(retried).toEqual([1, 2]);

    expect(err.code).toBe("conflict");
    expect(err.message).toContain(`gitops ${target.url} (branch main): gave up after 3 attempts`);
    expect(await lsTree(name, "main", "environments")).toEqual([]);
  });
});

describe("publish failures leave nothing behind and say why", () => {
  /** The cached clone's mirror of `main`. */
  async function cachedTip(cacheDir: string): Promise<string> {
    const cache = (await readdir(path.join(cacheDir, "git"))).find((f) => f.endsWith(".git")) ?? "";
    return runGit(path.join(cacheDir, "git", cache), ["rev-parse", "refs/heads/main"]);
  }

  it("reports a push declined by a pre-receive hook with the hook's message and changes nothing", async () => {
    const { name, repo, cacheDir, target } = await fresh();
    const objectsBefore = await server.git(name, ["count-objects"]);
    await server.rejectPushes(name, { message: "policy: environments/dev is frozen" });
    const err = await failure(publish(componentPublish(target, cacheDir), deps));

    expect(err.code).toBe("rejected");
    expect(err.message).toBe(
      `gitops ${repo.url} (branch main): push rejected: pre-receive hook declined; policy: environments/dev is frozen; nothing was changed`,
    );
    expect(await server.head(name)).toBe(repo.head);
    expect(await cachedTip(cacheDir)).toBe(`${repo.head}\n`);
    expect(await server.git(name, ["count-objects"])).toBe(objectsBefore);
    await expect(fsck(name)).resolves.toBe("");

    const retry = await publish(componentPublish(target, cacheDir), deps);
    expect(retry.changed).toBe(true);
    expect(await server.head(name)).toBe(retry.commit);
  });

  it("reports a server failure during the push clearly and keeps the cache at the remote tip", async () => {
    const { name, repo, cacheDir, target } = await fresh();
    server.failNextPush(name, 500);
    const err = await failure(publish(componentPublish(target, cacheDir), deps));

    expect(err.code).toBe("protocol");
    expect(err.message).toBe(`gitops ${repo.url} (branch main): the server answered HTTP 500 when asked to push to the repository`);
    expect(await server.head(name)).toBe(repo.head);
    expect(await cachedTip(cacheDir)).toBe(`${repo.head}\n`);
  });

  it("reports an unreachable server", async () => {
    const url = await unreachableUrl();
    const err = await failure(publish(componentPublish({ url, branch: "main" }, await dirs.make()), deps));

    expect(err.code).toBe("unreachable");
    expect(err.message).toBe(`gitops ${url} (branch main): cannot reach the server: connection refused (is it running, is the URL right?)`);
  });

  it("reports a missing repository", async () => {
    const err = await failure(publish(componentPublish({ url: server.repoUrl("no-such-repo"), branch: "main" }, await dirs.make()), deps));

    expect(err.code).toBe("not-found");
    expect(err.message).toContain("repository not found");
  });

  it("refuses path tricks and bad names before touching the server, listing every problem", async () => {
    const { name, cacheDir, target } = await fresh();
    const before = server.requests.filter((r) => r.repo === name).length;
    const err = await failure(
      publish(
        {
          target: { ...target, branch: "main..x" },
          cacheDir,
          changes: [
            { dir: "../outside", files: { "a.yaml": "x" }, prune: true },
            { dir: "/etc", files: {}, prune: true },
            { dir: "environments/dev/.git/hooks", files: {}, prune: false },
            { dir: "environments//dev", files: { "../../escape.yaml": "x", "ok.yaml": "y", "sub\\win.yaml": "z", ".GIT/config": "w" }, prune: false },
            { dir: "", files: {}, prune: true },
          ],
          message: " ",
          trailers: { "Bad Key": "v", "Ferry-Release": "two\nlines" },
        },
        deps,
      ),
    );

    expect(err.code).toBe("invalid");
    for (const expected of [
      "target.branch: must not contain '..'",
      "changes[0].dir: must not contain a '..' segment",
      "changes[1].dir: must be relative, not absolute",
      "changes[2].dir: must not contain a '.git' segment",
      "changes[3].dir: must not have empty segments",
      `changes[3].files["../../escape.yaml"]: must not contain a '..' segment`,
      `changes[3].files["sub\\\\win.yaml"]: must use '/' as separator`,
      `changes[3].files[".GIT/config"]: must not contain a '.git' segment`,
      "changes[4].dir: must not be empty",
      "message: must not be empty",
      `trailers["Bad Key"]: must be letters, digits and '-'`,
      "trailers.Ferry-Release: must be a single line",
    ]) {
      expect(err.message).toContain(expected);
    }
    expect(server.requests.filter((r) => r.repo === name).length).toBe(before);
  });

  it("refuses URLs with credentials, SSH addresses and other schemes without echoing secrets", async () => {
    const cacheDir = await dirs.make();
    const withCreds = await failure(publish(componentPublish({ url: "https://user:s3cret@127.0.0.1:1/x.git", branch: "main" }, cacheDir), deps));
    const ssh = await failure(publish(componentPublish({ url: "git@github.com:acme/gitops.git", branch: "main" }, cacheDir), deps));
    const scheme = await failure(publish(componentPublish({ url: "ssh://git@127.0.0.1/acme/gitops.git", branch: "main" }, cacheDir), deps));

    expect(withCreds.message).toContain("must not contain credentials");
    expect(withCreds.message).not.toContain("s3cret");
    expect(ssh.message).toContain("is an SSH address, which is not supported");
    expect(scheme.message).toContain("uses an unsupported scheme (ssh)");
  });

  it("refuses a file and a directory at the same path within one request", async () => {
    const { cacheDir, target } = await fresh();
    const err = await failure(
      publish(
        {
          ...componentPublish(target, cacheDir),
          changes: [
            { dir: "environments/dev", files: { shop: "a file" }, prune: false },
            { dir: "environments/dev/shop/api", files: { "a.yaml": "x" }, prune: true },
          ],
        },
        deps,
      ),
    );
    expect(err.code).toBe("invalid");
    expect(err.message).toContain("changes[1].dir: 'shop' is a file in another change, not a directory");
  });
});

describe("publish to another branch (promotion pull requests)", () => {
  it("creates the branch from the target branch and leaves the target branch alone", async () => {
    const { name, repo, cacheDir, target } = await fresh();
    const res = await publish({ ...componentPublish(target, cacheDir), branch: { name: "ferry/release/dev/shop/api" } }, deps);

    expect(res.branch).toBe("ferry/release/dev/shop/api");
    expect(await server.head(name)).toBe(repo.head);
    expect(await server.head(name, "ferry/release/dev/shop/api")).toBe(res.commit);
    expect(await server.git(name, ["rev-parse", `${res.commit}^`])).toBe(`${repo.head}\n`);
    expect(await lsTree(name, "ferry/release/dev/shop/api", "environments")).toHaveLength(2);
  });

  it("creates a branch whose name was a folder of a branch deleted on the server since (a wave's branch, then the rollback's)", async () => {
    const { name, cacheDir, target } = await fresh();
    const wave = await publish({ ...componentPublish(target, cacheDir, { tag: "1" }), branch: { name: "ferry/promote/shop/api/prod/wave-1" } }, deps);
    expect(await server.head(name, "ferry/promote/shop/api/prod/wave-1")).toBe(wave.commit);
    await server.git(name, ["branch", "-D", "ferry/promote/shop/api/prod/wave-1"]);

    // The cache still mirrors …/prod/wave-1: …/prod cannot be a ref beside it until that mirror goes.
    const rollback = await publish({ ...componentPublish(target, cacheDir, { tag: "0" }), branch: { name: "ferry/promote/shop/api/prod" } }, deps);
    expect(rollback.changed).toBe(true);
    expect(await server.head(name, "ferry/promote/shop/api/prod")).toBe(rollback.commit);
    // And back: a wave's branch once the rollback's is gone.
    await server.git(name, ["branch", "-D", "ferry/promote/shop/api/prod"]);
    const again = await publish({ ...componentPublish(target, cacheDir, { tag: "2" }), branch: { name: "ferry/promote/shop/api/prod/wave-1" } }, deps);
    expect(await server.head(name, "ferry/promote/shop/api/prod/wave-1")).toBe(again.commit);
  });

  it("adds to an existing branch on top of its tip, and creates nothing when nothing changed", async () => {
    const { name, repo, cacheDir, target } = await fresh();
    const branch = { name: "ferry/release/staging/shop/api", from: "main" };
    const first = await publish({ ...componentPublish(target, cacheDir, { tag: "1" }), branch }, deps);
    const second = await publish({ ...componentPublish(target, cacheDir, { tag: "2" }), branch }, deps);
    const same = await publish({ ...componentPublish(target, cacheDir, { tag: "2" }), branch }, deps);
    const untouched = await publish({ ...componentPublish(target, cacheDir, { component: "none", files: {} }), branch: { name: "ferry/empty" } }, deps);

    expect(await server.git(name, ["rev-parse", `${second.commit}^`])).toBe(`${first.commit}\n`);
    expect(same).toMatchObject({ changed: false, commit: null, head: second.commit });
    expect(untouched).toMatchObject({ changed: false, commit: null, head: repo.head, branch: "ferry/empty" });
    expect(await server.head(name, "ferry/empty")).toBeNull();
    expect(await server.head(name)).toBe(repo.head);
  });

  it("seals the commit over its tree, parents and trailers, commits only new trailers when asked, and reads a branch at an older commit", async () => {
    const { name, repo, cacheDir, target } = await fresh();
    const key = new Uint8Array(32).fill(7);
    const branch = { name: "ferry/promote/shop/api/dev", from: "main" };
    const first = await publish({ ...componentPublish(target, cacheDir, { tag: "1" }), branch, seal: (c) => commitSeal(key, c) }, deps);
    // Nothing to change, but a trailer to record: `always` commits anyway.
    const asked = componentPublish(target, cacheDir, { tag: "1" });
    const again = await publish(
      { ...asked, trailers: { ...asked.trailers, "Ferry-Requested-By": "wendy" }, branch, seal: (c) => commitSeal(key, c), always: true },
      deps,
    );

    expect(again.changed).toBe(true);
    expect(await server.git(name, ["rev-parse", `${again.commit}^{tree}`])).toBe(await server.git(name, ["rev-parse", `${first.commit}^{tree}`]));
    for (const sha of [first.commit!, again.commit!]) {
      // Read back from git itself: the seal holds with the key, not with another, nor on another tree.
      const tree = (await server.git(name, ["rev-parse", `${sha}^{tree}`])).trim();
      const parents = (await server.git(name, ["log", "-1", "--format=%P", sha])).trim().split(" ");
      const { trailers } = parseCommitMessage(await server.git(name, ["log", "-1", "--format=%B", sha]));
      expect(trailers["Ferry-Seal"]?.[0]).toMatch(/^v1 [0-9a-f]{64}$/);
      expect(sealHolds(key, { tree, parents, trailers })).toBe(true);
      expect(sealHolds(new Uint8Array(32).fill(8), { tree, parents, trailers })).toBe(false);
      expect(sealHolds(key, { tree: EMPTY_TREE, parents, trailers })).toBe(false);
      expect(sealHolds(key, { tree, parents, trailers: { ...trailers, "Ferry-Requested-By": ["mallory"] } })).toBe(false);
    }
    expect(parseCommitMessage(await server.git(name, ["log", "-1", "--format=%B", again.commit!])).trailers["Ferry-Requested-By"]).toEqual(["wendy"]);

    // The branch moves on; the first commit is still read as it was, and a commit never on it is not found.
    await publish({ ...componentPublish(target, cacheDir, { tag: "2" }), branch }, deps);
    const at = (commit: string) => readFiles({ target: { ...target, branch: branch.name }, cacheDir, paths: ["environments"], commit }, deps);
    const image = (r: { files: ReadonlyMap<string, string> }) => /image: (\S+)/.exec(r.files.get("environments/dev/shop/api/deployment.yaml") ?? "")?.[1];
    const old = await at(first.commit!);
    expect(old.commit).toBe(first.commit);
    expect(image(old)).toBe("ghcr.io/acme/api:1");
    expect(image(await readFiles({ target: { ...target, branch: branch.name }, cacheDir, paths: ["environments"] }, deps))).toBe("ghcr.io/acme/api:2");
    const missing = await failure(at("f".repeat(40)));
    expect(missing.code).toBe("not-found");
    expect(await server.head(name)).toBe(repo.head);
  });

  it("reports a missing source branch", async () => {
    const { cacheDir, target } = await fresh();
    const err = await failure(publish({ ...componentPublish(target, cacheDir), branch: { name: "ferry/x", from: "release" } }, deps));

    expect(err.code).toBe("not-found");
    expect(err.message).toContain("(branch release): cannot create branch ferry/x: branch release does not exist");
  });
});

describe("publish with token authentication", () => {
  let secured: GitServer;
  beforeAll(async () => {
    secured = await startGitServer({ token: "s3cret-token" });
    await secured.createRepo("gitops", { files: { "README.md": "x\n" } });
  });
  afterAll(async () => {
    await secured.close();
  });

  it("pushes with the token as x-access-token", async () => {
    const cacheDir = await dirs.make();
    const res = await publish(componentPublish({ url: secured.repoUrl("gitops"), branch: "main", token: "s3cret-token" }, cacheDir), deps);
    const files = await readFiles(
      { target: { url: secured.repoUrl("gitops"), branch: "main", token: "s3cret-token" }, cacheDir, paths: ["environments"] },
      deps,
    );

    expect(res.changed).toBe(true);
    expect(await secured.head("gitops")).toBe(res.commit);
    expect([...files.files.keys()]).toEqual(["environments/dev/shop/api/deployment.yaml", "environments/dev/shop/api/service.yaml"]);
  });

  it("says the token was refused, without printing it", async () => {
    const err = await failure(publish(componentPublish({ url: secured.repoUrl("gitops"), branch: "main", token: "wrong-token" }, await dirs.make()), deps));

    expect(err.code).toBe("auth");
    expect(err.message).toBe(
      `gitops ${secured.repoUrl("gitops")} (branch main): authentication failed: the server refused the token; check that it is valid and not expired`,
    );
    expect(err.message).not.toContain("wrong-token");
  });

  it("says a token is needed when none was given", async () => {
    const err = await failure(
      readFiles({ target: { url: secured.repoUrl("gitops"), branch: "main" }, paths: ["environments"], cacheDir: await dirs.make() }, deps),
    );

    expect(err.code).toBe("auth");
    expect(err.message).toContain("authentication required: the server wants a token (set GITHUB_TOKEN or target.token)");
  });
});

describe("edits and retries", () => {
  it("keeps retry delays bounded and jittered", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (n, r) => {
        const d = retryDelay(n, () => r);
        expect(d).toBeGreaterThanOrEqual(12);
        expect(d).toBeLessThanOrEqual(1500);
      }),
    );
    expect(retryDelay(1, () => 0.5)).toBe(25);
    expect(retryDelay(3, () => 0.5)).toBe(100);
    expect(retryDelay(20, () => 0.5)).toBe(1000);
  });
});
