/**
 * Reconnect backoff of the cluster observer's loops: how long to wait before retry number n
 * (exponential, capped, with jitter), and a wait that ends early when the observer stops.
 */
import { z } from "zod";

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
