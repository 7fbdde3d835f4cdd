/**
 * Timers the status reporting runs on, passed in so tests drive time by hand (no real waiting,
 * no timing assertions).
 */

/** Schedules and cancels callbacks. */
export interface Timers {
  /** Runs `callback` once after `ms` milliseconds; returns a handle for {@link Timers.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a callback that has not run yet (unknown handles are ignored). */
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unreferenced so that pending status updates never keep a process alive. */
export const systemTimers: Timers = {
  setTimeout(callback, ms) {
    const t = setTimeout(callback, Math.max(0, ms));
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
