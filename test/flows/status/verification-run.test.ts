/** What a verification posts on the rollout's deployment, and which release came before. */
import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../../../core/history.js";
import type { SignalJudgement } from "../../../core/signals/verify.js";
import { releaseBefore, verificationStatus } from "../../../flows/status/verification-run.js";

const judged = (over: Partial<SignalJudgement>): SignalJudgement => ({
  name: "errorRate",
  unit: "ratio",
  value: 0.2,
  baseline: 0.01,
  verdict: "failed",
  reason: "",
  series: [],
  ...over,
});

describe("verificationStatus", () => {
  it("failed: Verification failed naming value, bound and baseline of each broken signal", () => {
    const status = verificationStatus(
      {
        result: "failed",
        signals: [
          judged({ max: 0.05, broken: { bound: "max", limit: 0.05 } }),
          judged({ name: "latencyP95", unit: "seconds", value: 0.4, baseline: 0.1, maxIncrease: 1.5, broken: { bound: "maxIncrease", limit: 0.15 } }),
        ],
      },
      "r2 in prod",
    );
    expect(status).toEqual({ signal: "verify-failed", text: "r2 in prod: errorRate 0.2 > max 0.05; latencyP95 0.4 > 1.5x baseline 0.1 (0.15)" });
  });

  it("not observed stays Verifying (in progress) with the reason: neither a pass nor a failure", () => {
    const status = verificationStatus(
      {
        result: "not-observed",
        signals: [judged({ value: null, verdict: "not-observed", reason: "errorRate could not be read: 127.0.0.1:9 could not be reached" })],
      },
      "r2 in prod",
    );
    expect(status?.signal).toBe("verifying");
    expect(status?.text).toBe("r2 in prod: not observed, not verified: errorRate could not be read: 127.0.0.1:9 could not be reached");
    expect(verificationStatus({ result: "verified", signals: [] }, "r2 in prod")).toEqual({
      signal: "verified",
      text: "r2 in prod: every signal within its bounds",
    });
    expect(verificationStatus({ result: "cancelled", signals: [] }, "r2 in prod")).toBeUndefined();
  });
});

describe("releaseBefore", () => {
  const entry = (release: string | undefined, day: number): HistoryEntry => ({
    environment: "prod",
    release,
    date: new Date(Date.UTC(2026, 0, day)),
    commit: `c${day}`,
    repo: undefined,
    source: undefined,
    promotedFrom: undefined,
    approvedBy: [],
  });

  it("skips the release's own run of commits (re-renders) and removals", () => {
    expect(releaseBefore([entry("r3", 5), entry("r3", 4), entry(undefined, 3), entry("r2", 2), entry("r1", 1)], "r3")).toBe("r2");
    expect(releaseBefore([entry("r1", 1)], "r1")).toBeUndefined();
    expect(releaseBefore([entry("r1", 1)], "r9")).toBeUndefined();
  });
});
