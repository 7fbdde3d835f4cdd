/** A verification's window from the deployment statuses, across restarts (core/status/verification-window.ts). */
import { describe, expect, it } from "vitest";
import type { SignalRecord } from "../../../core/status/deployment-signals.js";
import { planVerification, recordedVerification, type RecordedVerification } from "../../../core/status/verification-window.js";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const at = (s: number): Date => new Date(T0 + s * 1000);
const unix = (s: number): number => T0 / 1000 + s;
let nextId = 1;
const rec = (signal: SignalRecord["signal"], s: number, release = "r2"): SignalRecord => ({ release, signal, at: at(s), id: nextId++ });

/** A first run: rolled out at 0, Healthy and verifying at 10. */
const firstRun = (): SignalRecord[] => [rec("rolling-out", 0, "r2"), rec("verifying", 10)];
/** The re-watch after a restart at 100: it posts its own `Rolling out:` and `Verifying:`. */
const rewatch = (): SignalRecord[] => [rec("rolling-out", 100), rec("verifying", 102)];

describe("what the deployment statuses recorded of a verification", () => {
  it("keeps the first Verifying: and Rolling out: of the attempt across a restart's re-watch, whatever the order given", () => {
    const records = [...rewatch(), rec("verifying", 5, "r1"), ...firstRun()].reverse();
    expect(recordedVerification(records, "r2")).toEqual({ verifyingSince: at(10), rolloutSince: at(0) });
  });

  it("takes a verdict as final, a failure sticking over a later Verified", () => {
    expect(recordedVerification([...firstRun(), rec("verified", 70)], "r2")).toEqual({ verdict: { signal: "verified", at: at(70) } });
    const landedAt = at(0);
    const both = [...firstRun(), rec("verify-failed", 40), rec("verifying", 50), rec("verified", 90)];
    expect(recordedVerification(both, "r2", landedAt)).toEqual({ verdict: { signal: "verify-failed", at: at(40) } });
  });

  it("with the landing known, a verdict stays final even when a racing re-watch posted Verifying: after it", () => {
    const records = [...firstRun(), rec("verified", 70), rec("rolling-out", 80), rec("verifying", 81)];
    expect(recordedVerification(records, "r2", at(0)).verdict).toEqual({ signal: "verified", at: at(70) });
  });

  it("a release landed again is verified again: statuses before its landing (or, without one, before its newest verdict) are an earlier attempt", () => {
    const records = [...firstRun(), rec("verified", 70), rec("rolling-out", 500), rec("verifying", 510)];
    expect(recordedVerification(records, "r2", at(499))).toEqual({ verifyingSince: at(510), rolloutSince: at(500) });
    expect(recordedVerification(records, "r2")).toEqual({ verifyingSince: at(510), rolloutSince: at(500) });
  });

  it("nothing recorded: no start, no verdict", () => {
    expect(recordedVerification([rec("verifying", 10, "r1")], "r2")).toEqual({});
  });
});

describe("the verification's plan", () => {
  const plan = (recorded: RecordedVerification, now: number) =>
    planVerification({ recorded, durationSeconds: 60, healthySince: at(102), watchedSince: at(100), now: at(now) });

  it("a verdict already posted is never run again", () => {
    expect(plan({ verdict: { signal: "verify-failed", at: at(40) } }, 200)).toEqual({ kind: "posted", verdict: { signal: "verify-failed", at: at(40) } });
  });

  it("resumed inside its window: observed until the original end, the baseline ending where the rollout started", () => {
    expect(plan({ verifyingSince: at(10), rolloutSince: at(0) }, 40)).toEqual({
      kind: "observe",
      window: { from: unix(10), to: unix(70) },
      baselineEnd: unix(0),
      phase: "open",
      resumed: true,
    });
  });

  it("resumed after its window ran out: one look at the original end", () => {
    const p = plan({ verifyingSince: at(10), rolloutSince: at(0) }, 102);
    expect(p).toMatchObject({ kind: "observe", window: { from: unix(10), to: unix(70) }, phase: "over", resumed: true });
    // Exactly at the end is over too.
    expect(plan({ verifyingSince: at(10) }, 70)).toMatchObject({ phase: "over" });
    expect(plan({ verifyingSince: at(10) }, 69.5)).toMatchObject({ phase: "open" });
  });

  it("nothing recorded yet: the window starts at the Healthy moment, the baseline ends where this process began watching", () => {
    expect(plan({}, 103)).toEqual({ kind: "observe", window: { from: unix(102), to: unix(162) }, baselineEnd: unix(100), phase: "open", resumed: false });
  });

  it("a fresh verification whose Verifying: was just posted is not a resumed one, and its window starts at the record", () => {
    expect(plan({ verifyingSince: at(103), rolloutSince: at(100) }, 103)).toMatchObject({ window: { from: unix(103), to: unix(163) }, resumed: false });
  });

  it("the baseline never ends after the window starts", () => {
    expect(planVerification({ recorded: {}, durationSeconds: 60, healthySince: at(50), watchedSince: at(80), now: at(51) })).toMatchObject({
      baselineEnd: unix(50),
    });
  });
});
