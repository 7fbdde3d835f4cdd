/**
 * One look at a rollout (flows/status/rollout-evaluation.ts), without GitHub: the observer is an
 * in-memory cluster passed in as a parameter, the tracker a real HealthyTracker on a fixed clock.
 * The watches' lifecycle against a real observer and fake Kubernetes API is in rollout-watches.test.ts.
 */
import { describe, expect, it } from "vitest";
import { keyString, type ComponentKey } from "../../../core/status/components.js";
import { unknownHealth, type ComponentHealth, type HealthStatus } from "../../../core/status/health.js";
import type { ObservedCluster } from "../../../flows/status/health-source.js";
import { HealthyTracker } from "../../../flows/status/healthy-tracker.js";
import { evaluateRollout, readRollout, type EvaluationSettings } from "../../../flows/status/rollout-evaluation.js";
import { CONTEXT, KEY, RELEASE_1, RELEASE_2 } from "../../support/status-scene.js";

const T0 = new Date("2026-03-02T10:00:00Z");
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const DB: ComponentKey = { project: "shop", component: "db", environment: "dev" };
const ROLLOUT = { key: KEY, context: CONTEXT, release: RELEASE_2 };

/** A cluster that shows what it is given, and remembers which components were read. */
class HeldCluster implements ObservedCluster {
  readonly read: string[] = [];
  constructor(
    private readonly shown: ReadonlyMap<string, ComponentHealth>,
    private readonly synced = true,
  ) {}
  onChange(): () => void {
    return () => undefined;
  }
  contexts(): string[] {
    return [CONTEXT];
  }
  isSynced(context?: string): boolean {
    return this.synced && (context === undefined || context === CONTEXT);
  }
  health(context: string, key: ComponentKey): ComponentHealth {
    this.read.push(keyString(key));
    return this.shown.get(`${context}|${keyString(key)}`) ?? unknownHealth("no workload");
  }
}

function health(status: HealthStatus, release: string, message: string = status): ComponentHealth {
  return { ...unknownHealth(message), status, release, desiredRelease: release, releases: [{ release, ready: 2 }], readyReplicas: 2, desiredReplicas: 2 };
}

function cluster(entries: [ComponentKey, ComponentHealth][], synced = true): HeldCluster {
  return new HeldCluster(new Map(entries.map(([k, h]) => [`${CONTEXT}|${keyString(k)}`, h])), synced);
}

const settings = (dependencies: EvaluationSettings["dependencies"] = () => []): EvaluationSettings => ({
  degradedSettleMs: 5 * 60_000,
  maxWatchMs: 60 * 60_000,
  dependencies,
});

describe("evaluateRollout", () => {
  it("before the context is read: reports waiting, reads no dependency, records nothing, and times out only after maxWatchMs", () => {
    const observer = cluster([[KEY, health("Healthy", RELEASE_2)]], false);
    const tracker = new HealthyTracker(() => T0);
    const early = evaluateRollout(
      observer,
      tracker,
      { ...ROLLOUT, startedAt: T0 },
      at(59),
      settings(() => [{ key: DB }]),
    );
    expect(early.raw).toBeUndefined();
    expect(early.health).toMatchObject({ status: "Progressing", message: `waiting for the cluster to run release ${RELEASE_2}: no workload found yet` });
    expect(early.judgement.settled).toBeUndefined();
    expect(observer.read).toEqual([]);
    expect(tracker.current(KEY)).toBeUndefined();

    const late = evaluateRollout(observer, tracker, { ...ROLLOUT, startedAt: T0 }, at(60), settings());
    expect(late.judgement.settled).toEqual({ outcome: "timed-out", since: T0 });
  });

  it("a component Healthy on the previous release is Progressing for the expected one; the tracker records the release it runs", () => {
    const observer = cluster([[KEY, health("Healthy", RELEASE_1)]]);
    const tracker = new HealthyTracker(() => at(1));
    const look = evaluateRollout(observer, tracker, { ...ROLLOUT, startedAt: T0 }, at(1), settings());
    expect(look.raw?.status).toBe("Healthy");
    expect(look.health).toMatchObject({ status: "Progressing", message: `waiting for the cluster to apply release ${RELEASE_2}; it runs ${RELEASE_1}` });
    expect(look.judgement.settled).toBeUndefined();
    expect(tracker.current(KEY)).toMatchObject({ release: RELEASE_1, since: at(1) });
  });

  it("settles Healthy since the tracker's period, which the gates' health source may have started earlier", () => {
    const observer = cluster([[KEY, health("Healthy", RELEASE_2)]]);
    let now = at(2);
    const tracker = new HealthyTracker(() => now);
    tracker.observe(KEY, "Healthy", RELEASE_2); // the health source saw it first, at minute 2
    now = at(7);
    const look = evaluateRollout(observer, tracker, { ...ROLLOUT, startedAt: T0 }, at(7), settings());
    expect(look.judgement.settled).toEqual({ outcome: "healthy", since: at(2) });
    expect(look.diagnosis).toEqual({ key: KEY, status: "Healthy", summary: "", findings: [] });
  });

  it("carries Degraded across looks from the watch's progress and settles it after degradedSettleMs", () => {
    const observer = cluster([[KEY, health("Degraded", RELEASE_2, "pods crash")]]);
    const tracker = new HealthyTracker(() => T0);
    const first = evaluateRollout(observer, tracker, { ...ROLLOUT, startedAt: T0 }, at(1), settings());
    expect(first.judgement).toEqual({ degradedSince: at(1), recheckAt: at(6) });
    const before = evaluateRollout(observer, tracker, { ...ROLLOUT, startedAt: T0, degradedSince: first.judgement.degradedSince }, at(5), settings());
    expect(before.judgement.settled).toBeUndefined();
    const after = evaluateRollout(observer, tracker, { ...ROLLOUT, startedAt: T0, degradedSince: first.judgement.degradedSince }, at(6), settings());
    expect(after.judgement.settled).toEqual({ outcome: "degraded", since: at(1) });
    expect(tracker.current(KEY)).toBeUndefined();
  });
});

describe("readRollout", () => {
  it("names a dependency that is not ready, and one not running at all, in the diagnosis", () => {
    const cache: ComponentKey = { project: "shop", component: "cache", environment: "dev" };
    const observer = cluster([
      [KEY, health("Progressing", RELEASE_2, "0/2 ready")],
      [DB, health("Degraded", "9f8e7d6c5b4a", "db crashes")],
    ]);
    const reading = readRollout(observer, ROLLOUT, () => [{ key: DB, endpoint: "db:5432" }, { key: cache }]);
    expect(observer.read).toEqual([keyString(KEY), keyString(DB), keyString(cache)]);
    expect(reading.diagnosis.findings.map((f) => f.cause)).toEqual([
      `Dependency shop/cache is not running in dev.`,
      `Dependency shop/db (endpoint "db:5432") is Degraded: db crashes.`,
    ]);
    expect(reading.diagnosis.summary).toBe("Dependency shop/cache is not running in dev.");
  });
});
