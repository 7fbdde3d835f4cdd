/**
 * What Ferry reports about a rollout it watches (pure): the health to report for the expected
 * release, whether the rollout has settled (Healthy; Degraded for `degradedSettleMs`; not
 * Healthy within `maxWatchMs`) and since when, and the deployment status (signal and text) that
 * goes with it. flows/status/rollout-watches.ts runs the watch, flows/status/rollout-evaluation.ts
 * applies this to each look and flows/status/rollout-writer.ts writes the result.
 */
import type { RolloutSignal } from "./deployment-signals.js";
import type { ComponentHealth } from "./health.js";

/** How a watch ended. */
export type WatchOutcome = "healthy" | "degraded" | "timed-out" | "superseded" | "cancelled";

/** How a settled watch ended (superseded and cancelled watches do not settle). */
export type SettledOutcome = Extract<WatchOutcome, "healthy" | "degraded" | "timed-out">;

/** Whether `outcome` is a settle (healthy, degraded or timed out). */
export function isSettled(outcome: WatchOutcome): outcome is SettledOutcome {
  return outcome === "healthy" || outcome === "degraded" || outcome === "timed-out";
}

/**
 * The health of `release` in the cluster: while the workloads' pod templates do not carry it yet
 * (the GitOps controller has not applied the change) it is Progressing, however healthy the
 * release the cluster runs, and says which one that is. Once applied, the component's health is
 * the release's: `computeHealth` counts only that release's pods as Ready and only its
 * pods' failures as Degraded.
 */
export function releaseHealth(h: ComponentHealth, release: string): ComponentHealth {
  if (h.desiredRelease === release) return h;
  const runs = h.release ?? h.desiredRelease;
  const message =
    runs === undefined
      ? `waiting for the cluster to run release ${release}: ${h.status === "Unknown" ? "no workload found yet" : "its workloads carry no release"}`
      : `waiting for the cluster to apply release ${release}; it runs ${runs}`;
  return { ...h, status: "Progressing", message };
}

/** How long a rollout is watched. */
export interface RolloutLimits {
  /** How long Degraded must last before the rollout settles as failed, in ms. */
  readonly degradedSettleMs: number;
  /** A rollout not settled this long after it started ends as timed out, in ms. */
  readonly maxWatchMs: number;
}

/** One look at a rollout. */
export interface RolloutObservation {
  /** The health to report (see {@link releaseHealth}). */
  readonly health: ComponentHealth;
  /** When the release landed; `maxWatchMs` counts from here. */
  readonly startedAt: Date;
  readonly now: Date;
  /** Since when it was Degraded at the previous look. @default it was not */
  readonly degradedSince?: Date | undefined;
  /** Since when the component has been Healthy on its release (the healthy tracker's period). @default now */
  readonly healthySince?: Date | undefined;
}

/** What one look at a rollout decides. */
export interface RolloutJudgement {
  /** Since when it has been Degraded; undefined when it is not Degraded. */
  readonly degradedSince: Date | undefined;
  /**
   * Set when the rollout settled: how, and since when (healthy: since when Healthy on the
   * release, the soak counts from there; degraded: since when Degraded; timed out: when it started).
   */
  readonly settled?: { readonly outcome: SettledOutcome; readonly since: Date };
  /** When to look again without waiting for a change: when a Degraded rollout would settle. @default no deadline */
  readonly recheckAt?: Date;
}

/** Whether the rollout settled at `observation`, and what to remember of it. */
export function judgeRollout(observation: RolloutObservation, limits: RolloutLimits): RolloutJudgement {
  const { health, now, startedAt } = observation;
  const degradedSince = health.status === "Degraded" ? (observation.degradedSince ?? now) : undefined;
  let outcome: SettledOutcome | undefined;
  if (health.status === "Healthy") outcome = "healthy";
  else if (degradedSince && now.getTime() - degradedSince.getTime() >= limits.degradedSettleMs) outcome = "degraded";
  else if (now.getTime() - startedAt.getTime() >= limits.maxWatchMs) outcome = "timed-out";
  if (outcome) {
    const since = outcome === "healthy" ? (observation.healthySince ?? now) : outcome === "degraded" ? (degradedSince ?? now) : startedAt;
    return { degradedSince, settled: { outcome, since } };
  }
  return { degradedSince, ...(degradedSince ? { recheckAt: new Date(degradedSince.getTime() + limits.degradedSettleMs) } : {}) };
}

/** The deployment status signal of a rollout: rolling out while watched, then how it settled or that a newer release superseded it; none once cancelled. */
export function rolloutSignal(outcome: WatchOutcome | undefined): RolloutSignal | undefined {
  switch (outcome) {
    case undefined:
      return "rolling-out";
    case "healthy":
      return "healthy";
    case "degraded":
      return "degraded";
    case "timed-out":
      return "not-healthy";
    case "superseded":
      return "superseded";
    case "cancelled":
      return undefined;
  }
}

/** What a rollout's deployment status is about: the release, where, and the release that superseded it, if one did. */
export interface SignalledRollout {
  readonly release: string;
  readonly environment: string;
  readonly supersededBy?: string | undefined;
}

/** The text of a rollout's deployment status (after the signal's prefix). */
export function rolloutSignalText(signal: RolloutSignal, rollout: SignalledRollout, health: ComponentHealth): string {
  const where = `${rollout.release} in ${rollout.environment}`;
  const ready = `${health.readyReplicas}/${health.desiredReplicas} ready`;
  switch (signal) {
    case "rolling-out":
      return where;
    case "healthy":
      return `${where}, ${ready}`;
    case "degraded":
    case "not-healthy":
      return `${where}: ${health.message || health.status}`;
    case "superseded":
      return `${where}: release ${rollout.supersededBy ?? "a newer release"} replaced it before it settled`;
  }
}

/** The text of the `Verifying:` status a Healthy rollout gets where the step into its environment has `verify`. */
export function verifyingSignalText(rollout: SignalledRollout, health: ComponentHealth, duration: string): string {
  return `${rolloutSignalText("healthy", rollout, health)}; observing its signals for ${duration}`;
}
