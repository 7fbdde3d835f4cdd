/** The observer's reconnect backoff (adapters/kube/backoff.ts). */
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../../adapters/kube/backoff.js";

describe("observer helpers", () => {
  it("computes exponential backoff with bounded jitter", () => {
    const o = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };
    expect([1, 2, 3, 7, 8, 20].map((n) => backoffDelay(n, o, () => 0))).toEqual([500, 1000, 2000, 30_000, 30_000, 30_000]);
    expect(backoffDelay(3, o, () => 0.999)).toBe(2999);
  });
});
