/**
 * One look at a watched rollout: what the observer shows of the component for the expected release
 * (and of the components it depends on, for the diagnosis), and what that decides
 * (core/status/rollout-decision.ts: settled or not, and since when). Reads the observer and keeps
 * the healthy tracker current; writes nothing on GitHub (rollout-writer.ts does) and schedules
 * nothing (rollout-watches.ts does).
 */
import type { ComponentKey } from "../../core/status/components.js";
import { diagnose, type Diagnosis } from "../../core/status/diagnose.js";
import { type ComponentHealth, unknownHealth } from "../../core/status/health.js";
import { judgeRollout, releaseHealth, type RolloutJudgement, type RolloutLimits } from "../../core/status/rollout-decision.js";
import type { ObservedCluster } from "./health-source.js";
import type { HealthyTracker } from "./healthy-tracker.js";

/** The components a component depends on, and the endpoint it reaches each at (for "dependency not ready" diagnoses). */
export type DependenciesOf = (key: ComponentKey) => readonly { key: ComponentKey; endpoint?: string }[];

/** The rollout looked at: one release of one component in the cluster context of its environment. */
export interface WatchedRollout {
  /** The component as its objects are labelled. */
  readonly key: ComponentKey;
  /** The key its Healthy periods are tracked under (`<env>/<cluster>` for a cluster of an environment on several clusters). @default key */
  readonly tracked?: ComponentKey;
  readonly context: string;
  /** The release expected to run. */
  readonly release: string;
}

/** What the observer shows of a rollout now. */
export interface RolloutReading {
  /** The component's health as observed; undefined while its context is not read yet. */
  readonly raw: ComponentHealth | undefined;
  /** The health to report: the observed one judged against the expected release. */
  readonly health: ComponentHealth;
  readonly diagnosis: Diagnosis;
}

/** Where a watch stands before the look: the judgement continues from here. */
export interface RolloutProgress {
  /** When the release landed; `maxWatchMs` counts from here. */
  readonly startedAt: Date;
  /** Since when it was Degraded at the previous look. @default it was not */
  readonly degradedSince?: Date | undefined;
}

/** The settings an evaluation runs with. */
export interface EvaluationSettings extends RolloutLimits {
  readonly dependencies: DependenciesOf;
}

/** One evaluation: the reading and what it decides. */
export interface RolloutEvaluation extends RolloutReading {
  readonly judgement: RolloutJudgement;
}

function notRead(context: string): ComponentHealth {
  return unknownHealth(`cluster context ${context} is not read yet`);
}

/** Reads `rollout` (and its dependencies, once the context is read) from `observer`. */
export function readRollout(observer: ObservedCluster, rollout: WatchedRollout, dependencies: DependenciesOf): RolloutReading {
  const synced = observer.isSynced(rollout.context);
  const raw = synced ? observer.health(rollout.context, rollout.key) : undefined;
  const health = releaseHealth(raw ?? notRead(rollout.context), rollout.release);
  const deps = synced
    ? dependencies(rollout.key).map((d) => {
        const h = observer.health(rollout.context, d.key);
        return {
          key: d.key,
          health: h.status === "Unknown" && h.workloads.length === 0 ? undefined : h,
          ...(d.endpoint !== undefined ? { endpoint: d.endpoint } : {}),
        };
      })
    : [];
  return { raw, health, diagnosis: diagnose({ key: rollout.key, health, dependencies: deps }) };
}

/**
 * Reads `rollout` at `now`, records what was observed in `tracker` (so the gates' health source
 * and the watches agree on since when it is Healthy), and judges it from `progress`.
 */
export function evaluateRollout(
  observer: ObservedCluster,
  tracker: HealthyTracker,
  rollout: WatchedRollout & RolloutProgress,
  now: Date,
  settings: EvaluationSettings,
): RolloutEvaluation {
  const reading = readRollout(observer, rollout, settings.dependencies);
  const tracked = rollout.tracked ?? rollout.key;
  if (reading.raw) tracker.observe(tracked, reading.raw.status, reading.raw.release);
  const judgement = judgeRollout(
    { health: reading.health, startedAt: rollout.startedAt, now, degradedSince: rollout.degradedSince, healthySince: tracker.current(tracked)?.since },
    { degradedSettleMs: settings.degradedSettleMs, maxWatchMs: settings.maxWatchMs },
  );
  return { ...reading, judgement };
}
