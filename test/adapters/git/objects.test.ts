/**
 * Git objects (adapters/git/objects.ts), checked against git itself: hashing and tree order (git
 * hash-object, git mktree) and pack files (git index-pack).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatCommitMessage } from "../../../core/gitops/trailers.js";
import { EMPTY_TREE, hashObject, rawObject, serializeCommit, serializeTree, writePack } from "../../../adapters/git/objects.js";
import { ObjectDatabase } from "../../../adapters/git/odb.js";
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
});
