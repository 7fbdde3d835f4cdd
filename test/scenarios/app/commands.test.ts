/**
 * `/ferry` commands end to end: comments delivered as `issue_comment` webhooks, the
 * commenter's permission from the fake GitHub, real GitOps repositories on a git server.
 */
import { describe, expect, it } from "vitest";
import { payload } from "../../support/webhooks.js";
import { APP_REPO, GITOPS_REPO, sceneTeardown } from "../../support/harness.js";
import {
  appPullRequest,
  comment,
  footprint,
  gatesRun,
  git,
  githubApi,
  mustPromotion,
  openPromotion,
  PROD_REPO,
  releaseImage,
  releaseIn,
  replies,
  review,
  startPromotionScene,
} from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

describe("/ferry commands", () => {
  it("refuses /ferry promote prod from a user with read permission, and changes nothing", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const pr = await appPullRequest(p);
    s.fake.setPermission(APP_REPO, "rita", "read");
    const before = await footprint(s);

    const c = await comment(p, APP_REPO, pr.number, "rita", "Ship it please\n\n/ferry promote prod");
    expect(replies(s, APP_REPO, pr.number)).toEqual([
      "> /ferry promote prod\n\n@rita Ferry did not do this: @rita has read permission; promote to prod needs maintain\n\nNothing was changed.",
    ]);
    expect(s.fake.state.comments.find((x) => x.id === c.id)!.reactions).toEqual([]);
    expect(await footprint(s)).toBe(before);
    expect(await git(s, PROD_REPO, ["for-each-ref", "--format=%(refname)", "refs/heads"])).toBe("refs/heads/main\n");
    expect(s.fake.pullsIn(PROD_REPO, "open")).toEqual([]);
    expect(await releaseIn(s, PROD_REPO, "prod")).toBeUndefined();
  });

  it("refuses a promotion that skips a pipeline step (dev straight to prod), with the reason", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    // Judged on the component's app repository, wherever the comment is.
    s.fake.setPermission(GITOPS_REPO, "maya", "maintain");
    s.fake.setPermission(APP_REPO, "maya", "maintain");
    const before = await footprint(s);

    await comment(p, GITOPS_REPO, staging.number, "maya", `/ferry promote prod ${release}`);
    await comment(p, GITOPS_REPO, staging.number, "maya", "/ferry promote prod");
    expect(replies(s, GITOPS_REPO, staging.number)).toEqual([
      `> /ferry promote prod ${release}\n\n@maya Ferry did not do this: \`shop/api\`: refused: release ${release} runs in dev, but prod only takes releases from staging (the pipeline goes dev → staging → prod); promote it to staging first\n\nNothing was changed.`,
      "> /ferry promote prod\n\n@maya Ferry did not do this: `shop/api`: refused: staging runs no release of shop/api yet; nothing to promote to prod\n\nNothing was changed.",
    ]);
    expect(await footprint(s)).toBe(before);
    expect(s.fake.pullsIn(PROD_REPO)).toEqual([]);
    expect(await git(s, PROD_REPO, ["for-each-ref", "--format=%(refname)", "refs/heads"])).toBe("refs/heads/main\n");
  });

  it("/ferry rollback dev puts the previous release back, manifests byte for byte", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    const r1 = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const landedR1 = (await git(s, GITOPS_REPO, ["rev-parse", "main"])).trim();
    const r2 = await releaseImage(p, "ghcr.io/acme/api:1.2.0");
    const landedR2 = (await git(s, GITOPS_REPO, ["rev-parse", "main"])).trim();
    expect(await git(s, GITOPS_REPO, ["diff", "--stat", landedR1, landedR2, "--", "environments/dev/shop/api"])).not.toBe("");
    const pr = await appPullRequest(p);
    s.fake.setPermission(APP_REPO, "wendy", "write");

    const c = await comment(p, APP_REPO, pr.number, "wendy", "/ferry rollback dev");
    expect(s.fake.state.comments.find((x) => x.id === c.id)!.reactions.map((r) => r.content)).toEqual(["rocket"]);
    const rollback = s.fake.pullsIn(GITOPS_REPO).find((x) => x.head.ref === "ferry/promote/shop/api/dev")!;
    expect(rollback.title).toBe(`ferry: roll back shop/api in dev to ${r1.release}`);
    expect(rollback.body).toContain(`## Roll back \`shop/api\` in dev to \`${r1.release}\``);
    expect(rollback.body).toContain("| Rollback | dev goes back to a release it ran before |");
    expect(rollback.body).toContain("Requested by @wendy");
    expect(rollback.mergedAt).not.toBeNull(); // dev needs no approval and auto-merges
    expect(gatesRun(s, GITOPS_REPO, rollback.head.sha).output.summary).toContain(`Rollback of **dev** to release \`${r1.release}\`.`);
    const [reply] = replies(s, APP_REPO, pr.number);
    expect(reply).toContain(
      `opened [#${rollback.number}](http://github.localhost/${GITOPS_REPO}/pull/${rollback.number}) with release \`${r1.release}\`; every gate holds; merged as`,
    );

    const restored = (await git(s, GITOPS_REPO, ["rev-parse", "main"])).trim();
    expect(restored).not.toBe(landedR1);
    // Byte for byte: the same blobs under the component's directory, and git sees no difference.
    const tree = (ref: string) => git(s, GITOPS_REPO, ["ls-tree", "-r", ref, "--", "environments/dev/shop/api"]);
    expect(await tree(restored)).toBe(await tree(landedR1));
    expect(await git(s, GITOPS_REPO, ["diff", landedR1, restored, "--", "environments/dev"])).toBe("");
    const message = await git(s, GITOPS_REPO, ["log", "-1", "--format=%B", "main"]);
    expect(message).toContain(`Ferry-Release: ${r1.release}`);
    expect(message).toContain("Ferry-Environment: dev");
    expect(message).not.toContain("Ferry-Promoted-From");
    // The release rolled back from never goes on: the open staging promotion now carries r1.
    expect(mustPromotion(s, "staging").body).toContain(`> Updated from release \`${r2.release}\` to \`${r1.release}\`.`);

    // A release dev never ran is refused, naming the ones it did run.
    await comment(p, APP_REPO, pr.number, "wendy", "/ferry rollback dev 0123456789ab");
    expect(replies(s, APP_REPO, pr.number)[1]).toContain(`release 0123456789ab never ran in dev; dev ran ${r1.release}, ${r2.release}`);
  });

  it("/ferry promote opens the promotion asked for; whoever asked cannot approve it", async () => {
    const p = await startPromotionScene();
    scenes.track(p.s);
    const s = p.s;
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const auto = mustPromotion(s, "staging");
    // Someone closed Ferry's promotion; its branch is still there.
    expect((await githubApi(s, "PATCH", `/repos/${GITOPS_REPO}/pulls/${auto.number}`, { state: "closed" })).status).toBe(200);
    const pr = await appPullRequest(p);
    s.fake.setPermission(APP_REPO, "wendy", "write");

    await comment(p, APP_REPO, pr.number, "wendy", "/ferry promote staging");
    const asked = mustPromotion(s, "staging");
    expect(asked.number).not.toBe(auto.number);
    expect(asked.body).toContain("<!-- ferry:requested-by wendy -->");
    expect(asked.body).toContain(`<!-- ferry:release ${release} from dev -->`);
    // A fresh branch from main: the closed pull request's commit is not carried along.
    expect(await git(s, GITOPS_REPO, ["rev-list", "--count", `main..${asked.head.ref}`])).toBe("1\n");

    await review(p, asked, "wendy");
    expect(gatesRun(s, GITOPS_REPO, asked.head.sha).output.summary).toContain("@wendy cannot approve (asked for the promotion)");
    expect(s.fake.mustPull(GITOPS_REPO, asked.number).state).toBe("open");
    await review(p, asked, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, asked.number).mergedAt).not.toBeNull();
    expect(await releaseIn(s, GITOPS_REPO, "staging")).toBe(release);
  });

  it("/ferry status and /ferry retry; help for what it cannot read; ignores bots and ordinary comments", async () => {
    const p = await startPromotionScene({
      deps: { runtimeStatus: async (q) => `_cluster view of ${q.project}/${q.component} across ${q.environments.join(", ")}_` },
    });
    scenes.track(p.s);
    const s = p.s;
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    s.fake.setPermission(GITOPS_REPO, "wendy", "write");

    await comment(p, GITOPS_REPO, staging.number, "renovate[bot]", "/ferry promote staging", "Bot");
    // Ferry's own login, even where the payload does not say Bot (its replies quote commands).
    await comment(p, GITOPS_REPO, staging.number, "ferry[bot]", "> /ferry promote staging\n/ferry promote staging");
    await comment(p, GITOPS_REPO, staging.number, "wendy", "LGTM, waiting for the gates");
    expect(s.fake.commentsOn(GITOPS_REPO, staging.number)).toHaveLength(3); // no reply to any of them

    await comment(p, GITOPS_REPO, staging.number, "wendy", "/ferry deploy staging");
    const help = s.fake.commentsOn(GITOPS_REPO, staging.number).at(-1)!;
    expect(help.user).toBe("ferry[bot]");
    expect(help.body).toContain('unknown command "deploy"');
    expect(help.body).toContain("`/ferry rollback <env> [release]`");

    const asked = await comment(p, GITOPS_REPO, staging.number, "otto", "/ferry status"); // read is enough
    const status = s.fake.commentsOn(GITOPS_REPO, staging.number).at(-1)!.body;
    expect(status).toContain(`| dev | \`${release}\` | 2026-03-02 09:01 UTC | ${GITOPS_REPO}@`);
    expect(status).toContain(`| staging | nothing |  |  | [#${staging.number}](http://github.localhost/${GITOPS_REPO}/pull/${staging.number}) |`);
    expect(status).toContain("| prod | nothing |  |  |  |");
    expect(status).toContain("_cluster view of shop/api across dev, staging, prod_");
    expect(s.fake.state.comments.find((x) => x.id === asked.id)!.reactions.map((r) => r.content)).toEqual(["+1"]);

    // Someone pushes to the promotion branch: the gates fail on it; /ferry retry puts Ferry's rendering back.
    await s.git.commit(GITOPS_REPO, {
      branch: staging.head.ref,
      files: { "environments/staging/shop/api/deployment-api.yaml": "kind: Deployment\n", "environments/dev/extra.yaml": "x: 1\n" },
      message: "hand edit",
    });
    const tampered = (await s.fake.branchSha(GITOPS_REPO, staging.head.ref))!;
    await s.post(
      "pull_request",
      payload("pull_request", "synchronize", {
        repo: GITOPS_REPO,
        number: staging.number,
        branch: staging.head.ref,
        sha: tampered,
        installationId: s.installationId,
      }),
    );
    const failed = gatesRun(s, GITOPS_REPO, tampered);
    expect(failed.conclusion).toBe("failure");
    expect(failed.output.summary).toContain(
      `[promotion/branch-content] ${staging.head.ref}: the branch does not hold release ${release} as Ferry renders it for staging (environments/staging/shop/api/deployment-api.yaml)`,
    );
    expect(failed.output.summary).toContain(
      "[promotion/foreign-change] ferry/promote/shop/api/staging: the pull request also changes environments/dev/extra.yaml",
    );

    await comment(p, GITOPS_REPO, staging.number, "wendy", "/ferry retry");
    const head = (await s.fake.branchSha(GITOPS_REPO, staging.head.ref))!;
    expect(head).not.toBe(tampered);
    expect(await releaseIn(s, GITOPS_REPO, "staging", staging.head.ref)).toBe(release);
    // The stray file outside the component stays (Ferry only writes its own paths): still blocked, and says why.
    const retried = gatesRun(s, GITOPS_REPO, head);
    expect(retried.output.summary).not.toContain("promotion/branch-content");
    expect(retried.output.summary).toContain("promotion/foreign-change");
    expect(replies(s, GITOPS_REPO, staging.number).at(-1)).toContain(
      `[#${staging.number}](http://github.localhost/${GITOPS_REPO}/pull/${staging.number}) already carries release \`${release}\` (brought up to date); \`Ferry / gates\`: failure`,
    );
    expect(openPromotion(s, "staging")?.number).toBe(staging.number);
  });
});
