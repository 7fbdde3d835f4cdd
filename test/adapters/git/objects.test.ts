/**
 * The pure parts of adapters/git, checked against git itself where git has an opinion: object
 * hashing and tree order (git hash-object, git mktree), pack files (git index-pack), packed object
 * reading (git cat-file after an aggressive gc), trailers (git interpret-trailers), path and branch
 * rules (git check-ref-format), and the clone cache's lock.
 */
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { cacheKey, parseTargetUrl } from "../../../adapters/git/paths.js";
import { branchProblems, repoPathProblems } from "../../../core/gitops/names.js";
import { cachePaths, defaultCacheDir, withLock } from "../../../adapters/git/cache.js";
import { formatCommitMessage, parseCommitMessage } from "../../../core/gitops/trailers.js";
import { EMPTY_TREE, hashObject, rawObject, serializeCommit, serializeTree, writePack } from "../../../adapters/git/objects.js";
import { ObjectDatabase, applyDelta } from "../../../adapters/git/odb.js";
import { parseAdvertisement, parsePushReport, pktLine } from "../../../adapters/git/protocol.js";
import { retryDelay } from "../../../adapters/git/publish.js";
import { parseCommit, parseTree } from "../../../adapters/git/store.js";
import { planEdits } from "../../../adapters/git/tree-edit.js";
import { runGit } from "../../support/git-server.js";
import { tempDirs } from "../../support/gitops.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());
const enc = new TextEncoder();

describe("git objects", () => {
  it("hashes blobs like git hash-object", async () => {
    const dir = await dirs.make();
    for (const text of ["", "hello\n", "kind: Deployment\nmetadata: {name: a}\n", "ü\u0000binary"]) {
      const file = path.join(dir, "f");
      await writeFile(file, text);
      expect(hashObject("blob", enc.encode(text))).toBe((await runGit(dir, ["hash-object", file])).trim());
    }
  });

  it("serializes trees in git's order (directories sort as name + '/') like git mktree", async () => {
    const dir = await dirs.make();
    await runGit(dir, ["init", "--quiet", "--bare"]);
    const blob = hashObject("blob", enc.encode("x"));
    const sub = EMPTY_TREE;
    const items = [
      { name: "a.yaml", mode: "100644", oid: blob },
      { name: "a", mode: "40000", oid: sub },
      { name: "a-b", mode: "100644", oid: blob },
      { name: "a0", mode: "040000", oid: sub },
      { name: "Z", mode: "100755", oid: blob },
      { name: "ü.yaml", mode: "100644", oid: blob },
    ];
    const ours = rawObject("tree", serializeTree(items));
    const input = items.map((i) => `${i.mode.replace(/^0+/, "") === "40000" ? "040000 tree" : `${i.mode} blob`} ${i.oid}\t${i.name}`).join("\n");
    const theirs = (await runGit(dir, ["mktree", "--missing"], `${input}\n`)).trim();

    expect(ours.oid).toBe(theirs);
    expect(parseTree(Buffer.from(ours.content)).map((e) => e.name)).toEqual(["Z", "a-b", "a.yaml", "a", "a0", "ü.yaml"]);
  });

  it("writes commits git reads back, and packs git index-pack accepts", async () => {
    const dir = await dirs.make();
    await runGit(dir, ["init", "--quiet", "--bare"]);
    const blob = rawObject("blob", enc.encode("data: 1\n"));
    const tree = rawObject("tree", serializeTree([{ name: "f.yaml", mode: "100644", oid: blob.oid }]));
    const date = new Date("2025-01-02T03:04:05Z");
    const message = formatCommitMessage("subject\n\nbody", { "Ferry-Release": "r1" });
    const commit = rawObject(
      "commit",
      serializeCommit({
        tree: tree.oid,
        parents: [],
        author: { name: "A <x>", email: "a@example.com", date },
        committer: { name: "C", email: "c@example.com", date },
        message,
      }),
    );
    const big = rawObject(
      "blob",
      new Uint8Array(70_000).map((_, i) => (i * 7) % 251),
    );
    const pack = writePack([blob, tree, commit, blob, big]);
    await writeFile(path.join(dir, "in.pack"), pack);
    const verify = await runGit(dir, ["index-pack", "--strict", "-o", path.join(dir, "in.idx"), path.join(dir, "in.pack")]);

    expect(verify.trim()).toMatch(/^[0-9a-f]{40}$/);
    expect(await runGit(dir, ["verify-pack", "-s", path.join(dir, "in.idx")])).toContain("non delta: 4 objects");
    await mkdir(path.join(dir, "objects", "pack"), { recursive: true });
    await writeFile(path.join(dir, "objects", "pack", "pack-test.pack"), pack);
    await writeFile(path.join(dir, "objects", "pack", "pack-test.idx"), await readFile(path.join(dir, "in.idx")));
    expect(await runGit(dir, ["cat-file", "-p", commit.oid])).toBe(
      `tree ${tree.oid}\nauthor A x <a@example.com> 1735787045 +0000\ncommitter C <c@example.com> 1735787045 +0000\n\nsubject\n\nbody\n\nFerry-Release: r1\n`,
    );
    const parsed = parseCommit(commit.oid, Buffer.from(commit.content));
    expect(parsed).toMatchObject({ tree: tree.oid, parents: [], author: { name: "A x", email: "a@example.com", timestamp: 1735787045 } });

    const odb = new ObjectDatabase(dir);
    const read = await odb.read(big.oid);
    await odb.close();
    expect(read && Buffer.compare(read.content, Buffer.from(big.content))).toBe(0);
  });

  it("reads every object of an aggressively delta-compressed repository like git cat-file", async () => {
    const dir = await dirs.make();
    await runGit(dir, ["init", "--quiet", "--bare", "--initial-branch=main"]);
    // Many similar versions of similar files: git gc makes long delta chains of them.
    let parent = "";
    for (let c = 0; c < 12; c++) {
      const lines = [`commit ${c}`];
      for (let f = 0; f < 20; f++) lines.push(`f${f}: ${"value ".repeat(20)}${c * f}`);
      const files = Object.fromEntries(Array.from({ length: 20 }, (_, f) => [`dir${f % 4}/file${f}.yaml`, `${lines.slice(0, f + 2).join("\n")}\n`]));
      const stream = [`commit refs/heads/main`, `committer T <t@example.com> ${1_700_000_000 + c} +0000`, `data 3`, `c${String(c).padStart(2, "0")}`];
      if (parent) stream.push(`from ${parent}`);
      for (const [p, text] of Object.entries(files)) stream.push(`M 100644 inline ${p}`, `data ${Buffer.byteLength(text)}`, text);
      await runGit(dir, ["fast-import", "--quiet"], `${stream.join("\n")}\n`);
      parent = (await runGit(dir, ["rev-parse", "main"])).trim();
    }
    await runGit(dir, ["gc", "--quiet", "--aggressive", "--prune=now"]);
    const oids = (await runGit(dir, ["rev-list", "--objects", "--all"]))
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(0, 40));
    const deltas = (await runGit(dir, ["verify-pack", "-v", ...(await packIdx(dir))]))
      .split("\n")
      .filter((l) => /^[0-9a-f]{40}\s+\w+\s+\d+\s+\d+\s+\d+\s+\d+\s+[0-9a-f]{40}$/.test(l));

    const odb = new ObjectDatabase(dir);
    const mismatches: string[] = [];
    for (const oid of oids) {
      const obj = await odb.read(oid);
      if (!obj || hashObject(obj.type === "tag" ? "blob" : obj.type, obj.content) !== oid) mismatches.push(oid);
    }
    const missing = await odb.read("0".repeat(40));
    const has = await odb.has(oids[0] ?? "");
    await odb.close();

    expect(deltas.length).toBeGreaterThan(50);
    expect(mismatches).toEqual([]);
    expect(missing).toBeNull();
    expect(has).toBe(true);
  });

  it("applies git deltas (copy and insert instructions)", () => {
    const base = Buffer.from("hello world, hello git");
    // base 22 bytes, target 15: copy 0+6 ("hello "), insert "there", copy 18+4 (" git").
    const delta = Buffer.from([22, 15, 0x90, 6, 5, ...Buffer.from("there"), 0x91, 18, 4]);
    expect(applyDelta(base, delta).toString()).toBe("hello there git");
    expect(() => applyDelta(Buffer.from("short"), delta)).toThrow(/delta base is 5 bytes, delta expects 22/);
  });
});

async function packIdx(gitdir: string): Promise<string[]> {
  return (await readdir(path.join(gitdir, "objects", "pack"))).filter((f) => f.endsWith(".idx")).map((f) => path.join(gitdir, "objects", "pack", f));
}

describe("commit messages and trailers", () => {
  it("formats trailers sorted by key after a blank line, and parses them back like git interpret-trailers", async () => {
    const dir = await dirs.make();
    await runGit(dir, ["init", "--quiet"]);
    const message = formatCommitMessage("staging: shop/api r-2\n\nPromoted from dev.\r\n\n", {
      "Ferry-Source": "acme/api@0123456789abcdef0123456789abcdef01234567",
      "Ferry-Approved-By": ["alice", " bob "],
      "Ferry-Release": "r-2",
    });

    expect(message).toBe(
      "staging: shop/api r-2\n\nPromoted from dev.\n\nFerry-Approved-By: alice\nFerry-Approved-By: bob\nFerry-Release: r-2\nFerry-Source: acme/api@0123456789abcdef0123456789abcdef01234567\n",
    );
    expect(await runGit(dir, ["interpret-trailers", "--parse"], message)).toBe(message.split("\n\n")[2]);
    expect(parseCommitMessage(message)).toEqual({
      subject: "staging: shop/api r-2",
      body: "Promoted from dev.",
      trailers: { "Ferry-Approved-By": ["alice", "bob"], "Ferry-Release": ["r-2"], "Ferry-Source": ["acme/api@0123456789abcdef0123456789abcdef01234567"] },
    });
    expect(formatCommitMessage("just a subject", {})).toBe("just a subject\n");
  });

  it("does not take a subject or an ordinary last paragraph for trailers", () => {
    expect(parseCommitMessage("Fix: the thing\n").trailers).toEqual({});
    expect(parseCommitMessage("subject\n\nbody line\nFerry-Release: r1\n")).toEqual({ subject: "subject", body: "body line\nFerry-Release: r1", trailers: {} });
    expect(parseCommitMessage("subject\nsecond line\n\nKey: a long\n  continued value\n").trailers).toEqual({ Key: ["a long continued value"] });
  });
});

describe("paths, branches and targets", () => {
  it("accepts ordinary repository paths and refuses every trick", () => {
    expect(repoPathProblems("environments/dev/shop/api")).toEqual([]);
    expect(repoPathProblems("releases/shop/api/r-1.yaml")).toEqual([]);
    expect(repoPathProblems("a/../b")).toEqual(["must not contain a '..' segment"]);
    expect(repoPathProblems("./a")).toEqual(["must not contain a '.' segment"]);
    expect(repoPathProblems("/abs")).toEqual(["must be relative, not absolute"]);
    expect(repoPathProblems("C:/win")).toEqual(["must be relative, not absolute"]);
    expect(repoPathProblems("a/.Git/x")).toEqual(["must not contain a '.git' segment"]);
    expect(repoPathProblems("a\\b")).toEqual(["must use '/' as separator, not '\\'"]);
    expect(repoPathProblems("a/")).toEqual(["must not have empty segments ('//' or a trailing '/')"]);
    expect(repoPathProblems("a\nb")).toEqual(["must not contain control characters"]);
    expect(repoPathProblems("")).toEqual(["must not be empty"]);
  });

  it("agrees with git check-ref-format on branch names", async () => {
    const dir = await dirs.make();
    const names = [
      "main",
      "ferry/release/dev/shop/api",
      "feature.x",
      "a..b",
      "a b",
      "a~1",
      "a:b",
      "-x",
      "x/",
      "/x",
      "x//y",
      "x.",
      ".x",
      "x/.y",
      "x.lock",
      "x@{1}",
      "a*b",
      "a[b",
      "a\\b",
      "refs/heads/x",
      "ü",
    ];
    for (const name of names) {
      const gitSays = await runGit(dir, ["check-ref-format", "--branch", name]).then(
        () => true,
        () => false,
      );
      expect({ name, ok: branchProblems(name).length === 0 }).toEqual({ name, ok: name === "refs/heads/x" ? false : gitSays });
    }
    // git expands "@" to the current branch; as a name it is refused.
    expect(branchProblems("@")).toEqual(["must not contain '@{' or be '@'"]);
  });

  it("classifies targets: http(s) URLs, file URLs and paths; refuses credentials, SSH and other schemes", () => {
    expect(parseTargetUrl("https://github.com/acme/gitops.git/", "/w")).toEqual({
      location: { kind: "http", url: "https://github.com/acme/gitops.git" },
      problems: [],
    });
    expect(parseTargetUrl("file:///srv/gitops", "/w")).toEqual({ location: { kind: "local", path: "/srv/gitops" }, problems: [] });
    expect(parseTargetUrl("../gitops", "/w/app")).toEqual({ location: { kind: "local", path: "/w/gitops" }, problems: [] });
    expect(parseTargetUrl("https://x:y@github.com/a/b", "/").problems).toEqual([
      "must not contain credentials: pass the token separately (target.token, GITHUB_TOKEN)",
    ]);
    expect(parseTargetUrl("https://github.com/a/b?x=1", "/").problems).toEqual(["must not have a query or fragment"]);
    expect(parseTargetUrl("git@github.com:a/b.git", "/").problems[0]).toContain("SSH address");
    expect(parseTargetUrl("git://host/a", "/").problems[0]).toContain("unsupported scheme (git)");
  });

  it("derives cache keys that stay one plain directory name, whatever the URL", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: false, withFragments: false }), fc.string(), (base, suffix) => {
        let url: string;
        try {
          url = new URL(`${base}/${encodeURIComponent(suffix)}/../..%2F..`).href;
        } catch {
          return;
        }
        const key = cacheKey(url);
        expect(key).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{16}$/);
        expect(path.dirname(cachePaths("/cache", url).gitdir)).toBe("/cache/git");
      }),
    );
    expect(cacheKey("https://GitHub.com/acme/gitops.git/")).toBe(cacheKey("https://github.com/acme/gitops"));
    expect(cacheKey("https://github.com/acme/gitops")).not.toBe(cacheKey("https://github.com/acme/gitops-prod"));
    expect(cacheKey("https://github.com/acme/gitops")).toMatch(/^github.com-acme-gitops-[0-9a-f]{16}$/);
  });

  it("picks the default cache directory from FERRY_CACHE_DIR, XDG_CACHE_HOME, then ~/.cache/ferry", () => {
    expect(defaultCacheDir({ FERRY_CACHE_DIR: "/c/ferry", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/c/ferry");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/x/ferry");
    expect(defaultCacheDir({}, "/home/u")).toBe("/home/u/.cache/ferry");
  });
});

describe("smart HTTP messages", () => {
  it("parses a receive-pack advertisement and an empty repository's", () => {
    const oid = "1".repeat(40);
    const body = Buffer.concat([
      pktLine("# service=git-receive-pack\n"),
      Buffer.from("0000"),
      pktLine(`${oid} refs/heads/main\0report-status side-band-64k quiet agent=git/2.39\n`),
      pktLine(`${"2".repeat(40)} refs/heads/ferry/x\n`),
      pktLine(`${"3".repeat(40)} refs/tags/v1^{}\n`),
      Buffer.from("0000"),
    ]);
    const adv = parseAdvertisement(body, "git-receive-pack");
    expect([...adv.refs]).toEqual([
      ["refs/heads/main", oid],
      ["refs/heads/ferry/x", "2".repeat(40)],
    ]);
    expect(adv.capabilities.has("side-band-64k")).toBe(true);

    const empty = parseAdvertisement(
      Buffer.concat([
        pktLine("# service=git-receive-pack\n"),
        Buffer.from("0000"),
        pktLine(`${"0".repeat(40)} capabilities^{}\0report-status\n`),
        Buffer.from("0000"),
      ]),
      "git-receive-pack",
    );
    expect(empty.refs.size).toBe(0);
    expect(() => parseAdvertisement(Buffer.concat([pktLine("# service=git-upload-pack\n")]), "git-receive-pack")).toThrow(/expected git-receive-pack/);
  });

  it("parses push reports with side-band channels and hook messages", () => {
    const report = Buffer.concat([pktLine("unpack ok\n"), pktLine("ng refs/heads/main pre-receive hook declined\n"), Buffer.from("0000")]);
    const body = Buffer.concat([
      pktLine(Buffer.concat([Buffer.from([2]), Buffer.from("frozen by policy\n")])),
      pktLine(Buffer.concat([Buffer.from([1]), report])),
      Buffer.from("0000"),
    ]);
    expect(parsePushReport(body, true)).toEqual({
      unpack: "ok",
      refs: new Map([["refs/heads/main", "pre-receive hook declined"]]),
      messages: ["frozen by policy"],
    });
    const ok = parsePushReport(Buffer.concat([pktLine("unpack ok\n"), pktLine("ok refs/heads/main\n"), Buffer.from("0000")]), false);
    expect(ok.refs.get("refs/heads/main")).toBeNull();
  });
});

describe("edits and retries", () => {
  it("merges changes in order: a prune drops what earlier changes put under it", () => {
    const { root, problems } = planEdits([
      { dir: "env/dev/a", files: new Map([["x.yaml", enc.encode("1")]]), prune: false },
      { dir: "env/dev", files: new Map([["b/y.yaml", enc.encode("2")]]), prune: true },
    ]);
    expect(problems).toEqual([]);
    const dev = root.dirs.get("env")?.dirs.get("dev");
    expect(dev?.reset).toBe(true);
    expect([...(dev?.dirs.keys() ?? [])]).toEqual(["b"]);
  });

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
