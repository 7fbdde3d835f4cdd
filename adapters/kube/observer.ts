/**
 * Cluster observer: keeps an in-memory copy of the objects Ferry renders in every kubeconfig
 * context it is given (Deployments, StatefulSets, ReplicaSets, CronJobs, Jobs, HPAs, their Pods
 * and Warning Events) and tells listeners which component changed.
 *
 * Per context and collection it runs a reflector loop: list (remember the list's
 * resourceVersion), watch from that resourceVersion, apply ADDED / MODIFIED / DELETED /
 * BOOKMARK events, and
 * - when the watch ends cleanly (server timeout, dropped by a proxy) watch again from the last
 *   resourceVersion seen, so nothing in between is lost;
 * - when the server answers 410 Gone (the version was compacted) list again and replace the
 *   collection, notifying what appeared, changed or disappeared meanwhile;
 * - on any other error wait with exponential backoff and jitter, then resume.
 * Previous-container logs of crashing containers (and of failed Job pods) are fetched once per
 * restart and kept with the snapshot.
 *
 * Everything with a side effect is injectable (kubeconfig, clock, sleep, randomness), and
 * {@link ClusterObserver.stop} aborts every request so nothing is left running.
 */
import { setMaxListeners } from "node:events";
import { CoreV1Api, Watch, type KubeConfig } from "@kubernetes/client-node";
import { z } from "zod";
import { computeHealth, type ComponentHealth, type HealthOptions } from "../../core/status/health.js";
import {
  OBSERVED,
  collectionPath,
  configForContext,
  isGone,
  kubeGet,
  loadKubeConfig,
  missingContexts,
  selectorsFor,
  type KubeConfigSource,
  type ObservedResource,
} from "./client.js";
import {
  type Pod,
  emptyObjects,
  logKey,
  type ClusterObjects,
  type ClusterSnapshot,
  type KubeEvent,
  type ObjectMeta,
} from "../../core/status/cluster-objects.js";
import {
  LABEL_COMPONENT,
  LABEL_ENVIRONMENT,
  LABEL_PROJECT,
  componentKeys,
  keyOfLabels,
  keyString,
  selectComponent,
  type ComponentKey,
} from "../../core/status/components.js";

/** Exponential backoff between failed attempts. */
export const BackoffOptions = z.object({
  /** Delay after the first failure, in ms. */
  initialMs: z.number().nonnegative().default(500),
  /** Upper bound of the delay, in ms. */
  maxMs: z.number().nonnegative().default(30_000),
  /** Growth per consecutive failure. */
  factor: z.number().min(1).default(2),
  /** Up to this fraction of the delay is added at random (0 = none). */
  jitter: z.number().min(0).max(1).default(0.5),
});
export type BackoffOptions = z.infer<typeof BackoffOptions>;

/** Delay before retry number `attempt` (1-based): `min(max, initial * factor^(attempt-1))` plus up to `jitter` of it. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt - 1));
  return Math.round(base + base * options.jitter * random());
}

/** Which components to select: any combination of project, component and environment. */
export const ComponentSelector = z.object({
  project: z.string().min(1).optional(),
  component: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
});
export type ComponentSelector = z.infer<typeof ComponentSelector>;

/** The label selector for a {@link ComponentSelector}: `ferry.dev/component` exists (or equals), plus the given labels. */
export function labelSelectorFor(selector: ComponentSelector = {}): string {
  const s = ComponentSelector.parse(selector);
  return [
    s.component === undefined ? LABEL_COMPONENT : `${LABEL_COMPONENT}=${s.component}`,
    ...(s.environment === undefined ? [] : [`${LABEL_ENVIRONMENT}=${s.environment}`]),
    ...(s.project === undefined ? [] : [`${LABEL_PROJECT}=${s.project}`]),
  ].join(",");
}

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
export interface ObserverStats {
  /** List requests completed (initial ones included). */
  lists: number;
  /** Lists caused by 410 Gone. */
  relists: number;
  /** Watch requests started. */
  watches: number;
  /** Watch events applied. */
  events: number;
  /** Failures followed by a backoff. */
  errors: number;
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

/** Waits `ms` or until `signal` aborts, whichever comes first. */
export function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

type Item = { metadata: ObjectMeta; kind?: string };

interface Reflector {
  resource: ObservedResource;
  namespace?: string;
  items: Map<string, Item>;
  rv: string;
  synced: boolean;
}

interface LogEntry {
  marker: string;
  lines: string[];
}

interface ContextState {
  name: string;
  kc: KubeConfig;
  watch: Watch;
  core: CoreV1Api;
  reflectors: Reflector[];
  logs: Map<string, LogEntry>;
  stats: ObserverStats;
}

function itemId(o: Item): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

function sortedItems<T extends Item>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => (itemId(a) < itemId(b) ? -1 : itemId(a) > itemId(b) ? 1 : 0));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Parses raw objects with the resource's schema; returns the good ones and one message per bad one. */
function parseItems(resource: ObservedResource, raw: unknown[]): { items: Item[]; problems: string[] } {
  const items: Item[] = [];
  const problems: string[] = [];
  for (const r of raw) {
    const parsed = resource.schema.safeParse(r);
    if (parsed.success) {
      items.push(parsed.data as Item);
      continue;
    }
    const meta = (r as { metadata?: { namespace?: unknown; name?: unknown } } | null)?.metadata;
    const issue = parsed.error.issues[0];
    problems.push(
      `${resource.kind} ${String(meta?.namespace ?? "")}/${String(meta?.name ?? "?")}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`,
    );
  }
  return { items, problems };
}

/** Lists one collection (following `continue` pages); returns the items and the list's resourceVersion. */
async function listCollection(
  kc: KubeConfig,
  resource: ObservedResource,
  namespace: string | undefined,
  labelSelector: string,
  signal?: AbortSignal,
): Promise<{ items: Item[]; resourceVersion: string; problems: string[] }> {
  const items: Item[] = [];
  const problems: string[] = [];
  let resourceVersion = "";
  let cont: string | undefined;
  do {
    const text = await kubeGet(kc, collectionPath(resource, namespace), { ...selectorsFor(resource, labelSelector), limit: "500", continue: cont }, signal);
    const list = JSON.parse(text) as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
    if (resourceVersion === "") resourceVersion = list.metadata?.resourceVersion ?? "";
    const parsed = parseItems(resource, list.items ?? []);
    items.push(...parsed.items);
    problems.push(...parsed.problems);
    cont = list.metadata?.continue || undefined;
  } while (cont !== undefined);
  return { items, resourceVersion, problems };
}

/** Which container logs a pod's state calls for: previous instance of restarting containers, terminated failed ones. */
function wantedLogs(pod: Pod): { container: string; previous: boolean; marker: string }[] {
  const out: { container: string; previous: boolean; marker: string }[] = [];
  for (const cs of pod.status?.containerStatuses ?? []) {
    const term = cs.state?.terminated;
    if (cs.lastState?.terminated && cs.restartCount > 0 && !cs.ready) {
      out.push({ container: cs.name, previous: true, marker: `restart:${cs.restartCount}` });
    } else if (term && term.exitCode !== 0) {
      out.push({ container: cs.name, previous: false, marker: `terminated:${term.finishedAt ?? term.containerID ?? ""}` });
    }
  }
  return out;
}

function splitLines(text: string, max: number): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.slice(-max);
}

function groupIntoObjects(reflectors: Reflector[], logs: Map<string, LogEntry>): ClusterObjects {
  const out = emptyObjects();
  for (const r of reflectors) (out[r.resource.field] as Item[]).push(...r.items.values());
  for (const field of Object.keys(out) as (keyof ClusterObjects)[]) {
    if (field !== "logs") (out[field] as Item[]) = sortedItems(out[field] as Item[]);
  }
  for (const k of [...logs.keys()].sort()) {
    const e = logs.get(k);
    if (e && e.lines.length > 0) out.logs[k] = [...e.lines];
  }
  return out;
}

/**
 * Watches the objects Ferry renders in several kubeconfig contexts. Create, {@link start},
 * subscribe with {@link onChange}, read with {@link snapshot} / {@link component} / {@link health},
 * and {@link stop} when done.
 */
export class ClusterObserver {
  private readonly settings: ObserverSettings;
  private readonly labelSelector: string;
  private readonly contextStates: ContextState[];
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly onErrorCb: (e: ObserverError) => void;
  private readonly listeners = new Set<(c: ObserverChange) => void>();
  private readonly syncWaiters = new Set<() => void>();
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly pendingLogs = new Set<Promise<void>>();
  private started = false;

  /** Validates the options and loads the kubeconfig; throws one error naming every missing context. */
  constructor(options: ClusterObserverOptions) {
    const { kubeConfig, env, now, sleep, random, onError, ...settings } = options;
    this.settings = ObserverSettings.parse(settings);
    this.labelSelector = labelSelectorFor(this.settings.selector);
    this.now = now ?? Date.now;
    this.sleep = sleep ?? sleepFor;
    this.random = random ?? Math.random;
    this.onErrorCb = onError ?? (() => undefined);
    const kc = loadKubeConfig(kubeConfig, env);
    const missing = missingContexts(kc, this.settings.contexts);
    if (missing.length > 0) throw new Error(missing.join("; "));
    const namespaces: (string | undefined)[] = this.settings.namespaces ?? [undefined];
    this.contextStates = [...new Set(this.settings.contexts)].map((name) => {
      const ckc = configForContext(kc, name);
      return {
        name,
        kc: ckc,
        watch: new Watch(ckc),
        core: ckc.makeApiClient(CoreV1Api),
        reflectors: OBSERVED.flatMap((resource) =>
          namespaces.map((namespace) => ({
            resource,
            items: new Map<string, Item>(),
            rv: "",
            synced: false,
            ...(namespace !== undefined ? { namespace } : {}),
          })),
        ),
        logs: new Map<string, LogEntry>(),
        stats: { lists: 0, relists: 0, watches: 0, events: 0, errors: 0, logs: 0 },
      };
    });
  }

  /** Starts every reflector loop (idempotent). */
  start(): this {
    if (this.started || this.abort.signal.aborted) return this;
    this.started = true;
    // Every list, watch, backoff wait and log fetch of every loop listens on this one signal.
    const reflectors = this.contextStates.reduce((n, ctx) => n + ctx.reflectors.length, 0);
    setMaxListeners(Math.max(10, 4 * reflectors + 10), this.abort.signal);
    for (const ctx of this.contextStates) {
      for (const r of ctx.reflectors) this.loops.push(this.run(ctx, r));
    }
    return this;
  }

  /** Aborts every list, watch and backoff wait and resolves when all loops and log fetches have ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const w of this.syncWaiters) w();
    await Promise.allSettled(this.loops);
    while (this.pendingLogs.size > 0) await Promise.allSettled([...this.pendingLogs]);
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
    return this.states(context).every((c) => c.reflectors.every((r) => r.synced));
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
    const ctx = this.state(context);
    return { context, ...structuredClone(groupIntoObjects(ctx.reflectors, ctx.logs)) };
  }

  /** Components present in `context`, sorted. */
  components(context: string): ComponentKey[] {
    const ctx = this.state(context);
    return componentKeys(groupIntoObjects(ctx.reflectors, ctx.logs));
  }

  /** The objects (and logs) of one component in `context`. */
  component(context: string, key: ComponentKey): ClusterObjects {
    const ctx = this.state(context);
    return structuredClone(selectComponent(groupIntoObjects(ctx.reflectors, ctx.logs), key));
  }

  /** Health of one component in `context`, evaluated at the observer's clock. */
  health(context: string, key: ComponentKey, options: Omit<HealthOptions, "now"> = {}): ComponentHealth {
    return computeHealth(this.component(context, key), { ...options, now: this.now() });
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
  private keysOf(ctx: ContextState, o: Item | undefined, into: Map<string, ComponentKey>): void {
    if (!o) return;
    const direct = keyOfLabels(o.metadata.labels);
    if (direct) {
      into.set(keyString(direct), direct);
      return;
    }
    const io = (o as Partial<KubeEvent>).involvedObject;
    if (!io) return;
    for (const r of ctx.reflectors) {
      if (!r.resource.labelled || r.resource.kind !== io.kind) continue;
      const target = r.items.get(`${io.namespace ?? o.metadata.namespace ?? ""}/${io.name ?? ""}`);
      const k = keyOfLabels(target?.metadata.labels);
      if (k) into.set(keyString(k), k);
    }
  }

  private reportError(ctx: ContextState, r: Reflector | string, error: unknown, attempt: number, delayMs: number): void {
    const resource = typeof r === "string" ? r : r.resource.resource;
    const namespace = typeof r === "string" ? undefined : r.namespace;
    this.onErrorCb({ context: ctx.name, resource, error, attempt, delayMs, ...(namespace !== undefined ? { namespace } : {}) });
  }

  private async run(ctx: ContextState, r: Reflector): Promise<void> {
    const signal = this.abort.signal;
    let attempt = 0;
    let relist = false;
    while (!signal.aborted) {
      try {
        if (r.rv === "") {
          await this.list(ctx, r, signal);
          if (signal.aborted) break;
          if (relist) ctx.stats.relists++;
          relist = false;
        }
        const started = this.now();
        const outcome = await this.watchOnce(ctx, r, signal);
        if (signal.aborted) break;
        if (outcome.expired) {
          r.rv = "";
          relist = true;
          attempt = 0;
          continue;
        }
        if (outcome.error !== undefined) throw outcome.error;
        if (outcome.events > 0 || this.now() - started >= 1000) attempt = 0;
        else {
          attempt++;
          await this.sleep(backoffDelay(attempt, this.settings.backoff, this.random), signal);
        }
      } catch (error) {
        if (signal.aborted) break;
        if (isGone(error)) {
          r.rv = "";
          relist = true;
          attempt = 0;
          continue;
        }
        attempt++;
        ctx.stats.errors++;
        const delay = backoffDelay(attempt, this.settings.backoff, this.random);
        this.reportError(ctx, r, error, attempt, delay);
        await this.sleep(delay, signal);
      }
    }
  }

  private async list(ctx: ContextState, r: Reflector, signal: AbortSignal): Promise<void> {
    const { items, resourceVersion, problems } = await listCollection(ctx.kc, r.resource, r.namespace, this.labelSelector, signal);
    if (signal.aborted) return;
    ctx.stats.lists++;
    if (problems.length > 0) this.reportError(ctx, r, new Error(`skipped invalid objects: ${problems.join("; ")}`), 0, 0);
    const changed = new Map<string, ComponentKey>();
    const next = new Map(items.map((o) => [itemId(o), { ...o, kind: r.resource.kind }] as const));
    for (const [id, old] of r.items) {
      if (!next.has(id)) {
        this.keysOf(ctx, old, changed);
        this.forgetLogs(ctx, r, old);
      }
    }
    for (const [id, o] of next) {
      const old = r.items.get(id);
      if (!old || old.metadata.resourceVersion !== o.metadata.resourceVersion) this.keysOf(ctx, o, changed);
    }
    r.items.clear();
    for (const [id, o] of next) r.items.set(id, o);
    r.rv = resourceVersion;
    if (!r.synced) {
      r.synced = true;
      for (const w of [...this.syncWaiters]) w();
    }
    for (const o of next.values()) this.checkLogs(ctx, r, o);
    this.emit(ctx, changed);
  }

  private watchOnce(ctx: ContextState, r: Reflector, signal: AbortSignal): Promise<{ expired: boolean; error?: unknown; events: number }> {
    if (signal.aborted) return Promise.resolve({ expired: false, events: 0 });
    ctx.stats.watches++;
    return new Promise((resolve) => {
      let finished = false;
      let events = 0;
      let expired = false;
      let controller: AbortController | undefined;
      const finish = (error?: unknown): void => {
        if (finished) return;
        finished = true;
        signal.removeEventListener("abort", onAbort);
        controller?.abort();
        resolve({ expired, events, ...(error !== undefined && error !== null ? { error } : {}) });
      };
      const onAbort = (): void => finish();
      signal.addEventListener("abort", onAbort, { once: true });
      const query = {
        resourceVersion: r.rv,
        allowWatchBookmarks: true,
        timeoutSeconds: this.settings.watchTimeoutSeconds,
        ...selectorsFor(r.resource, this.labelSelector),
      };
      const onEvent = (type: string, obj: unknown): void => {
        if (finished) return;
        if (type === "ERROR") {
          if (isGone(obj)) expired = true;
          const message = (obj as { message?: unknown } | null)?.message;
          finish(expired ? undefined : new Error(`watch ${r.resource.resource} failed: ${typeof message === "string" ? message : JSON.stringify(obj)}`));
          return;
        }
        events++;
        ctx.stats.events++;
        this.apply(ctx, r, type, obj);
      };
      ctx.watch
        .watch(collectionPath(r.resource, r.namespace), query, onEvent, (err: unknown) => finish(err))
        .then((c) => {
          controller = c;
          if (finished) c.abort();
        })
        .catch((err: unknown) => finish(err));
    });
  }

  private apply(ctx: ContextState, r: Reflector, type: string, raw: unknown): void {
    const rv = (raw as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    if (type === "BOOKMARK") {
      if (typeof rv === "string" && rv !== "") r.rv = rv;
      return;
    }
    const { items, problems } = parseItems(r.resource, [raw]);
    const o = items[0];
    if (!o) {
      this.reportError(ctx, r, new Error(`skipped invalid object: ${problems.join("; ")}`), 0, 0);
      if (typeof rv === "string" && rv !== "") r.rv = rv;
      return;
    }
    const id = itemId(o);
    const old = r.items.get(id);
    const changed = new Map<string, ComponentKey>();
    if (type === "DELETED") {
      r.items.delete(id);
      this.forgetLogs(ctx, r, o);
    } else {
      r.items.set(id, { ...o, kind: r.resource.kind });
      this.checkLogs(ctx, r, o);
    }
    this.keysOf(ctx, old, changed);
    this.keysOf(ctx, o, changed);
    if (o.metadata.resourceVersion) r.rv = o.metadata.resourceVersion;
    this.emit(ctx, changed);
  }

  private forgetLogs(ctx: ContextState, r: Reflector, o: Item): void {
    if (r.resource.kind !== "Pod") return;
    const prefix = `${o.metadata.namespace ?? ""}/${o.metadata.name}/`;
    for (const k of [...ctx.logs.keys()]) if (k.startsWith(prefix)) ctx.logs.delete(k);
  }

  private checkLogs(ctx: ContextState, r: Reflector, o: Item): void {
    if (!this.settings.fetchLogs || r.resource.kind !== "Pod") return;
    const pod = o as Pod;
    const namespace = pod.metadata.namespace ?? "";
    for (const want of wantedLogs(pod)) {
      const k = logKey(namespace, pod.metadata.name, want.container);
      const cur = ctx.logs.get(k);
      if (cur?.marker === want.marker) continue;
      const entry: LogEntry = { marker: want.marker, lines: cur?.lines ?? [] };
      ctx.logs.set(k, entry);
      const p = this.fetchLog(ctx, pod, want, entry).finally(() => this.pendingLogs.delete(p));
      this.pendingLogs.add(p);
    }
  }

  private async fetchLog(ctx: ContextState, pod: Pod, want: { container: string; previous: boolean }, entry: LogEntry): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      const text = await ctx.core.readNamespacedPodLog({
        name: pod.metadata.name,
        namespace: pod.metadata.namespace ?? "default",
        container: want.container,
        previous: want.previous,
        tailLines: this.settings.logTailLines,
      });
      ctx.stats.logs++;
      if (this.abort.signal.aborted) return;
      const k = logKey(pod.metadata.namespace ?? "", pod.metadata.name, want.container);
      if (ctx.logs.get(k) !== entry) return;
      entry.lines = splitLines(typeof text === "string" ? text : String(text), this.settings.logTailLines);
      const key = keyOfLabels(pod.metadata.labels);
      if (key) this.emit(ctx, new Map([[keyString(key), key]]));
    } catch (error) {
      if (!this.abort.signal.aborted) this.reportError(ctx, "pods/log", error, 0, 0);
    }
  }
}

/** Options of {@link snapshotCluster}. */
export interface SnapshotOptions {
  /** @default `{kind: "default"}` */
  kubeConfig?: KubeConfigSource;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default all namespaces */
  namespaces?: string[];
  /** Fetch previous-container logs of crashed containers. @default true */
  fetchLogs?: boolean;
  /** @default 20 */
  logTailLines?: number;
}

/**
 * One-shot, list-only read of one context (for `ferry status`): lists every observed collection
 * once with the selector, keeps Warning events about the listed objects only, fetches logs of
 * crashed containers, and returns the snapshot. Rejects with every list failure at once.
 */
export async function snapshotCluster(context: string, selector: ComponentSelector = {}, options: SnapshotOptions = {}): Promise<ClusterSnapshot> {
  const kc = configForContext(loadKubeConfig(options.kubeConfig, options.env), context);
  const labelSelector = labelSelectorFor(selector);
  const namespaces: (string | undefined)[] = options.namespaces ?? [undefined];
  const objects = emptyObjects();
  const failures: string[] = [];
  await Promise.all(
    OBSERVED.flatMap((resource) =>
      namespaces.map(async (namespace) => {
        try {
          const { items, problems } = await listCollection(kc, resource, namespace, labelSelector);
          (objects[resource.field] as Item[]).push(...items.map((o) => ({ ...o, kind: resource.kind })));
          failures.push(...problems);
        } catch (e) {
          failures.push(`list ${resource.resource}${namespace ? ` in ${namespace}` : ""}: ${describe(e)}`);
        }
      }),
    ),
  );
  if (failures.length > 0) throw new Error(`cannot read context ${JSON.stringify(context)}: ${failures.sort().join("; ")}`);
  for (const field of Object.keys(objects) as (keyof ClusterObjects)[]) {
    if (field !== "logs") (objects[field] as Item[]) = sortedItems(objects[field] as Item[]);
  }
  const related = componentKeys(objects).map((k) => selectComponent(objects, k).events);
  const seen = new Set(related.flat().map((e) => itemId(e)));
  objects.events = objects.events.filter((e) => seen.has(itemId(e)));
  if (options.fetchLogs ?? true) {
    const core = kc.makeApiClient(CoreV1Api);
    const tail = options.logTailLines ?? 20;
    await Promise.all(
      objects.pods.flatMap((pod) =>
        wantedLogs(pod).map(async (want) => {
          try {
            const text = await core.readNamespacedPodLog({
              name: pod.metadata.name,
              namespace: pod.metadata.namespace ?? "default",
              container: want.container,
              previous: want.previous,
              tailLines: tail,
            });
            const lines = splitLines(String(text), tail);
            if (lines.length > 0) objects.logs[logKey(pod.metadata.namespace ?? "", pod.metadata.name, want.container)] = lines;
          } catch {
            // logs are best effort: a pod may have been replaced since it was listed
          }
        }),
      ),
    );
  }
  const logs: ClusterObjects["logs"] = {};
  for (const k of Object.keys(objects.logs).sort()) {
    const lines = objects.logs[k];
    if (lines) logs[k] = lines;
  }
  return { context, ...objects, logs };
}
