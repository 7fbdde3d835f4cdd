/**
 * The list+watch loop of one collection in one kubeconfig context (what client-go calls a
 * reflector): list (remember the list's resourceVersion), watch from that resourceVersion, apply
 * ADDED / MODIFIED / DELETED / BOOKMARK events, and
 * - when the watch ends cleanly (server timeout, dropped by a proxy) watch again from the last
 *   resourceVersion seen, so nothing in between is lost;
 * - when the server answers 410 Gone (the version was compacted) list again and replace the
 *   collection, reporting what appeared, changed or disappeared meanwhile;
 * - on any other error wait with backoff (backoff.ts), then resume.
 */
import type { KubeConfig, Watch } from "@kubernetes/client-node";
import { objectId } from "../../core/status/cluster-objects.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { isGone } from "./client.js";
import { collectionPath, listCollection, parseObjects, selectorsFor, type ObservedObject, type ObservedResource } from "./collections.js";

/** Counters of the list+watch loops of one context (for tests and metrics). */
export interface WatchCounters {
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
}

/** What a {@link WatchedCollection} tells its owner. */
export interface WatchListener {
  /** `object` is present: listed, added or modified (called before {@link changed}). */
  present(object: ObservedObject): void;
  /** `object` is gone: deleted, or missing from a re-list (called before {@link changed}). */
  gone(object: ObservedObject): void;
  /** These objects (previous and current versions) changed; the owner maps them to components. */
  changed(objects: ObservedObject[]): void;
  /** The collection was listed for the first time. */
  synced(): void;
  /** A failure: `attempt` consecutive failures and the wait before retrying (0 and 0 for skipped objects). */
  error(error: unknown, attempt: number, delayMs: number): void;
}

/** Options of {@link WatchedCollection}. */
export interface WatchedCollectionProps {
  /** A KubeConfig whose current context is the observed one. */
  readonly kc: KubeConfig;
  readonly watch: Watch;
  readonly resource: ObservedResource;
  /** @default all namespaces */
  readonly namespace?: string;
  readonly labelSelector: string;
  /** Ask the server to end each watch after this long. */
  readonly watchTimeoutSeconds: number;
  readonly backoff: BackoffOptions;
  /** The context's counters, incremented in place. */
  readonly counters: WatchCounters;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly listener: WatchListener;
}

/** One collection in one context, kept up to date by {@link run}. */
export class WatchedCollection {
  private readonly objects = new Map<string, ObservedObject>();
  private rv = "";
  private listed = false;

  constructor(private readonly props: WatchedCollectionProps) {}

  get resource(): ObservedResource {
    return this.props.resource;
  }

  get namespace(): string | undefined {
    return this.props.namespace;
  }

  /** True once the collection has been listed. */
  get synced(): boolean {
    return this.listed;
  }

  /** The objects held now, by `<namespace>/<name>`. */
  items(): ReadonlyMap<string, ObservedObject> {
    return this.objects;
  }

  /** Lists and watches until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { counters, backoff, now, sleep, random, listener } = this.props;
    let attempt = 0;
    let relist = false;
    while (!signal.aborted) {
      try {
        if (this.rv === "") {
          await this.list(signal);
          if (signal.aborted) break;
          if (relist) counters.relists++;
          relist = false;
        }
        const started = now();
        const outcome = await this.watchOnce(signal);
        if (signal.aborted) break;
        if (outcome.expired) {
          this.rv = "";
          relist = true;
          attempt = 0;
          continue;
        }
        if (outcome.error !== undefined) throw outcome.error;
        if (outcome.events > 0 || now() - started >= 1000) attempt = 0;
        else {
          attempt++;
          await sleep(backoffDelay(attempt, backoff, random), signal);
        }
      } catch (error) {
        if (signal.aborted) break;
        if (isGone(error)) {
          this.rv = "";
          relist = true;
          attempt = 0;
          continue;
        }
        attempt++;
        counters.errors++;
        const delay = backoffDelay(attempt, backoff, random);
        listener.error(error, attempt, delay);
        await sleep(delay, signal);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const { kc, resource, namespace, labelSelector, counters, listener } = this.props;
    const { items, resourceVersion, problems } = await listCollection(kc, resource, namespace, labelSelector, signal);
    if (signal.aborted) return;
    counters.lists++;
    if (problems.length > 0) listener.error(new Error(`skipped invalid objects: ${problems.join("; ")}`), 0, 0);
    const changed: ObservedObject[] = [];
    const next = new Map(items.map((o) => [objectId(o), { ...o, kind: resource.kind }] as const));
    for (const [id, old] of this.objects) {
      if (!next.has(id)) {
        changed.push(old);
        listener.gone(old);
      }
    }
    for (const [id, o] of next) {
      const old = this.objects.get(id);
      if (!old || old.metadata.resourceVersion !== o.metadata.resourceVersion) changed.push(o);
    }
    this.objects.clear();
    for (const [id, o] of next) this.objects.set(id, o);
    this.rv = resourceVersion;
    if (!this.listed) {
      this.listed = true;
      listener.synced();
    }
    for (const o of next.values()) listener.present(o);
    listener.changed(changed);
  }

  private watchOnce(signal: AbortSignal): Promise<{ expired: boolean; error?: unknown; events: number }> {
    const { watch, resource, namespace, labelSelector, watchTimeoutSeconds, counters } = this.props;
    if (signal.aborted) return Promise.resolve({ expired: false, events: 0 });
    counters.watches++;
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
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        timeoutSeconds: watchTimeoutSeconds,
        ...selectorsFor(resource, labelSelector),
      };
      const onEvent = (type: string, obj: unknown): void => {
        if (finished) return;
        if (type === "ERROR") {
          if (isGone(obj)) expired = true;
          const message = (obj as { message?: unknown } | null)?.message;
          finish(expired ? undefined : new Error(`watch ${resource.resource} failed: ${typeof message === "string" ? message : JSON.stringify(obj)}`));
          return;
        }
        events++;
        counters.events++;
        this.apply(type, obj);
      };
      watch
        .watch(collectionPath(resource, namespace), query, onEvent, (err: unknown) => finish(err))
        .then((c) => {
          controller = c;
          if (finished) c.abort();
        })
        .catch((err: unknown) => finish(err));
    });
  }

  private apply(type: string, raw: unknown): void {
    const { resource, listener } = this.props;
    const rv = (raw as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    if (type === "BOOKMARK") {
      if (typeof rv === "string" && rv !== "") this.rv = rv;
      return;
    }
    const { items, problems } = parseObjects(resource, [raw]);
    const o = items[0];
    if (!o) {
      listener.error(new Error(`skipped invalid object: ${problems.join("; ")}`), 0, 0);
      if (typeof rv === "string" && rv !== "") this.rv = rv;
      return;
    }
    const id = objectId(o);
    const old = this.objects.get(id);
    if (type === "DELETED") {
      this.objects.delete(id);
      listener.gone(o);
    } else {
      this.objects.set(id, { ...o, kind: resource.kind });
      listener.present(o);
    }
    if (o.metadata.resourceVersion) this.rv = o.metadata.resourceVersion;
    listener.changed(old ? [old, o] : [o]);
  }
}
