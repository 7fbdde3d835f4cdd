/** Pure parts of status reporting: the healthy-period tracker, health signals on deployments, effective health, the comment and overview. */
import { describe, expect, it } from "vitest";
import { computeHealth, type ComponentHealth } from "../../core/status/health.js";
import { diagnose } from "../../core/status/diagnose.js";
import { renderStatusComment, statusCommentKey } from "../../presentation/markdown/status-comment.js";
import { releaseHealth } from "../../core/status/rollout-decision.js";
import { commentMarker } from "../../core/comments/markers.js";
import { healthySinceFromSignals, signalDescription, signalOf, type SignalRecord } from "../../core/status/deployment-signals.js";
import { contextOf } from "../../flows/status/environment-contexts.js";
import { problems, selects } from "../../core/status/overview.js";
import { HealthyTracker } from "../../flows/status/healthy-tracker.js";
import { emptyObjects } from "../../core/status/cluster-objects.js";
import { ENVIRONMENTS, KEY, RELEASE_1, RELEASE_2 } from "./helpers.js";

const T0 = new Date("2026-03-02T10:00:00Z");
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

describe("HealthyTracker", () => {
  it("keeps the start of a Healthy period per release and ends it on anything else", () => {
    let now = T0;
    const t = new HealthyTracker(() => now);
    expect(t.observe(KEY, "Progressing", undefined)).toBeUndefined();
    now = at(1);
    expect(t.observe(KEY, "Healthy", RELEASE_1)).toEqual({ release: RELEASE_1, since: at(1), unconfirmed: false });
    now = at(5);
    expect(t.observe(KEY, "Healthy", RELEASE_1)?.since).toEqual(at(1));
    expect(t.observe(KEY, "Healthy", RELEASE_2)?.since).toEqual(at(5));
    now = at(6);
    expect(t.observe(KEY, "Degraded", RELEASE_2)).toBeUndefined();
    expect(t.current(KEY)).toBeUndefined();
    now = at(7);
    expect(t.observe(KEY, "Healthy", RELEASE_2)?.since).toEqual(at(7));
    expect(t.observe(KEY, "Healthy", undefined)).toBeUndefined();
    expect(t.observe({ ...KEY, environment: "prod" }, "Healthy", RELEASE_2)?.since).toEqual(at(7));
  });

  it("backdates only a period that began with the process's first look, and only to an earlier time", () => {
    let now = at(30);
    const t = new HealthyTracker(() => now);
    expect(t.observe(KEY, "Healthy", RELEASE_2)).toMatchObject({ since: at(30), unconfirmed: true });
    expect(t.confirm(KEY, RELEASE_1, at(0))).toMatchObject({ since: at(30), unconfirmed: true });
    expect(t.confirm(KEY, RELEASE_2, at(40))).toEqual({ release: RELEASE_2, since: at(30), unconfirmed: false });
    expect(t.confirm(KEY, RELEASE_2, at(0))?.since).toEqual(at(30));

    const fresh = new HealthyTracker(() => now);
    fresh.observe(KEY, "Healthy", RELEASE_2);
    expect(fresh.confirm(KEY, RELEASE_2, at(0))).toEqual({ release: RELEASE_2, since: at(0), unconfirmed: false });

    const dipped = new HealthyTracker(() => now);
    dipped.observe(KEY, "Degraded", RELEASE_2);
    now = at(35);
    expect(dipped.observe(KEY, "Healthy", RELEASE_2)).toMatchObject({ since: at(35), unconfirmed: false });
    expect(dipped.confirm(KEY, RELEASE_2, at(0))?.since).toEqual(at(35));
    dipped.forget(KEY);
    expect(dipped.current(KEY)).toBeUndefined();
  });
});

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

function healthOf(over: Partial<ComponentHealth>): ComponentHealth {
  return { ...computeHealth(emptyObjects()), ...over };
}

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

  it("renders deterministically, with the marker key the upsert finds", () => {
    const health = releaseHealth(healthOf({}), RELEASE_2);
    const input = {
      key: KEY,
      context: "kind-dev",
      release: RELEASE_2,
      health,
      diagnosis: diagnose({ key: KEY, health }),
      startedAt: T0,
      degradedSettleMs: 300_000,
      maxWatchMs: 3_600_000,
    };
    const body = renderStatusComment(input);
    expect(renderStatusComment(input)).toBe(body);
    expect(body).not.toContain("Last update");
    expect(renderStatusComment({ ...input, updatedAt: at(3) })).toContain("| Last update | 2026-03-02 10:03 UTC |");
    expect(body).toContain("⏳ Ferry keeps this comment up to date until the rollout settles: Healthy, or Degraded for 5m.");
    expect(commentMarker(statusCommentKey(KEY))).toBe("<!-- ferry:status:dev:shop/api -->");
  });
});

describe("overview helpers", () => {
  it("selects by name or project/name and lists every problem", () => {
    expect(selects({}, KEY)).toBe(true);
    expect(selects({ components: ["api"] }, KEY)).toBe(true);
    expect(selects({ components: ["shop/api"] }, KEY)).toBe(true);
    expect(selects({ components: ["pay/api", "web"] }, KEY)).toBe(false);
    const degraded = healthOf({ status: "Degraded", message: "OOMKilled in 1 pod" });
    const list = problems(
      [
        { environment: "dev", context: "kind-dev", components: [{ key: KEY, health: degraded, diagnosis: diagnose({ key: KEY, health: degraded }) }] },
        { environment: "prod", context: "kind-prod", unreachable: "connect ECONNREFUSED", components: [] },
        { environment: "staging", skipped: "no cluster context", components: [] },
      ],
      { components: ["web"] },
    );
    expect(list).toEqual(["dev shop/api: Degraded (OOMKilled in 1 pod)", "prod: unreachable (connect ECONNREFUSED)", "web: not found in dev"]);
  });

  it("reads environment contexts from a list or a function", () => {
    expect(contextOf(ENVIRONMENTS, "dev")).toBe("kind-dev");
    expect(contextOf(ENVIRONMENTS, "staging")).toBeUndefined();
    expect(contextOf(() => [{ name: "qa", cluster: { context: "kind-qa" } }], "qa")).toBe("kind-qa");
    expect(contextOf(ENVIRONMENTS, "nope")).toBeUndefined();
  });
});
