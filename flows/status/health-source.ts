/**
 * A `HealthSource` (core/promotion/health.ts) backed by the cluster observer: what the gates of a
 * promotion see of the source environment. Status from `computeHealth`, the release from the
 * ready pods' `ferry.dev/release` label, and `healthySince` from a {@link HealthyTracker} fed on
 * every query and (with {@link ClusterHealthSource.track}) on every observer change, optionally
 * backdated once per component from a durable record (see {@link deploymentHealthySince}).
 */
import type { ClusterObserver } from "../../adapters/kube/observer.js";
import type { ComponentHealth } from "../../core/status/health.js";
import { keyString, type ComponentKey } from "../../core/status/components.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { HealthQuery, HealthReport, HealthSource } from "../../core/promotion/health.js";
import { healthySinceFromSignals } from "../../core/status/deployment-signals.js";
import { readSignals, type ReadSignalsOptions } from "./deployments.js";
import { aggregateClusterHealth } from "../../core/status/cluster-environment.js";
import { clusterTargets, contextOf, environmentNamed, isMultiCluster, type ClusterTarget, type EnvironmentsSource } from "./environment-contexts.js";
import { systemTimers, type Timers } from "./timers.js";
import { HealthyTracker } from "./healthy-tracker.js";

/** What status reporting needs of the observer (the real {@link ClusterObserver} has it). */
export type ObservedCluster = Pick<ClusterObserver, "onChange" | "health" | "isSynced" | "contexts">;

/** A durable answer to "since when has this component been Healthy on `release`?" */
export type HealthySinceLookup = (query: HealthQuery, release: string) => Promise<Date | undefined>;

/** Options of {@link ClusterHealthSource}. */
export interface ClusterHealthSourceOptions {
  readonly observer: ObservedCluster;
  /** The platform's environments (their `cluster.context`). */
  readonly environments: EnvironmentsSource;
  /** Shared with the rollout watches so both agree on `healthySince`. @default a new tracker on `clock` */
  readonly tracker?: HealthyTracker;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Backdates a component's first observed Healthy period after a restart. @default none (in-memory only) */
  readonly healthySince?: HealthySinceLookup;
  /** Told when the lookup fails (the in-memory time is used then). @default ignore */
  readonly onError?: (error: unknown, query: HealthQuery) => void;
  /** Coalescing window of {@link ClusterHealthSource.track}, in ms. @default 1000 */
  readonly trackDebounceMs?: number;
  /** @default Node's timers */
  readonly timers?: Timers;
}

const MAX_DETAIL = 200;

/** The one-line detail the gates show next to the health. */
export function healthDetail(h: Pick<ComponentHealth, "status" | "message" | "readyReplicas" | "desiredReplicas">): string {
  const ready = `${h.readyReplicas}/${h.desiredReplicas} ready`;
  const text = h.status === "Healthy" || h.message === "" ? ready : `${ready}; ${h.message}`;
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

/** Reads component health from the observed clusters. */
export class ClusterHealthSource implements HealthSource {
  /** The tracker holding the Healthy periods (shared with the rollout watches). */
  readonly tracker: HealthyTracker;
  private readonly observer: ObservedCluster;
  private readonly environments: EnvironmentsSource;
  private readonly lookup: HealthySinceLookup | undefined;
  private readonly onError: (error: unknown, query: HealthQuery) => void;
  private readonly timers: Timers;
  private readonly debounceMs: number;

  constructor(options: ClusterHealthSourceOptions) {
    this.observer = options.observer;
    this.environments = options.environments;
    this.tracker = options.tracker ?? new HealthyTracker(options.clock);
    this.lookup = options.healthySince;
    this.onError = options.onError ?? (() => undefined);
    this.timers = options.timers ?? systemTimers;
    this.debounceMs = options.trackDebounceMs ?? 1000;
  }

  /**
   * Health of one component in one environment (never rejects: failures become NotObserved/Unknown).
   * For an environment on several clusters: the cluster's report with `query.cluster`, else the
   * aggregate of every cluster's (core/status/cluster-environment.ts).
   */
  async health(query: HealthQuery): Promise<HealthReport> {
    const env = environmentNamed(this.environments, query.environment);
    if (!isMultiCluster(env) || !env) {
      const context = contextOf(this.environments, query.environment);
      if (context === undefined) return { status: "NotObserved", detail: `environment ${query.environment} has no cluster context` };
      return this.healthIn({ cluster: undefined, context, tracked: query.environment }, query);
    }
    const targets = clusterTargets(env);
    if (query.cluster !== undefined) {
      const target = targets.find((t) => t.cluster === query.cluster);
      if (!target) return { status: "NotObserved", detail: `environment ${query.environment} has no cluster ${query.cluster}` };
      return this.healthIn(target, query);
    }
    const reports = await Promise.all(
      targets.map(async (t) => ({ cluster: t.cluster ?? "", report: await this.healthIn(t, { ...query, cluster: t.cluster }) })),
    );
    return aggregateClusterHealth(reports);
  }

  /** Health of one component in one cluster: observed under the environment's labels, tracked under `target.tracked`. */
  private async healthIn(target: ClusterTarget, query: HealthQuery): Promise<HealthReport> {
    const { context } = target;
    if (!this.observer.contexts().includes(context)) return { status: "NotObserved", detail: `cluster context ${context} is not observed` };
    if (!this.observer.isSynced(context)) return { status: "Unknown", detail: `cluster context ${context} is not read yet` };
    const labels: ComponentKey = { project: query.project, component: query.component, environment: query.environment };
    if (query.namespace !== undefined) {
      // A preview: judged in its own namespace, never tracked (its pods carry the environment's labels).
      const h = this.observer.health(context, labels, { namespace: query.namespace });
      return { status: h.status, ...(h.release !== undefined ? { release: h.release } : {}), detail: healthDetail(h) };
    }
    const key: ComponentKey = { ...labels, environment: target.tracked };
    const h = this.observer.health(context, labels);
    let period = this.tracker.observe(key, h.status, h.release);
    if (period?.unconfirmed && this.lookup) {
      let since: Date | undefined;
      try {
        // Read back from the deployment statuses of the cluster's own deployment environment (`<env>/<cluster>`).
        since = await this.lookup({ project: query.project, component: query.component, environment: target.tracked }, period.release);
      } catch (error) {
        this.onError(error, query);
      }
      period = this.tracker.confirm(key, period.release, since);
    }
    return {
      status: h.status,
      ...(h.release !== undefined ? { release: h.release } : {}),
      ...(period !== undefined && period.release === h.release ? { healthySince: period.since } : {}),
      detail: healthDetail(h),
    };
  }

  /**
   * Keeps the tracker current between queries: every observer change of a component in an
   * environment's context is evaluated (coalesced per `trackDebounceMs`), so a component that
   * dips out of Healthy between two gate evaluations restarts its soak. Returns a stop function.
   */
  track(): () => void {
    const pending = new Map<string, { context: string; key: ComponentKey; tracked: ComponentKey }>();
    let timer: unknown;
    let stopped = false;
    const flush = (): void => {
      timer = undefined;
      for (const { context, key, tracked } of pending.values()) {
        if (this.observer.isSynced(context)) {
          const h = this.observer.health(context, key);
          this.tracker.observe(tracked, h.status, h.release);
        }
      }
      pending.clear();
    };
    const unsubscribe = this.observer.onChange(({ context, key }) => {
      if (stopped) return;
      const env = environmentNamed(this.environments, key.environment);
      const target = env ? clusterTargets(env).find((t) => t.context === context) : undefined;
      if (!target) return;
      const tracked = { ...key, environment: target.tracked };
      pending.set(keyString(tracked), { context, key, tracked });
      timer ??= this.timers.setTimeout(flush, this.debounceMs);
    });
    return () => {
      stopped = true;
      unsubscribe();
      if (timer !== undefined) this.timers.clearTimeout(timer);
      pending.clear();
    };
  }
}

/** Options of {@link deploymentHealthySince}. */
export interface DeploymentLookupOptions extends ReadSignalsOptions {
  /** An installation client that can read `repo`'s deployments. */
  readonly github: (repo: RepoRef) => GitHub | Promise<GitHub>;
  /** The app repositories a component may be deployed from (the project's `repos`). */
  readonly repos: (query: HealthQuery) => readonly RepoRef[] | Promise<readonly RepoRef[]>;
}

/**
 * A {@link HealthySinceLookup} reading the deployment statuses the rollout watches posted on the
 * app repositories: the start of the newest unbroken run of `Healthy` statuses for that release
 * (earliest across the repositories).
 */
export function deploymentHealthySince(options: DeploymentLookupOptions): HealthySinceLookup {
  return async (query, release) => {
    let best: Date | undefined;
    for (const repo of await options.repos(query)) {
      const octokit = await options.github(repo);
      const since = healthySinceFromSignals(await readSignals(octokit, repo, query, options), release);
      if (since !== undefined && (best === undefined || since.getTime() < best.getTime())) best = since;
    }
    return best;
  };
}
