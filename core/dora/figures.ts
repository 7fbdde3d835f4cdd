/**
 * DORA figures of one environment over a window, from the facts Ferry keeps in git and GitHub
 * (pure): the environment's GitOps history of each component (core/history.ts, from Ferry's
 * commit trailers) and the deployment statuses Ferry posted (core/status/deployment-signals.ts).
 * docs/dora.md says what each figure means.
 *
 * - A **deployment** is a history entry whose release differs from the one before it in the
 *   environment (a removal is none). It counts in the window when it landed in [since, until].
 * - A **rollback** is a deployment of a release the environment ran before, whose commit carries no
 *   `Ferry-Promoted-From` (Ferry's rollback commits drop it, core/promotion/pr.ts).
 * - A deployment is **ready** at its first `Healthy` status (`Verified` where the step into the
 *   environment has `verify`) posted while it ran (from its landing to the next deployment).
 * - A deployment **failed** when, while it ran, a `Verification failed`, `Degraded` or
 *   `Not healthy` (timed out) status was posted for it, or the next deployment is a rollback; it
 *   failed at the earliest of these.
 * - **Lead time** of a deployment that is not a rollback: from its app commit's time (the
 *   `Ferry-Source` commit) to ready.
 * - **Time to restore** of a failed deployment: from its failure to the moment the next
 *   deployment that became ready did.
 *
 * - A **break-glass** promotion is a deployment whose commit carries `Ferry-Break-Glass` (a person
 *   with maintain let it through a freeze); the report lists those in the window.
 *
 * Only facts up to `until` count. What was not observed is null with a count of 0, never 0.
 */
import type { HistoryEntry } from "../history.js";
import type { SignalRecord } from "../status/deployment-signals.js";
import { quantiles, type Quantiles } from "./quantile.js";
import type { BreakGlass } from "../promotion/freezes.js";

/** What the figures of one component are computed from. */
export interface DoraComponentFacts {
  /** `<project>/<component>` */
  readonly component: string;
  /** The environment's history of the component, in any order. */
  readonly history: readonly HistoryEntry[];
  /** The health statuses Ferry posted on the component's deployments to the environment; undefined when they were not observed. */
  readonly signals: readonly SignalRecord[] | undefined;
  /** App commit sha -> its commit time; a deployment whose source is missing here has no lead time. */
  readonly appCommitTimes: ReadonlyMap<string, Date>;
  /** Whether the pipeline step into the environment has `verify` (ready means `Verified`). */
  readonly verify: boolean;
}

/** The window and the facts. */
export interface DoraInput {
  readonly environment: string;
  readonly since: Date;
  readonly until: Date;
  readonly components: readonly DoraComponentFacts[];
}

/** Why a deployment counts as failed. */
export type FailureKind = "rollback" | "verify-failed" | "degraded" | "not-healthy";

/** One deployment with what the facts say of it. */
export interface DoraDeployment {
  readonly component: string;
  readonly release: string;
  readonly at: Date;
  readonly commit: string;
  readonly rollback: boolean;
  /** Its first Healthy (or Verified) while it ran; undefined when none was posted (or not observed). */
  readonly readyAt: Date | undefined;
  readonly leadTimeSeconds: number | undefined;
  readonly failure: { readonly kind: FailureKind; readonly at: Date } | undefined;
  /** When the next deployment that became ready did, for a failed one. */
  readonly restoredAt: Date | undefined;
  /** Who broke glass on a freeze to land it, and why (its commit's `Ferry-Break-Glass`). @default none */
  readonly breakGlass?: BreakGlass;
}

/** A deployment that broke glass on a freeze, as the reports list it. */
export interface BreakGlassPromotion {
  readonly component: string;
  readonly release: string;
  /** ISO 8601, UTC: when it landed. */
  readonly at: string;
  readonly commit: string;
  readonly login: string;
  readonly reason: string;
}

/** The figures over a set of deployments. */
export interface DoraFigures {
  readonly deployments: number;
  /** Deployments per day of the window; null for an empty window. */
  readonly deploymentFrequencyPerDay: number | null;
  readonly rollbacks: number;
  /** App commit to ready, over the deployments (not rollbacks) with both times observed. */
  readonly leadTimeSeconds: Quantiles;
  /** failed / count; null when count is 0 (no deployment, or the statuses were not observed). */
  readonly changeFailureRate: number | null;
  readonly changeFailures: { readonly failed: number; readonly count: number };
  /** Failure to restore, over the restored failures; `unrestored`: failures with no ready deployment after them yet. */
  readonly timeToRestoreSeconds: Quantiles & { readonly unrestored: number };
}

/** One component's row. */
export interface DoraComponentRow extends DoraFigures {
  readonly component: string;
  /** Whether the deployment statuses were observed (lead time, change failure rate and time to restore need them). */
  readonly statusesObserved: boolean;
}

/** The figures of an environment and of each component in it. */
export interface DoraReport extends DoraFigures {
  /** ISO 8601, UTC. */
  readonly since: string;
  readonly until: string;
  readonly environment: string;
  /** By component name. */
  readonly components: readonly DoraComponentRow[];
  /** The deployments in the window that broke glass on a freeze, oldest first. */
  readonly breakGlass: { readonly count: number; readonly promotions: readonly BreakGlassPromotion[] };
}

const READY_SIGNALS = (verify: boolean) => (verify ? new Set(["verified"]) : new Set(["healthy"]));
const FAILURE_SIGNALS: ReadonlySet<string> = new Set(["verify-failed", "degraded", "not-healthy"]);
const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

/** The first signal of `release` in `kinds` posted in [from, to), oldest first (ties by id). */
function firstSignal(signals: readonly SignalRecord[], release: string, kinds: ReadonlySet<string>, from: Date, to: Date): SignalRecord | undefined {
  return signals
    .filter((s) => s.release === release && kinds.has(s.signal) && s.at.getTime() >= from.getTime() && s.at.getTime() < to.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id)[0];
}

/** Every deployment of one component up to `until`, oldest first. */
export function componentDeployments(facts: DoraComponentFacts, until: Date): DoraDeployment[] {
  const end = until.getTime();
  const entries = [...facts.history].filter((e) => e.date.getTime() <= end).reverse();
  // componentHistory lists newest first (ties in commit order): reversed, oldest first; sort keeps ties.
  entries.sort((a, b) => a.date.getTime() - b.date.getTime());
  const landings: { entry: HistoryEntry; rollback: boolean; until: Date }[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const prev = entries[i - 1];
    if (e.release === undefined || prev?.release === e.release) continue;
    const ranBefore = entries.slice(0, Math.max(0, i - 1)).some((x) => x.release === e.release);
    // It runs until the environment changes release (or loses the component), at most until `until` (exclusive end + 1 ms).
    const next = entries.slice(i + 1).find((x) => x.release !== e.release);
    landings.push({ entry: e, rollback: ranBefore && e.promotedFrom === undefined, until: next ? next.date : new Date(end + 1) });
  }
  const signals = (facts.signals ?? []).filter((s) => s.at.getTime() <= end);
  const ready = READY_SIGNALS(facts.verify);
  const base = landings.map((l, i) => {
    const release = l.entry.release!;
    const readyAt = facts.signals ? firstSignal(signals, release, ready, l.entry.date, l.until)?.at : undefined;
    const commitTime = l.entry.source ? facts.appCommitTimes.get(l.entry.source.sha) : undefined;
    const leadTimeSeconds = !l.rollback && readyAt && commitTime ? seconds(commitTime, readyAt) : undefined;
    const bad = facts.signals ? firstSignal(signals, release, FAILURE_SIGNALS, l.entry.date, l.until) : undefined;
    const next = landings[i + 1];
    const candidates: { kind: FailureKind; at: Date }[] = [];
    if (bad) candidates.push({ kind: bad.signal as FailureKind, at: bad.at });
    if (next?.rollback) candidates.push({ kind: "rollback", at: next.entry.date });
    const failure = candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
    const breakGlass = l.entry.breakGlass;
    return {
      component: facts.component,
      release,
      at: l.entry.date,
      commit: l.entry.commit,
      rollback: l.rollback,
      readyAt,
      leadTimeSeconds,
      failure,
      ...(breakGlass ? { breakGlass } : {}),
    };
  });
  return base.map((d, i) => {
    const restoredAt = d.failure
      ? base.slice(i + 1).find((n) => n.readyAt !== undefined && n.readyAt.getTime() >= d.failure!.at.getTime())?.readyAt
      : undefined;
    return { ...d, restoredAt };
  });
}

/** The figures over `deployments` (those in the window, `days` long), where `observed` says whether the statuses were seen (core/dora/trend.ts buckets with it). */
export function figures(deployments: readonly DoraDeployment[], observed: (d: DoraDeployment) => boolean, days: number): DoraFigures {
  const seen = deployments.filter(observed);
  const failed = seen.filter((d) => d.failure !== undefined);
  const restores = failed.flatMap((d) => (d.restoredAt ? [seconds(d.failure!.at, d.restoredAt)] : []));
  return {
    deployments: deployments.length,
    deploymentFrequencyPerDay: days > 0 ? deployments.length / days : null,
    leadTimeSeconds: quantiles(seen.flatMap((d) => (d.leadTimeSeconds === undefined ? [] : [d.leadTimeSeconds]))),
    changeFailureRate: seen.length > 0 ? failed.length / seen.length : null,
    timeToRestoreSeconds: { ...quantiles(restores), unrestored: failed.length - restores.length },
    changeFailures: { failed: failed.length, count: seen.length },
    rollbacks: deployments.filter((d) => d.rollback).length,
  };
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The DORA figures of the environment over [since, until], and of each component. */
export function doraFigures(input: DoraInput): DoraReport {
  const from = input.since.getTime();
  const days = (input.until.getTime() - from) / 86_400_000;
  const observedComponents = new Set(input.components.filter((c) => c.signals !== undefined).map((c) => c.component));
  const observed = (d: DoraDeployment) => observedComponents.has(d.component);
  const inWindow = (ds: readonly DoraDeployment[]) => ds.filter((d) => d.at.getTime() >= from);
  const rows = [...input.components]
    .sort((a, b) => byName(a.component, b.component))
    .map((c) => {
      const ds = inWindow(componentDeployments(c, input.until));
      return { deployments: ds, row: { component: c.component, statusesObserved: c.signals !== undefined, ...figures(ds, observed, days) } };
    });
  const all = rows.flatMap((r) => r.deployments).sort((a, b) => a.at.getTime() - b.at.getTime() || byName(a.component, b.component));
  return {
    since: input.since.toISOString(),
    until: input.until.toISOString(),
    environment: input.environment,
    ...figures(all, observed, days),
    components: rows.map((r) => r.row),
    breakGlass: breakGlassOf(all),
  };
}

/** The deployments of `all` that broke glass, oldest first. */
function breakGlassOf(all: readonly DoraDeployment[]): DoraReport["breakGlass"] {
  const promotions = all.flatMap((d) =>
    d.breakGlass
      ? [{ component: d.component, release: d.release, at: d.at.toISOString(), commit: d.commit, login: d.breakGlass.login, reason: d.breakGlass.reason }]
      : [],
  );
  return { count: promotions.length, promotions };
}
