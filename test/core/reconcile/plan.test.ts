/** The reconcile planner (core/reconcile/plan.ts) on plain data. */
import { describe, expect, it } from "vitest";
import type { CandidateFacts } from "../../../core/reconcile/plan.js";
import { planReconcile, promotionCandidates, redeliveries, releaseCandidates } from "../../../core/reconcile/plan.js";
import { NOW, R1, R2, app, envs, facts, fresh, platform } from "../../support/reconcile-facts.js";

describe("release candidates", () => {
  it("names a component whose head release the first environment does not run, and nothing when it does", () => {
    expect(releaseCandidates(platform, [app(R2)], envs({ "shop/api": R1 }))).toEqual([
      expect.objectContaining({ kind: "release", component: "api", release: R2, environment: "dev", mode: "commit", branch: "ferry/release/dev/shop/api" }),
    ]);
    expect(releaseCandidates(platform, [app(R1)], envs({ "shop/api": R1 }))).toEqual([]);
  });

  it("goes with the build check a component waits for once it succeeded, and waits before", () => {
    const [waiting] = releaseCandidates(platform, [app(R2, "build")], envs({}));
    expect(waiting).toMatchObject({ waitingFor: "build" });
    const [ready] = releaseCandidates(platform, [app(R2, "build", ["build"])], envs({}));
    expect(ready).toMatchObject({ check: "build" });
    expect(ready).not.toHaveProperty("waitingFor");

    const plan = planReconcile(facts({ candidates: fresh([waiting!, ready!]) }));
    expect(plan.repairs).toEqual([expect.objectContaining({ kind: "release", check: "build", release: R2 })]);
    expect(plan.deferred).toEqual([expect.objectContaining({ reason: expect.stringContaining('waits for the build check "build"') })]);
  });
});
describe("planReconcile", () => {
  const [candidate] = releaseCandidates(platform, [app(R2)], envs({ "shop/api": R1 }));

  it("releases a missing release, but never undoes a rollback, an open or a declined pull request", () => {
    expect(planReconcile(facts({ candidates: [{ candidate: candidate!, ranBefore: false, pulls: [] }] })).repairs).toEqual([
      expect.objectContaining({ kind: "release", repo: "acme/shop-api", component: "shop/api", environment: "dev", release: R2 }),
    ]);
    const cases: [Partial<CandidateFacts>, RegExp][] = [
      [{ ranBefore: true }, /ran release bbbbbbbbbbbb before/],
      [{ pulls: [{ number: 4, state: "open", merged: false, release: R2 }] }, /#4 carries it/],
      [{ pulls: [{ number: 5, state: "closed", merged: false, release: R2 }] }, /#5 carrying it was closed without merging/],
    ];
    for (const [over, reason] of cases) {
      const plan = planReconcile(facts({ candidates: [{ candidate: candidate!, ranBefore: false, pulls: [], ...over }] }));
      expect(plan.repairs).toEqual([]);
      expect(plan.deferred).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })]);
    }
    // An open pull request carrying another release does not count.
    const other = planReconcile(
      facts({ candidates: [{ candidate: candidate!, ranBefore: false, pulls: [{ number: 6, state: "open", merged: false, release: R1 }] }] }),
    );
    expect(other.repairs).toHaveLength(1);
  });

  it("opens a missing promotion along the pipeline only", () => {
    const candidates = promotionCandidates(platform, envs({ "shop/api": R2 }, { "shop/api": R1 }));
    expect(candidates).toEqual([expect.objectContaining({ kind: "promotion", from: "dev", environment: "staging", release: R2, repo: "acme/gitops" })]);
    expect(promotionCandidates(platform, envs({ "shop/api": R1 }, { "shop/api": R1 }))).toEqual([]);
    expect(promotionCandidates(platform, envs({}, { "shop/api": R1 }))).toEqual([]);
    expect(planReconcile(facts({ candidates: fresh(candidates) })).repairs).toEqual([
      expect.objectContaining({ kind: "promotion", component: "shop/api", from: "dev", environment: "staging", release: R2 }),
    ]);
  });

  it("evaluates promotion pull requests without a gates check, and watches only rollouts of what the environment runs", () => {
    const plan = planReconcile(
      facts({
        environments: envs({ "shop/api": R2 }),
        openPromotions: [
          {
            repo: "acme/gitops",
            number: 7,
            headSha: "2".repeat(40),
            project: "shop",
            component: "api",
            environment: "staging",
            release: R2,
            hasGatesCheck: false,
          },
          {
            repo: "acme/gitops",
            number: 8,
            headSha: "3".repeat(40),
            project: "pay",
            component: "ledger",
            environment: "staging",
            release: R1,
            hasGatesCheck: true,
          },
        ],
        deployments: [
          { repo: "acme/shop-api", id: 11, sha: "1".repeat(40), environment: "dev", project: "shop", component: "api", release: R2, gitops: "acme/gitops" },
          { repo: "acme/shop-api", id: 10, sha: "0".repeat(40), environment: "dev", project: "shop", component: "api", release: R1, gitops: "acme/gitops" },
        ],
      }),
    );
    expect(plan.repairs.map((r) => [r.kind, "pull" in r ? r.pull : "deployment" in r ? r.deployment : undefined])).toEqual([
      ["gates-check", 7],
      ["rollout-watch", 11],
    ]);
  });
});
describe("redeliveries", () => {
  const at = (iso: string) => new Date(iso);
  it("asks once per failed guid of the last 24 hours that was not delivered since", () => {
    const repairs = redeliveries(
      [
        { id: 1, guid: "old", event: "push", action: null, deliveredAt: at("2026-03-01T09:00:00Z"), statusCode: 0, status: "Timed out" },
        { id: 2, guid: "lost", event: "push", action: null, deliveredAt: at("2026-03-02T08:00:00Z"), statusCode: 0, status: "Timed out" },
        { id: 3, guid: "lost", event: "push", action: null, deliveredAt: at("2026-03-02T08:05:00Z"), statusCode: 502, status: "Bad gateway" },
        { id: 4, guid: "healed", event: "pull_request", action: "opened", deliveredAt: at("2026-03-02T08:00:00Z"), statusCode: 500, status: "Error" },
        { id: 5, guid: "healed", event: "pull_request", action: "opened", deliveredAt: at("2026-03-02T08:10:00Z"), statusCode: 200, status: "OK" },
      ],
      NOW,
    );
    expect(repairs).toEqual([expect.objectContaining({ kind: "redelivery", delivery: 2, guid: "lost", event: "push" })]);
  });
});
