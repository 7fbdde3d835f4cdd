/**
 * One stable observer for the rollout watches and the health source while the observed contexts
 * change underneath (the platform gained or lost an environment's cluster): it forwards to the
 * current {@link ClusterObserver} and keeps its listeners across swaps.
 */
import type { ClusterObserver, ObservedHealthOptions } from "../../adapters/kube/observer.js";
import { type ComponentHealth, unknownHealth } from "../../core/status/health.js";
import type { ClusterSnapshot } from "../../core/status/cluster-objects.js";
import type { ComponentKey } from "../../core/status/components.js";
import type { ObservedCluster } from "./health-source.js";

/** What the runtime needs of an observer (the real {@link ClusterObserver} has it). */
export type RuntimeObserver = ObservedCluster & Pick<ClusterObserver, "start" | "stop" | "snapshot">;

/** A change of one component in one context. */
type Change = Parameters<Parameters<ClusterObserver["onChange"]>[0]>[0];

function unread(context: string): ComponentHealth {
  return unknownHealth(`cluster context ${context} is not observed`);
}

/** Forwards to the current observer (none at first: nothing is observed). */
export class ObserverSwitch implements ObservedCluster {
  private current: RuntimeObserver | undefined;
  private unsubscribe: () => void = () => undefined;
  private readonly listeners = new Set<(change: Change) => void>();

  /** The observer in use. */
  get observer(): RuntimeObserver | undefined {
    return this.current;
  }

  /** Uses `next` from now on (already started or not) and returns the previous one, for the caller to stop. */
  use(next: RuntimeObserver | undefined): RuntimeObserver | undefined {
    const previous = this.current;
    this.unsubscribe();
    this.current = next;
    this.unsubscribe = next ? next.onChange((c) => this.emit(c)) : () => undefined;
    return previous;
  }

  onChange(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  contexts(): string[] {
    return this.current?.contexts() ?? [];
  }

  isSynced(context?: string): boolean {
    if (!this.current) return false;
    if (context !== undefined && !this.current.contexts().includes(context)) return false;
    return this.current.isSynced(context);
  }

  health(context: string, key: ComponentKey, options: ObservedHealthOptions = {}): ComponentHealth {
    if (!this.current?.contexts().includes(context)) return unread(context);
    return this.current.health(context, key, options);
  }

  /** Everything held for `context`; undefined when it is not observed. */
  snapshot(context: string): ClusterSnapshot | undefined {
    return this.current?.contexts().includes(context) ? this.current.snapshot(context) : undefined;
  }

  private emit(change: Change): void {
    for (const l of [...this.listeners]) l(change);
  }
}
