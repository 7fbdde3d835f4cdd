/**
 * The cluster runtime of the app (the "status back" flow, see ARCHITECTURE.md): one {@link ClusterObserver} over the kubeconfig
 * contexts the platform's environments name (`environments[].cluster.context`), a
 * {@link HealthyTracker} shared by a {@link ClusterHealthSource} (the promotion gates' source
 * health and soak) and the {@link RolloutWatches} (status comments, deployment statuses, settle).
 *
 * The platform can change at any time: {@link ClusterRuntime.usePlatform} takes the platform as
 * just read and, when the set of contexts changed, starts an observer of the new set and stops the
 * old one; the watches and the health source see one stable observer throughout
 * ({@link ObserverSwitch}). Contexts the kubeconfig does not have are skipped and reported.
 * Everything with a side effect (kubeconfig, observer, clock, timers) can be passed in.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { ClusterObserver } from "../../adapters/kube/observer.js";
import { loadKubeConfig, type KubeConfigSource } from "../../adapters/kube/kubeconfig.js";
import type { Environment, Platform, PrometheusEndpoint } from "../../renderers/model/index.js";
import { verifyInto } from "../../core/signals/report.js";
import { observedPrometheus, type SignalsObserver } from "../signals/observed.js";
import { prometheusOfEnvironment, type EnvironmentPrometheus, type PrometheusFactory } from "../signals/read.js";
import { prometheusFor } from "../../adapters/prometheus/client.js";
import { inFlightLimit, type InFlightLimit } from "../../adapters/prometheus/limit.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import { clusterComponentStatuses, componentStatuses, type ClusterRead, type EnvironmentStatus } from "../../core/status/overview.js";
import { ClusterHealthSource, deploymentHealthySince } from "./health-source.js";
import { clusterTargets, isMultiCluster, type ClusterTarget, type EnvironmentInfo } from "./environment-contexts.js";
import { RolloutWatches, type RolloutWatchesOptions } from "./rollout-watches.js";
import type { WatchHandle, WatchRequest } from "./watch-request.js";
import { systemTimers, type Timers } from "./timers.js";
import { HealthyTracker } from "./healthy-tracker.js";
import { ObserverSwitch, type RuntimeObserver } from "./observer-switch.js";
import type { z } from "zod";
import { findEnvironment } from "../../renderers/platform.js";

/** The log calls the runtime makes (Probot's logger has them). */
export interface RuntimeLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Options of {@link ClusterRuntime}. The watches' timing options (`debounceMs`,
 * `degradedSettleMs`, `maxWatchMs`, `retryMs`) are passed through as documented there.
 */
export interface ClusterRuntimeOptions extends Pick<RolloutWatchesOptions, "debounceMs" | "degradedSettleMs" | "maxWatchMs" | "retryMs"> {
  /** Where the kubeconfig comes from. @default `{kind: "default"}`: KUBECONFIG, ~/.kube/config, else in-cluster */
  readonly kubeConfig?: KubeConfigSource;
  /** Environment for the default kubeconfig source. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Makes the observer of a set of contexts (not started). @default a ClusterObserver on the runtime's clock */
  readonly createObserver?: (contexts: readonly string[], kubeConfig: KubeConfig) => RuntimeObserver;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Timers of the watches and the health tracking. @default Node's timers (unreferenced) */
  readonly timers?: Timers;
  /** Coalescing window of the health tracking, in ms. @default 1000 */
  readonly trackDebounceMs?: number;
  /** @default silent */
  readonly logger?: RuntimeLogger;
  /** Makes the client of a Prometheus endpoint (verification); its bearer token comes from `env`. @default prometheusFor */
  readonly prometheus?: PrometheusFactory;
  /** The shortest interval between a verification's looks, in ms (at least the Prometheus scrape interval). @default 15000 */
  readonly verifyMinIntervalMs?: number;
  /** Queries in flight to one Prometheus endpoint at most, over all verifications (adapters/prometheus/limit.ts). @default 16 */
  readonly prometheusMaxInFlight?: number;
}

/** What a verification of a rollout runs on (flows/status/verification.ts), as the runtime was given it. */
export interface VerificationSetup {
  /** The environment's Prometheus, its queries told to `observer`. */
  prometheusOf(platform: Platform, environment: Environment, observer?: SignalsObserver): EnvironmentPrometheus;
  readonly clock: () => Date;
  readonly timers: Timers;
  readonly minIntervalMs: number;
}

/** What {@link ClusterRuntime.usePlatform} did. */
export interface ContextsUpdate {
  /** The contexts observed now, sorted. */
  readonly observed: readonly string[];
  /** Contexts environments name that the kubeconfig lacks (one message each). */
  readonly missing: readonly string[];
  /** Whether the observer was replaced. */
  readonly changed: boolean;
}

/** One component's health across environments (`/ferry status`). */
export interface OverviewQuery {
  readonly project: string;
  readonly component: string;
  /** Environments, in the order to show. */
  readonly environments: readonly string[];
}

const silent: RuntimeLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** Observer, tracker, health source and rollout watches for the clusters the platform names. See the module comment. */
export class ClusterRuntime {
  readonly tracker: HealthyTracker;
  /** The promotion gates' health source. */
  readonly health: ClusterHealthSource;
  /** The rollouts watched: status comments and deployment statuses. */
  readonly watches: RolloutWatches;
  /** The observer everything reads through. */
  readonly observer = new ObserverSwitch();
  /** What verifications run on. */
  readonly verification: VerificationSetup;
  /** The kubeconfig the clusters are read with (drift compares git with them through it). */
  readonly kubeConfig: KubeConfigSource;
  private readonly clock: () => Date;
  private readonly log: RuntimeLogger;
  private readonly kubeConfigSource: KubeConfigSource;
  private readonly env: NodeJS.ProcessEnv;
  private readonly createObserver: (contexts: readonly string[], kubeConfig: KubeConfig) => RuntimeObserver;
  private platform: Platform | undefined;
  private observed: string[] = [];
  private github: ((repo: RepoRef) => Promise<GitHub>) | undefined;
  private stopTracking: (() => void) | undefined;
  private stopped = false;
  private readonly stopping = new Set<Promise<void>>();

  /** Loads the kubeconfig (throws when it cannot be read). Nothing is observed before {@link usePlatform}. */
  constructor(options: ClusterRuntimeOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.log = options.logger ?? silent;
    this.kubeConfigSource = options.kubeConfig ?? { kind: "default" };
    this.env = options.env ?? process.env;
    // Fail early on an unreadable kubeconfig: the operator asked for cluster status.
    this.kubeConfig = { kind: "config", config: loadKubeConfig(this.kubeConfigSource, this.env) };
    this.createObserver =
      options.createObserver ??
      ((contexts, kubeConfig) =>
        new ClusterObserver({
          contexts: [...contexts],
          kubeConfig: { kind: "config", config: kubeConfig },
          now: () => this.clock().getTime(),
          onError: (e) =>
            this.log.warn({ context: e.context, resource: e.resource, attempt: e.attempt, delayMs: e.delayMs, err: e.error }, "cluster observer: retrying"),
        }));
    const timers = options.timers ?? systemTimers;
    this.tracker = new HealthyTracker(this.clock);
    const environments = (): readonly EnvironmentInfo[] => this.platform?.spec.environments ?? [];
    this.health = new ClusterHealthSource({
      observer: this.observer,
      environments,
      tracker: this.tracker,
      clock: this.clock,
      timers,
      ...(options.trackDebounceMs !== undefined ? { trackDebounceMs: options.trackDebounceMs } : {}),
      healthySince: deploymentHealthySince({
        github: (repo) => {
          if (!this.github) throw new Error("no GitHub client to read deployment statuses with");
          return this.github(repo);
        },
        repos: (q) => this.projectRepos(q.project),
      }),
      onError: (error, query) => this.log.warn({ err: error, ...query }, "reading since when a component is Healthy failed; using the time Ferry saw it"),
    });
    this.watches = new RolloutWatches({
      observer: this.observer,
      environments,
      tracker: this.tracker,
      clock: this.clock,
      timers,
      ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
      ...(options.degradedSettleMs !== undefined ? { degradedSettleMs: options.degradedSettleMs } : {}),
      ...(options.maxWatchMs !== undefined ? { maxWatchMs: options.maxWatchMs } : {}),
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
      verifyDuration: (environment) => (this.platform ? verifyInto(this.platform, environment)?.duration : undefined),
      onError: (e) => this.log.warn({ watch: e.watch, step: e.step, err: e.error }, "status report: retrying"),
    });
    const makePrometheus = options.prometheus ?? ((endpoint, variables) => prometheusFor(endpoint, variables));
    // One in-flight limit per endpoint, shared by every verification reading it (releases landing together queue, not flood).
    const limits = new Map<string, InFlightLimit>();
    const limitOf = (endpoint: PrometheusEndpoint): InFlightLimit => {
      const key = JSON.stringify([endpoint.name, endpoint.url]);
      const limit = limits.get(key) ?? inFlightLimit(options.prometheusMaxInFlight);
      limits.set(key, limit);
      return limit;
    };
    this.verification = {
      prometheusOf: (platform, environment, observer) =>
        prometheusOfEnvironment(platform, environment, this.env, (endpoint, variables) =>
          limitOf(endpoint)(observedPrometheus(makePrometheus(endpoint, variables), observer)),
        ),
      clock: this.clock,
      timers,
      minIntervalMs: options.verifyMinIntervalMs ?? 15_000,
    };
  }

  /**
   * Starts keeping Healthy periods current between gate evaluations (idempotent). `github` gives an
   * installation client for a repository: the soak time of a component that was Healthy before a
   * restart is then read back from the deployment statuses Ferry posted.
   */
  start(github?: (repo: RepoRef) => Promise<GitHub>): this {
    if (github) this.github = github;
    if (!this.stopped) this.stopTracking ??= this.health.track();
    return this;
  }

  /** The platform as last given. */
  currentPlatform(): Platform | undefined {
    return this.platform;
  }

  /** The platform's environments as last given. */
  environments(): readonly EnvironmentInfo[] {
    return this.platform?.spec.environments ?? [];
  }

  /** The app repositories of `project` (the platform's `projects[].repos`). */
  projectRepos(project: string): RepoRef[] {
    return (this.platform?.spec.projects.find((p) => p.name === project)?.repos ?? []).map(parseRepoRef);
  }

  /**
   * Whether `environment` has a cluster context that is observed now. For an environment on several
   * clusters: whether `cluster`'s is, or without `cluster` whether any of its clusters' is.
   */
  observes(environment: string, cluster?: string): boolean {
    const env = findEnvironment(this.environments(), environment);
    const targets = env ? clusterTargets(env).filter((t) => cluster === undefined || t.cluster === cluster) : [];
    const observed = this.observer.contexts();
    return targets.some((t) => observed.includes(t.context));
  }

  /** The clusters of `environment` whose context is observed now (one unnamed target for an environment on one cluster). */
  observedTargets(environment: string): ClusterTarget[] {
    const env = findEnvironment(this.environments(), environment);
    const observed = this.observer.contexts();
    return env ? clusterTargets(env).filter((t) => observed.includes(t.context)) : [];
  }

  /**
   * Takes the platform as just read: when the contexts its environments name changed, observes the
   * new set (those the kubeconfig has) and stops the previous observer.
   */
  usePlatform(platform: Platform): ContextsUpdate {
    this.platform = platform;
    const wanted = sortedUnique(platform.spec.environments.flatMap((e) => clusterTargets(e).map((t) => t.context)));
    if (this.stopped) return { observed: [], missing: [], changed: false };
    let kubeConfig: KubeConfig;
    try {
      kubeConfig = loadKubeConfig(this.kubeConfigSource, this.env);
    } catch (error) {
      this.log.error({ err: error }, "cluster status: the kubeconfig cannot be read; keeping the contexts observed so far");
      return { observed: this.observed, missing: [], changed: false };
    }
    const have = new Set(kubeConfig.getContexts().map((c) => c.name));
    const observed = wanted.filter((c) => have.has(c));
    const missing = wanted
      .filter((c) => !have.has(c))
      .map(
        (c) =>
          `kubeconfig has no context ${JSON.stringify(c)} (named by ${platform.spec.environments
            .filter((e) => clusterTargets(e).some((t) => t.context === c))
            .map((e) => e.name)
            .join(", ")})`,
      );
    if (missing.length > 0) this.log.warn({ missing }, "cluster status: environments whose cluster is not observed");
    if (observed.join("\n") === this.observed.join("\n")) return { observed, missing, changed: false };
    this.observed = observed;
    const next = observed.length > 0 ? this.createObserver(observed, kubeConfig) : undefined;
    next?.start();
    const previous = this.observer.use(next);
    if (previous) this.retire(previous);
    this.log.info({ contexts: observed }, "cluster status: observing");
    return { observed, missing, changed: true };
  }

  /** Starts watching a rollout (see {@link RolloutWatches.watch}; throws when it cannot be watched). */
  watch(request: z.input<typeof WatchRequest>, github: GitHub): WatchHandle {
    return this.watches.watch(request, github);
  }

  /** The health of one component in each of `query.environments`, for the status overview. */
  overview(query: OverviewQuery): EnvironmentStatus[] {
    const filter = { components: [`${query.project}/${query.component}`] };
    return query.environments.map((name): EnvironmentStatus => {
      const env = findEnvironment(this.environments(), name);
      if (env && isMultiCluster(env)) {
        const reads = clusterTargets(env).map((t): ClusterRead => {
          const c = { name: t.cluster ?? "", wave: env.clusters?.find((x) => x.name === t.cluster)?.wave ?? 1, context: t.context };
          if (!this.observer.contexts().includes(t.context))
            return { ...c, unreachable: `context ${t.context} is not observed (not in the kubeconfig)`, components: [] };
          const snapshot = this.observer.isSynced(t.context) ? this.observer.snapshot(t.context) : undefined;
          if (!snapshot) return { ...c, unreachable: `context ${t.context} is not read yet`, components: [] };
          return { ...c, components: componentStatuses(snapshot, name, filter, this.clock().getTime()) };
        });
        const unreachable = reads.filter((r) => r.unreachable !== undefined);
        return {
          environment: name,
          ...(unreachable.length === reads.length ? { unreachable: unreachable.map((r) => `${r.name}: ${r.unreachable ?? ""}`).join("; ") } : {}),
          components: clusterComponentStatuses(name, reads),
        };
      }
      const context = env?.cluster?.context;
      if (context === undefined) return { environment: name, skipped: "no cluster context", components: [] };
      const snapshot = this.observer.isSynced(context) ? this.observer.snapshot(context) : undefined;
      if (!this.observer.contexts().includes(context))
        return { environment: name, context, unreachable: `context ${context} is not observed (not in the kubeconfig)`, components: [] };
      if (!snapshot) return { environment: name, context, unreachable: `context ${context} is not read yet`, components: [] };
      return { environment: name, context, components: componentStatuses(snapshot, name, filter, this.clock().getTime()) };
    });
  }

  /** Stops watching rollouts and clusters; resolves when nothing is left running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTracking?.();
    await this.watches.stop();
    const last = this.observer.use(undefined);
    if (last) this.retire(last);
    while (this.stopping.size > 0) await Promise.allSettled([...this.stopping]);
  }

  private retire(observer: RuntimeObserver): void {
    const p = observer.stop().catch((error: unknown) => this.log.warn({ err: error }, "stopping a cluster observer failed"));
    this.stopping.add(p);
    void p.finally(() => this.stopping.delete(p));
  }
}
