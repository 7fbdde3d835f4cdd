/** Ferry's Octokit options and the burst group of a request (app/octokit.ts). */
import { describe, expect, it } from "vitest";
import { burstGroup, ferryOctokitOptions } from "../../app/octokit.js";

describe("ferryOctokitOptions", () => {
  it("retries rate limits a bounded number of times and never retries client errors", () => {
    const o = ferryOctokitOptions({ rateLimitRetries: 2 });
    const warn: string[] = [];
    const octokit = { log: { warn: (m: string) => warn.push(m) } };
    const req = { method: "POST", url: "/repos/a/b/check-runs" };
    expect(o.throttle.enabled).toBe(true);
    if (!("onRateLimit" in o.throttle)) throw new Error("throttle handlers missing");
    expect(o.throttle.onRateLimit(5, req, octokit, 0)).toBe(true);
    expect(o.throttle.onRateLimit(5, req, octokit, 2)).toBe(false);
    expect(o.throttle.onSecondaryRateLimit(5, req, octokit, 1)).toBe(true);
    expect(warn[1]).toMatch(/giving up/);
    expect(o.retry.doNotRetry).toEqual(expect.arrayContaining([400, 401, 403, 404, 422]));
    expect(ferryOctokitOptions({ throttle: false }).throttle).toEqual({ enabled: false });
  });
});

describe("burstGroup", () => {
  it("starts a burst of writes at once and holds the next one back, per key", async () => {
    const group = burstGroup(3, 60_000);
    const started: string[] = [];
    const write = (key: string, n: number) => void group.key(key).schedule({}, async () => started.push(`${key}${n}`));
    for (let n = 1; n <= 4; n++) write("a", n);
    write("b", 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.sort()).toEqual(["a1", "a2", "a3", "b1"]);
    expect(() => burstGroup(0, 1000)).toThrow(/burst/);
  });
});
