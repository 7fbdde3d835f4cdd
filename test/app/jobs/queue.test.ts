/** The app's job queue: one job at a time per key, bounded concurrency across keys, failures logged and counted. */
import { describe, expect, it } from "vitest";
import type { JobDone, QueueLogger } from "../../../app/jobs/queue.js";
import { JobQueue } from "../../../app/jobs/queue.js";

/** A job body the test lets finish when it wants. */
class Gate {
  readonly started: Promise<void>;
  #start!: () => void;
  #finish!: () => void;
  #fail!: (e: Error) => void;
  readonly #done: Promise<void>;
  constructor() {
    this.started = new Promise((resolve) => (this.#start = resolve));
    this.#done = new Promise((resolve, reject) => {
      this.#finish = resolve;
      this.#fail = reject;
    });
  }
  readonly run = (): Promise<void> => {
    this.#start();
    return this.#done;
  };
  open(): void {
    this.#finish();
  }
  fail(message: string): void {
    this.#fail(new Error(message));
  }
}

/** Lets promise callbacks run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A logger that keeps what it was told. */
function recordingLogger(): QueueLogger & { readonly lines: { level: string; fields: object; message: string }[] } {
  const lines: { level: string; fields: object; message: string }[] = [];
  return {
    lines,
    info: (fields, message) => void lines.push({ level: "info", fields, message }),
    warn: (fields, message) => void lines.push({ level: "warn", fields, message }),
    error: (fields, message) => void lines.push({ level: "error", fields, message }),
  };
}

describe("JobQueue", () => {
  it("never overlaps jobs of one key and runs them in arrival order", async () => {
    const queue = new JobQueue({ concurrency: 4 });
    const events: string[] = [];
    let running = 0;
    let most = 0;
    for (const n of [1, 2, 3, 4, 5]) {
      queue.enqueue({
        key: "repo:acme/shop-api",
        name: `job ${n}`,
        run: async () => {
          running++;
          most = Math.max(most, running);
          events.push(`start ${n}`);
          await flush();
          events.push(`end ${n}`);
          running--;
        },
      });
    }
    expect(queue.stats()).toMatchObject({ running: 1, depth: 4 });
    await queue.idle();
    expect(most).toBe(1);
    expect(events).toEqual([1, 2, 3, 4, 5].flatMap((n) => [`start ${n}`, `end ${n}`]));
    expect(queue.stats()).toMatchObject({ running: 0, depth: 0, succeeded: 5, failed: 0, durations: { count: 5 } });
  });

  it("runs jobs of different keys at once, never more than the concurrency, and a waiting key does not hold up others", async () => {
    const queue = new JobQueue({ concurrency: 2 });
    const gates = { a1: new Gate(), a2: new Gate(), b: new Gate(), c: new Gate() };
    queue.enqueue({ key: "a", name: "a1", run: gates.a1.run });
    queue.enqueue({ key: "a", name: "a2", run: gates.a2.run });
    queue.enqueue({ key: "b", name: "b", run: gates.b.run });
    queue.enqueue({ key: "c", name: "c", run: gates.c.run });
    await Promise.all([gates.a1.started, gates.b.started]);
    // a2 waits for a1 (same key), c for a free slot.
    expect(queue.stats()).toMatchObject({ running: 2, depth: 2, concurrency: 2 });

    gates.b.open();
    await gates.c.started; // b's slot goes to c, passing a2 whose key is busy
    expect(queue.stats()).toMatchObject({ running: 2, depth: 1 });

    gates.a1.open();
    await gates.a2.started;
    expect(queue.stats()).toMatchObject({ running: 2, depth: 0 });
    gates.a2.open();
    gates.c.open();
    await queue.idle();
    expect(queue.stats()).toMatchObject({ running: 0, depth: 0, succeeded: 4 });
  });

  it("logs and counts a job that throws, tells the listeners, and goes on", async () => {
    const logger = recordingLogger();
    const queue = new JobQueue({}, { logger });
    const done: JobDone[] = [];
    const unsubscribe = queue.onJobDone((d) => done.push(d));
    const broken = new Gate();
    queue.enqueue({ key: "a", name: "push", delivery: "d-1", run: broken.run });
    queue.enqueue({ key: "a", name: "push", delivery: "d-2", run: async () => undefined });
    await broken.started;
    broken.fail("GitOps push refused");
    await queue.idle();
    expect(done.map((d) => [d.delivery, d.ok])).toEqual([
      ["d-1", false],
      ["d-2", true],
    ]);
    expect(done[0]!.error).toBeInstanceOf(Error);
    expect(queue.stats()).toMatchObject({ succeeded: 1, failed: 1 });
    const failed = logger.lines.find((l) => l.message === "job failed")!;
    expect(failed.level).toBe("error");
    expect(failed.fields).toMatchObject({ key: "a", job: "push", delivery: "d-1" });
    expect((failed.fields as { err: Error }).err.message).toBe("GitOps push refused");
    expect(logger.lines.filter((l) => l.message === "job done")).toHaveLength(1);

    unsubscribe();
    queue.enqueue({ key: "a", name: "push", run: async () => undefined });
    await queue.idle();
    expect(done).toHaveLength(2);
  });

  it("stop() refuses new jobs and resolves once the queued ones have finished", async () => {
    const queue = new JobQueue({ concurrency: 1 });
    const first = new Gate();
    let secondRan = false;
    queue.enqueue({ key: "a", name: "first", run: first.run });
    queue.enqueue({
      key: "b",
      name: "second",
      run: async () => {
        secondRan = true;
      },
    });
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    expect(queue.enqueue({ key: "c", name: "late", run: async () => undefined })).toBe(false);
    await flush();
    expect(stopped).toBe(false);
    first.open();
    await stopping;
    expect(secondRan).toBe(true);
    expect(queue.stats()).toMatchObject({ succeeded: 2, refused: 1 });
  });

  it("refuses a concurrency that is not a positive integer", () => {
    expect(() => new JobQueue({ concurrency: 0 })).toThrow();
    expect(() => new JobQueue({ concurrency: 1.5 })).toThrow();
  });
});
