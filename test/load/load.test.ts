/**
 * The reduced load run in `npm test` (the full one is `npm run test:load`): 40 signed deliveries
 * over 8 app repositories at concurrency 20 to a real app process, with GitHub answering 5% 5xx
 * and some secondary rate limits, another writer pushing to the GitOps branch, and one SIGKILL
 * and restart of the app half-way. No release is lost or committed twice, each component has
 * one promotion pull request, every check run is completed.
 */
import { describe, expect, it } from "vitest";
import { formatLoadReport, runLoad } from "./run.js";

describe("load", () => {
  it("40 deliveries with faults and a SIGKILL: every release in dev exactly once, one promotion each, every check run completed", async () => {
    const report = await runLoad({ deliveries: 40, repos: 8, concurrency: 20, replicas: 1, timeoutMs: 100_000 });
    expect(report.problems, formatLoadReport(report)).toEqual([]);
    expect(report.deliveries.sent).toBe(40);
    expect(report.injected.serverErrors).toBeGreaterThan(0);
    expect(report.injected.secondaryRateLimits).toBeGreaterThan(0);
    expect(report.writerCommits).toBeGreaterThan(0);
    expect(Object.values(report.devCommits)).toEqual(Array.from({ length: 8 }, () => 1));
    expect(Object.values(report.promotions)).toEqual(Array.from({ length: 8 }, () => 1));
    expect(report.commitMs).toHaveLength(8);
  }, 120_000);
});
