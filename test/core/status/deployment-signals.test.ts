/** Health signals on deployment statuses (core/status/deployment-signals.ts). */
import { describe, expect, it } from "vitest";
import { healthySinceFromSignals, signalDescription, signalOf, type SignalRecord } from "../../../core/status/deployment-signals.js";
import { RELEASE_1, RELEASE_2 } from "../../support/status-scene.js";

const T0 = new Date("2026-03-02T10:00:00Z");
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

describe("health signals on deployment statuses", () => {
  it("recognises only Ferry's health statuses, by state and description prefix", () => {
    expect(signalOf("success", "Healthy: 1b2c3d4e5f60 in dev, 2/2 ready")).toBe("healthy");
    expect(signalOf("failure", "Degraded: CrashLoopBackOff")).toBe("degraded");
    expect(signalOf("in_progress", "Rolling out: r in dev")).toBe("rolling-out");
    expect(signalOf("failure", "Not healthy: still Progressing")).toBe("not-healthy");
    // The release flow's own statuses are not health signals.
    expect(signalOf("success", "committed to main")).toBeUndefined();
    expect(signalOf("in_progress", "waiting for pull request #3")).toBeUndefined();
    expect(signalOf("failure", "Healthy: but the state says otherwise")).toBeUndefined();
    expect(signalOf("success", null)).toBeUndefined();
  });

  it("cuts descriptions to GitHub's 140 characters on one line", () => {
    const d = signalDescription("degraded", `x\n${"y".repeat(300)}`);
    expect(d).toHaveLength(140);
    expect(d.startsWith("Degraded: x y")).toBe(true);
    expect(d.endsWith("…")).toBe(true);
  });

  it("takes the start of the newest unbroken run of Healthy signals of the release", () => {
    const s = (release: string, signal: SignalRecord["signal"], minute: number, id = minute): SignalRecord => ({ release, signal, at: at(minute), id });
    const history = [s(RELEASE_2, "healthy", 20), s(RELEASE_2, "healthy", 10), s(RELEASE_2, "rolling-out", 5), s(RELEASE_1, "healthy", 0)];
    expect(healthySinceFromSignals(history, RELEASE_2)).toEqual(at(10));
    expect(healthySinceFromSignals([...history].reverse(), RELEASE_2)).toEqual(at(10));
    expect(healthySinceFromSignals(history, RELEASE_1)).toBeUndefined();
    expect(healthySinceFromSignals([s(RELEASE_2, "degraded", 30), ...history], RELEASE_2)).toBeUndefined();
    // Same second: the higher status id is newer.
    expect(healthySinceFromSignals([s(RELEASE_2, "healthy", 40, 1), s(RELEASE_2, "degraded", 40, 2)], RELEASE_2)).toBeUndefined();
    expect(healthySinceFromSignals([s(RELEASE_2, "healthy", 40, 2), s(RELEASE_2, "degraded", 40, 1)], RELEASE_2)).toEqual(at(40));
    expect(healthySinceFromSignals([], RELEASE_2)).toBeUndefined();
  });
});
