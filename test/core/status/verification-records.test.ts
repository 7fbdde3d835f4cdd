/** verificationFromSignals: what a release's verification statuses say, a failure sticking. */
import { describe, expect, it } from "vitest";
import { isVerificationSignal, verificationFromSignals, type SignalRecord } from "../../../core/status/deployment-signals.js";

const R = "222222222222";
const at = (minute: number) => new Date(Date.UTC(2025, 2, 11, 10, minute));
const rec = (signal: SignalRecord["signal"], minute: number, id: number, release = R, description?: string): SignalRecord => ({
  release,
  signal,
  at: at(minute),
  id,
  ...(description ? { description } : {}),
});

describe("verificationFromSignals", () => {
  it("is undefined without verification statuses of that release", () => {
    expect(verificationFromSignals([rec("healthy", 1, 1), rec("verified", 2, 2, "111111111111")], R)).toBeUndefined();
  });

  it("gives the newest verification signal with its time and description", () => {
    const records = [rec("healthy", 0, 1), rec("verifying", 1, 2), rec("verified", 11, 3, R, "Verified: errorRate held for 10m")];
    expect(verificationFromSignals(records, R)).toEqual({ signal: "verified", at: at(11), description: "Verified: errorRate held for 10m" });
    expect(verificationFromSignals(records.slice(0, 2), R)).toEqual({ signal: "verifying", at: at(1) });
    // Equal times: the higher status id is the newer.
    expect(verificationFromSignals([rec("verified", 5, 9), rec("verifying", 5, 8)], R)?.signal).toBe("verified");
  });

  it("keeps the first failure, whatever was posted after it", () => {
    const records = [
      rec("verifying", 1, 1),
      rec("verify-failed", 3, 2, R, "Verification failed: errorRate 0.2 > max 0.01 (baseline 0.001)"),
      rec("verify-failed", 4, 3, R, "Verification failed: later"),
      rec("verified", 20, 4),
    ];
    expect(verificationFromSignals(records, R)).toEqual({
      signal: "verify-failed",
      at: at(3),
      description: "Verification failed: errorRate 0.2 > max 0.01 (baseline 0.001)",
    });
  });

  it("tells verification signals from rollout signals", () => {
    expect(["verifying", "verified", "verify-failed"].every((s) => isVerificationSignal(s as SignalRecord["signal"]))).toBe(true);
    expect(isVerificationSignal("healthy")).toBe(false);
    expect(isVerificationSignal("degraded")).toBe(false);
  });
});
