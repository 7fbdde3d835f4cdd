/**
 * Periodic work of the app process: re-evaluating the gates of open promotion pull requests (so
 * soak times and change windows open without an event; `Deps.scheduler`) and the reconcile pass
 * (`Deps.reconcile`). Nothing runs unless a scheduler is given: `createFerryApp` starts the tasks.
 */

/** Runs a task again and again; `start` returns the function that stops it. */
export interface Scheduler {
  start(task: () => Promise<void>): () => void;
}

/** Timers the interval scheduler uses (Node's by default). */
export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const nodeTimers: IntervalTimers = {
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    // The schedule must never keep the process alive on its own.
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/** Options of {@link intervalScheduler}. */
export interface IntervalOptions {
  /** @default Node's timers (unreferenced) */
  readonly timers?: IntervalTimers;
  /** Told when a run rejects. @default nothing */
  readonly onError?: (error: unknown) => void;
  /** Also run once at start, before the first interval has passed (the reconcile pass). @default false */
  readonly immediately?: boolean;
}

/**
 * Runs the task every `ms` milliseconds; a run still going when the next is due is not overlapped
 * (that tick is skipped). The task must handle its own errors; a rejection is passed to `onError`.
 */
export function intervalScheduler(ms: number, opts: IntervalOptions = {}): Scheduler {
  if (!Number.isFinite(ms) || ms < 1000) throw new Error(`intervalScheduler: the interval must be at least 1000 ms, got ${ms}`);
  const timers = opts.timers ?? nodeTimers;
  const onError = opts.onError ?? (() => undefined);
  return {
    start(task) {
      let running = false;
      const tick = () => {
        if (running) return;
        running = true;
        task()
          .catch(onError)
          .finally(() => {
            running = false;
          });
      };
      const handle = timers.setInterval(tick, ms);
      if (opts.immediately) tick();
      return () => timers.clearInterval(handle);
    },
  };
}
