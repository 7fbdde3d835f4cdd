/**
 * Promotions asked for by a person with their own token (`ferry promote`, `ferry rollback`,
 * `ferry promotions`, run in-process against the fake GitHub and real GitOps repositories): the
 * same refusals as `/ferry promote|rollback`, and the same pull requests, compared with the ones
 * a `/ferry` comment opens in the same scene.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.js";
import { GATE_NAMES } from "../../../core/promotion/gates/model.js";
import type { PullRequestRecord } from "../../support/fake-github/model.js";
import { APP_REPO, GITOPS_REPO, PLATFORM_REPO, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import {
  appPullRequest,
  comment,
  footprint,
  gatesRun,
  git,
  githubApi,
  mustPromotion,
  PROD_REPO,
  releaseImage,
  replies,
  review,
  startPromotionScene,
} from "../../support/promotion-scene.js";
import { payload } from "../../support/webhooks.js";

const scenes = sceneTeardown();

/** Runs `ferry <argv>` as `login` (GITHUB_TOKEN is theirs), against the scene's GitHub and platform. */
async function ferryAs(s: Scene, login: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    GITHUB_TOKEN: s.fake.issueUserToken(login),
    GITHUB_API_URL: s.fake.url,
    FERRY_PLATFORM_REPO: PLATFORM_REPO,
    FERRY_CACHE_DIR: join(s.cacheDir, "cli"),
    // Ferry's own app: only its Ferry / gates runs are read (test/scenarios/app/foreign-checks.test.ts).
    FERRY_APP_ID: String(s.fake.app.id),
  };
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** What makes two promotion pull requests the same: branch, title, body (without the link to the comment asked in), labels, files. */
async function shape(s: Scene, pr: PullRequestRecord, dirs: string[]) {
  return {
    branch: pr.head.ref,
    base: pr.base.ref,
    title: pr.title,
    body: (pr.body ?? "").replace(/ \(\[comment\]\([^)]*\)\)/, ""),
    labels: pr.labels,
    changed: await git(s, pr.repo, ["diff", "--name-only", pr.base.sha, pr.head.sha]),
    files: await git(s, pr.repo, ["ls-tree", "-r", pr.head.sha, "--", ...dirs]),
  };
}

const closePull = async (s: Scene, pr: PullRequestRecord) =>
  expect((await githubApi(s, "PATCH", `/repos/${pr.repo}/pulls/${pr.number}`, { state: "closed" })).status).toBe(200);

describe("ferry promote and ferry rollback as a person", () => {
  it("refuses a person with read permission with /ferry promote's reason, and changes nothing", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    s.fake.setPermission(APP_REPO, "rita", "read");
    const before = await footprint(s);

    const run = await ferryAs(s, "rita", ["promote", "shop/api", "--to", "prod"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("Ferry did not promote shop/api to prod: @rita has read permission; promote to prod needs maintain\nNothing was changed.\n");
    const json = await ferryAs(s, "rita", ["rollback", "shop/api", "--env", "staging", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      person: "rita",
      role: "read",
      appRepo: APP_REPO,
      verb: "rollback",
      component: "shop/api",
      env: "staging",
      status: "refused",
      reason: "@rita has read permission; rollback to staging needs write",
    });

    expect(await footprint(s)).toBe(before);
    expect(await git(s, PROD_REPO, ["for-each-ref", "--format=%(refname)", "refs/heads"])).toBe("refs/heads/main\n");
    expect(s.fake.pullsIn(PROD_REPO)).toEqual([]);
    // The same person asking with a comment is refused for the same reason.
    const pr = await appPullRequest(p);
    await comment(p, APP_REPO, pr.number, "rita", "/ferry promote prod");
    expect(replies(s, APP_REPO, pr.number)[0]).toContain("Ferry did not do this: @rita has read permission; promote to prod needs maintain");
  });

  it("opens the pull request /ferry promote opens, lists it, and refuses what the pipeline refuses", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await closePull(s, mustPromotion(s, "staging"));
    s.fake.setPermission(APP_REPO, "maya", "write");
    s.fake.setPermission(GITOPS_REPO, "maya", "write");

    const run = await ferryAs(s, "maya", ["promote", "shop/api", "--to", "staging", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const byCli = mustPromotion(s, "staging");
    expect(byCli.user).toBe("maya");
    expect(JSON.parse(run.stdout)).toEqual({
      person: "maya",
      role: "write",
      appRepo: APP_REPO,
      verb: "promote",
      component: "shop/api",
      env: "staging",
      status: "opened",
      pull: { number: byCli.number, url: `http://github.localhost/${GITOPS_REPO}/pull/${byCli.number}` },
      release,
      gates: "not evaluated: the Ferry / gates check is the Ferry app's to write",
    });
    expect(byCli.body).toContain("Requested by @maya; they cannot approve it.");

    // Listed with who opened and who asked; no gates evaluated on its head yet.
    const listed = await ferryAs(s, "maya", ["promotions", "--json"]);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { promotions: unknown[] }).promotions).toEqual([
      expect.objectContaining({
        repo: GITOPS_REPO,
        number: byCli.number,
        release,
        from: "dev",
        to: "staging",
        openedBy: "maya",
        requestedBy: "maya",
        gates: null,
      }),
    ]);
    // The app gates it like its own: the Ferry / gates check on its head, the requester not counted as an approver.
    const opened = await s.post(
      "pull_request",
      payload("pull_request", "opened", {
        repo: GITOPS_REPO,
        number: byCli.number,
        branch: byCli.head.ref,
        sha: byCli.head.sha,
        installationId: s.installationId,
      }),
    );
    expect(opened.status).toBe(200);
    const personGates = gatesRun(s, GITOPS_REPO, byCli.head.sha);
    expect(personGates.conclusion).toBe("action_required");
    expect(personGates.output.summary).toContain("| approvals |");
    await review(p, byCli, "maya");
    const afterReview = gatesRun(s, GITOPS_REPO, byCli.head.sha);
    expect(afterReview.conclusion).toBe("action_required");
    expect(afterReview.output.summary).toContain("| approvals | ⏳ pending | 0 of 1 approval; @maya cannot approve (author) |");
    expect(afterReview.output.summary).toContain("| policies | ✅ pass |");
    const cli = await shape(s, byCli, ["environments/staging", "releases"]);
    await closePull(s, byCli);

    const pr = await appPullRequest(p);
    await comment(p, APP_REPO, pr.number, "maya", "/ferry promote staging");
    const byComment = mustPromotion(s, "staging");
    expect(byComment.number).not.toBe(byCli.number);
    expect(byComment.user).toBe("ferry[bot]");
    expect(await shape(s, byComment, ["environments/staging", "releases"])).toEqual(cli);
    expect(cli.changed).toContain("environments/staging/shop/api/deployment-api.yaml");

    // ferry promotions: the open promotion with each gate's state, as its Ferry / gates check says.
    const text = await ferryAs(s, "otto", ["promotions"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${GITOPS_REPO}#${byComment.number}  shop/api  ${release} dev -> staging  (opened by @ferry[bot], asked by @maya)`);
    const json = JSON.parse((await ferryAs(s, "otto", ["promotions", "--env", "staging", "--json"])).stdout) as {
      promotions: { number: number; gates: { conclusion: string; title: string; gates: { name: string; state: string; summary: string }[] } }[];
    };
    expect(json.promotions.map((x) => x.number)).toEqual([byComment.number]);
    const [listedGates] = json.promotions.map((x) => x.gates);
    const check = gatesRun(s, GITOPS_REPO, byComment.head.sha);
    expect(listedGates?.conclusion).toBe(check.conclusion);
    expect(listedGates?.title).toBe(check.output.title);
    expect(listedGates?.gates.map((g) => g.name)).toEqual([...GATE_NAMES]);
    expect(listedGates?.gates.find((g) => g.name === "approvals")?.state).toBe("pending");
    for (const g of listedGates?.gates ?? []) expect(check.output.summary).toContain(`| ${g.name} |`);
    expect(JSON.parse((await ferryAs(s, "otto", ["promotions", "--env", "prod", "--json"])).stdout)).toEqual({ promotions: [] });

    // The pipeline's refusal, with /ferry promote's words; nothing changes.
    s.fake.setPermission(APP_REPO, "maya", "maintain");
    const before = await footprint(s);
    const skip = await ferryAs(s, "maya", ["promote", "shop/api", "--to", "prod", "--release", release]);
    expect(skip.code).toBe(1);
    expect(skip.stderr).toContain(
      `release ${release} runs in dev, but prod only takes releases from staging (the pipeline goes dev → staging → prod); promote it to staging first`,
    );
    expect(await footprint(s)).toBe(before);
  });

  it("opens the pull request /ferry rollback opens", async () => {
    const p = await startPromotionScene();
    const s = scenes.track(p.s);
    const r1 = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await releaseImage(p, "ghcr.io/acme/api:1.2.0");
    s.fake.setPermission(APP_REPO, "wendy", "write");
    s.fake.setPermission(GITOPS_REPO, "wendy", "write");

    const run = await ferryAs(s, "wendy", ["rollback", "shop/api", "--env", "dev"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const byCli = mustPromotion(s, "dev");
    expect(byCli.title).toBe(`ferry: roll back shop/api in dev to ${r1.release}`);
    expect(run.stdout).toContain(
      `roll back shop/api in dev as @wendy: opened ${`http://github.localhost/${GITOPS_REPO}/pull/${byCli.number}`} with release ${r1.release}`,
    );
    expect(byCli.mergedAt).toBeNull(); // the person's token never merges: the app's gates decide
    const cli = await shape(s, byCli, ["environments/dev", "releases"]);
    await closePull(s, byCli);

    const pr = await appPullRequest(p);
    await comment(p, APP_REPO, pr.number, "wendy", "/ferry rollback dev");
    const byComment = s.fake.pullsIn(GITOPS_REPO).find((x) => x.head.ref === "ferry/promote/shop/api/dev" && x.number !== byCli.number)!;
    expect(byComment.user).toBe("ferry[bot]");
    expect(await shape(s, byComment, ["environments/dev", "releases"])).toEqual(cli);
    expect(byComment.mergedAt).not.toBeNull(); // dev needs no approval: Ferry merged its own
  });
});
