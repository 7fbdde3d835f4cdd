/**
 * The app's work queue: a webhook delivery is answered as soon as it is verified and recorded,
 * and its work (release, promotion, preview, commands) runs here in the background. At most
 * `concurrency` jobs run at once, and jobs that share a key (an app repository, a component's
 * target environment) run one after another in arrival order, so two jobs never race on one
 * thing. A job that throws is logged and counted; the queue goes on.
 */
import { z } from "zod";

/** One piece of work. */
export interface Job {
  /** Jobs with the same key never overlap (`repo:acme/shop-api`, `promotion:shop/api/staging`). */
  readonly key: string;
  /** For the log (`push`, `pull_request.closed`). */
  readonly name: string;
  /** The webhook delivery the job does the work of, if any. */
  readonly delivery?: string;
  readonly run: () => Promise<void>;
}

/** What became of a job: given to {@link JobQueue.onJobDone} listeners. */
export interface JobDone {
  readonly key: string;
  readonly name: string;
  readonly delivery: string | undefined;
  readonly ok: boolean;
  /** What the job threw, when it failed. */
  readonly error: unknown;
  /** From enqueueing to starting, in ms. */
  readonly waitedMs: number;
  /** From starting to finishing, in ms. */
  readonly ranMs: number;
}

/** The queue's counters, for logs and metrics. */
export interface QueueStats {
  /** Jobs waiting to start. */
  readonly depth: number;
  /** Jobs running now. */
  readonly running: number;
  readonly concurrency: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Jobs refused because the queue was stopping. */
  readonly refused: number;
  /** Run times of finished jobs: count, total and longest, in ms. */
  readonly durations: { readonly count: number; readonly sumMs: number; readonly maxMs: number };
}

/** The logger calls the queue makes (Probot's logger has them). */
export interface QueueLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Options of {@link JobQueue}. */
export const JobQueueOptions = z.object({
  /** Jobs running at once. @default 4 */
  concurrency: z.number().int().positive().default(4),
});
export type JobQueueOptions = z.input<typeof JobQueueOptions>;

/** Where the queue logs and reads the time. */
export interface JobQueueIo {
  readonly logger?: QueueLogger;
  /** Milliseconds, for the waited and ran times. @default performance.now */
  readonly now?: () => number;
}

interface Waiting {
  readonly job: Job;
  readonly enqueuedAt: number;
}

const silent: QueueLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** See the module comment. */
export class JobQueue {
  readonly #concurrency: number;
  readonly #logger: QueueLogger;
  readonly #now: () => number;
  readonly #waiting: Waiting[] = [];
  readonly #busyKeys = new Set<string>();
  readonly #listeners = new Set<(done: JobDone) => void>();
  #idleWaiters: (() => void)[] = [];
  #running = 0;
  #stopped = false;
  #succeeded = 0;
  #failed = 0;
  #refused = 0;
  #durations = { count: 0, sumMs: 0, maxMs: 0 };

  constructor(options: JobQueueOptions = {}, io: JobQueueIo = {}) {
    this.#concurrency = JobQueueOptions.parse(options).concurrency;
    this.#logger = io.logger ?? silent;
    this.#now = io.now ?? (() => performance.now());
  }

  /** Queues `job`; false (and nothing queued) once {@link stop} was called. */
  enqueue(job: Job): boolean {
    if (this.#stopped) {
      this.#refused++;
      this.#logger.warn({ key: job.key, job: job.name, delivery: job.delivery }, "job queue stopping: job refused");
      return false;
    }
    this.#waiting.push({ job, enqueuedAt: this.#now() });
    this.#pump();
    return true;
  }

  /** Resolves when no job is waiting or running. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Refuses new jobs and resolves once the queued and running ones have finished. */
  stop(): Promise<void> {
    this.#stopped = true;
    return this.idle();
  }

  /** Tells `listener` about every finished job; returns the function that stops telling it. */
  onJobDone(listener: (done: JobDone) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  stats(): QueueStats {
    return {
      depth: this.#waiting.length,
      running: this.#running,
      concurrency: this.#concurrency,
      succeeded: this.#succeeded,
      failed: this.#failed,
      refused: this.#refused,
      durations: { ...this.#durations },
    };
  }

  #isIdle(): boolean {
    return this.#waiting.length === 0 && this.#running === 0;
  }

  /** Starts waiting jobs, oldest first, skipping those whose key is busy, up to the concurrency. */
  #pump(): void {
    for (let i = 0; i < this.#waiting.length && this.#running < this.#concurrency;) {
      const next = this.#waiting[i]!;
      if (this.#busyKeys.has(next.job.key)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      void this.#start(next);
    }
  }

  async #start({ job, enqueuedAt }: Waiting): Promise<void> {
    this.#running++;
    this.#busyKeys.add(job.key);
    const startedAt = this.#now();
    let error: unknown;
    let ok = false;
    try {
      await job.run();
      ok = true;
    } catch (e) {
      error = e;
    }
    const ranMs = this.#now() - startedAt;
    this.#running--;
    this.#busyKeys.delete(job.key);
    this.#record({ key: job.key, name: job.name, delivery: job.delivery, ok, error, waitedMs: startedAt - enqueuedAt, ranMs });
    this.#pump();
    if (this.#isIdle()) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #record(done: JobDone): void {
    if (done.ok) this.#succeeded++;
    else this.#failed++;
    this.#durations = {
      count: this.#durations.count + 1,
      sumMs: this.#durations.sumMs + done.ranMs,
      maxMs: Math.max(this.#durations.maxMs, done.ranMs),
    };
    const fields = {
      key: done.key,
      job: done.name,
      delivery: done.delivery,
      waitedMs: Math.round(done.waitedMs),
      ranMs: Math.round(done.ranMs),
      depth: this.#waiting.length,
      running: this.#running,
    };
    if (done.ok) this.#logger.info(fields, "job done");
    else this.#logger.error({ ...fields, err: done.error }, "job failed");
    for (const listener of this.#listeners) {
      try {
        listener(done);
      } catch (e) {
        this.#logger.error({ err: e }, "a job-done listener failed");
      }
    }
  }
}
