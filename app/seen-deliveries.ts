/**
 * Delivery de-duplication: GitHub may deliver the same event twice (a redelivery, a retry after a
 * timeout, two replicas behind one URL do not share this cache but git's compare-and-swap and
 * Ferry's idempotent publishing cover them). The app instance remembers recent delivery ids in a
 * bounded cache so that a delivery seen twice does its work once.
 *
 * A delivery whose handler failed is forgotten, so a manual redelivery from GitHub's UI retries it.
 */

/** State of a delivery id in the cache. */
export type DeliveryState = "running" | "done";

/** A bounded, insertion-ordered set of delivery ids (oldest evicted first). */
export class DeliveryCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, DeliveryState>();

  /** @param capacity how many ids are remembered @default 1000 */
  constructor(capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`DeliveryCache capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** How many ids are remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The state of `id`, if remembered. */
  state(id: string): DeliveryState | undefined {
    return this.#entries.get(id);
  }

  /**
   * Claims `id` for processing. Returns false when it is already running or done (the caller
   * skips the work), true when the caller must do it and then call {@link finish}.
   */
  claim(id: string): boolean {
    if (this.#entries.has(id)) return false;
    this.#entries.set(id, "running");
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return true;
  }

  /** Records the outcome: done ids stay remembered; failed ones are forgotten so they can be retried. */
  finish(id: string, ok: boolean): void {
    if (!this.#entries.has(id)) return;
    if (ok) this.#entries.set(id, "done");
    else this.#entries.delete(id);
  }

  /** Runs `work` once per id: returns false (and does nothing) when `id` was seen before. */
  async once(id: string, work: () => Promise<void>): Promise<boolean> {
    if (!this.claim(id)) return false;
    let ok = false;
    try {
      await work();
      ok = true;
    } finally {
      this.finish(id, ok);
    }
    return true;
  }
}
