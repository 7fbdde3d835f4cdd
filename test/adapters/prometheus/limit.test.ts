/**
 * The in-flight limit of one Prometheus endpoint (adapters/prometheus/limit.ts): however many
 * ports share it, at most `max` queries are outstanding; the rest wait in order, and every one is
 * answered (also when a query fails).
 */
import { describe, expect, it } from "vitest";
import type { PrometheusPort, PrometheusResult } from "../../../adapters/prometheus/client.js";
import { inFlightLimit } from "../../../adapters/prometheus/limit.js";

/** A port whose queries stay open until released, recording how many are open at once. */
function heldPort(state: { open: number; peak: number; started: string[]; release: (() => void)[] }): PrometheusPort {
  const hold = <T>(expr: string, value: T): Promise<PrometheusResult<T>> => {
    state.open++;
    state.peak = Math.max(state.peak, state.open);
    state.started.push(expr);
    return new Promise((resolve) =>
      state.release.push(() => {
        state.open--;
        resolve(expr === "broken" ? { ok: false, error: { kind: "query", message: "bad" } } : { ok: true, value });
      }),
    );
  };
  return { query: (expr) => hold(expr, 1), queryRange: (expr) => hold(expr, []) };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe("inFlightLimit", () => {
  it("keeps at most max queries open over every port sharing it, starting the waiting ones in order, answering each", async () => {
    const state = { open: 0, peak: 0, started: [] as string[], release: [] as (() => void)[] };
    const limit = inFlightLimit(3);
    const a = limit(heldPort(state));
    const b = limit(heldPort(state));
    const exprs = ["q0", "q1", "broken", "q3", "q4", "q5", "q6"];
    const answers = exprs.map((e, i) => (i % 2 === 0 ? a.query(e, 0) : b.queryRange(e, 0, 1, 1)));
    await settle();
    expect(state.started).toEqual(["q0", "q1", "broken"]);
    while (state.release.length > 0) {
      state.release.shift()!();
      await settle();
      expect(state.open).toBeLessThanOrEqual(3);
    }
    const results = await Promise.all(answers);
    expect(state.peak).toBe(3);
    expect(state.started).toEqual(exprs);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true, true, true]);
  });

  it("lets a second limit run beside the first: limits are per endpoint, not global", async () => {
    const state = { open: 0, peak: 0, started: [] as string[], release: [] as (() => void)[] };
    const one = inFlightLimit(1)(heldPort(state));
    const other = inFlightLimit(1)(heldPort(state));
    const answers = [one.query("a", 0), one.query("b", 0), other.query("c", 0)];
    await settle();
    expect(state.started).toEqual(["a", "c"]);
    while (state.release.length > 0) {
      state.release.shift()!();
      await settle();
    }
    await Promise.all(answers);
    expect(state.started).toEqual(["a", "c", "b"]);
  });
});
