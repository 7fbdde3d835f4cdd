/**
 * Readiness of the app (`/readyz`): the configuration is loaded (the app started, which checks
 * all of it) and GitHub answers the app's own request (`GET /app` with the app's JWT). GitHub's
 * answer is remembered for a while, so probes from every replica do not spend the rate limit.
 */

/** What `/readyz` says. */
export type ReadinessResult = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** Options of {@link Readiness}. */
export interface ReadinessOptions {
  /** Asks GitHub something cheap as the app; throws when GitHub does not answer. */
  readonly probe: () => Promise<void>;
  /** How long a successful answer is remembered. @default 30000 */
  readonly okTtlMs?: number;
  /** How long a failure is remembered. @default 5000 */
  readonly failedTtlMs?: number;
  /** How long the probe may take before GitHub counts as unreachable. @default 5000 */
  readonly timeoutMs?: number;
  /** Monotonic milliseconds. @default performance.now */
  readonly now?: () => number;
}

/** Asks GitHub at most once per TTL, and one question at a time; see the module comment. */
export class Readiness {
  readonly #probe: () => Promise<void>;
  readonly #okTtlMs: number;
  readonly #failedTtlMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #last: { readonly result: ReadinessResult; readonly at: number } | undefined;
  #inFlight: Promise<ReadinessResult> | undefined;

  constructor(options: ReadinessOptions) {
    this.#probe = options.probe;
    this.#okTtlMs = options.okTtlMs ?? 30_000;
    this.#failedTtlMs = options.failedTtlMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Ready, or not with the reason; asks GitHub when the last answer is too old. */
  check(): Promise<ReadinessResult> {
    const last = this.#last;
    if (last && this.#now() - last.at < (last.result.ready ? this.#okTtlMs : this.#failedTtlMs)) return Promise.resolve(last.result);
    this.#inFlight ??= this.#ask().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #ask(): Promise<ReadinessResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      timer.unref();
    });
    let result: ReadinessResult;
    try {
      await Promise.race([this.#probe(), timeout]);
      result = { ready: true };
    } catch (e) {
      result = { ready: false, reason: `GitHub is not reachable: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      clearTimeout(timer);
    }
    this.#last = { result, at: this.#now() };
    return result;
  }
}
