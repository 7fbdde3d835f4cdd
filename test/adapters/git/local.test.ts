/**
 * publish() and the readers on local paths: bare repositories, work trees with the branch checked
 * out (updated like git's updateInstead) or not, checked with the git CLI.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { publish } from "../../../adapters/git/publish.js";
import { readFiles, readHistory } from "../../../adapters/git/read.js";
import { runGit } from "../../support/git-server.js";
import { componentPublish, failure, rendered, tempDirs } from "../../support/gitops.js";

const deps = { now: () => new Date("2025-03-04T05:06:07Z"), sleep: () => Promise.resolve() };
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** A work tree with one commit on main (README and an existing component). */
async function workTree(): Promise<string> {
  const dir = await dirs.make("ferry-local-");
  await runGit(dir, ["init", "--quiet", "--initial-branch=main"]);
  await mkdir(path.join(dir, "environments/dev/shop/api"), { recursive: true });
  await writeFile(path.join(dir, "README.md"), "gitops\n");
  await writeFile(path.join(dir, "environments/dev/shop/api/old.yaml"), "old: resource\n");
  await runGit(dir, ["add", "-A"]);
  await runGit(dir, ["commit", "--quiet", "-m", "initial"]);
  return dir;
}

describe("publish to a local repository", () => {
  it("commits into a bare repository given as a path, with a compare-and-swap on the ref", async () => {
    const bare = await dirs.make("ferry-bare-");
    await runGit(bare, ["init", "--quiet", "--bare", "--initial-branch=main"]);
    const first = await publish(componentPublish({ url: bare, branch: "main" }, "/nonexistent-cache-not-used"), deps);
    const again = await publish(componentPublish({ url: pathToFileURL(bare).href, branch: "main" }, "/nonexistent-cache-not-used"), deps);
    const second = await publish(componentPublish({ url: bare, branch: "main" }, "/nonexistent-cache-not-used", { tag: "2.0.0" }), deps);

    expect(first.changed).toBe(true);
    expect(again.changed).toBe(false);
    expect(await runGit(bare, ["rev-list", "main"])).toBe(`${second.commit}\n${first.commit}\n`);
    expect(await runGit(bare, ["show", "main:environments/dev/shop/api/deployment.yaml"])).toBe(rendered("api", "2.0.0")["deployment.yaml"]);
    await expect(runGit(bare, ["fsck", "--strict", "--no-dangling"])).resolves.toBe("");
  });

  it("updates the checked-out branch and only the touched paths of the work tree and index", async () => {
    const dir = await workTree();
    await writeFile(path.join(dir, "untracked-elsewhere.txt"), "mine\n");
    const res = await publish(componentPublish({ url: dir, branch: "main" }, "/unused"), deps);

    expect(await runGit(dir, ["rev-parse", "HEAD"])).toBe(`${res.commit}\n`);
    expect(await readFile(path.join(dir, "environments/dev/shop/api/deployment.yaml"), "utf8")).toBe(rendered("api", "1.0.0")["deployment.yaml"]);
    await expect(readFile(path.join(dir, "environments/dev/shop/api/old.yaml"), "utf8")).rejects.toThrow(/ENOENT/);
    expect(await runGit(dir, ["status", "--porcelain"])).toBe("?? untracked-elsewhere.txt\n");
    expect(await runGit(dir, ["log", "-1", "--format=%s"])).toBe("dev: shop/api 1.0.0\n");
    expect(await runGit(dir, ["reflog", "-1", "--format=%gs", "main"])).toBe("ferry: publish\n");
  });

  it("refuses when the touched paths have uncommitted changes, and changes nothing", async () => {
    const dir = await workTree();
    await writeFile(path.join(dir, "environments/dev/shop/api/old.yaml"), "edited by hand\n");
    const head = await runGit(dir, ["rev-parse", "HEAD"]);
    const err = await failure(publish(componentPublish({ url: dir, branch: "main" }, "/unused"), deps));

    expect(err.code).toBe("invalid");
    expect(err.message).toBe(
      `gitops ${dir} (branch main): the branch is checked out and the work tree has uncommitted changes where Ferry writes: environments/dev/shop/api/old.yaml; commit or discard them first`,
    );
    expect(await runGit(dir, ["rev-parse", "HEAD"])).toBe(head);
    expect(await readFile(path.join(dir, "environments/dev/shop/api/old.yaml"), "utf8")).toBe("edited by hand\n");
  });

  it("writes a branch that is not checked out without touching the work tree", async () => {
    const dir = await workTree();
    const res = await publish({ ...componentPublish({ url: dir, branch: "main" }, "/unused"), branch: { name: "ferry/release/dev/shop/api" } }, deps);

    expect(await runGit(dir, ["rev-parse", "ferry/release/dev/shop/api"])).toBe(`${res.commit}\n`);
    expect(await runGit(dir, ["rev-parse", "--abbrev-ref", "HEAD"])).toBe("main\n");
    expect(await runGit(dir, ["status", "--porcelain"])).toBe("");
    expect(await readFile(path.join(dir, "environments/dev/shop/api/old.yaml"), "utf8")).toBe("old: resource\n");
  });

  it("lands concurrent publishes to one local repository", async () => {
    const bare = await dirs.make("ferry-bare-");
    await runGit(bare, ["init", "--quiet", "--bare", "--initial-branch=main"]);
    const real = { ...deps, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((component) => publish({ ...componentPublish({ url: bare, branch: "main" }, "/unused", { component }), retries: 20 }, real)),
    );

    expect(results.every((r) => r.changed)).toBe(true);
    expect(await runGit(bare, ["rev-list", "--count", "main"])).toBe("4\n");
    expect((await runGit(bare, ["ls-tree", "-r", "--name-only", "main"])).split("\n").filter(Boolean)).toHaveLength(8);
  });

  it("reports a path that is not a repository, and a missing one", async () => {
    const plain = await dirs.make("ferry-plain-");
    const notRepo = await failure(publish(componentPublish({ url: plain, branch: "main" }, "/unused"), deps));
    const missing = await failure(publish(componentPublish({ url: path.join(plain, "nope"), branch: "main" }, "/unused"), deps));

    expect(notRepo.code).toBe("not-found");
    expect(notRepo.message).toBe(`gitops ${plain} (branch main): not a git repository (no .git, and not a bare repository)`);
    expect(missing.message).toBe(`gitops ${path.join(plain, "nope")} (branch main): no such directory`);
  });
});

describe("reading a local repository", () => {
  it("reads the files under paths at the branch tip and the history of a path with its trailers", async () => {
    const dir = await workTree();
    const target = { url: dir, branch: "main" };
    const r1 = await publish(componentPublish(target, "/unused", { tag: "1.0.0" }), deps);
    await writeFile(path.join(dir, "README.md"), "unrelated change\n");
    await runGit(dir, ["commit", "--quiet", "-am", "docs"]);
    const r2 = await publish(
      { ...componentPublish(target, "/unused", { tag: "2.0.0" }), trailers: { "Ferry-Release": "r-2.0.0", "Ferry-Approved-By": ["alice", "bob"] } },
      deps,
    );
    await publish(componentPublish(target, "/unused", { env: "staging" }), deps);

    const files = await readFiles({ target, paths: ["environments/dev", "README.md", "does/not/exist"] });
    expect(files.commit).toBe(await runGit(dir, ["rev-parse", "HEAD"]).then((s) => s.trim()));
    expect([...files.files.entries()]).toEqual([
      ["README.md", "unrelated change\n"],
      ["environments/dev/shop/api/deployment.yaml", rendered("api", "2.0.0")["deployment.yaml"]],
      ["environments/dev/shop/api/service.yaml", rendered("api", "2.0.0")["service.yaml"]],
    ]);

    const history = await readHistory({ target, path: "environments/dev/shop/api" });
    expect(history.map((h) => h.commit)).toEqual([r2.commit, r1.commit, (await runGit(dir, ["rev-list", "--max-parents=0", "HEAD"])).trim()]);
    expect(history[0]).toMatchObject({
      subject: "dev: shop/api 2.0.0",
      body: "Release 2.0.0 of shop/api.",
      trailers: { "Ferry-Approved-By": ["alice", "bob"], "Ferry-Release": ["r-2.0.0"] },
      author: { name: "Ferry", email: "ferry@users.noreply.github.com", date: "2025-03-04T05:06:07.000Z" },
    });
    expect(history[1]?.trailers).toEqual({ "Ferry-Environment": ["dev"], "Ferry-Release": ["r-1.0.0"], "Ferry-Source": [`acme/api@${"a".repeat(40)}`] });
    const gitLog = (await runGit(dir, ["log", "--format=%H", "--", "environments/dev/shop/api"])).trim().split("\n");
    expect(history.map((h) => h.commit)).toEqual(gitLog);
    expect(await readHistory({ target, limit: 2 })).toHaveLength(2);
  });

  it("follows git log's merge simplification for a path", async () => {
    const dir = await workTree();
    const target = { url: dir, branch: "main" };
    await runGit(dir, ["checkout", "--quiet", "-b", "side"]);
    await writeFile(path.join(dir, "side.txt"), "side\n");
    await runGit(dir, ["add", "-A"]);
    await runGit(dir, ["commit", "--quiet", "-m", "side work"]);
    await runGit(dir, ["checkout", "--quiet", "main"]);
    const r = await publish(componentPublish(target, "/unused"), deps);
    await runGit(dir, ["merge", "--quiet", "--no-ff", "-m", "merge side", "side"]);

    const history = await readHistory({ target, path: "environments/dev/shop/api" });
    const gitLog = (await runGit(dir, ["log", "--format=%H", "--", "environments/dev/shop/api"])).trim().split("\n");
    expect(history.map((h) => h.commit)).toEqual(gitLog);
    expect(history[0]?.commit).toBe(r.commit);
    expect((await readHistory({ target, path: "side.txt" })).map((h) => h.subject)).toEqual(["side work"]);
  });
});
