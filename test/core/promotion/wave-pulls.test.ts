/**
 * One promotion pull request per wave (core/promotion/pr.ts, body.ts, core/release/plan.ts,
 * core/reconcile/plan.ts): the branch names the wave, the paths and the changes are the wave's
 * clusters' folders only, the commit's trailers name the wave, and a single-cluster environment is
 * written as before.
 */
import { describe, expect, it } from "vitest";
import { promotionBranch, promotionCommit, promotionMarker, promotionTitle, releaseMarker, waveMarker } from "../../../core/promotion/body.js";
import { parseFerryBranch, promotionPaths, verifyPromotion } from "../../../core/promotion/pr.js";
import type { BranchCommit, PullFacts } from "../../../core/promotion/pr.js";
import { promotionCandidates } from "../../../core/reconcile/plan.js";
import { historyDir } from "../../../core/gitops/layout.js";
import { acme, envOf, R1 } from "../../support/promotion-fixtures.js";

const CLUSTERS = {
  clusters: [
    { name: "us-1", context: "prod-us-1", wave: 2 },
    { name: "eu-1", context: "prod-eu-1", wave: 1 },
  ],
};
const platform = acme({ prod: CLUSTERS });
const prod = envOf(platform, "prod");
const SOURCE = { repo: "acme/checkout-api", sha: "0123456789abcdef0123456789abcdef01234567" };

describe("a wave's branch, title, marker and commit", () => {
  it("names the wave in the branch, read back only as a wave-<n> suffix of a promotion branch", () => {
    expect(promotionBranch("storefront", "checkout-api", "prod", 2)).toBe("ferry/promote/storefront/checkout-api/prod/wave-2");
    expect(promotionBranch("storefront", "checkout-api", "prod")).toBe("ferry/promote/storefront/checkout-api/prod");
    expect(parseFerryBranch("ferry/promote/storefront/checkout-api/prod/wave-2")).toEqual({
      kind: "promotion",
      project: "storefront",
      component: "checkout-api",
      env: "prod",
      wave: 2,
    });
    expect(parseFerryBranch("ferry/promote/storefront/checkout-api/prod")).toEqual({
      kind: "promotion",
      project: "storefront",
      component: "checkout-api",
      env: "prod",
    });
    for (const bad of [
      "ferry/promote/storefront/checkout-api/prod/wave-x",
      "ferry/promote/storefront/checkout-api/prod/wave-01",
      "ferry/release/prod/storefront/checkout-api/wave-1",
    ])
      expect(parseFerryBranch(bad)).toBeUndefined();
  });

  it("titles, marks and commits a wave with its clusters; without one, as before", () => {
    const s = { project: "storefront", component: "checkout-api", release: R1, source: SOURCE, from: "staging", to: "prod" };
    const wave = { wave: 1, clusters: ["eu-1"] };
    expect(promotionTitle({ ...s, wave })).toBe(`ferry: promote storefront/checkout-api ${R1} from staging to prod (wave 1: eu-1)`);
    expect(promotionTitle(s)).toBe(`ferry: promote storefront/checkout-api ${R1} from staging to prod`);
    expect(waveMarker({ wave: 2, clusters: ["ap-1", "us-1"] })).toBe("<!-- ferry:wave 2 ap-1,us-1 -->");
    expect(promotionCommit({ ...s, wave }).trailers).toMatchObject({ "Ferry-Wave": ["1"], "Ferry-Clusters": ["eu-1"], "Ferry-Environment": ["prod"] });
    expect(Object.keys(promotionCommit(s).trailers)).not.toContain("Ferry-Wave");
  });
});

describe("what a wave may write", () => {
  it("is only its clusters' folders; every cluster without a wave; a single-cluster environment unchanged", () => {
    expect(promotionPaths(prod, "storefront", "checkout-api", ["eu-1"])).toMatchObject({
      componentDirs: ["environments/prod/eu-1/storefront/checkout-api"],
      namespaceFiles: ["environments/prod/eu-1/storefront/namespace.yaml"],
    });
    expect(promotionPaths(prod, "storefront", "checkout-api").componentDirs).toEqual([
      "environments/prod/eu-1/storefront/checkout-api",
      "environments/prod/us-1/storefront/checkout-api",
    ]);
    const single = envOf(acme(), "prod");
    expect(promotionPaths(single, "storefront", "checkout-api").componentDirs).toEqual(["environments/prod/storefront/checkout-api"]);
  });

  it("reads the wave from the branch and refuses a wave the target does not have", () => {
    const trailers = {
      "Ferry-Component": ["storefront/checkout-api"],
      "Ferry-Environment": ["prod"],
      "Ferry-Release": [R1],
      "Ferry-Promoted-From": ["staging"],
    };
    const commit: BranchCommit = { sha: "a".repeat(40), author: "Ferry <f@x>", authorLogin: undefined, committerLogin: undefined, trailers, sealed: true };
    const pr = (headRef: string): PullFacts => ({
      repo: "acme/gitops-prod",
      headRef,
      headRepo: "acme/gitops-prod",
      baseRef: "main",
      author: { login: "ferry[bot]", type: "Bot" },
      body: `${promotionMarker("storefront", "checkout-api", "prod")}\n${releaseMarker(R1, "staging")}\n`,
    });
    expect(verifyPromotion(pr("ferry/promote/storefront/checkout-api/prod/wave-2"), [commit], platform, "ferry[bot]")).toMatchObject({
      release: R1,
      wave: { wave: 2, clusters: ["us-1"] },
    });
    expect(verifyPromotion(pr("ferry/promote/storefront/checkout-api/prod/wave-3"), [commit], platform, "ferry[bot]")).toEqual({
      reason: "prod has no wave 3 of clusters",
    });
    const single = verifyPromotion(pr("ferry/promote/storefront/checkout-api/prod"), [commit], platform, "ferry[bot]");
    expect("wave" in single).toBe(false);
  });
});

describe("the reconcile pass's promotion candidate into an environment in waves", () => {
  it("is the first wave whose clusters do not all hold the release, marked partial once a wave took it", () => {
    const envs = new Map<string, Map<string, string | undefined>>([
      ["staging", new Map([["storefront/checkout-api", R1]])],
      ["prod", new Map([["storefront/checkout-api", undefined]])],
    ]);
    const none = promotionCandidates(platform, envs, new Map());
    expect(none).toMatchObject([{ environment: "prod", branch: "ferry/promote/storefront/checkout-api/prod/wave-1" }]);
    expect(none[0]!.partial).toBeUndefined();
    const clusters = new Map([
      [
        "prod",
        new Map([
          [
            "storefront/checkout-api",
            new Map([
              ["eu-1", R1],
              ["us-1", undefined],
            ]),
          ],
        ]),
      ],
    ]);
    expect(promotionCandidates(platform, envs, clusters)).toMatchObject([
      { environment: "prod", branch: "ferry/promote/storefront/checkout-api/prod/wave-2", partial: true },
    ]);
    // A single-cluster target keeps its one branch.
    expect(promotionCandidates(acme(), envs)).toMatchObject([{ branch: "ferry/promote/storefront/checkout-api/prod" }]);
  });
});

describe("the history of an environment in waves", () => {
  it("is read from the first wave's first cluster, which a promotion reaches first", () => {
    const env = {
      name: "prod",
      gitops: {},
      clusters: [
        { name: "ap-1", wave: 2 },
        { name: "eu-1", wave: 1 },
        { name: "us-1", wave: 2 },
      ],
    };
    expect(historyDir(env, "shop", "api")).toBe("eu-1/shop/api");
    expect(historyDir({ name: "prod", gitops: {} }, "shop", "api")).toBe("shop/api");
  });
});
