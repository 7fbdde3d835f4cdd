/**
 * At most once per key: the ledger the notifier claims each (event, notification) with before it
 * sends, so an event told by two replicas, or twice by one (a redelivery, the reconcile pass), is
 * sent once. The app shares it through Redis with replicas (app/replicas.ts `RedisOnce`); this is
 * the one replica's, in memory.
 */

/** Claims keys: true for the first claim of a key (within its time to live), false after. */
export interface OnceLedger {
  claim(key: string): Promise<boolean>;
}

/** Options of {@link LocalOnce}. */
export interface LocalOnceProps {
  /** How long a claimed key is remembered, in ms. @default 86400000 (a day) */
  readonly ttlMs?: number;
  /** The most keys remembered; the oldest are forgotten first. @default 10000 */
  readonly max?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** {@link OnceLedger} of one process: a bounded map of keys to when they expire. */
export class LocalOnce implements OnceLedger {
  readonly #until = new Map<string, number>();
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(props: LocalOnceProps = {}) {
    this.#ttl = props.ttlMs ?? 86_400_000;
    this.#max = props.max ?? 10_000;
    this.#now = props.now ?? Date.now;
    if (!(this.#ttl > 0)) throw new Error(`LocalOnce ttlMs must be positive, got ${this.#ttl}`);
    if (!Number.isInteger(this.#max) || this.#max < 1) throw new Error(`LocalOnce max must be a positive integer, got ${this.#max}`);
  }

  async claim(key: string): Promise<boolean> {
    const now = this.#now();
    const until = this.#until.get(key);
    if (until !== undefined && until > now) return false;
    this.#until.delete(key);
    this.#until.set(key, now + this.#ttl);
    while (this.#until.size > this.#max) this.#until.delete(this.#until.keys().next().value as string);
    return true;
  }
}
