/** Signal values in their units (presentation/signal-values.ts), as the status comment and the portal show them. */
import { describe, expect, it } from "vitest";
import { judgeSignal } from "../../core/signals/verify.js";
import { formatBound, formatSignalValue, signalReason, verdictWord } from "../../presentation/signal-values.js";

describe("signal values", () => {
  it("formats each unit: ratio as %, seconds as ms or s, bytes as MiB, cores as m, counts as numbers", () => {
    expect(formatSignalValue(0.2, "ratio")).toBe("20%");
    expect(formatSignalValue(0.012345, "ratio")).toBe("1.23%");
    expect(formatSignalValue(0.00012, "ratio")).toBe("0.012%");
    expect(formatSignalValue(0.04875, "seconds")).toBe("48.8 ms");
    expect(formatSignalValue(1.5, "seconds")).toBe("1.5 s");
    expect(formatSignalValue(268435456, "bytes")).toBe("256 MiB");
    expect(formatSignalValue(1.5 * 1048576, "bytes")).toBe("1.5 MiB");
    expect(formatSignalValue(0.25, "cores")).toBe("250m");
    expect(formatSignalValue(3, "count")).toBe("3");
    expect(formatSignalValue(12345.6, "count")).toBe("12346");
    expect(formatSignalValue(null, "ratio")).toBe("–");
    expect(formatSignalValue(Number.NaN, "seconds")).toBe("–");
  });

  it("states bounds and reasons with the numbers in their unit, and verdicts in words", () => {
    const current = { ok: true as const, value: 0.09, series: [] };
    const failed = judgeSignal(
      { name: "latencyP95", unit: "seconds", bound: { max: 0.3, maxIncrease: 1.5 }, current, baseline: { ok: true, value: 0.05, series: [] } },
      "complete",
    );
    expect(failed.verdict).toBe("failed");
    expect(formatBound(failed)).toBe("≤ 300 ms, ≤ 1.5× previous (75 ms)");
    expect(signalReason(failed)).toBe("latencyP95 90 ms is above 1.5× the previous release's 50 ms (75 ms)");
    const first = judgeSignal({ name: "latencyP95", unit: "seconds", bound: { maxIncrease: 1.5 }, current }, "open");
    expect(signalReason(first)).toBe("latencyP95 90 ms is within its bounds so far; no previous release to compare with");
    expect(formatBound(judgeSignal({ name: "restarts", unit: "count", current }, "complete"))).toBe("none");
    expect(verdictWord("not-observed")).toBe("not observed");
    expect(verdictWord("verifying")).toBe("verifying");
  });
});
