/**
 * Cluster observer: keeps an in-memory copy of the objects Ferry renders in every kubeconfig
 * context it is given (Deployments, StatefulSets, ReplicaSets, CronJobs, Jobs, HPAs, their Pods
 * and Warning Events) and tells listeners which component changed.
 *
 * Per context it runs one list+watch loop per collection and namespace (watch.ts), retrying with
 * backoff (backoff.ts), and keeps the logs of crashing containers and failed Job pods, read once
 * per restart (logs.ts). Everything with a side effect is injectable (kubeconfig, clock, sleep,
 * randomness), and {@link ClusterObserver.stop} aborts every request so nothing is left running.
 * The one-shot read behind `ferry status` is snapshot.ts.
 */
import { setMaxListeners } from "node:events";
import { CoreV1Api, Watch } from "@kubernetes/client-node";
import { z } from "zod";
import { computeHealth, type ComponentHealth, type HealthOptions } from "../../core/status/health.js";
import { emptyObjects, sortedObjects, type ClusterObjects, type ClusterSnapshot, type KubeEvent, type Pod } from "../../core/status/cluster-objects.js";
import { componentKeys, keyOfLabels, keyString, selectComponent, type ComponentKey } from "../../core/status/components.js";
import { BackoffOptions, sleepFor } from "./backoff.js";
import { ComponentSelector, OBSERVED, labelSelectorFor, type ObservedObject } from "./collections.js";
import { configForContext, loadKubeConfig, missingContexts, type KubeConfigSource } from "./kubeconfig.js";
import { ContainerLogCache } from "./logs.js";
import { WatchedCollection, type WatchCounters } from "./watch.js";

/** The data part of the observer's options. */
export const ObserverSettings = z.object({
  /** Kubeconfig contexts to observe (`environments[].cluster.context`). */
  contexts: z.array(z.string().min(1)).min(1),
  /** Only these namespaces. @default all namespaces */
  namespaces: z.array(z.string().min(1)).optional(),
  /** Which components. @default every object with a ferry.dev/component label */
  selector: ComponentSelector.default({}),
  /** Fetch the last log lines of crashed containers. @default true */
  fetchLogs: z.boolean().default(true),
  /** How many log lines to keep per container. @default 20 */
  logTailLines: z.number().int().positive().default(20),
  /** Ask the server to end each watch after this long (a clean re-watch follows). @default 300 */
  watchTimeoutSeconds: z.number().int().positive().default(300),
  /** Backoff after errors. @default 500 ms doubling to 30 s, jitter 0.5 */
  backoff: BackoffOptions.default({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 }),
});
export type ObserverSettings = z.infer<typeof ObserverSettings>;

/** Options of {@link ClusterObserver.health}: computeHealth's, and the one namespace to judge (a preview's). @default every namespace */
export type ObservedHealthOptions = Omit<HealthOptions, "now"> & { readonly namespace?: string };

/** Something changed for this component in this context. */
export interface ObserverChange {
  context: string;
  key: ComponentKey;
}

/** A failure the observer recovered from (it retries on its own). */
export interface ObserverError {
  context: string;
  /** Plural resource name, or `pods/log`. */
  resource: string;
  namespace?: string;
  error: unknown;
  /** Consecutive failures of this loop (0 for log fetches). */
  attempt: number;
  /** How long the loop waits before retrying, in ms. */
  delayMs: number;
}

/** Counters of one context (for tests and metrics). */
export interface ObserverStats extends WatchCounters {
  /** Log fetches completed. */
  logs: number;
}

/** Options of {@link ClusterObserver}. */
export interface ClusterObserverOptions extends z.input<typeof ObserverSettings> {
  /** Where the kubeconfig comes from. @default `{kind: "default"}` */
  kubeConfig?: KubeConfigSource;
  /** Environment for the default kubeconfig source. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** Waits `ms` or until `signal` aborts. @default a timer */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Random numbers in [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** Told about every failure. @default ignore */
  onError?: (e: ObserverError) => void;
}

/** What the observer holds for one context. */
interface ContextState {
  name: string;
  collections: WatchedCollection[];
  logs: ContainerLogCache;
  stats: ObserverStats;
}

/**
 * Watches the objects Ferry renders in several kubeconfig contexts. Create, {@link start},
 * subscribe with {@link onChange}, read with {@link snapshot} / {@link component} / {@link health},
 * and {@link stop} when done.
 */
export class ClusterObserver {
  private readonly settings: ObserverSettings;
  private readonly contextStates: ContextState[];
  private readonly now: () => number;
  private readonly onErrorCb: (e: ObserverError) => void;
  private readonly listeners = new Set<(c: ObserverChange) => void>();
  private readonly syncWaiters = new Set<() => void>();
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private started = false;

  /** Validates the options and loads the kubeconfig; throws one error naming every missing context. */
  constructor(options: ClusterObserverOptions) {
    const { kubeConfig, env, now, sleep, random, onError, ...settings } = options;
    this.settings = ObserverSettings.parse(settings);
    const labelSelector = labelSelectorFor(this.settings.selector);
    this.now = now ?? Date.now;
    this.onErrorCb = onError ?? (() => undefined);
    const kc = loadKubeConfig(kubeConfig, env);
    const missing = missingContexts(kc, this.settings.contexts);
    if (missing.length > 0) throw new Error(missing.join("; "));
    const namespaces: (string | undefined)[] = this.settings.namespaces ?? [undefined];
    this.contextStates = [...new Set(this.settings.contexts)].map((name) => {
      const ckc = configForContext(kc, name);
      const watch = new Watch(ckc);
      const stats: ObserverStats = { lists: 0, relists: 0, watches: 0, events: 0, errors: 0, logs: 0 };
      const ctx: ContextState = {
        name,
        collections: [],
        logs: new ContainerLogCache({
          core: ckc.makeApiClient(CoreV1Api),
          tailLines: this.settings.logTailLines,
          signal: this.abort.signal,
          counters: stats,
          onRead: (pod) => {
            const key = keyOfLabels(pod.metadata.labels);
            if (key) this.emit(ctx, new Map([[keyString(key), key]]));
          },
          onError: (error) => this.onErrorCb({ context: name, resource: "pods/log", error, attempt: 0, delayMs: 0 }),
        }),
        stats,
      };
      ctx.collections = OBSERVED.flatMap((resource) =>
        namespaces.map(
          (namespace) =>
            new WatchedCollection({
              kc: ckc,
              watch,
              resource,
              ...(namespace !== undefined ? { namespace } : {}),
              labelSelector,
              watchTimeoutSeconds: this.settings.watchTimeoutSeconds,
              backoff: this.settings.backoff,
              counters: stats,
              now: this.now,
              sleep: sleep ?? sleepFor,
              random: random ?? Math.random,
              listener: {
                present: (o) => {
                  if (this.settings.fetchLogs && resource.kind === "Pod") ctx.logs.update(o as Pod);
                },
                gone: (o) => {
                  if (resource.kind === "Pod") ctx.logs.forget(o);
                },
                changed: (objects) => {
                  const keys = new Map<string, ComponentKey>();
                  for (const o of objects) this.keysOf(ctx, o, keys);
                  this.emit(ctx, keys);
                },
                synced: () => {
                  for (const w of [...this.syncWaiters]) w();
                },
                error: (error, attempt, delayMs) =>
                  this.onErrorCb({ context: name, resource: resource.resource, error, attempt, delayMs, ...(namespace !== undefined ? { namespace } : {}) }),
              },
            }),
        ),
      );
      return ctx;
    });
  }

  /** Starts every list+watch loop (idempotent). */
  start(): this {
    if (this.started || this.abort.signal.aborted) return this;
    this.started = true;
    // Every list, watch, backoff wait and log fetch of every loop listens on this one signal.
    const loops = this.contextStates.reduce((n, ctx) => n + ctx.collections.length, 0);
    setMaxListeners(Math.max(10, 4 * loops + 10), this.abort.signal);
    for (const ctx of this.contextStates) {
      for (const c of ctx.collections) this.loops.push(c.run(this.abort.signal));
    }
    return this;
  }

  /** Aborts every list, watch and backoff wait and resolves when all loops and log fetches have ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const w of this.syncWaiters) w();
    await Promise.allSettled(this.loops);
    for (const ctx of this.contextStates) await ctx.logs.settled();
  }

  /** Calls `listener` on every change; returns a function that unsubscribes. */
  onChange(listener: (change: ObserverChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The observed context names. */
  contexts(): string[] {
    return this.contextStates.map((c) => c.name);
  }

  /** True when every collection of the context (or of all contexts) has been listed at least once. */
  isSynced(context?: string): boolean {
    return this.states(context).every((c) => c.collections.every((r) => r.synced));
  }

  /** Resolves once {@link isSynced}, or when the observer stops. */
  async waitForSync(context?: string): Promise<void> {
    while (!this.isSynced(context) && !this.abort.signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.syncWaiters.delete(done);
          resolve();
        };
        this.syncWaiters.add(done);
      });
    }
  }

  /** A copy of everything held for `context`, lists sorted by namespace and name. */
  snapshot(context: string): ClusterSnapshot {
    return { context, ...structuredClone(this.objectsOf(this.state(context))) };
  }

  /** Components present in `context`, sorted. */
  components(context: string): ComponentKey[] {
    return componentKeys(this.objectsOf(this.state(context)));
  }

  /** The objects (and logs) of one component in `context`: the environment's own, or with `namespace` only those in it (a preview's). */
  component(context: string, key: ComponentKey, namespace?: string): ClusterObjects {
    return structuredClone(selectComponent(this.objectsOf(this.state(context)), key, namespace));
  }

  /** Health of one component in `context`, evaluated at the observer's clock; with `namespace`, of its objects there only. */
  health(context: string, key: ComponentKey, options: ObservedHealthOptions = {}): ComponentHealth {
    const { namespace, ...rest } = options;
    return computeHealth(this.component(context, key, namespace), { ...rest, now: this.now() });
  }

  /** Counters of `context`. */
  stats(context: string): ObserverStats {
    return { ...this.state(context).stats };
  }

  private states(context?: string): ContextState[] {
    return context === undefined ? this.contextStates : [this.state(context)];
  }

  private state(context: string): ContextState {
    const ctx = this.contextStates.find((c) => c.name === context);
    if (!ctx)
      throw new Error(
        `context ${JSON.stringify(context)} is not observed (observed: ${this.contexts()
          .map((c) => JSON.stringify(c))
          .join(", ")})`,
      );
    return ctx;
  }

  /** Everything held for a context, grouped by kind and sorted (not a copy). */
  private objectsOf(ctx: ContextState): ClusterObjects {
    const out = emptyObjects();
    for (const c of ctx.collections) (out[c.resource.field] as ObservedObject[]).push(...c.items().values());
    return { ...sortedObjects(out), logs: ctx.logs.current() };
  }

  private emit(ctx: ContextState, keys: Map<string, ComponentKey>): void {
    for (const k of [...keys.keys()].sort()) {
      const key = keys.get(k);
      if (!key) continue;
      for (const l of this.listeners) {
        try {
          l({ context: ctx.name, key });
        } catch (error) {
          this.onErrorCb({ context: ctx.name, resource: "listener", error, attempt: 0, delayMs: 0 });
        }
      }
    }
  }

  /** Keys an object belongs to: its labels, or for an event the labels of the object it is about. */
  private keysOf(ctx: ContextState, o: ObservedObject, into: Map<string, ComponentKey>): void {
    const direct = keyOfLabels(o.metadata.labels);
    if (direct) {
      into.set(keyString(direct), direct);
      return;
    }
    const io = (o as Partial<KubeEvent>).involvedObject;
    if (!io) return;
    for (const c of ctx.collections) {
      if (!c.resource.labelled || c.resource.kind !== io.kind) continue;
      const target = c.items().get(`${io.namespace ?? o.metadata.namespace ?? ""}/${io.name ?? ""}`);
      const k = keyOfLabels(target?.metadata.labels);
      if (k) into.set(keyString(k), k);
    }
  }
}
