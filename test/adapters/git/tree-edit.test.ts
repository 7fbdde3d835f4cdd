/** Tree edits in order (adapters/git/tree-edit.ts) and the bounded, jittered retry delays of a publish. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryDelay } from "../../../adapters/git/publish.js";
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
