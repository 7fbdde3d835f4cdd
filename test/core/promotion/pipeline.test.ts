import { describe, expect, it } from "vitest";
import { componentHistory } from "../../../core/history.js";
import { nextEnvironments, pipelineOrder, planPromote, planPromotion, planRollback, previousEnvironments } from "../../../core/promotion/pipeline.js";
import { Platform } from "../../../renderers/model/index.js";
import { acme, COMPONENT, ferryCommit, pathCommits, R1, R2, R3, sha } from "../../support/promotion-fixtures.js";

const platform = acme();
const history = componentHistory(pathCommits(), COMPONENT);

describe("planPromotion", () => {
  it("allows one pipeline step and returns it with its soak", () => {
    const plan = planPromotion(platform, { from: "staging", to: "prod" });
    expect(plan.ok).toBe(true);
    expect(plan).toMatchObject({ from: { name: "staging" }, to: { name: "prod" }, step: { from: "staging", to: ["prod"], soak: "30m" } });
  });

  it("refuses dev straight to prod, naming the skipped step", () => {
    expect(planPromotion(platform, { from: "dev", to: "prod" })).toEqual({
      ok: false,
      reason: "a promotion from dev to prod skips staging: the pipeline goes dev → staging → prod; promote to staging first",
    });
  });

  it("refuses going backwards, to itself and unknown environments", () => {
    expect(planPromotion(platform, { from: "prod", to: "staging" })).toEqual({
      ok: false,
      reason: "staging comes before prod in the pipeline (staging → prod); to put an earlier release back, use /ferry rollback staging",
    });
    expect(planPromotion(platform, { from: "dev", to: "dev" })).toEqual({ ok: false, reason: "dev cannot be promoted to itself" });
    expect(planPromotion(platform, { from: "qa", to: "uat" })).toEqual({
      ok: false,
      reason: 'there is no environment "qa" (the platform has dev, staging, prod); there is no environment "uat" (the platform has dev, staging, prod)',
    });
  });

  it("knows pipeline order and neighbours, with fan-out", () => {
    const fan = Platform.parse({
      ...platform,
      spec: {
        ...platform.spec,
        environments: [...platform.spec.environments, { name: "perf", gitops: { repo: "acme/gitops" } }],
        pipeline: [
          { from: "dev", to: ["staging", "perf"] },
          { from: "staging", to: ["prod"] },
        ],
      },
    });
    expect(pipelineOrder(fan)).toEqual(["dev", "staging", "prod", "perf"]);
    expect(nextEnvironments(fan, "dev")).toEqual(["staging", "perf"]);
    expect(previousEnvironments(fan, "prod")).toEqual(["staging"]);
    expect(planPromotion(fan, { from: "perf", to: "prod" })).toEqual({ ok: false, reason: "the pipeline has no path from perf to prod" });
  });
});

describe("planPromote (/ferry promote <env> [release])", () => {
  it("promotes what the previous environment runs", () => {
    const plan = planPromote(platform, history, { to: "prod" });
    expect(plan).toMatchObject({
      ok: true,
      release: R2,
      current: R1,
      from: { name: "staging" },
      to: { name: "prod" },
      sourceEntry: { environment: "staging", release: R2 },
    });
  });

  it("refuses a release that only runs in dev for prod: it would skip staging", () => {
    expect(planPromote(platform, history, { to: "prod", release: R3 })).toEqual({
      ok: false,
      reason: `release ${R3} runs in dev, but prod only takes releases from staging (the pipeline goes dev → staging → prod); promote it to staging first`,
    });
  });

  it("refuses releases the source no longer runs, unknown releases, and no-ops", () => {
    expect(planPromote(platform, history, { to: "staging", release: R1 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^dev no longer runs release 111111111111 .*use \/ferry rollback staging 111111111111$/),
    });
    expect(planPromote(platform, history, { to: "prod", release: "abcabcabcabc" })).toEqual({
      ok: false,
      reason: "release abcabcabcabc has not run in staging, the environment before prod",
    });
    expect(planPromote(platform, history, { to: "dev" })).toMatchObject({ ok: false, reason: expect.stringMatching(/^nothing promotes into dev/) });
    const same = componentHistory([ferryCommit("prod", R2, "2025-03-13T10:00:00Z"), ...pathCommits()], COMPONENT);
    expect(planPromote(platform, same, { to: "prod" })).toEqual({ ok: false, reason: `prod already runs release ${R2}` });
    expect(planPromote(platform, componentHistory([], COMPONENT), { to: "staging" })).toEqual({
      ok: false,
      reason: `dev runs no release of ${COMPONENT} yet; nothing to promote to staging`,
    });
  });
});

describe("planRollback", () => {
  it("picks the release the environment ran before the current one", () => {
    expect(planRollback(history, "staging")).toMatchObject({
      ok: true,
      environment: "staging",
      release: R1,
      current: R2,
      entry: { commit: sha("staging-111111111111-2025-03-09T10:00:00Z") },
    });
    expect(planRollback(history, "dev")).toMatchObject({ ok: true, release: R2, current: R3 });
  });

  it("skips back over repeated releases and removals", () => {
    const h = componentHistory(
      [
        ferryCommit("dev", R2, "2025-03-12T09:00:00Z"),
        ferryCommit("dev", undefined, "2025-03-11T09:00:00Z"),
        ferryCommit("dev", R2, "2025-03-10T09:00:00Z"),
        ferryCommit("dev", R1, "2025-03-09T09:00:00Z"),
      ],
      COMPONENT,
    );
    expect(planRollback(h, "dev")).toMatchObject({ ok: true, release: R1, current: R2 });
  });

  it("refuses when there is no earlier release", () => {
    expect(planRollback(history, "prod")).toEqual({
      ok: false,
      reason: `prod has only ever run release ${R1} of ${COMPONENT}; there is no earlier release to roll back to`,
    });
    expect(planRollback(history, "qa")).toEqual({ ok: false, reason: `qa has never run ${COMPONENT}; there is nothing to roll back` });
  });

  it("checks a given release: cut, ran there, not current", () => {
    expect(planRollback(history, "dev", R1)).toMatchObject({ ok: true, release: R1, current: R3 });
    expect(planRollback(history, "staging", R3)).toEqual({ ok: false, reason: `release ${R3} never ran in staging; staging ran ${R2}, ${R1}` });
    expect(planRollback(history, "staging", "abcabcabcabc", { cut: new Set([R1, R2, R3]) })).toEqual({
      ok: false,
      reason: `release abcabcabcabc was never cut for ${COMPONENT}`,
    });
    expect(planRollback(history, "staging", R2)).toEqual({ ok: false, reason: `staging already runs release ${R2}` });
    expect(planRollback(history, "staging", "R1")).toEqual({ ok: false, reason: '"R1" is not a release id (12 hex digits)' });
  });
});
