/** The reconcile report (core/reconcile/report.ts) on plain data. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Platform } from "../../../renderers/model/index.js";
import type { AppHead, CandidateFacts, EnvironmentReleases, ReconcileFacts } from "../../../core/reconcile/plan.js";
import { planReconcile, releaseCandidates } from "../../../core/reconcile/plan.js";
import { countRepairs, formatReconcileReport } from "../../../core/reconcile/report.js";
import { platformYaml } from "../../app/harness.js";

const platform = Platform.parse(parse(platformYaml()));
const NOW = new Date("2026-03-02T10:00:00Z");
const R2 = "bbbbbbbbbbbb";

function envs(dev: Record<string, string>, staging: Record<string, string> = {}): Map<string, EnvironmentReleases> {
  return new Map([
    ["dev", new Map(Object.entries(dev))],
    ["staging", new Map(Object.entries(staging))],
  ]);
}

function app(release: string, waitForCheck?: string, succeeded: string[] = []): AppHead {
  return {
    repo: "acme/shop-api",
    sha: "1".repeat(40),
    components: [{ project: "shop", component: "api", release, ...(waitForCheck ? { waitForCheck } : {}) }],
    succeededChecks: succeeded,
  };
}

function facts(over: Partial<ReconcileFacts>): ReconcileFacts {
  return { platform, environments: envs({}), candidates: [], openPromotions: [], deployments: [], deliveries: [], now: NOW, ...over };
}

const fresh = (candidates: ReturnType<typeof releaseCandidates>): CandidateFacts[] =>
  candidates.map((candidate) => ({ candidate, ranBefore: false, pulls: [] }));

describe("the report", () => {
  it("counts repairs by kind and outcome and prints one line each", () => {
    const [candidate] = releaseCandidates(platform, [app(R2)], envs({}));
    const plan = planReconcile(facts({ candidates: fresh([candidate!]) }));
    const report = {
      startedAt: NOW,
      dryRun: true,
      repairs: plan.repairs.map((repair) => ({ repair, outcome: "planned" as const, detail: repair.reason })),
      deferred: [],
      problems: ["x: not installed"],
    };
    expect(countRepairs(report).release).toEqual({ planned: 1, done: 0, skipped: 0, failed: 0 });
    expect(countRepairs(report).redelivery).toEqual({ planned: 0, done: 0, skipped: 0, failed: 0 });
    expect(formatReconcileReport(report)).toBe(
      `would release shop/api ${R2} to dev from acme/shop-api@111111111111\n    acme/shop-api@111111111111 declares release ${R2}; dev does not run it\nproblem: x: not installed\n`,
    );
    expect(formatReconcileReport({ ...report, repairs: [], problems: [] })).toBe("nothing to repair\n");
  });
});
