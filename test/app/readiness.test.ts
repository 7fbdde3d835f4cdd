/** Readiness (app/readiness.ts): GitHub asked at most once per TTL and once at a time, a slow probe counted as not ready. */
import { describe, expect, it } from "vitest";
import { Readiness } from "../../app/readiness.js";

describe("Readiness", () => {
  it("asks GitHub once per TTL and once at a time, remembering failures for less long", async () => {
    let now = 0;
    let asked = 0;
    let failing = false;
    const readiness = new Readiness({
      probe: async () => {
        asked++;
        if (failing) throw new Error("connect ECONNREFUSED");
      },
      okTtlMs: 30_000,
      failedTtlMs: 5_000,
      now: () => now,
    });
    const [a, b] = await Promise.all([readiness.check(), readiness.check()]);
    expect([a, b, asked]).toEqual([{ ready: true }, { ready: true }, 1]);
    now = 29_999;
    expect(await readiness.check()).toEqual({ ready: true });
    expect(asked).toBe(1);
    failing = true;
    now = 30_000;
    expect(await readiness.check()).toEqual({ ready: false, reason: "GitHub is not reachable: connect ECONNREFUSED" });
    now = 34_999;
    await readiness.check();
    expect(asked).toBe(2);
    failing = false;
    now = 35_000;
    expect(await readiness.check()).toEqual({ ready: true });
    expect(asked).toBe(3);
  });

  it("counts a probe without an answer in time as not ready", async () => {
    const readiness = new Readiness({ probe: () => new Promise<void>(() => undefined), timeoutMs: 1 });
    expect(await readiness.check()).toEqual({ ready: false, reason: "GitHub is not reachable: no answer within 1 ms" });
  });
});
