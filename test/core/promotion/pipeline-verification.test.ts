/** planPromote and planRollback never pick a release that failed verification. */
import { describe, expect, it } from "vitest";
import { componentHistory } from "../../../core/history.js";
import { planPromote, planRollback, type FailedRelease } from "../../../core/promotion/pipeline.js";
import { acme, COMPONENT, ferryCommit, pathCommits, R1, R2, R3 } from "../../support/promotion-fixtures.js";

const platform = acme();
const history = componentHistory(pathCommits(), COMPONENT);
const failedIn = (release: string, environment: string, description?: string): FailedRelease => ({
  release,
  environment,
  at: new Date("2025-03-11T10:20:00Z"),
  ...(description ? { description } : {}),
});

describe("plans and failed verifications", () => {
  it("refuses to promote a release that failed verification, naming where, when and the signal", () => {
    // Staging runs R2; it failed verification there.
    const failed = [failedIn(R2, "staging", "Verification failed: errorRate 0.2 > max 0.01 (baseline 0.001)")];
    expect(planPromote(platform, history, { to: "prod" }, { failed })).toEqual({
      ok: false,
      reason: `release ${R2} failed verification in staging at 2025-03-11 10:20 UTC (Verification failed: errorRate 0.2 > max 0.01 (baseline 0.001)); a release that failed verification is never promoted again: cut a new release`,
    });
    expect(planPromote(platform, history, { to: "prod", release: R2 }, { failed }).ok).toBe(false);
    // Another release's failure does not stand in the way.
    expect(planPromote(platform, history, { to: "prod" }, { failed: [failedIn(R1, "prod")] })).toMatchObject({ ok: true, release: R2 });
    expect(planPromote(platform, history, { to: "prod" })).toMatchObject({ ok: true, release: R2 });
  });

  it("refuses to roll back to a failed release, and a rollback without a release skips failed ones", () => {
    // Dev ran R1, R2, and runs R3.
    expect(planRollback(history, "dev", R2, { failed: [failedIn(R2, "dev", "Verification failed: restarts 4 > max 0")] })).toEqual({
      ok: false,
      reason: `release ${R2} failed verification in dev at 2025-03-11 10:20 UTC (Verification failed: restarts 4 > max 0); a release that failed verification is never rolled back to again: cut a new release`,
    });
    expect(planRollback(history, "dev", undefined, { failed: [failedIn(R2, "dev")] })).toMatchObject({ ok: true, release: R1 });
    expect(planRollback(history, "dev", undefined)).toMatchObject({ ok: true, release: R2 });
    expect(planRollback(history, "dev", undefined, { failed: [failedIn(R2, "dev"), failedIn(R1, "staging")] })).toEqual({
      ok: false,
      reason: `every earlier release dev ran (${R2}, ${R1}) failed verification; a release that failed verification is never rolled back to again`,
    });
  });

  it("still names a failed release that is what the environment runs as already running", () => {
    const h = componentHistory([ferryCommit("prod", R3, "2025-03-12T10:00:00Z"), ...pathCommits()], COMPONENT);
    expect(planRollback(h, "prod", R3, { failed: [failedIn(R3, "prod")] })).toEqual({ ok: false, reason: `prod already runs release ${R3}` });
  });
});
