/**
 * `/ferry` commands judged on each component's app repository, and what a person who may not
 * see a component is shown of it, each attack tried through the app's HTTP interface: signed
 * `issue_comment` and `pull_request` deliveries of real payloads, the contract-checked fake GitHub,
 * the GitOps repositories on a real git server and, for cluster status, the fake Kubernetes API.
 *
 * - a person who only reads a component's app repository cannot promote it from another
 *   repository of its project that declares it (the staging promotion is not rewritten with them
 *   as requester);
 * - `/ferry status` by a person who cannot read the component's app repository shows nothing of
 *   it: no name, no release, no history, no pod log lines;
 * - the preview of a pull request from a fork carries no manifest text of the GitOps repositories,
 *   while a pull request from the repository itself still shows the diff against them.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { VALIDATE_CHECK } from "../../../adapters/github/checks.js";
import { markerPart } from "../../../core/comments/markers.js";
import { crashLoopRollout, generateCerts, podName, type FakeKubeCerts, type ScenarioStep, type WorkloadSpec } from "../../support/fake-kube/index.js";
import { payload } from "../../support/webhooks.js";
import type { WebhookPayload } from "../../support/webhooks.js";
import { waitFor } from "../../support/status-scene.js";
import { startAppScene, DEBOUNCE, type AppScene } from "../../support/app-scene.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, pushPayload, sceneTeardown, startScene } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import { apiYaml, comment, footprint, mustPromotion, pipelinePlatform, releaseImage, replies, startPromotionScene } from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

/** Another repository of the shop project. */
const WEB_REPO = "acme/shop-web";

describe("/ferry promote is judged on the component's app repository", () => {
  it("refuses a person who only reads shop-api when they comment from shop-web, whose pull request declares shop/api; nothing changes", async () => {
    const p = await startPromotionScene({ platform: pipelinePlatform().replace("repos: [acme/shop-api]", `repos: [acme/shop-api, ${WEB_REPO}]`) });
    scenes.track(p.s);
    const s = p.s;
    await s.fake.addRepo({ owner: "acme", name: "shop-web", files: { "README.md": "shop web\n" } });
    const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const staging = mustPromotion(s, "staging");
    const stagingBody = staging.body;
    // mallory writes to shop-web and only reads shop-api, where shop/api comes from.
    s.fake.setPermission(WEB_REPO, "mallory", "write");
    s.fake.setPermission(APP_REPO, "mallory", "read");
    p.clock.tick();
    await commitApp(s, { ".ferry/api.yaml": apiYaml("ghcr.io/acme/api:1.1.0") }, "declare-api", WEB_REPO);
    const pr = await s.fake.openPullRequest(WEB_REPO, { head: "declare-api", title: "api lives here too", user: "mallory" });
    const before = await footprint(s);

    const c = await comment(p, WEB_REPO, pr.number, "mallory", "/ferry promote staging");
    expect(replies(s, WEB_REPO, pr.number)).toEqual([
      "> /ferry promote staging\n\n@mallory Ferry did not do this: @mallory has read permission on acme/shop-api; promote to staging needs write\n\nNothing was changed.",
    ]);
    expect(s.fake.state.comments.find((x) => x.id === c.id)!.reactions).toEqual([]);
    expect(await footprint(s)).toBe(before);
    const untouched = s.fake.mustPull(GITOPS_REPO, staging.number);
    expect(untouched.body).toBe(stagingBody);
    expect(untouched.body).not.toContain("mallory");

    // The rule is the app repository's role, not a refusal of every comment from elsewhere:
    // once mallory may write to shop-api, the same comment asks for the promotion.
    s.fake.setPermission(APP_REPO, "mallory", "write");
    await comment(p, WEB_REPO, pr.number, "mallory", "/ferry promote staging");
    expect(replies(s, WEB_REPO, pr.number)[1]).toContain(`\`shop/api\`: [#${staging.number}]`);
    expect(replies(s, WEB_REPO, pr.number)[1]).toContain(`release \`${release}\``);
    expect(s.fake.mustPull(GITOPS_REPO, staging.number).body).toContain("@mallory");
  });
});

describe("/ferry status shows only what the commenter can read", () => {
  let certs: FakeKubeCerts;
  let scene: AppScene | undefined;
  beforeAll(() => {
    certs = generateCerts();
  });
  afterEach(async () => {
    const s = scene;
    scene = undefined;
    if (!s) return;
    try {
      await s.runtime.watches.idle();
      await s.fake.settled();
      s.fake.assertNoViolations();
    } finally {
      await s.close();
    }
  });

  /** Someone merges a pull request on GitHub, which then delivers `pull_request` closed (merged). */
  async function merge(s: AppScene, number: number): Promise<void> {
    s.clock.advance(60_000);
    const [owner = "", repo = ""] = GITOPS_REPO.split("/");
    const { data: pr } = await s.gh.rest.pulls.get({ owner, repo, pull_number: number });
    await s.gh.rest.pulls.merge({ owner, repo, pull_number: number, merge_method: "squash" });
    const body = payload("pull_request", "closed", {
      repo: GITOPS_REPO,
      number,
      branch: pr.head.ref,
      baseBranch: "main",
      sha: pr.head.sha,
      sender: "rita",
      installationId: s.installationId,
      overrides: { pull_request: { merged: true } },
    });
    expect((await s.post("pull_request", body)).status).toBe(200);
  }

  async function step(s: AppScene, st: ScenarioStep | undefined, what: string, until: () => boolean): Promise<void> {
    if (!st) throw new Error(`no step for ${what}`);
    s.kube.applyStep(st);
    await waitFor(what, until);
    await s.advance(DEBOUNCE);
  }

  /** `user` comments `/ferry status` on a GitOps pull request; returns Ferry's reply. */
  async function askStatus(s: AppScene, number: number, user: string): Promise<string> {
    const text = "/ferry status";
    const c = s.fake.addComment(GITOPS_REPO, number, { user, body: text });
    const url = `http://github.localhost/${GITOPS_REPO}/pull/${number}`;
    const res = await s.post(
      "issue_comment",
      payload("issue_comment", "created", {
        repo: GITOPS_REPO,
        number,
        body: text,
        sender: user,
        installationId: s.installationId,
        overrides: {
          comment: { id: c.id, html_url: `${url}#issuecomment-${c.id}`, user: { login: user, type: "User" } },
          issue: {
            pull_request: {
              url: `http://api.github.localhost/repos/${GITOPS_REPO}/pulls/${number}`,
              html_url: url,
              diff_url: `${url}.diff`,
              patch_url: `${url}.patch`,
              merged_at: null,
            },
          },
        },
      }),
    );
    expect(res.status).toBe(200);
    const mine = s.fake.commentsOn(GITOPS_REPO, number).filter((x) => x.user === "ferry[bot]" && !x.body.startsWith("<!-- ferry:status:"));
    return mine.at(-1)?.body ?? "";
  }

  it("tells a person who reads the GitOps repository but not shop-api nothing of shop/api: no release, history or pod log lines", async () => {
    scene = await startAppScene(certs, new Date("2026-03-02T10:00:00Z"), { devDirect: false });
    const s = scene;
    await s.pushComponent("ghcr.io/acme/api:2.0.0");
    const releasePr = s.fake.pullsIn(GITOPS_REPO, "open")[0]!;
    await merge(s, releasePr.number);
    const release = await s.releaseId();
    const w: WorkloadSpec = { project: "shop", component: "api", environment: "dev", release, now: s.clock.date(), generation: 2 };
    const lines = ["listening on :8080", 'FATAL: password authentication failed for user "shop-7f3a"'];
    const [progressing, crashing] = crashLoopRollout(w, { logLines: lines }).steps;
    const health = () => s.runtime.observer.health("kind-dev", { project: "shop", component: "api", environment: "dev" });
    await step(s, progressing, "dev progressing", () => health().desiredRelease === release);
    await step(
      s,
      crashing,
      "dev crash-looping with its log",
      () => health().status === "Degraded" && health().reasons.every((r) => (r.logTail ?? []).length > 0),
    );

    // eve reads the GitOps repository (public) and has no access to shop-api.
    s.fake.setPermission(APP_REPO, "eve", "none");
    const hidden = await askStatus(s, releasePr.number, "eve");
    expect(hidden).toBe(
      "> /ferry status\n\n@eve Ferry did not do this: @eve has no access to the component's app repository; status needs read\n\nNothing was changed.",
    );
    for (const secret of ["shop/api", release, ...lines, podName(w, 0), "Degraded", "kind-dev", "acme/shop-api"]) expect(hidden).not.toContain(secret);

    // dana reads shop-api: the same command shows the history and the cluster, log lines included.
    s.fake.setPermission(APP_REPO, "dana", "read");
    const shown = await askStatus(s, releasePr.number, "dana");
    expect(shown).toContain("**`shop/api`**");
    expect(shown).toContain(`| dev | \`${release}\` |`);
    expect(shown).toContain(`| dev | \`shop/api\` | ❌ Degraded |`);
    expect(shown).toContain(lines[1]);
  });
});

describe("/ferry status on a pull request about components of several app repositories", () => {
  it("shows the components whose app repository the commenter reads, and only says that others are not shown", async () => {
    const p = await startPromotionScene({ platform: pipelinePlatform().replace("repos: [acme/shop-api]", `repos: [acme/shop-api, ${WEB_REPO}]`) });
    scenes.track(p.s);
    const s = p.s;
    await s.fake.addRepo({ owner: "acme", name: "shop-web", files: { "README.md": "shop web\n" } });
    const api = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    // shop/web is released from shop-web.
    p.clock.tick();
    const web = await commitApp(s, { ".ferry/web.yaml": componentYaml({ name: "web", image: "ghcr.io/acme/web:3.0.0" }) }, undefined, WEB_REPO);
    expect((await s.post("push", pushPayload(s, web.sha, web.before, { added: [".ferry/web.yaml"] }, WEB_REPO))).outcome).toBe("done");
    const webRelease = /ferry\.dev\/release: ([0-9a-f]{12})/.exec(
      await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/web/deployment-web.yaml"]),
    )?.[1];
    expect(webRelease).toMatch(/^[0-9a-f]{12}$/);
    // A pull request in shop-web that declares both; eve reads shop-web and has no access to shop-api.
    p.clock.tick();
    await commitApp(s, { ".ferry/api.yaml": apiYaml("ghcr.io/acme/api:1.1.0"), "README.md": "both\n" }, "both", WEB_REPO);
    const pr = await s.fake.openPullRequest(WEB_REPO, { head: "both", title: "both components", user: "dana" });
    s.fake.setPermission(APP_REPO, "eve", "none");
    s.fake.setPermission(WEB_REPO, "eve", "read");

    await comment(p, WEB_REPO, pr.number, "eve", "/ferry status");
    const [reply] = replies(s, WEB_REPO, pr.number);
    expect(reply).toContain("**`shop/web`**");
    expect(reply).toContain(`| dev | \`${webRelease}\` |`);
    expect(reply).toContain("Some components of this pull request are not shown: you cannot read their app repositories.");
    for (const secret of ["shop/api", api.release, "acme/shop-api"]) expect(reply).not.toContain(secret);
  });
});

describe("the preview of a pull request from a fork", () => {
  /**
   * Opens a pull request into the app repository from `branch` of `from`, delivered as
   * `pull_request` opened (with `deleted`, as GitHub delivers it once the fork is gone: no head
   * repository); returns its preview comment.
   */
  async function previewOf(s: Scene, from: string, branch: string, image: string, opts: { deleted?: boolean } = {}): Promise<string> {
    await s.fake.setBranch(from, branch);
    await s.fake.commit(from, { files: { ".ferry/api.yaml": componentYaml({ image }) }, branch });
    const fork = from !== APP_REPO;
    const [owner = "", name = ""] = from.split("/");
    const pr = await s.fake.openPullRequest(APP_REPO, { head: fork ? `${owner}:${branch}` : branch, title: "change .ferry", user: owner });
    const body = payload("pull_request", "opened", {
      repo: APP_REPO,
      sha: pr.head.sha,
      before: pr.base.sha,
      branch,
      baseBranch: "main",
      number: pr.number,
      installationId: s.installationId,
    });
    const delivered = fork
      ? ({
          ...body,
          pull_request: {
            ...body.pull_request,
            head: {
              ...body.pull_request.head,
              label: `${owner}:${branch}`,
              repo: opts.deleted ? null : { ...body.pull_request.head.repo!, full_name: from, name, fork: true },
            },
          },
        } as WebhookPayload<"pull_request">)
      : body;
    expect((await s.post("pull_request", delivered)).status).toBe(200);
    expect(s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)?.conclusion).toBe("success");
    const comments = s.fake.commentsOn(APP_REPO, pr.number).filter((c) => markerPart(c.body, "preview") !== undefined);
    expect(comments).toHaveLength(1);
    return comments[0]!.body;
  }

  it("shows no line of the GitOps repositories' manifests, only summaries and its own render; a pull request from the repository still shows the diff", async () => {
    const s = scenes.track(await startScene());
    // dev runs a release whose manifests carry a distinctive image reference.
    const internal = "registry.internal.acme:5000/shop/api:1.0.1-7f3a";
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: internal }) });
    await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
    const deployment = await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/api/deployment-api.yaml"]);
    expect(deployment).toContain(internal);

    // The same change from the repository itself: the diff shows what dev holds now.
    const own = await previewOf(s, APP_REPO, "bump", "ghcr.io/acme/api:1.2.0");
    expect(own).toContain(internal);
    expect(own).toMatch(/^-\s+- image: registry\.internal\.acme:5000\/shop\/api:1\.0\.1-7f3a$/m);

    await s.fake.addRepo({ owner: "mallory", name: "shop-api", forkOf: APP_REPO });
    const forked = await previewOf(s, "mallory/shop-api", "evil", "ghcr.io/mallory/api:6.6.6");
    expect(forked).toContain("comes from a fork");
    expect(forked).not.toContain(internal);
    expect(forked).not.toContain("7f3a");
    // No diff against what dev holds.
    expect(own).toMatch(/^`{3,}diff$/m);
    expect(forked).not.toMatch(/^`{3,}diff$/m);
    // Summaries and the pull request's own render.
    expect(forked).toMatch(/\| `shop\/api` \| changes \| `[0-9a-f]{12}` → `[0-9a-f]{12}` \| 0 \| [1-9]\d* \| 0 \| ✅ pass \|/);
    expect(forked).toContain("image: ghcr.io/mallory/api:6.6.6");
    expect(forked).toContain("`shop/api/deployment-api.yaml` changed, as the pull request renders it:");

    // The same once the fork is deleted (GitHub then sends no head repository): still a fork's preview.
    const orphan = await previewOf(s, "mallory/shop-api", "gone", "ghcr.io/mallory/api:6.6.7", { deleted: true });
    expect(orphan).toContain("comes from a fork");
    expect(orphan).not.toContain(internal);
    expect(orphan).toContain("image: ghcr.io/mallory/api:6.6.7");
    expect(await s.gitopsLog()).toHaveLength(2);
  });
});
