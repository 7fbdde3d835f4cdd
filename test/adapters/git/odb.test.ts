/**
 * Reading git's object database (adapters/git/odb.ts): packed objects after an aggressive gc, checked
 * against git cat-file, and deltas.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashObject } from "../../../adapters/git/objects.js";
import { ObjectDatabase, applyDelta } from "../../../adapters/git/odb.js";
import { runGit } from "../../support/git-server.js";
import { tempDirs } from "../../support/gitops.js";

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

async function packIdx(gitdir: string): Promise<string[]> {
  return (await readdir(path.join(gitdir, "objects", "pack"))).filter((f) => f.endsWith(".idx")).map((f) => path.join(gitdir, "objects", "pack", f));
}

describe("git objects", () => {
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
