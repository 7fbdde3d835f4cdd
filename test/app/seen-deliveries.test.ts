/** The in-memory delivery cache (app/seen-deliveries.ts). */
import { describe, expect, it } from "vitest";
import { DeliveryCache } from "../../app/seen-deliveries.js";

describe("DeliveryCache", () => {
  it("runs a delivery once, even when the second arrives while the first runs", async () => {
    const cache = new DeliveryCache(10);
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = cache.once("d1", async () => {
      runs++;
      await gate;
    });
    const second = await cache.once("d1", async () => {
      runs++;
    });
    release();
    expect(await first).toBe(true);
    expect(second).toBe(false);
    expect(await cache.once("d1", async () => void runs++)).toBe(false);
    expect(runs).toBe(1);
    expect(cache.state("d1")).toBe("done");
  });

  it("forgets a failed delivery so a redelivery retries it", async () => {
    const cache = new DeliveryCache(10);
    await expect(
      cache.once("d1", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(cache.state("d1")).toBeUndefined();
    expect(await cache.once("d1", async () => undefined)).toBe(true);
  });

  it("is bounded: the oldest ids are evicted", () => {
    const cache = new DeliveryCache(3);
    for (const id of ["a", "b", "c", "d"]) expect(cache.claim(id)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.state("a")).toBeUndefined();
    expect(cache.claim("d")).toBe(false);
    expect(() => new DeliveryCache(0)).toThrow(/positive integer/);
  });
});
