/** Ferry's pull requests (core/promotion/pr.ts): branches, markers, recognition and merge commits. */
import { describe, expect, it } from "vitest";
import { parseCommitMessage } from "../../../core/gitops/trailers.js";
import { parseUpdatedFrom, promotionMarker, releaseMarker, updatedFromMarker } from "../../../core/promotion/body.js";
import {
  differingPaths,
  ferryPullOf,
  foreignChanges,
  identifyPromotion,
  verifyPromotion,
  mergeCommitFields,
  parseFerryBranch,
  parseRequestedBy,
  promotionPaths,
  requestedByMarker,
  rollbackSupersedes,
  updatedFrom,
  waveBranchPrefix,
} from "../../../core/promotion/pr.js";
import { withRequester } from "../../../presentation/markdown/promotion-body.js";
import type { BranchCommit, PullFacts } from "../../../core/promotion/pr.js";
import { acme, envOf, R1, R2 } from "../../support/promotion-fixtures.js";

const SOURCE = { repo: "acme/checkout-api", sha: "b".repeat(40) };

describe("Ferry's branches and markers", () => {
  it("reads promotion and release branch names, and nothing else", () => {
    expect(parseFerryBranch("ferry/promote/storefront/checkout-api/prod")).toEqual({
      kind: "promotion",
      project: "storefront",
      component: "checkout-api",
      env: "prod",
    });
    expect(parseFerryBranch("ferry/release/dev/storefront/checkout-api")).toEqual({
      kind: "release",
      env: "dev",
      project: "storefront",
      component: "checkout-api",
    });
    for (const other of ["main", "ferry/promote/a/b", "ferry/promote/a/b/c/d", "ferry/promote/A/b/c", "ferry/promote/a/../c", "feature/ferry/promote/a/b/c"]) {
      expect(parseFerryBranch(other)).toBeUndefined();
    }
  });

  it("a rollback supersedes only its component's wave branches in its environment, by wave", () => {
    const key = { project: "shop", component: "api", env: "prod" };
    expect(waveBranchPrefix("shop", "api", "prod")).toBe("ferry/promote/shop/api/prod/wave-");
    const listed = [
      "ferry/promote/shop/api/prod/wave-2",
      "ferry/promote/shop/api/prod/wave-10",
      "ferry/promote/shop/api/prod/wave-2",
      "ferry/promote/shop/api/prod", // the rollback's own branch
      "ferry/promote/shop/api/prod/wave-02", // not a wave Ferry writes
      "ferry/promote/shop/api/prod/wave-3/x",
      "ferry/promote/shop/api/production/wave-1",
      "ferry/promote/shop/web/prod/wave-1",
      "ferry/promote/other/api/prod/wave-1",
      "ferry/release/prod/shop/api",
      "main",
    ];
    expect(rollbackSupersedes(key, listed)).toEqual([
      { branch: "ferry/promote/shop/api/prod/wave-2", wave: 2 },
      { branch: "ferry/promote/shop/api/prod/wave-10", wave: 10 },
    ]);
    expect(rollbackSupersedes(key, [])).toEqual([]);
  });

  it("keeps who asked and what the pull request was updated from", () => {
    const body = `head\n\n---\n<sub>footer</sub>\n`;
    const asked = withRequester(body, "wendy", "https://github.com/acme/app/pull/1#issuecomment-9");
    expect(asked).toBe(
      `head\n\n${requestedByMarker("wendy")}\nRequested by @wendy ([comment](https://github.com/acme/app/pull/1#issuecomment-9)); they cannot approve it.\n\n---\n<sub>footer</sub>\n`,
    );
    expect(parseRequestedBy(asked)).toBe("wendy");
    expect(parseRequestedBy(withRequester("no footer", "dependabot[bot]"))).toBe("dependabot[bot]");
    expect(parseRequestedBy("<!-- ferry:requested-by not/a/login -->")).toBeUndefined();
    expect(() => requestedByMarker("a b")).toThrow('"a b" is not a GitHub login');

    const note = `x\n${updatedFromMarker(R1, R2)}\n> [!NOTE]\n> Updated from release \`${R1}\` to \`${R2}\`.\n`;
    expect(parseUpdatedFrom(note)).toEqual({ from: R1, to: R2 });
    // The note a person reads (and may edit) says nothing to Ferry: only the marker does.
    expect(parseUpdatedFrom(`x\n> Updated from release \`${R1}\` to \`${R2}\`.\n`)).toBeUndefined();
    expect(updatedFrom({ release: R2, body: `> Updated from release \`${R1}\` to \`${R2}\`.` }, R2)).toBeUndefined();
    expect(parseUpdatedFrom("<!-- ferry:updated-from not-a-release to 0123456789ab -->")).toBeUndefined();
    expect(updatedFrom(undefined, R2)).toBeUndefined(); // a new pull request
    expect(updatedFrom({ release: R1, body: "" }, R2)).toBe(R1); // another release now
    expect(updatedFrom({ release: R2, body: note }, R2)).toBe(R1); // re-synced: keeps saying so
    expect(updatedFrom({ release: R2, body: "" }, R2)).toBeUndefined();
  });

  it("knows what a promotion writes, and finds anything else", () => {
    const paths = promotionPaths(envOf(acme(), "staging"), "storefront", "checkout-api");
    expect(paths).toEqual({
      componentDirs: ["environments/staging/storefront/checkout-api"],
      namespaceFiles: ["environments/staging/storefront/namespace.yaml"],
      releaseDir: "releases/storefront/checkout-api",
      catalogDir: "catalog/storefront/checkout-api",
      catalogFile: "catalog/storefront.yaml",
    });
    expect(foreignChanges(["catalog/storefront/checkout-api/catalog-info.yaml", "catalog/storefront.yaml"], paths)).toEqual([]);
    expect(foreignChanges(["catalog/storefront/checkout-api-v2/catalog-info.yaml", "catalog/payments.yaml"], paths)).toEqual([
      "catalog/payments.yaml",
      "catalog/storefront/checkout-api-v2/catalog-info.yaml",
    ]);
    expect(
      foreignChanges(
        [
          "environments/staging/storefront/checkout-api/deployment.yaml",
          "environments/staging/storefront/namespace.yaml",
          `releases/storefront/checkout-api/${R1}.yaml`,
          "environments/staging/storefront/checkout-api-v2/x.yaml",
          "environments/prod/storefront/checkout-api/deployment.yaml",
          "README.md",
          "README.md",
        ],
        paths,
      ),
    ).toEqual(["README.md", "environments/prod/storefront/checkout-api/deployment.yaml", "environments/staging/storefront/checkout-api-v2/x.yaml"]);
    expect(
      differingPaths(
        new Map([
          ["a", "1"],
          ["b", "2"],
          ["c", "3"],
        ]),
        new Map([
          ["a", "1"],
          ["b", "two"],
          ["d", "4"],
        ]),
      ),
    ).toEqual(["b", "c", "d"]);
  });
});

describe("recognising Ferry's pull requests", () => {
  const platform = acme();
  const body = `${promotionMarker("storefront", "checkout-api", "prod")}\n${releaseMarker(R1, "staging")}\n`;
  const pr: PullFacts = {
    repo: "acme/gitops-prod",
    headRef: "ferry/promote/storefront/checkout-api/prod",
    headRepo: "acme/gitops-prod",
    baseRef: "main",
    author: { login: "ferry[bot]", type: "Bot" },
    body,
  };

  it("reads a promotion from branch and body", () => {
    expect(identifyPromotion(pr, platform, "ferry[bot]")).toEqual({
      project: "storefront",
      component: "checkout-api",
      release: R1,
      to: envOf(platform, "prod"),
      from: envOf(platform, "staging"),
      rollback: false,
      requestedBy: undefined,
    });
    const rollback = identifyPromotion(
      { ...pr, body: `${promotionMarker("storefront", "checkout-api", "prod")}\n${releaseMarker(R1, "prod")}\n${requestedByMarker("maya")}` },
      platform,
      "ferry[bot]",
    );
    expect(rollback).toMatchObject({ rollback: true, requestedBy: "maya" });
    // Without a known bot login any bot counts; another app's bot never does when it is known.
    expect(identifyPromotion(pr, platform, undefined)).toMatchObject({ release: R1 });
    expect(identifyPromotion({ ...pr, author: { login: "other[bot]", type: "Bot" } }, platform, "ferry[bot]")).toEqual({
      reason: "opened by other[bot], not by Ferry",
    });
  });

  it("reads who asked and which release from Ferry's commits, never from the body", () => {
    const trailers = (extra: Record<string, string[]> = {}) => ({
      "Ferry-Component": ["storefront/checkout-api"],
      "Ferry-Environment": ["prod"],
      "Ferry-Release": [R1],
      "Ferry-Promoted-From": ["staging"],
      ...extra,
    });
    const commit = (sha: string, over: Partial<BranchCommit> = {}): BranchCommit => ({
      sha: sha.repeat(40),
      author: "Ferry <ferry@users.noreply.github.com>",
      authorLogin: undefined,
      committerLogin: undefined,
      trailers: trailers(),
      sealed: true,
      ...over,
    });
    const ferry = commit("a", { trailers: trailers({ "Ferry-Requested-By": ["maya"] }) });
    // The body names nobody (a person deleted the marker): the sealed trailer still does.
    expect(verifyPromotion({ ...pr, body: "" }, [ferry], platform, "ferry[bot]")).toMatchObject({
      release: R1,
      requesters: ["maya"],
      foreign: [],
      pushers: [],
      byPerson: false,
    });
    // A commit without a valid seal is foreign, its people are pushers; a forged requester counts for nothing.
    const forged = commit("b", { sealed: false, authorLogin: "mallory", committerLogin: "mallory", trailers: trailers({ "Ferry-Requested-By": ["nobody"] }) });
    const both = verifyPromotion(pr, [ferry, forged], platform, "ferry[bot]");
    expect(both).toMatchObject({ release: R1, requesters: ["maya"], pushers: ["mallory"], ferryCommit: ferry.sha });
    expect("foreign" in both && both.foreign.map((c) => c.sha)).toEqual([forged.sha]);
    expect(verifyPromotion(pr, [forged], platform, "ferry[bot]")).toEqual({
      reason: "no commit of ferry/promote/storefront/checkout-api/prod is one Ferry made for storefront/checkout-api in prod",
    });
    // A person's own pull request (`ferry promote`): their unsealed commits are Ferry's tools', another person's are not.
    const byMaya = { ...pr, author: { login: "Maya", type: "User" } };
    const hers = commit("c", { sealed: false, authorLogin: "maya" });
    expect(verifyPromotion(byMaya, [hers], platform, "ferry[bot]")).toMatchObject({ byPerson: true, requesters: ["Maya"], foreign: [], pushers: ["maya"] });
    const theirs = verifyPromotion(byMaya, [hers, commit("d", { sealed: false, authorLogin: "mallory" })], platform, "ferry[bot]");
    expect("foreign" in theirs && theirs.foreign.map((c) => c.authorLogin)).toEqual(["mallory"]);
    // `ferry promote` by a person on Ferry's own pull request: a commit tied to them that names them as who asked.
    const selfAsked = commit("f", { sealed: false, authorLogin: "lee", committerLogin: "lee", trailers: trailers({ "Ferry-Requested-By": ["lee"] }) });
    expect(verifyPromotion(pr, [ferry, selfAsked], platform, "ferry[bot]")).toMatchObject({ requesters: ["lee", "maya"], foreign: [], pushers: ["lee"] });
    const forName = commit("g", { sealed: false, authorLogin: "mallory", trailers: trailers({ "Ferry-Requested-By": ["lee"] }) });
    expect(verifyPromotion(pr, [ferry, forName], platform, "ferry[bot]")).toMatchObject({ requesters: ["maya"], foreign: [forName] });
    // A break-glass counts from Ferry's sealed commit, or from a person's own commit naming that person; never one naming someone else.
    const glass = (login: string) => ({ "Ferry-Break-Glass": [`${login}: payments down`] });
    const sealedGlass = commit("h", { trailers: trailers({ "Ferry-Requested-By": ["mia"], ...glass("mia") }) });
    expect(verifyPromotion(pr, [ferry, sealedGlass], platform, "ferry[bot]")).toMatchObject({
      breakGlass: { login: "mia", reason: "payments down", commit: sealedGlass.sha },
    });
    expect(verifyPromotion(pr, [ferry], platform, "ferry[bot]")).not.toHaveProperty("breakGlass");
    const ownGlass = commit("i", { sealed: false, authorLogin: "maya", trailers: trailers(glass("maya")) });
    expect(verifyPromotion(byMaya, [ownGlass], platform, "ferry[bot]")).toMatchObject({ breakGlass: { login: "maya", commit: ownGlass.sha } });
    const otherGlass = commit("j", { sealed: false, authorLogin: "maya", trailers: trailers(glass("mia")) });
    expect(verifyPromotion(byMaya, [otherGlass], platform, "ferry[bot]")).not.toHaveProperty("breakGlass");
    // A forged commit pushed on top carries nothing: the break-glass stays on Ferry's commit, which is no longer the head.
    const pushedGlass = commit("k", { sealed: false, authorLogin: "mallory", committerLogin: "mallory", trailers: trailers(glass("mallory")) });
    expect(verifyPromotion(pr, [sealedGlass, pushedGlass], platform, "ferry[bot]")).toMatchObject({ breakGlass: { login: "mia", commit: sealedGlass.sha } });
    // Commits about another component never identify it.
    expect(
      verifyPromotion(byMaya, [commit("e", { sealed: false, trailers: trailers({ "Ferry-Component": ["storefront/other"] }) })], platform, "ferry[bot]"),
    ).toMatchObject({
      reason: expect.stringContaining("no commit"),
    });
  });

  it("refuses look-alikes, each with the reason", () => {
    const reason = (facts: Partial<PullFacts>) => {
      const r = identifyPromotion({ ...pr, ...facts }, platform, "ferry[bot]");
      return "reason" in r ? r.reason : "accepted";
    };
    expect(reason({ headRepo: "mallory/gitops-prod" })).toBe("the branch is in mallory/gitops-prod, not in acme/gitops-prod");
    expect(reason({ headRepo: undefined })).toBe("the branch is in a deleted fork, not in acme/gitops-prod");
    expect(reason({ author: { login: "other[bot]", type: "Bot" } })).toBe("opened by other[bot], not by Ferry");
    expect(reason({ repo: "acme/gitops", headRepo: "acme/gitops" })).toBe("prod lives in acme/gitops-prod on main, not acme/gitops on main");
    expect(reason({ baseRef: "release" })).toBe("prod lives in acme/gitops-prod on main, not acme/gitops-prod on release");
    expect(reason({ headRef: "ferry/promote/storefront/checkout-api/qa" })).toBe('the platform has no environment "qa"');
    expect(reason({ body: "hello" })).toBe("the body has no promotion marker");
    expect(reason({ body: `${promotionMarker("storefront", "other", "prod")}\n${releaseMarker(R1, "staging")}` })).toBe(
      "the body's marker (storefront/other -> prod) does not match the branch ferry/promote/storefront/checkout-api/prod",
    );
    expect(reason({ body: promotionMarker("storefront", "checkout-api", "prod") })).toBe("the body has no readable release marker");
    expect(reason({ body: `${promotionMarker("storefront", "checkout-api", "prod")}\n${releaseMarker(R1, "qa")}` })).toBe(
      'the platform has no environment "qa" to promote from',
    );
    expect(reason({ headRef: "ferry/release/prod/storefront/checkout-api" })).toBe(
      "ferry/release/prod/storefront/checkout-api is a release branch, not a promotion",
    );
    expect(ferryPullOf({ ...pr, headRef: "ferry/release/prod/storefront/checkout-api" }, platform, "ferry[bot]")).toMatchObject({
      branch: { kind: "release", env: "prod" },
    });
  });
});

describe("merge commits", () => {
  it("carry the approvers, the source and where the release came from", () => {
    const subject = { project: "storefront", component: "checkout-api", release: R2, source: SOURCE, from: "staging", to: "prod", current: R1 };
    const fields = mergeCommitFields(subject, ["sasha", "sam"]);
    expect(fields.commit_title).toBe(`ferry: promote storefront/checkout-api ${R2} from staging to prod`);
    const parsed = parseCommitMessage(`${fields.commit_title}\n\n${fields.commit_message}`);
    expect(parsed.body).toBe(`Release ${R2} of acme/checkout-api@bbbbbbbbbbbb (replaces ${R1}).`);
    expect(parsed.trailers).toEqual({
      "Ferry-Approved-By": ["sam", "sasha"],
      "Ferry-Component": ["storefront/checkout-api"],
      "Ferry-Environment": ["prod"],
      "Ferry-Promoted-From": ["staging"],
      "Ferry-Release": [R2],
      "Ferry-Source": [`acme/checkout-api@${SOURCE.sha}`],
    });
  });

  it("carry who broke glass on a freeze, when the decision says so", () => {
    const subject = { project: "storefront", component: "checkout-api", release: R2, source: SOURCE, from: "staging", to: "prod", current: R1 };
    const fields = mergeCommitFields(subject, ["sam"], { login: "mia", reason: "payments down: hotfix" });
    expect(parseCommitMessage(`${fields.commit_title}\n\n${fields.commit_message}`).trailers["Ferry-Break-Glass"]).toEqual(["mia: payments down: hotfix"]);
    expect(parseCommitMessage(`x\n\n${mergeCommitFields(subject, ["sam"]).commit_message}`).trailers["Ferry-Break-Glass"]).toBeUndefined();
  });

  it("of a rollback say so and name no source environment", () => {
    const fields = mergeCommitFields(
      { project: "storefront", component: "checkout-api", release: R1, source: SOURCE, from: "dev", to: "dev", current: R2 },
      [],
    );
    expect(fields.commit_title).toBe(`ferry: roll back storefront/checkout-api in dev to ${R1}`);
    const parsed = parseCommitMessage(`${fields.commit_title}\n\n${fields.commit_message}`);
    expect(parsed.trailers["Ferry-Promoted-From"]).toBeUndefined();
    expect(parsed.trailers["Ferry-Approved-By"]).toBeUndefined();
    expect(parsed.trailers["Ferry-Release"]).toEqual([R1]);
  });
});
