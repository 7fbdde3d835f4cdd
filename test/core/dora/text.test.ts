import { describe, expect, it } from "vitest";
import type { DoraReport } from "../../../core/dora/figures.js";
import { formatDoraText, formatSeconds } from "../../../core/dora/text.js";

const none = { p50: null, p90: null, count: 0 };
function report(over: Partial<DoraReport> = {}): DoraReport {
  return {
    since: "2026-11-01T00:00:00.000Z",
    until: "2026-12-01T00:00:00.000Z",
    environment: "prod",
    deployments: 2,
    deploymentFrequencyPerDay: 2 / 30,
    leadTimeSeconds: { p50: 5400, p90: 93_784, count: 2 },
    changeFailureRate: 0.5,
    timeToRestoreSeconds: { ...none, unrestored: 1 },
    changeFailures: { failed: 1, count: 2 },
    rollbacks: 0,
    components: [],
    breakGlass: { count: 0, promotions: [] },
    ...over,
  };
}

describe("formatDoraText", () => {
  it("writes each figure with its count, and 'not observed' (never 0) for a figure without samples", () => {
    const text = formatDoraText(report(), ["no GitHub token (GITHUB_TOKEN): ..."]);
    expect(text).toContain("deployments          2 (0.07/day, 0 rollbacks)");
    expect(text).toContain("lead time            p50 1h 30m, p90 1d 2h 3m 4s (2)");
    expect(text).toContain("change failure rate  50.0% (1 of 2)");
    expect(text).toContain("time to restore      not observed, 1 not restored yet");
    expect(text).toContain("No component landed in prod.");
    expect(text.trimEnd().endsWith("note: no GitHub token (GITHUB_TOKEN): ...")).toBe(true);
    const unobserved = formatDoraText(report({ changeFailureRate: null, changeFailures: { failed: 0, count: 0 }, leadTimeSeconds: none }));
    expect(unobserved).toContain("change failure rate  not observed");
    expect(unobserved).toContain("lead time            not observed");
  });

  it("lists break-glass promotions after the figures, and says nothing of them when there were none", () => {
    expect(formatDoraText(report())).not.toContain("Break-glass");
    const promotions = [
      { component: "shop/api", release: "0123456789ab", at: "2026-11-20T10:00:00.000Z", commit: "c".repeat(40), login: "mia", reason: "payments down" },
    ];
    const text = formatDoraText(report({ breakGlass: { count: 1, promotions } }));
    expect(text).toContain(
      "Break-glass promotions through a freeze: 1\n  2026-11-20T10:00:00.000Z  shop/api 0123456789ab  @mia: payments down  (cccccccccccc)",
    );
  });

  it("formats seconds in whole units", () => {
    expect(formatSeconds(0)).toBe("0s");
    expect(formatSeconds(59.6)).toBe("1m");
    expect(formatSeconds(3600)).toBe("1h");
  });
});
