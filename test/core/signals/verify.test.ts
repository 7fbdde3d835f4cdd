import { describe, expect, it } from "vitest";
import { judgeSignal, overallVerdict, verifyPhase } from "../../../core/signals/verify.js";
import type { Reading, SignalInput } from "../../../core/signals/verify.js";

/** Verification decided purely, with numbers worked out by hand beside each case. */
const read = (value: number | undefined, series: [number, number][] = []): Reading => ({ ok: true, value, series });
const down: Reading = { ok: false, error: "connect ECONNREFUSED 127.0.0.1:9" };

function errorRate(current: Reading, bound: SignalInput["bound"], baseline?: Reading): SignalInput {
  return { name: "errorRate", unit: "ratio", current, bound, ...(baseline ? { baseline } : {}) };
}

describe("judgeSignal", () => {
  it("20% errors against max 0.05 fails on the max bound, with value, bound and baseline", () => {
    const j = judgeSignal(errorRate(read(0.2), { max: 0.05 }, read(0.01)), "complete");
    expect(j).toMatchObject({ verdict: "failed", value: 0.2, baseline: 0.01, max: 0.05, broken: { bound: "max", limit: 0.05 } });
    expect(j.reason).toBe("errorRate 0.2 is above the bound 0.05");
  });

  it("says its numbers to 4 significant digits: Prometheus' 0.19999999999999998 is 0.2, while the value kept is exact", () => {
    const j = judgeSignal(errorRate(read(0.19999999999999998), { max: 0.05 }), "complete");
    expect(j.value).toBe(0.19999999999999998);
    expect(j.reason).toBe("errorRate 0.2 is above the bound 0.05");
    const p95 = judgeSignal(
      { name: "latencyP95", unit: "seconds", current: read(0.123456), bound: { maxIncrease: 1.5 }, baseline: read(0.0333333) },
      "complete",
    );
    expect(p95.reason).toBe("latencyP95 0.1235 is above 1.5 x the previous release's 0.03333 (0.05)");
  });

  it("fails at once while the window is still open", () => {
    expect(judgeSignal(errorRate(read(0.2), { max: 0.05 }), "open").verdict).toBe("failed");
  });

  it("p95 0.33s against 1.5 x 0.2s (limit 0.3s) fails on maxIncrease; 0.29s is within it", () => {
    const bound = { max: 1, maxIncrease: 1.5 };
    const failed = judgeSignal({ name: "latencyP95", unit: "seconds", current: read(0.33), baseline: read(0.2), bound }, "complete");
    expect(failed.verdict).toBe("failed");
    expect(failed.broken?.bound).toBe("maxIncrease");
    expect(failed.broken?.limit).toBeCloseTo(0.3, 12);
    const held = judgeSignal({ name: "latencyP95", unit: "seconds", current: read(0.29), baseline: read(0.2), bound }, "complete");
    expect(held.verdict).toBe("verified");
    expect(held.value).toBe(0.29);
  });

  it("a value exactly at the bound holds (max is inclusive)", () => {
    expect(judgeSignal(errorRate(read(0.05), { max: 0.05 }), "complete").verdict).toBe("verified");
  });

  it("within bounds is verifying while the window is open, verified once complete", () => {
    expect(judgeSignal(errorRate(read(0.01), { max: 0.05 }), "open").verdict).toBe("verifying");
    expect(judgeSignal(errorRate(read(0.01), { max: 0.05 }), "complete").verdict).toBe("verified");
  });

  it("a signal that cannot be read, has no series or is NaN (no traffic) is not-observed, never a pass", () => {
    for (const current of [down, read(undefined), read(Number.NaN)]) {
      const j = judgeSignal(errorRate(current, { max: 0.05 }), "complete");
      expect(j.verdict).toBe("not-observed");
      expect(j.value).toBeNull();
    }
    expect(judgeSignal(errorRate(down, { max: 0.05 }), "complete").reason).toBe("errorRate could not be read: connect ECONNREFUSED 127.0.0.1:9");
  });

  it("maxIncrease with a previous release whose value cannot be read is not-observed; without any previous release only max judges", () => {
    const unreadable = judgeSignal(errorRate(read(0.01), { maxIncrease: 2 }, down), "complete");
    expect(unreadable.verdict).toBe("not-observed");
    expect(unreadable.reason).toMatch(/previous release could not be read.*maxIncrease cannot be judged/);
    const first = judgeSignal(errorRate(read(0.01), { max: 0.05, maxIncrease: 2 }), "complete");
    expect(first.verdict).toBe("verified");
    expect(first.reason).toMatch(/no previous release to compare with/);
  });

  it("a baseline of 0 allows no rise: 0.001 against 2 x 0 fails, 0 holds", () => {
    expect(judgeSignal(errorRate(read(0.001), { maxIncrease: 2 }, read(0)), "complete")).toMatchObject({ verdict: "failed", broken: { limit: 0 } });
    expect(judgeSignal(errorRate(read(0), { maxIncrease: 2 }, read(0)), "complete").verdict).toBe("verified");
  });

  it("keeps the series of the current window", () => {
    const j = judgeSignal(
      errorRate(
        read(0.1, [
          [100, 0.05],
          [160, 0.1],
        ]),
        undefined,
      ),
      "complete",
    );
    expect(j.series).toEqual([
      [100, 0.05],
      [160, 0.1],
    ]);
    expect(j.verdict).toBe("verified");
    expect(j.max).toBeUndefined();
  });
});

describe("overallVerdict and verifyPhase", () => {
  const j = (verdict: string, bounded = true) => ({ verdict, ...(bounded ? { max: 1 } : {}) }) as Parameters<typeof overallVerdict>[0][number];

  it("failed beats not-observed beats verifying beats verified", () => {
    expect(overallVerdict([j("verified"), j("verifying"), j("not-observed"), j("failed")])).toBe("failed");
    expect(overallVerdict([j("verified"), j("verifying"), j("not-observed")])).toBe("not-observed");
    expect(overallVerdict([j("verified"), j("verifying")])).toBe("verifying");
    expect(overallVerdict([j("verified"), j("verified")])).toBe("verified");
  });

  it("only bounded signals count when any is bounded; nothing at all is not-observed", () => {
    expect(overallVerdict([j("verified"), j("not-observed", false)])).toBe("verified");
    expect(overallVerdict([j("not-observed", false)])).toBe("not-observed");
    expect(overallVerdict([])).toBe("not-observed");
  });

  it("the window of 600 s from 1000 is open at 1599 and complete at 1600", () => {
    expect(verifyPhase(1000, 600, 1599)).toBe("open");
    expect(verifyPhase(1000, 600, 1600)).toBe("complete");
  });
});
