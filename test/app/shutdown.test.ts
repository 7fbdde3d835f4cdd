/** Stopping the app (app/shutdown.ts): every registered stop run once, newest first, on SIGTERM or SIGINT before `npm start` exits. */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { onSignals, Shutdown, type SignalSource } from "../../app/shutdown.js";

describe("Shutdown", () => {
  it("runs every stop once, newest first, and reports each failure by name", async () => {
    const order: string[] = [];
    const shutdown = new Shutdown();
    shutdown.add("first", () => void order.push("first"));
    shutdown.add("broken", () => {
      throw new Error("boom");
    });
    shutdown.add("last", async () => void order.push("last"));
    const failures = await shutdown.run();
    expect(order).toEqual(["last", "first"]);
    expect(failures.map((e) => e.message)).toEqual(["stopping broken failed: boom"]);
    expect(await shutdown.run()).toBe(failures);
    expect(order).toEqual(["last", "first"]);
  });

  it("stops on the first SIGTERM or SIGINT and exits 0, or 1 when a stop failed", async () => {
    for (const [signal, fails, code] of [
      ["SIGTERM", false, 0],
      ["SIGINT", true, 1],
    ] as const) {
      const source = new EventEmitter();
      const shutdown = new Shutdown();
      let stopped = 0;
      shutdown.add("work", () => {
        stopped++;
        if (fails) throw new Error("stuck");
      });
      const reported: string[] = [];
      const exited = new Promise<number>((resolve) => onSignals(shutdown, resolve, source as SignalSource, (e) => reported.push(e.message)));
      source.emit(signal);
      expect(await exited).toBe(code);
      expect(stopped).toBe(1);
      expect(reported).toEqual(fails ? ["stopping work failed: stuck"] : []);
    }
  });
});
