/**
 * Promotion end to end: signed deliveries → the app → contract-checked fake GitHub and
 * real GitOps repositories on a git server. Pipeline dev → staging → prod; prod lives in its own
 * repository, needs two approvals from team sre and a change window; Ferry merges every
 * promotion itself once its gates hold.
 */
import { describe, expect, it } from "vitest";
import { parseCommitMessage } from "../../../core/gitops/trailers.js";
import { GATES_CHECK } from "../../../flows/promotion/gates-check.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, pushPayload, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import type { HealthReport, HealthSource } from "../../../core/promotion/health.js";
import { payload } from "../../support/webhooks.js";
import {
  dismiss,
  gateConclusions,
  gatesRun,
  git,
  githubApi,
  ManualScheduler,
  mustPromotion,
  openPromotion,
  pipelinePlatform,
  PROD_REPO,
  releaseImage,
  releaseIn,
  replies,
  review,
  startPromotionScene,
} from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

/** Trailers of a commit of a GitOps repository. */
async function trailersOf(s: Scene, repo: string, ref: string): Promise<Readonly<Record<string, readonly string[]>>> {
  return parseCommitMessage(await git(s, repo, ["log", "-1", "--format=%B", ref])).trailers;
}

describe("promotion pull requests", () => {
  it("carries one release dev → staging → prod: one approval for staging, two from sre for prod, merged by Ferry after the soak", async () => {
    // No cluster status: the staging → prod step lets health not observed pass (`requireHealth: false`);
    // its 30m soak counts from the landing in staging.
    const scheduler = new ManualScheduler();
    const p = await startPromotionScene({ platform: pipelinePlatform({ prodRequireHealth: false }), deps: { scheduler } });
    scenes.track(p.s);
    const s = p.s;
    const { sha, release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");

    // Landing in dev (a direct commit) opened the promotion to staging, waiting for an approval.
    const staging = mustPromotion(s, "staging");
    expect(staging.repo).toBe(GITOPS_REPO);
    expect(staging.title).toBe(`ferry: promote shop/api ${release} from dev to staging`);
    expect(staging.user).toBe("ferry[bot]");
    expect(staging.body).toContain("<!-- ferry:promotion shop/api -> staging -->");
    expect(staging.body).toContain(`<!-- ferry:release ${release} from dev -->`);
    expect(staging.body).toContain(`[${APP_REPO}@${sha.slice(0, 7)}](http://github.localhost/${APP_REPO}/commit/${sha})`);
    expect(staging.body).toContain("### What changes in staging");
    expect(staging.body).toMatch(/\| \*\*Monthly estimate\*\* \| EUR 0\.00 \| EUR [0-9.]+ \|/);
    expect(staging.body).toContain("### Policies");
    expect(staging.body).toMatch(new RegExp(`\\| dev \\| \`${release}\` \\| 2026-03-02 09:01 UTC \\|`));
    expect(await releaseIn(s, GITOPS_REPO, "staging", staging.head.ref)).toBe(release);
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBeUndefined();
    const waiting = gatesRun(s, GITOPS_REPO, staging.head.sha);
    expect(waiting.conclusion).toBe("action_required");
    expect(waiting.output.title).toBe("Waiting: approvals");
    expect(waiting.output.summary).toContain("| approvals | ⏳ pending | 0 of 1 approval |");
    expect(waiting.output.summary).toContain("| source-health | ➖ not observed | dev health is not observed; not required, does not block |");
    expect(waiting.detailsUrl).toBe(`http://github.localhost/${GITOPS_REPO}/pull/${staging.number}`);

    // One approval: every gate holds (health is not observed and not required), Ferry merges.
    await review(p, staging, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).mergedAt).not.toBeNull();
    expect(gateConclusions(s, GITOPS_REPO, staging.head.sha)).toEqual(["action_required", "neutral"]);
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBe(release);
    const stagingTrailers = await trailersOf(s, GITOPS_REPO, "main");
    expect(stagingTrailers).toMatchObject({
      "Ferry-Approved-By": ["alice"],
      "Ferry-Component": ["shop/api"],
      "Ferry-Environment": ["staging"],
      "Ferry-Promoted-From": ["dev"],
      "Ferry-Release": [release],
      "Ferry-Source": [`${APP_REPO}@${sha}`],
    });
    expect(await git(s, GITOPS_REPO, ["log", "-1", "--format=%s", "main"])).toBe(`ferry: promote shop/api ${release} from dev to staging\n`);
    expect(await s.fake.branchSha(GITOPS_REPO, staging.head.ref)).toBeUndefined(); // merged branch deleted

    // Landing in staging opened the promotion to prod, in prod's own repository.
    const prod = mustPromotion(s, "prod");
    expect(prod.repo).toBe(PROD_REPO);
    expect(prod.body).toContain(`<!-- ferry:release ${release} from staging -->`);
    expect(prod.body).toMatch(new RegExp(`\\| staging \\| \`${release}\` \\| 2026-03-02 09:02 UTC \\| .* \\| @alice \\|`));
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.summary).toContain("| approvals | ⏳ pending | 0 of 2 approvals from sre |");

    await review(p, prod, "sam");
    expect(openPromotion(s, "prod")?.number).toBe(prod.number);
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.summary).toContain("1 of 2 approvals from sre (@sam)");
    await review(p, prod, "sasha");
    // Every approval, but the soak is not over: staging got the release at 09:02.
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).toBeNull();
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.title).toBe("Waiting: soak");
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.summary).toMatch(
      /\| soak \| ⏳ pending \| soak 30m has 2\d minutes left: landed in staging at 2026-03-02 09:02 UTC, .*; holds from 2026-03-02 09:32 UTC \|/,
    );
    // The periodic pass after the soak merges it.
    p.clock.set("2026-03-02T09:33:00Z");
    await scheduler.runAll();
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).not.toBeNull();
    expect(gateConclusions(s, PROD_REPO, prod.head.sha)).toEqual(["action_required", "action_required", "action_required", "neutral"]);

    expect(await releaseIn(s, PROD_REPO, "prod")).toBe(release);
    const deployment = await git(s, PROD_REPO, ["show", "main:environments/prod/shop/api/deployment-api.yaml"]);
    expect(deployment).toContain("replicas: 2");
    expect(deployment).toContain("namespace: shop-prod");
    expect(await git(s, PROD_REPO, ["show", `main:releases/shop/api/${release}.yaml`])).toContain(`name: ${release}`);
    expect(await trailersOf(s, PROD_REPO, "main")).toMatchObject({
      "Ferry-Approved-By": ["sam", "sasha"],
      "Ferry-Environment": ["prod"],
      "Ferry-Promoted-From": ["staging"],
      "Ferry-Release": [release],
      "Ferry-Source": [`${APP_REPO}@${sha}`],
    });
    // Nothing follows prod; no promotion is left open anywhere.
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);
    expect(s.fake.pullsIn(PROD_REPO, "open")).toEqual([]);
    expect(s.fake.checkRunsFor(PROD_REPO, { name: GATES_CHECK })).toHaveLength(1);
  });

  it("updates the open promotion when a newer release lands: one pull request, which says so", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    const r1 = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const first = mustPromotion(s, "staging");
    const firstHead = first.head.sha;
    // A reviewer who is not enough (the author cannot approve; a comment is no approval).
    await review(p, first, "carol", "COMMENTED");
    expect(s.fake.mustPull(GITOPS_REPO, first.number).state).toBe("open");

    const r2 = await releaseImage(p, "ghcr.io/acme/api:1.2.0");
    expect(r2.release).not.toBe(r1.release);
    const open = s.fake.pullsIn(GITOPS_REPO, "open").filter((pr) => pr.head.ref === "ferry/promote/shop/api/staging");
    expect(open).toHaveLength(1);
    const updated = open[0]!;
    expect(updated.number).toBe(first.number);
    expect(updated.head.sha).not.toBe(firstHead);
    expect(updated.title).toBe(`ferry: promote shop/api ${r2.release} from dev to staging`);
    expect(updated.body).toContain(`<!-- ferry:release ${r2.release} from dev -->`);
    expect(updated.body).toContain(`> Updated from release \`${r1.release}\` to \`${r2.release}\`.`);
    expect(updated.body).toContain("ghcr.io/acme/api:1.2.0");
    expect(await releaseIn(s, GITOPS_REPO, "staging", updated.head.ref)).toBe(r2.release);
    expect(replies(s, GITOPS_REPO, first.number)).toEqual([
      expect.stringContaining(`Ferry updated this pull request from release \`${r1.release}\` to \`${r2.release}\``),
    ]);
    expect(gatesRun(s, GITOPS_REPO, updated.head.sha).conclusion).toBe("action_required");

    // GitHub then reports the push to the branch: re-evaluated, still one pull request, still says updated.
    const sync = payload("pull_request", "synchronize", {
      repo: GITOPS_REPO,
      number: first.number,
      branch: updated.head.ref,
      sha: updated.head.sha,
      installationId: s.installationId,
    });
    expect((await s.post("pull_request", sync)).status).toBe(200);
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toHaveLength(1);
    expect(s.fake.mustPull(GITOPS_REPO, first.number).body).toContain(`> Updated from release \`${r1.release}\` to \`${r2.release}\`.`);
    expect(replies(s, GITOPS_REPO, first.number)).toHaveLength(1);

    await review(p, updated, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, first.number).mergedAt).not.toBeNull();
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBe(r2.release);
  });

  it("fails and passes the gates as reviews arrive (check run conclusions in sequence)", async () => {
    // The injected health source: staging Healthy on the release since 07:00 (soak long done).
    const healthy: { release?: string } = {};
    const health: HealthSource = {
      health: async (q): Promise<HealthReport> =>
        q.environment === "staging" && healthy.release
          ? { status: "Healthy", release: healthy.release, healthySince: new Date("2026-03-02T07:00:00Z"), detail: "2/2 ready" }
          : { status: "NotObserved" },
    };
    const p = await startPromotionScene({ deps: { health } });
    scenes.track(p.s);
    const s = p.s;
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    healthy.release = release;
    await review(p, mustPromotion(s, "staging"), "alice");
    const prod = mustPromotion(s, "prod");
    const summary = () => gatesRun(s, PROD_REPO, prod.head.sha).output.summary ?? "";
    expect(summary()).toContain(`| source-health | ✅ pass | staging runs ${release}, Healthy since 2026-03-02 07:00 UTC (2/2 ready) |`);
    expect(summary()).toContain("| soak | ✅ pass | Healthy in staging for 2h2m (soak 30m) |");

    await review(p, prod, "sam");
    expect(summary()).toContain("1 of 2 approvals from sre (@sam)");
    s.fake.setPermission(PROD_REPO, "mallory", "write");
    await review(p, prod, "mallory"); // may write, but not in sre: does not count
    expect(summary()).toContain("@mallory is not in sre");
    const changes = await review(p, prod, "bob", "CHANGES_REQUESTED");
    expect(summary()).toContain("| approvals | ❌ fail | @bob requested changes;");
    await dismiss(p, prod, changes);
    expect(summary()).toContain("1 of 2 approvals from sre (@sam)");
    expect(s.fake.mustPull(PROD_REPO, prod.number).state).toBe("open");
    await review(p, prod, "sasha");

    expect(gateConclusions(s, PROD_REPO, prod.head.sha)).toEqual([
      "action_required",
      "action_required",
      "action_required",
      "failure",
      "action_required",
      "success",
    ]);
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.title).toBe("Every gate holds");
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).not.toBeNull();
    expect(await trailersOf(s, PROD_REPO, "main")).toMatchObject({ "Ferry-Approved-By": ["sam", "sasha"] });
  });

  it("blocks on a change window closed today and merges when the periodic pass finds it open", async () => {
    const scheduler = new ManualScheduler();
    // Friday 2026-03-06 11:00 in Berlin: prod's window is Monday to Thursday.
    // No cluster status: the step lets health not observed pass; its 30m soak counts from the landing in staging.
    const p = await startPromotionScene({ at: "2026-03-06T10:00:00Z", platform: pipelinePlatform({ prodRequireHealth: false }), deps: { scheduler } });
    scenes.track(p.s);
    const s = p.s;
    expect(scheduler.tasks).toHaveLength(1);
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await review(p, mustPromotion(s, "staging"), "alice");
    const prod = mustPromotion(s, "prod");
    await review(p, prod, "sam");
    await review(p, prod, "sasha");

    const blocked = gatesRun(s, PROD_REPO, prod.head.sha);
    expect(blocked.conclusion).toBe("action_required");
    expect(blocked.output.title).toBe("Waiting: soak, window");
    expect(blocked.output.summary).toContain(
      "| window | ⏳ pending | outside the change window (mon, tue, wed, thu 09:00-16:00 Europe/Berlin): it is Fri 2026-03-06 11:04 Europe/Berlin (2026-03-06 10:04 UTC); opens Mon 2026-03-09 09:00 Europe/Berlin (2026-03-09 08:00 UTC) |",
    );
    expect(s.fake.mustPull(PROD_REPO, prod.number).state).toBe("open");
    expect(await releaseIn(s, PROD_REPO, "prod")).toBeUndefined();

    // A pass later that day: still closed (the check says what time it is now); a second pass at
    // the same time finds nothing new and leaves the check alone.
    p.clock.set("2026-03-06T14:00:00Z");
    const updates = blocked.history.length;
    await scheduler.runAll();
    expect(gatesRun(s, PROD_REPO, prod.head.sha).history).toHaveLength(updates + 1);
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.summary).toContain("it is Fri 2026-03-06 15:00 Europe/Berlin");
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.title).toBe("Waiting: window");
    await scheduler.runAll();
    expect(gatesRun(s, PROD_REPO, prod.head.sha).history).toHaveLength(updates + 1);
    expect(s.fake.mustPull(PROD_REPO, prod.number).state).toBe("open");

    // Monday 09:30 in Berlin: the pass finds every gate holding and merges.
    p.clock.set("2026-03-09T08:30:00Z");
    await scheduler.runAll();
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).not.toBeNull();
    expect(await releaseIn(s, PROD_REPO, "prod")).toBe(release);
    expect(gateConclusions(s, PROD_REPO, prod.head.sha).slice(-1)).toEqual(["neutral"]);
  });
});

describe("gates fail closed without cluster status", () => {
  it("a prod soak of 2h holds the promotion even with every approval, then passes on the injected clock", async () => {
    const scheduler = new ManualScheduler();
    const p = await startPromotionScene({ platform: pipelinePlatform({ prodSoak: "2h", prodRequireHealth: false }), deps: { scheduler } });
    scenes.track(p.s);
    const s = p.s;
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await review(p, mustPromotion(s, "staging"), "alice");
    const prod = mustPromotion(s, "prod");
    await review(p, prod, "sam");
    await review(p, prod, "sasha");
    const waiting = gatesRun(s, PROD_REPO, prod.head.sha);
    expect(waiting.conclusion).toBe("action_required");
    expect(waiting.output.title).toBe("Waiting: soak");
    expect(waiting.output.summary).toMatch(/\| soak \| ⏳ pending \| soak 2h has 11\d minutes left: landed in staging at 2026-03-02 09:02 UTC/);
    expect(waiting.output.summary).toContain("| approvals | ✅ pass |");
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).toBeNull();

    p.clock.set("2026-03-02T10:30:00Z");
    await scheduler.runAll();
    expect(gatesRun(s, PROD_REPO, prod.head.sha).output.summary).toMatch(/\| soak \| ⏳ pending \| soak 2h has 32 minutes left: /);
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).toBeNull();

    p.clock.set("2026-03-02T11:02:00Z");
    await scheduler.runAll();
    const passed = gatesRun(s, PROD_REPO, prod.head.sha);
    expect(passed.output.summary).toContain("| soak | ✅ pass | landed in staging at 2026-03-02 09:02 UTC, 2h ago (soak 2h;");
    expect(passed.conclusion).toBe("neutral");
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).not.toBeNull();
    expect(await releaseIn(s, PROD_REPO, "prod")).toBe(release);
  });

  it("health not observed blocks a promotion into production, naming the setting that relaxes it", async () => {
    const scheduler = new ManualScheduler();
    const p = await startPromotionScene({ deps: { scheduler } });
    scenes.track(p.s);
    const s = p.s;
    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    await review(p, mustPromotion(s, "staging"), "alice");
    const prod = mustPromotion(s, "prod");
    await review(p, prod, "sam");
    await review(p, prod, "sasha");
    // Past the soak and inside the window: health not observed is all that blocks.
    p.clock.set("2026-03-02T11:00:00Z");
    await scheduler.runAll();
    const blocked = gatesRun(s, PROD_REPO, prod.head.sha);
    expect(blocked.conclusion).toBe("action_required");
    expect(blocked.output.title).toBe("Waiting: source-health");
    expect(blocked.output.summary).toContain(
      "| source-health | ⏳ pending | staging health is not observed; promoting staging → prod requires it (prod is production); `requireHealth: false` on the pipeline step from staging to prod relaxes this |",
    );
    expect(blocked.output.summary).toContain("Blocked by: source-health.");
    expect(s.fake.mustPull(PROD_REPO, prod.number).mergedAt).toBeNull();
    expect(await releaseIn(s, PROD_REPO, "prod")).toBeUndefined();
  });
});

describe("platform variants", () => {
  it("a release pull request merged by a person lands its release and opens the next promotion", async () => {
    const p = await startPromotionScene({ platform: pipelinePlatform({ devApprovals: 1 }) });
    scenes.track(p.s);
    const s = p.s;
    p.clock.tick();
    const before = (await s.fake.branchSha(APP_REPO))!;
    const sha = await s.fake.commit(APP_REPO, {
      files: {
        ".ferry/api.yaml":
          "apiVersion: ferry.dev/v1alpha1\nkind: Component\nmetadata: {name: api, project: shop}\nspec:\n  type: worker\n  container: {image: ghcr.io/acme/api:2.0.0, resources: {cpu: 100m, memory: 128Mi}}\n",
      },
    });
    await s.post(
      "push",
      payload("push", undefined, { repo: APP_REPO, sha, before, branch: "main", installationId: s.installationId, files: { modified: [".ferry/api.yaml"] } }),
    );
    const releasePr = s.fake.pullsIn(GITOPS_REPO, "open").find((pr) => pr.head.ref === "ferry/release/dev/shop/api")!;
    expect(releasePr).toBeDefined();
    expect(openPromotion(s, "staging")).toBeUndefined(); // not landed yet

    // A person merges it on GitHub; GitHub then delivers pull_request closed (merged).
    p.clock.tick();
    expect((await githubApi(s, "PUT", `/repos/${GITOPS_REPO}/pulls/${releasePr.number}/merge`, { merge_method: "merge" })).status).toBe(200);
    const closed = payload("pull_request", "closed", {
      repo: GITOPS_REPO,
      number: releasePr.number,
      branch: releasePr.head.ref,
      installationId: s.installationId,
      sender: "dana",
      overrides: { pull_request: { merged: true } },
    });
    expect((await s.post("pull_request", closed)).status).toBe(200);

    const release = await releaseIn(s, GITOPS_REPO, "dev");
    expect(release).toMatch(/^[0-9a-f]{12}$/);
    const staging = mustPromotion(s, "staging");
    expect(staging.body).toContain(`<!-- ferry:release ${release} from dev -->`);
    expect(await s.fake.branchSha(GITOPS_REPO, "ferry/release/dev/shop/api")).toBeUndefined();
    // The same delivery again (another id, e.g. GitHub's retry): still one promotion.
    await s.post("pull_request", closed);
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toHaveLength(1);
  });

  it("does not promote a release that breaks the target's policies, and says why on the merged pull request", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    p.clock.tick();
    // No prod override: one replica, which prod's built-in policy refuses.
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.3.0" }) });
    await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
    const staging = mustPromotion(s, "staging");
    await review(p, staging, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).mergedAt).not.toBeNull();

    expect(s.fake.pullsIn(PROD_REPO)).toEqual([]);
    expect(await git(s, PROD_REPO, ["for-each-ref", "--format=%(refname)", "refs/heads"])).toBe("refs/heads/main\n");
    const [why] = replies(s, GITOPS_REPO, staging.number);
    expect(why).toMatch(
      /^Ferry could not promote `shop\/api` release `[0-9a-f]{12}` from staging to prod: release [0-9a-f]{12} of shop\/api does not render for prod without errors: /,
    );
    expect(why).toContain("replicas");
  });

  it("says once on the pull request when every gate holds but GitHub refuses the merge (a conflict)", async () => {
    const scheduler = new ManualScheduler();
    const p = await startPromotionScene({ deps: { scheduler } });
    scenes.track(p.s);
    const s = p.s;
    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    // Someone commits to staging by hand, the same file differently: the branch no longer merges.
    await s.git.commit(GITOPS_REPO, { files: { "environments/staging/shop/api/deployment-api.yaml": "# hand-made\n" }, message: "hand edit" });
    await review(p, staging, "alice");

    expect(s.fake.mustPull(GITOPS_REPO, staging.number).state).toBe("open");
    expect(gatesRun(s, GITOPS_REPO, staging.head.sha).conclusion).toBe("neutral");
    const said = () => replies(s, GITOPS_REPO, staging.number).filter((b) => b.startsWith("Every gate holds, but GitHub refused Ferry's merge"));
    expect(said()).toEqual([expect.stringContaining("Pull Request is not mergeable")]);
    await scheduler.runAll(); // tries again, says nothing new
    expect(said()).toHaveLength(1);
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBeUndefined();
  });
});
