/** FerryMetrics (app/metrics.ts): each app instance's counts apart, gauges read when scraped. */
import { describe, expect, it } from "vitest";
import { FerryMetrics } from "../../app/metrics.js";
import { parseMetrics, samples, value } from "../support/prometheus.js";

describe("FerryMetrics", () => {
  it("keeps each app instance's counts apart and reads registered gauges when scraped", async () => {
    const one = new FerryMetrics();
    const two = new FerryMetrics();
    one.delivery("push", "handled");
    one.reconcileRepair("missed-release");
    one.pushRetry();
    let depth = 3;
    const stop = one.queueDepth(() => depth);
    one.queueDepth(() => 1);
    one.watchedRollouts(() => 2);

    const first = parseMetrics(await one.text());
    expect(value(first, "ferry_deliveries_total", { event: "push", outcome: "handled" })).toBe(1);
    expect(value(first, "ferry_reconcile_repairs_total", { kind: "missed-release" })).toBe(1);
    expect(value(first, "ferry_gitops_push_retries_total")).toBe(1);
    expect(value(first, "ferry_queue_depth", { queue: "jobs" })).toBe(4);
    expect(value(first, "ferry_watched_rollouts")).toBe(2);
    depth = 0;
    stop();
    expect(value(parseMetrics(await one.text()), "ferry_queue_depth", { queue: "jobs" })).toBe(1);

    const second = parseMetrics(await two.text());
    expect(samples(second, "ferry_deliveries_total")).toEqual([]);
    expect(value(second, "ferry_gitops_push_retries_total")).toBe(0);
  });
});
