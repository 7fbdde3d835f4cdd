/** What to report for a rollout, decided without a cluster or GitHub. */
import { describe, expect, it } from "vitest";
import { releaseHealth, judgeRollout, rolloutSignal, rolloutSignalText } from "../../../core/status/rollout-decision.js";
import { RELEASE_1, RELEASE_2 } from "../../support/status-scene.js";
import { healthOf } from "../../support/component-health.js";

const T0 = new Date("2026-03-02T10:00:00Z");
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const LIMITS = { degradedSettleMs: 5 * 60_000, maxWatchMs: 60 * 60_000 };

describe("judgeRollout", () => {
  it("settles Healthy at once, since the healthy period's start (or now)", () => {
    const healthy = healthOf({ status: "Healthy" });
    expect(judgeRollout({ health: healthy, startedAt: T0, now: at(2), healthySince: at(1) }, LIMITS)).toEqual({
      degradedSince: undefined,
      settled: { outcome: "healthy", since: at(1) },
    });
    expect(judgeRollout({ health: healthy, startedAt: T0, now: at(2), degradedSince: at(1) }, LIMITS).settled).toEqual({ outcome: "healthy", since: at(2) });
  });

  it("keeps watching a Degraded rollout until it has been Degraded for degradedSettleMs, then settles degraded", () => {
    const degraded = healthOf({ status: "Degraded" });
    expect(judgeRollout({ health: degraded, startedAt: T0, now: at(1) }, LIMITS)).toEqual({ degradedSince: at(1), recheckAt: at(6) });
    expect(judgeRollout({ health: degraded, startedAt: T0, now: at(4), degradedSince: at(1) }, LIMITS)).toEqual({ degradedSince: at(1), recheckAt: at(6) });
    expect(judgeRollout({ health: degraded, startedAt: T0, now: at(6), degradedSince: at(1) }, LIMITS)).toEqual({
      degradedSince: at(1),
      settled: { outcome: "degraded", since: at(1) },
    });
  });

  it("forgets Degraded when it recovers, and times out after maxWatchMs counted from the start", () => {
    const progressing = healthOf({ status: "Progressing" });
    expect(judgeRollout({ health: progressing, startedAt: T0, now: at(59), degradedSince: at(1) }, LIMITS)).toEqual({ degradedSince: undefined });
    expect(judgeRollout({ health: progressing, startedAt: T0, now: at(60) }, LIMITS)).toEqual({
      degradedSince: undefined,
      settled: { outcome: "timed-out", since: T0 },
    });
  });
});

describe("rollout deployment status", () => {
  it("rolls out while watched, then says how it settled or that it was superseded; nothing once cancelled", () => {
    expect(rolloutSignal(undefined)).toBe("rolling-out");
    expect(rolloutSignal("healthy")).toBe("healthy");
    expect(rolloutSignal("degraded")).toBe("degraded");
    expect(rolloutSignal("timed-out")).toBe("not-healthy");
    expect(rolloutSignal("superseded")).toBe("superseded");
    expect(rolloutSignal("cancelled")).toBeUndefined();
  });

  it("names the release and environment, with ready replicas or the reason", () => {
    const rollout = { release: "r2", environment: "dev" };
    const health = healthOf({ status: "Degraded", message: "CrashLoopBackOff in 1 pod", readyReplicas: 1, desiredReplicas: 2 });
    expect(rolloutSignalText("rolling-out", rollout, health)).toBe("r2 in dev");
    expect(rolloutSignalText("healthy", rollout, health)).toBe("r2 in dev, 1/2 ready");
    expect(rolloutSignalText("degraded", rollout, health)).toBe("r2 in dev: CrashLoopBackOff in 1 pod");
    expect(rolloutSignalText("not-healthy", rollout, { ...health, message: "" })).toBe("r2 in dev: Degraded");
  });
});

describe("status comment", () => {
  it("is Progressing while the cluster's workloads do not carry the expected release", () => {
    const old = healthOf({ status: "Healthy", message: "", release: RELEASE_1, desiredRelease: RELEASE_1, readyReplicas: 2, desiredReplicas: 2 });
    expect(releaseHealth(old, RELEASE_2)).toMatchObject({
      status: "Progressing",
      message: `waiting for the cluster to apply release ${RELEASE_2}; it runs ${RELEASE_1}`,
    });
    expect(releaseHealth(healthOf({}), RELEASE_2)).toMatchObject({
      status: "Progressing",
      message: `waiting for the cluster to run release ${RELEASE_2}: no workload found yet`,
    });
    const current = healthOf({ status: "Degraded", message: "CrashLoopBackOff in 1 pod", desiredRelease: RELEASE_2 });
    expect(releaseHealth(current, RELEASE_2)).toBe(current);
  });
});
