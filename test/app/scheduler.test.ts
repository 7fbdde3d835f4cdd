/** The periodic passes' scheduler (app/scheduler.ts): an interval, never two runs at once, optionally once at start. */
import { describe, expect, it } from "vitest";
import { intervalScheduler } from "../../app/scheduler.js";
import type { IntervalTimers } from "../../app/scheduler.js";

describe("intervalScheduler", () => {
  function manualTimers(): IntervalTimers & { fire(): void; cleared: boolean; ms: number } {
    let fn: (() => void) | undefined;
    const t = {
      cleared: false,
      ms: 0,
      setInterval(f: () => void, ms: number) {
        fn = f;
        t.ms = ms;
        return 1;
      },
      clearInterval() {
        t.cleared = true;
      },
      fire() {
        fn?.();
      },
    };
    return t;
  }

  it("runs the task on every tick, never two at once, until stopped; failures go to onError", async () => {
    const timers = manualTimers();
    const errors: unknown[] = [];
    let runs = 0;
    let release: () => void = () => undefined;
    const stop = intervalScheduler(300_000, { timers, onError: (e) => errors.push(e) }).start(() => {
      runs++;
      if (runs === 3) return Promise.reject(new Error("boom"));
      return new Promise<void>((r) => (release = r));
    });
    expect(timers.ms).toBe(300_000);
    timers.fire();
    timers.fire(); // still running: skipped
    expect(runs).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 0));
    timers.fire();
    expect(runs).toBe(2);
    release();
    await new Promise((r) => setTimeout(r, 0));
    timers.fire();
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual([new Error("boom")]);
    stop();
    expect(timers.cleared).toBe(true);
  });

  it("refuses an interval under a second", () => {
    expect(() => intervalScheduler(10)).toThrow("intervalScheduler: the interval must be at least 1000 ms, got 10");
  });
});

describe("intervalScheduler immediately", () => {
  it("runs once at start, then on each tick, never two at once", async () => {
    let tick: (() => void) | undefined;
    const timers: IntervalTimers = { setInterval: (fn) => ((tick = fn), 1), clearInterval: () => undefined };
    let runs = 0;
    let finish: () => void = () => undefined;
    intervalScheduler(60_000, { timers, immediately: true }).start(() => {
      runs++;
      return new Promise<void>((r) => (finish = r));
    });
    expect(runs).toBe(1);
    tick!(); // the start-up run is still going: skipped
    expect(runs).toBe(1);
    finish();
    await new Promise((r) => setTimeout(r, 0));
    tick!();
    expect(runs).toBe(2);
  });
});
