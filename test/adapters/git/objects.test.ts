/**
 * Git objects (adapters/git/objects.ts, odb.ts), checked against git itself: hashing and tree order
 * (git hash-object, git mktree), pack files (git index-pack), packed object reading (git cat-file after
 * an aggressive gc) and deltas.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatCommitMessage } from "../../../core/gitops/trailers.js";
import { EMPTY_TREE, hashObject, rawObject, serializeCommit, serializeTree, writePack } from "../../../adapters/git/objects.js";
import { ObjectDatabase, applyDelta } from "../../../adapters/git/odb.js";
import { parseCommit, parseTree } from "../../../adapters/git/store.js";
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
