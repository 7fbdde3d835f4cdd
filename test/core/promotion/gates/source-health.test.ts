/** The source-health and soak gates, with health observed or not. */
import { describe, expect, it } from "vitest";
import { autoMergeAllowed } from "../../../../core/promotion/gates/index.js";
import { notObservedHealth } from "../../../../core/promotion/health.js";
import { acme, R2 } from "../../../support/promotion-fixtures.js";

import { evaluate, healthy, input, review, state, TUESDAY } from "../../../support/gates-input.js";

describe("source health and soak", () => {
  const approved = [review("sam", "APPROVED", 1), review("sasha", "APPROVED", 2)];

  /** The staging → prod step, relaxed by the platform: health not observed may pass. */
  const relaxedStep = (p = acme()) => ({ ...p.spec.pipeline.find((s) => s.from === "staging")!, requireHealth: false });

  it("not observed is reported but does not block where nothing requires health", async () => {
    // dev → staging: staging is not production and the step has no soak.
    const health = await notObservedHealth.health({ environment: "dev", project: "storefront", component: "checkout-api" });
    const r = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1)], health }));
    expect(state(r, "source-health")).toEqual({
      name: "source-health",
      state: "not-observed",
      summary: "dev health is not observed; not required, does not block",
    });
    expect(state(r, "soak").state).toBe("pass");
    expect(r.conclusion).toBe("neutral");
    // Health the promotion does not demand does not block, auto-merge included.
    expect(autoMergeAllowed({ autoMerge: true }, r)).toBe(true);
    expect(autoMergeAllowed({ autoMerge: false }, r)).toBe(false);

    // Into prod (production, with a soak), a pipeline step with `requireHealth: false` relaxes it explicitly.
    const relaxed = evaluate(input("prod", { reviews: approved, health, step: relaxedStep() }));
    expect(state(relaxed, "source-health")).toEqual({
      name: "source-health",
      state: "not-observed",
      summary: "staging health is not observed; not required, does not block",
    });
    expect(state(relaxed, "soak").state).toBe("not-observed");
    expect(relaxed.conclusion).toBe("neutral");
    expect(autoMergeAllowed({ autoMerge: true }, relaxed)).toBe(true);

    // An environment's `requireHealth: true` demands it whatever the step says, and names no step setting.
    const strict = evaluate(input("prod", { reviews: approved, health, step: relaxedStep() }, acme({ staging: { requireHealth: true } })));
    expect(state(strict, "source-health")).toEqual({
      name: "source-health",
      state: "pending",
      summary: "staging health is not observed; promoting staging → prod requires it (staging sets requireHealth)",
    });
    expect(strict.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, strict)).toBe(false);
    const byTarget = evaluate(input("prod", { reviews: approved, health, step: relaxedStep() }, acme({ prod: { requireHealth: true } })));
    expect(state(byTarget, "source-health").state).toBe("pending");
    const stagingStrict = evaluate(input("staging", { health }, acme({ staging: { requireHealth: true } })));
    expect(state(stagingStrict, "source-health").summary).toBe("dev health is not observed; promoting dev → staging requires it (staging sets requireHealth)");
  });

  it("not observed blocks a promotion into a production environment, naming the setting that relaxes it", () => {
    const noSoak = { from: "staging", to: ["prod"] };
    const r = evaluate(input("prod", { reviews: approved, step: noSoak }));
    expect(state(r, "source-health")).toEqual({
      name: "source-health",
      state: "pending",
      summary:
        "staging health is not observed; promoting staging → prod requires it (prod is production); `requireHealth: false` on the pipeline step from staging to prod relaxes this",
    });
    expect(state(r, "soak").state).toBe("pass");
    expect(r.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, r)).toBe(false);
    // Observed Healthy, it passes.
    expect(state(evaluate(input("prod", { reviews: approved, step: noSoak, health: healthy(5) })), "source-health").state).toBe("pass");
  });

  it("not observed blocks a promotion along a step with soak, even into a non-production environment", () => {
    const platform = acme({ prod: { production: false } });
    const r = evaluate(input("prod", { reviews: approved, landedAt: new Date(TUESDAY.getTime() - 3 * 3600_000) }, platform));
    expect(state(r, "soak").state).toBe("pass");
    expect(state(r, "source-health")).toEqual({
      name: "source-health",
      state: "pending",
      summary:
        "staging health is not observed; promoting staging → prod requires it (the pipeline step has soak 30m); `requireHealth: false` on the pipeline step from staging to prod relaxes this",
    });
    expect(r.conclusion).toBe("action_required");
    // The step relaxes it: reported, not blocking.
    const relaxed = evaluate(input("prod", { reviews: approved, step: relaxedStep(platform), landedAt: new Date(TUESDAY.getTime() - 3 * 3600_000) }, platform));
    expect(state(relaxed, "source-health").state).toBe("not-observed");
    expect(relaxed.conclusion).toBe("neutral");
  });

  it("without cluster status, soak counts from when the release landed in the source environment", () => {
    const step = { from: "staging", to: ["prod"], soak: "2h", requireHealth: false };
    const landedAt = new Date(TUESDAY.getTime() - 35 * 60_000);
    const early = evaluate(input("prod", { reviews: approved, step, landedAt }));
    expect(state(early, "soak")).toEqual({
      name: "soak",
      state: "pending",
      summary:
        "soak 2h has 85 minutes left: landed in staging at 2025-03-11 09:25 UTC, 35m ago (counted from the landing: staging health is not observed); holds from 2025-03-11 11:25 UTC",
    });
    expect(early.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, early)).toBe(false);
    const later = evaluate(input("prod", { reviews: approved, step, landedAt, now: new Date(landedAt.getTime() + 2 * 3600_000) }));
    expect(state(later, "soak")).toEqual({
      name: "soak",
      state: "pass",
      summary: "landed in staging at 2025-03-11 09:25 UTC, 2h ago (soak 2h; counted from the landing: staging health is not observed)",
    });
    expect(later.conclusion).toBe("neutral");
    expect(autoMergeAllowed({ autoMerge: true }, later)).toBe(true);
    // One minute short still says so.
    const almost = evaluate(input("prod", { reviews: approved, step, landedAt, now: new Date(landedAt.getTime() + 2 * 3600_000 - 30_000) }));
    expect(state(almost, "soak").summary).toMatch(/^soak 2h has 1 minute left: /);
    // Not required (the step relaxes health) and the landing unknown: the soak cannot be measured, reported.
    expect(state(evaluate(input("prod", { reviews: approved, step })), "soak")).toEqual({
      name: "soak",
      state: "not-observed",
      summary: `soak 2h cannot be measured: staging health is not observed and when ${R2} landed there is not known; not required, does not block`,
    });
    // Required and the landing unknown: it blocks.
    expect(state(evaluate(input("prod", { reviews: approved })), "soak").state).toBe("pending");
  });

  it("with cluster status, soak counts from Healthy; from the landing when since when is not known", () => {
    const landedAt = new Date(TUESDAY.getTime() - 40 * 60_000);
    // Healthy for 10m after landing 40m ago: Healthy counts.
    expect(state(evaluate(input("prod", { reviews: approved, health: healthy(10), landedAt })), "soak").state).toBe("pending");
    const unknownSince = evaluate(input("prod", { reviews: approved, health: { status: "Healthy", release: R2 }, landedAt }));
    expect(state(unknownSince, "soak")).toEqual({
      name: "soak",
      state: "pass",
      summary: "landed in staging at 2025-03-11 09:20 UTC, 40m ago (soak 30m; counted from the landing: since when staging is Healthy is not known)",
    });
  });

  it("a rollback never demands the source's health", () => {
    const r = evaluate(input("prod", { reviews: approved, step: undefined, rollback: true }));
    expect(state(r, "source-health").state).toBe("not-observed");
    expect(state(r, "soak").state).toBe("pass");
    expect(r.conclusion).toBe("neutral");
  });

  it("soak is pending until the release has been healthy long enough", () => {
    const early = evaluate(input("prod", { reviews: approved, health: healthy(10) }));
    expect(state(early, "source-health")).toEqual({ name: "source-health", state: "pass", summary: `staging runs ${R2}, Healthy since 2025-03-11 09:50 UTC` });
    expect(state(early, "soak")).toEqual({ name: "soak", state: "pending", summary: "Healthy in staging for 10m of 30m; holds from 2025-03-11 10:20 UTC" });
    expect(early.conclusion).toBe("action_required");
    const later = evaluate(input("prod", { reviews: approved, health: healthy(30) }));
    expect(state(later, "soak")).toEqual({ name: "soak", state: "pass", summary: "Healthy in staging for 30m (soak 30m)" });
    expect(later.conclusion).toBe("success");
    expect(state(evaluate(input("staging", { health: healthy(0) })), "soak")).toEqual({
      name: "soak",
      state: "pass",
      summary: "no soak time for dev → staging",
    });
  });

  it("fails when the source runs another release or is degraded; waits while it progresses", () => {
    const other = evaluate(input("prod", { reviews: approved, health: healthy(60, TUESDAY, "999999999999") }));
    expect(state(other, "source-health")).toMatchObject({ state: "fail", summary: `staging runs release 999999999999, not ${R2}` });
    expect(state(other, "soak").state).toBe("pending");
    const degraded = evaluate(input("prod", { health: { status: "Degraded", release: R2, detail: "1/3 replicas ready" } }));
    expect(state(degraded, "source-health")).toMatchObject({ state: "fail", summary: `staging runs ${R2} but is Degraded (1/3 replicas ready)` });
    const progressing = evaluate(input("prod", { reviews: approved, health: { status: "Progressing", release: R2 } }));
    expect(state(progressing, "source-health").state).toBe("pending");
    expect(state(progressing, "soak")).toMatchObject({ state: "pending", summary: "soak 30m starts when staging is Healthy; it is Progressing" });
  });
});
