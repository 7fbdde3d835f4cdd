/** Preview on app pull requests, end to end, and the webhook safety rules. */
import { describe, expect, it } from "vitest";
import { RELEASE_CHECK, VALIDATE_CHECK } from "../../../adapters/github/checks.js";
import { GITHUB_COMMENT_LIMIT } from "../../../presentation/markdown/split.js";
import { markerPart } from "../../../core/comments/markers.js";
import { deliver, payload } from "../../support/webhooks.js";
import type { WebhookPayload } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, PLATFORM_REPO, platformYaml, pushPayload, startScene, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";

const scenes = sceneTeardown();

/** Opens a pull request from `branch` with `files` and returns its payload for `action`. */
async function openPull(s: Scene, branch: string, files: Record<string, string | null>, opts: { repo?: string; head?: string } = {}) {
  const repo = opts.repo ?? APP_REPO;
  await s.fake.setBranch(repo, branch);
  await s.fake.commit(repo, { files, branch });
  const pr = await s.fake.openPullRequest(APP_REPO, { head: opts.head ?? branch, title: "change .ferry" });
  const body = (action: "opened" | "synchronize" | "reopened") =>
    payload("pull_request", action, {
      repo: APP_REPO,
      sha: pr.head.sha,
      before: pr.base.sha,
      branch,
      baseBranch: "main",
      number: pr.number,
      installationId: s.installationId,
    });
  return { pr, body };
}

const previewComments = (s: Scene, number: number) => s.fake.commentsOn(APP_REPO, number).filter((c) => markerPart(c.body, "preview") !== undefined);

async function releaseToDev(s: Scene): Promise<void> {
  const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.0.1" }) });
  await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
  expect(await s.gitopsLog()).toHaveLength(2);
}

describe("preview on app pull requests", () => {
  it("posts the check and one comment, edited (not duplicated) on the next push", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    await releaseToDev(s);
    const { pr, body } = await openPull(s, "bump", { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.2.0" }) });
    expect((await s.post("pull_request", body("opened"))).status).toBe(200);

    const check = s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)!;
    expect(check).toMatchObject({ status: "completed", conclusion: "success" });
    let comments = previewComments(s, pr.number);
    expect(comments).toHaveLength(1);
    const first = comments[0]!;
    expect(first.user).toBe(s.fake.botLogin);
    expect(first.body.split("\n")[0]).toBe("<!-- ferry:preview -->");
    // dev runs the released version: the deployment changes; staging has nothing yet: all new.
    expect(first.body).toMatch(/### dev\n/);
    expect(first.body).toMatch(/\| `shop\/api` \| changes \| `[0-9a-f]{12}` → `[0-9a-f]{12}` \| 0 \| [1-9]\d* \| 0 \| ✅ pass \|/);
    expect(first.body).toMatch(/### staging\n/);
    expect(first.body).toMatch(/\| `shop\/api` \| new \| `[0-9a-f]{12}` \| \d+ \| 0 \| 0 \|/);
    expect(first.body).toMatch(/^-\s+- image: ghcr\.io\/acme\/api:1\.0\.1$/m);
    expect(first.body).toMatch(/^\+\s+- image: ghcr\.io\/acme\/api:1\.2\.0$/m);
    expect(first.body).toMatch(/<details>\n<summary><code>shop\/api<\/code> in dev: 0 added, \d+ changed, 0 removed<\/summary>\n\n```+diff\n/);

    // The next push to the pull request (synchronize) edits the same comment.
    await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.3.0" }) }, branch: "bump" });
    await s.fake.refreshPull(pr);
    expect((await s.post("pull_request", body("synchronize"))).status).toBe(200);
    comments = previewComments(s, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(first.id);
    expect(comments[0]!.edits).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^\+\s+- image: ghcr\.io\/acme\/api:1\.3\.0$/m);
    expect(s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)).toMatchObject({ conclusion: "success" });

    // The same head delivered again leaves the comment alone.
    await s.post("pull_request", body("synchronize"));
    expect(previewComments(s, pr.number)[0]!.edits).toHaveLength(1);
    expect(s.fake.checkRunsFor(APP_REPO, { sha: pr.head.sha, name: VALIDATE_CHECK })).toHaveLength(1);
    // Nothing was ever published from the pull request.
    expect(await s.gitopsLog()).toHaveLength(2);
  });

  it("fails the validate check with annotations at file and line, and says so in the comment", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const bad = componentYaml().replace("    image: ghcr.io/acme/api:1.0.0\n", "    image: ghcr.io/acme/api:1.0.0\n    imagePullPolicy: Always\n");
    const { pr, body } = await openPull(s, "bad", { ".ferry/api.yaml": bad, ".ferry/ledger.yaml": componentYaml({ name: "ledger", project: "pay" }) });
    await s.post("pull_request", body("opened"));
    const check = s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)!;
    expect(check.conclusion).toBe("failure");
    const line = bad.split("\n").findIndex((l) => l.includes("imagePullPolicy")) + 1;
    expect(check.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: ".ferry/api.yaml",
          start_line: line,
          annotation_level: "failure",
          message: expect.stringContaining('unknown field "imagePullPolicy"'),
        }),
        expect.objectContaining({ path: ".ferry/ledger.yaml", start_line: 5, message: expect.stringContaining('may not declare components of project "pay"') }),
      ]),
    );
    const comments = previewComments(s, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("❌ **2 error(s)**");
    expect(comments[0]!.body).toContain(`.ferry/api.yaml:${line}:`);
  });

  it("names the platform Policy an error comes from in the check annotation and the comment", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    await s.fake.commit(PLATFORM_REPO, {
      files: {
        ".ferry/policies/team-label.yaml": `apiVersion: ferry.dev/v1alpha1
kind: Policy
metadata: {name: team-label}
spec:
  environments: [dev]
  match: {kinds: [Deployment]}
  rule: "'team' in object.metadata.labels"
  message: workloads need a team label
`,
      },
    });
    const { pr, body } = await openPull(s, "unlabelled", { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.2.0" }) });
    await s.post("pull_request", body("opened"));
    const check = s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)!;
    expect(check.conclusion).toBe("failure");
    expect(check.annotations).toEqual([
      expect.objectContaining({
        path: ".ferry/api.yaml",
        annotation_level: "failure",
        title: 'Error from policy "team-label" at metadata.name',
        message: expect.stringMatching(/^\[shop\/api dev Deployment\/api\] policy "team-label": workloads need a team label \(rule /),
      }),
    ]);
    const comments = previewComments(s, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("❌ **1 error(s)**");
    expect(comments[0]!.body).toMatch(/\| `shop\/api` \| invalid \| .* \| ❌ 1 error\(s\) \(`team-label`\) \|/);
    expect(comments[0]!.body).toMatch(
      /^- ❌ \.ferry\/api\.yaml:\d+:\d+: error: \[shop\/api dev Deployment\/api\] policy "team-label": metadata\.name: workloads need a team label/m,
    );
  });

  it("sends more than 50 annotations in batches", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`.ferry/c${String(i).padStart(2, "0")}.yaml`] = componentYaml({ name: `c${i}`, project: "pay" });
    const { pr, body } = await openPull(s, "many", files);
    await s.post("pull_request", body("opened"));
    const check = s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)!;
    expect(check.conclusion).toBe("failure");
    expect(check.annotations).toHaveLength(60);
    const updates = check.history.filter(
      (h) => h.method === "update" && Array.isArray((h.request.output as { annotations?: unknown[] } | undefined)?.annotations),
    );
    expect(updates.map((u) => (u.request.output as { annotations: unknown[] }).annotations.length)).toEqual([50, 10]);
  });

  it("splits a huge diff over several comments under the limit, and removes surplus parts later", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const big = Array.from({ length: 1200 }, (_, i) => `          key-${i}: ${"v".repeat(40)}`).join("\n");
    const component = componentYaml({ extra: "" }).replace(
      "    resources:",
      `    files:\n      - mountPath: /etc/api/big.yaml\n        value: |\n${big}\n    resources:`,
    );
    const { pr, body } = await openPull(s, "huge", { ".ferry/api.yaml": component });
    await s.post("pull_request", body("opened"));
    const parts = previewComments(s, pr.number);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((c, i) => {
      expect(c.body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
      expect(markerPart(c.body, "preview")).toBe(i + 1);
      expect((c.body.match(/<details>/g) ?? []).length).toBe((c.body.match(/<\/details>/g) ?? []).length);
      expect((c.body.match(/^`{3,}/gm) ?? []).length % 2).toBe(0);
    });
    // Every line of the big value arrives whole, exactly once.
    const keyLines = parts.flatMap((c) => c.body.split("\n")).filter((l) => /^\+\s+key-\d+: v+$/.test(l));
    expect(keyLines.filter((l) => /key-\d+:/.test(l))).toHaveLength(1200 * 2); // dev and staging
    expect(s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)!.conclusion).toBe("success");

    // The pull request shrinks: one comment is enough, the continuation parts are deleted.
    await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:5.0.0" }) }, branch: "huge" });
    await s.fake.refreshPull(pr);
    await s.post("pull_request", body("synchronize"));
    const after = previewComments(s, pr.number);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(parts[0]!.id);
    expect(s.fake.state.comments.filter((c) => c.deleted).length).toBe(parts.length - 1);
  });

  it("edits only its own comment: copied markers (a user's, another app's) are left alone, duplicates from racing replicas are removed", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { pr, body } = await openPull(s, "race", { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.4.0" }) });
    const forged = s.fake.addComment(APP_REPO, pr.number, { user: "mallory", body: "<!-- ferry:preview -->\nAll clear, merge away!" });
    const ours = s.fake.addComment(APP_REPO, pr.number, { user: s.fake.botLogin, body: "<!-- ferry:preview -->\nstale" });
    const twin = s.fake.addComment(APP_REPO, pr.number, { user: s.fake.botLogin, body: "<!-- ferry:preview -->\nstale twin" });
    const otherApp = s.fake.addComment(APP_REPO, pr.number, { user: "other-app[bot]", body: "<!-- ferry:preview -->\nnot Ferry" });
    await s.post("pull_request", body("opened"));
    const live = s.fake.commentsOn(APP_REPO, pr.number);
    expect(live.map((c) => c.id)).toEqual([forged.id, ours.id, otherApp.id]);
    expect(live[2]!.edits).toEqual([]);
    expect(live[0]!.body).toBe("<!-- ferry:preview -->\nAll clear, merge away!");
    expect(live[0]!.edits).toEqual([]);
    expect(live[1]!.body).toContain("## Ferry preview");
    expect(s.fake.state.comments.find((c) => c.id === twin.id)!.deleted).toBe(true);
  });

  it("loads the platform once per platform commit, through the app's platform cache, and again after the platform changes", async () => {
    const s = scenes.track(await startScene());
    await releaseToDev(s); // the release loaded the platform at its current commit
    const platformLoads = () => s.fake.requests.filter((r) => r.path.startsWith(`/repos/${PLATFORM_REPO}/git/trees/`)).length;
    const loadsBefore = platformLoads();
    const { pr, body } = await openPull(s, "bump", { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.2.0" }) });
    await s.post("pull_request", body("opened"));
    await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.3.0" }) }, branch: "bump" });
    await s.fake.refreshPull(pr);
    await s.post("pull_request", body("synchronize"));
    expect(s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)).toMatchObject({ conclusion: "success" });
    expect(platformLoads()).toBe(loadsBefore);

    await s.fake.commit(PLATFORM_REPO, { files: { ".ferry/platform.yaml": platformYaml({ devApprovals: 1 }) } });
    await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.4.0" }) }, branch: "bump" });
    await s.fake.refreshPull(pr);
    await s.post("pull_request", body("synchronize"));
    expect(s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)).toMatchObject({ conclusion: "success" });
    expect(platformLoads()).toBe(loadsBefore + 1);
  });

  it("ignores pull requests that do not touch .ferry/", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { pr, body } = await openPull(s, "docs", { "README.md": "more docs\n" });
    await s.post("pull_request", body("opened"));
    expect(s.fake.checkRunsFor(APP_REPO)).toEqual([]);
    expect(s.fake.commentsOn(APP_REPO, pr.number)).toEqual([]);
  });

  it("previews a pull request from a fork and never publishes from it", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    await s.fake.addRepo({ owner: "mallory", name: "shop-api", forkOf: APP_REPO });
    const { pr, body } = await openPull(
      s,
      "evil",
      { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/mallory/api:1.0.0" }) },
      { repo: "mallory/shop-api", head: "mallory:evil" },
    );
    const fork = (action: "opened" | "synchronize") =>
      ({
        ...body(action),
        pull_request: {
          ...body(action).pull_request,
          head: {
            ...body(action).pull_request.head,
            label: "mallory:evil",
            repo: { ...body(action).pull_request.head.repo!, full_name: "mallory/shop-api", name: "shop-api", fork: true },
          },
        },
      }) as WebhookPayload<"pull_request">;
    await s.post("pull_request", fork("opened"));
    const comments = previewComments(s, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("comes from a fork");
    expect(comments[0]!.body).toContain("ghcr.io/mallory/api:1.0.0");
    expect(s.fake.latestCheckRun(APP_REPO, VALIDATE_CHECK, pr.head.sha)!.conclusion).toBe("success");

    // A build check "succeeding" on the fork's commit, even named like the default branch, releases nothing.
    const checkRun = payload("check_run", "completed", {
      repo: APP_REPO,
      sha: pr.head.sha,
      branch: "main",
      installationId: s.installationId,
      overrides: { check_run: { name: "build-image", conclusion: "success", status: "completed" } },
    });
    await s.post("check_run", checkRun);
    expect(await s.gitopsLog()).toEqual(["initial"]);
    expect(s.fake.checkRunsFor(APP_REPO, { name: RELEASE_CHECK })).toEqual([]);
    expect(s.fake.deploymentsIn(APP_REPO)).toEqual([]);
    expect(s.fake.pullsIn(GITOPS_REPO)).toEqual([]);
  });
});

describe("webhook safety", () => {
  it("rejects unsigned and wrongly signed deliveries without doing anything", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:3.0.0" }) });
    const body = pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] });
    const unsigned = await fetch(s.server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "d-unsigned" },
      body: JSON.stringify(body),
    });
    expect(unsigned.status).toBe(400);
    const wrong = await deliver(s.server.url, "push", body, { secret: "not-the-secret" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/signature does not match/);
    const tampered = await deliver(s.server.url, "push", body, { signature: `sha256=${"0".repeat(64)}` });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toMatch(/signature does not match/);
    expect(s.fake.requests).toEqual([]);
    expect(await s.gitopsLog()).toEqual(["initial"]);

    // The same body correctly signed is accepted and acted on.
    expect((await s.post("push", body)).status).toBe(200);
    expect(await s.gitopsLog()).toHaveLength(2);
  });
});
