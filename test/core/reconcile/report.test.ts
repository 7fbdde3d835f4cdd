/** The reconcile report (core/reconcile/report.ts) on plain data. */
import { describe, expect, it } from "vitest";
import { planReconcile, releaseCandidates } from "../../../core/reconcile/plan.js";
import { countRepairs, formatReconcileReport } from "../../../core/reconcile/report.js";
import { NOW, R2, app, envs, facts, fresh, platform } from "../../support/reconcile-facts.js";

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
