/** Tree edits in order (adapters/git/tree-edit.ts). */
import { describe, expect, it } from "vitest";
import { planEdits } from "../../../adapters/git/tree-edit.js";

const enc = new TextEncoder();

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
});
