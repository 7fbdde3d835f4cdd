/**
 * Preview, end to end, with the platform's previews: an app pull request labelled `ferry:preview`
 * gets its changed components committed under previews/pr-<n>/ of dev's GitOps target, a push
 * updates them, closing removes them; a fork gets none; a preview above the cost cap is refused.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ClusterRuntime } from "../../../flows/status/cluster-runtime.js";
import { FakeKube, generateCerts, rolloutStep } from "../../support/fake-kube/index.js";
import type { WorkloadSpec } from "../../support/fake-kube/index.js";
import { waitFor } from "../../support/kube-helpers.js";
import { markerPart } from "../../../core/comments/markers.js";
import { payload } from "../../support/webhooks.js";
import type { WebhookPayload } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, pushPayload, sceneTeardown, startScene } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import type { Scheduler } from "../../../app/scheduler.js";
import type { ReconcileReport } from "../../../core/reconcile/report.js";

const scenes = sceneTeardown();

const PREVIEW_PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      cluster: {context: kind-dev}
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
  pricing: {cpu: 20, memory: 4, currency: EUR}
  previews:
    from: dev
    trigger: label
    ttl: 48h
    maxMonthlyCost: 10
    host: "pr-\${pr}-\${component}.preview.example.com"
`;

/** The harness's service with a public route. */
const routed = (image: string, resources = "{cpu: 100m, memory: 128Mi}") =>
  componentYaml({ image, extra: "" })
    .replace("resources: {cpu: 100m, memory: 128Mi}", `resources: ${resources}`)
    .replace("http: {type: HTTP, port: 8080}", "http: {type: HTTP, port: 8080, visibility: [project, public]}")
    .concat("  traits:\n    - {type: route, name: web, parameters: {endpoint: http, host: api.dev.example.com}}\n");

const LABEL = {
  id: 7001,
  node_id: "LA_preview",
  url: "https://api.github.com/repos/acme/shop-api/labels/ferry:preview",
  name: "ferry:preview",
  color: "0e8a16",
  default: false,
  description: "Ferry preview environment",
};

async function openPull(s: Scene, branch: string, image: string, resources?: string) {
  await s.fake.setBranch(APP_REPO, branch);
  await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": routed(image, resources) }, branch });
  const pr = await s.fake.openPullRequest(APP_REPO, { head: branch, title: "change .ferry" });
  // The label on GitHub too: the reconcile pass reads the pull request from there.
  const gh = await s.probot.auth(s.installationId);
  await gh.rest.issues.addLabels({ owner: "acme", repo: "shop-api", issue_number: pr.number, labels: [LABEL.name] });
  const body = (
    action: "opened" | "synchronize" | "closed" | "labeled" | "unlabeled",
    over: { sha?: string; labels?: (typeof LABEL)[]; merged?: boolean } = {},
  ) =>
    payload("pull_request", action, {
      repo: APP_REPO,
      sha: over.sha ?? pr.head.sha,
      before: pr.base.sha,
      branch,
      baseBranch: "main",
      number: pr.number,
      installationId: s.installationId,
      overrides: {
        pull_request: {
          labels: over.labels ?? [LABEL],
          ...(action === "closed" ? { state: "closed", merged: over.merged ?? false } : { state: "open", merged: false }),
        },
        ...(action === "labeled" || action === "unlabeled" ? { label: LABEL } : {}),
      },
    } as never) as WebhookPayload<"pull_request">;
  return { pr, body };
}

async function releaseToDev(s: Scene) {
  const { sha, before } = await commitApp(s, { ".ferry/api.yaml": routed("ghcr.io/acme/api:1.0.0") });
  await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
}

const previewComment = (s: Scene, n: number) =>
  s.fake
    .commentsOn(APP_REPO, n)
    .filter((c) => markerPart(c.body, "preview") !== undefined)
    .map((c) => c.body)
    .join("\n");

const previewFiles = async (s: Scene, n: number) => (await s.gitopsFiles()).filter((f) => f.startsWith(`previews/pr-${n}/`));

describe("a preview environment per app pull request", () => {
  it("is committed under previews/pr-<n>/ on open, updated by a push, left alone on redelivery, removed on close", async () => {
    const s = scenes.track(await startScene({ platform: PREVIEW_PLATFORM, appFiles: { "README.md": "shop api\n" } }));
    await releaseToDev(s);
    const commitsBefore = (await s.gitopsLog()).length;
    const { pr, body } = await openPull(s, "feature", "ghcr.io/acme/api:2.0.0");

    expect((await s.post("pull_request", body("opened"))).outcome).toBe("done");
    const n = pr.number;
    const files = await previewFiles(s, n);
    expect(files).toEqual(
      expect.arrayContaining([
        `previews/pr-${n}/shop/namespace.yaml`,
        `previews/pr-${n}/shop/api/deployment-api.yaml`,
        `previews/pr-${n}/shop/api/httproute-api-web.yaml`,
      ]),
    );
    expect(files.every((f) => f.startsWith(`previews/pr-${n}/shop/`))).toBe(true);
    const deployment = await s.git.git(GITOPS_REPO, ["show", `main:previews/pr-${n}/shop/api/deployment-api.yaml`]);
    expect(deployment).toContain("namespace: shop-pr-" + n);
    expect(deployment).toContain("ghcr.io/acme/api:2.0.0");
    const route = await s.git.git(GITOPS_REPO, ["show", `main:previews/pr-${n}/shop/api/httproute-api-web.yaml`]);
    expect(route).toContain(`pr-${n}-api.preview.example.com`);
    // dev itself is untouched: its release is still 1.0.0.
    expect(await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/api/deployment-api.yaml"])).toContain("ghcr.io/acme/api:1.0.0");
    const log = await s.gitopsLog();
    expect(log).toHaveLength(commitsBefore + 1);
    expect(log.at(-1)).toBe(`preview ${APP_REPO}#${n}: shop/api`);
    const message = await s.git.git(GITOPS_REPO, ["log", "-1", "--format=%B", "main"]);
    expect(message).toContain(`Ferry-Preview: ${APP_REPO}#${n}`);
    expect(message).toContain(`Ferry-Source: ${APP_REPO}@${pr.head.sha}`);
    let comment = previewComment(s, n);
    expect(comment).toContain("### Preview environment");
    expect(comment).toContain(`\`shop-pr-${n}\``);
    expect(comment).toContain(`https://pr-${n}-api.preview.example.com`);
    expect(comment).toContain("EUR 2.50");
    // No cluster status in this scene: the rollout is not observed, never guessed.
    expect(comment).toContain("| 👁️ not observed (");

    // The same delivery again (a redelivery): nothing new to commit.
    await s.post("pull_request", body("opened"));
    expect(await s.gitopsLog()).toHaveLength(commitsBefore + 1);

    // A push to the pull request updates the preview in one commit.
    const pushed = await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": routed("ghcr.io/acme/api:2.1.0") }, branch: "feature" });
    await s.post("pull_request", body("synchronize", { sha: pushed }));
    expect(await s.gitopsLog()).toHaveLength(commitsBefore + 2);
    expect(await s.git.git(GITOPS_REPO, ["show", `main:previews/pr-${n}/shop/api/deployment-api.yaml`])).toContain("ghcr.io/acme/api:2.1.0");

    // Closing removes the folder in one commit, and the comment says so.
    await s.post("pull_request", body("closed", { sha: pushed }));
    expect(await previewFiles(s, n)).toEqual([]);
    expect((await s.gitopsLog()).at(-1)).toBe(`preview ${APP_REPO}#${n} removed`);
    expect(await s.gitopsFiles()).toContain("environments/dev/shop/api/deployment-api.yaml");
    comment = previewComment(s, n);
    expect(comment).toContain("The preview environment was removed: the pull request was closed.");
  });

  it("removes the preview when the ferry:preview label is removed, and adds it back when labelled again", async () => {
    const s = scenes.track(await startScene({ platform: PREVIEW_PLATFORM, appFiles: { "README.md": "shop api\n" } }));
    await releaseToDev(s);
    const { pr, body } = await openPull(s, "feature", "ghcr.io/acme/api:2.0.0");
    await s.post("pull_request", body("opened", { labels: [] }));
    expect(await previewFiles(s, pr.number)).toEqual([]);
    expect(previewComment(s, pr.number)).toContain("add the `ferry:preview` label to get a preview environment");
    await s.post("pull_request", body("labeled"));
    expect((await previewFiles(s, pr.number)).length).toBeGreaterThan(0);
    await s.post("pull_request", body("unlabeled", { labels: [] }));
    expect(await previewFiles(s, pr.number)).toEqual([]);
    expect((await s.gitopsLog()).at(-1)).toBe(`preview ${APP_REPO}#${pr.number} removed`);
    expect(previewComment(s, pr.number)).toContain("The previous one was removed.");
  });

  it("gives a labelled pull request from a fork no preview environment, and writes nothing to the GitOps repository", async () => {
    const s = scenes.track(await startScene({ platform: PREVIEW_PLATFORM, appFiles: { "README.md": "shop api\n" } }));
    await releaseToDev(s);
    const before = await s.gitopsLog();
    await s.fake.addRepo({ owner: "mallory", name: "shop-api", forkOf: APP_REPO });
    await s.fake.setBranch("mallory/shop-api", "evil");
    await s.fake.commit("mallory/shop-api", { files: { ".ferry/api.yaml": routed("ghcr.io/mallory/api:1.0.0") }, branch: "evil" });
    const pr = await s.fake.openPullRequest(APP_REPO, { head: "mallory:evil", title: "preview me" });
    const base = payload("pull_request", "opened", {
      repo: APP_REPO,
      sha: pr.head.sha,
      before: pr.base.sha,
      branch: "evil",
      baseBranch: "main",
      number: pr.number,
      installationId: s.installationId,
      overrides: { pull_request: { labels: [LABEL] } },
    } as never) as WebhookPayload<"pull_request">;
    const fork = {
      ...base,
      pull_request: {
        ...base.pull_request,
        head: {
          ...base.pull_request.head,
          label: "mallory:evil",
          repo: { ...base.pull_request.head.repo!, full_name: "mallory/shop-api", name: "shop-api", fork: true },
        },
      },
    } as WebhookPayload<"pull_request">;
    expect((await s.post("pull_request", fork)).outcome).toBe("done");
    expect(await s.gitopsLog()).toEqual(before);
    expect((await s.gitopsFiles()).some((f) => f.startsWith("previews/"))).toBe(false);
    expect(previewComment(s, pr.number)).toContain("No preview environment: pull requests from forks never get a preview environment.");
  });

  it("refuses a preview above maxMonthlyCost, quoting the estimate", async () => {
    const s = scenes.track(await startScene({ platform: PREVIEW_PLATFORM, appFiles: { "README.md": "shop api\n" } }));
    await releaseToDev(s);
    const before = await s.gitopsLog();
    // 1 cpu x 20 + 1 GiB x 4 = EUR 24.00 a month, above the cap of 10.
    const { pr, body } = await openPull(s, "big", "ghcr.io/acme/api:2.0.0", "{cpu: '1', memory: 1Gi}");
    await s.post("pull_request", body("opened"));
    expect(await s.gitopsLog()).toEqual(before);
    expect(previewComment(s, pr.number)).toContain(
      "No preview environment: the preview's estimated monthly cost, EUR 24.00, is above previews.maxMonthlyCost (EUR 10.00).",
    );
  });
});

describe("the reconcile pass and previews", () => {
  it("removes a preview without a push for previews.ttl, and one whose pull request was closed while Ferry missed the event", async () => {
    let now = new Date("2026-03-02T10:00:00Z");
    const clock = () => now;
    let task: (() => Promise<void>) | undefined;
    const reports: ReconcileReport[] = [];
    const manual: Scheduler = {
      start(t) {
        task = t;
        return () => undefined;
      },
    };
    const s = scenes.track(
      await startScene({
        platform: PREVIEW_PLATFORM,
        appFiles: { "README.md": "shop api\n" },
        clock,
        deps: { reconcile: manual, onReconciled: (r) => reports.push(r) },
      }),
    );
    const pass = async () => {
      await task!();
      await s.fake.settled();
      return reports.at(-1)!;
    };
    const removals = (r: ReconcileReport) => r.repairs.filter((x) => x.repair.kind === "preview-removal");
    await releaseToDev(s);
    const first = await openPull(s, "one", "ghcr.io/acme/api:2.0.0");
    await s.post("pull_request", first.body("opened"));
    now = new Date("2026-03-02T12:00:00Z");
    const second = await openPull(s, "two", "ghcr.io/acme/api:3.0.0");
    await s.post("pull_request", second.body("opened"));
    expect(previewComment(s, first.pr.number)).toContain("at 2026-03-04T10:00:00Z without a push");
    expect((await previewFiles(s, first.pr.number)).length).toBeGreaterThan(0);

    // 47 hours on: neither has expired, both pull requests are open.
    now = new Date("2026-03-04T09:00:00Z");
    expect(removals(await pass())).toEqual([]);

    // 48 hours after its last push the first expires; the second is still within its ttl.
    now = new Date("2026-03-04T10:00:00Z");
    const expired = removals(await pass());
    expect(expired.map((x) => [x.repair, x.outcome])).toEqual([
      [
        {
          kind: "preview-removal",
          repo: APP_REPO,
          pull: first.pr.number,
          environment: "dev",
          reason: `no push to ${APP_REPO}#${first.pr.number} since 2026-03-02T10:00:00Z: expired at 2026-03-04T10:00:00Z (previews.ttl 48h)`,
        },
        "done",
      ],
    ]);
    expect(await previewFiles(s, first.pr.number)).toEqual([]);
    expect((await previewFiles(s, second.pr.number)).length).toBeGreaterThan(0);
    expect((await s.gitopsLog()).at(-1)).toBe(`preview ${APP_REPO}#${first.pr.number} removed`);

    // The second pull request is closed without Ferry hearing of it: the next pass removes its preview.
    s.fake.pull(APP_REPO, second.pr.number)!.state = "closed";
    const closed = removals(await pass());
    expect(closed.map((x) => [x.repair.reason, x.outcome])).toEqual([[`pull request ${APP_REPO}#${second.pr.number} is closed`, "done"]]);
    expect((await s.gitopsFiles()).some((f) => f.startsWith("previews/"))).toBe(false);
    // Nothing is left to remove.
    expect(removals(await pass())).toEqual([]);
  });
});

describe("the preview comment's rollout, on the fake Kubernetes API", () => {
  it("shows the rollout in the preview namespace, then Healthy with the URL; a TTL removal edits the same comment", async () => {
    let now = new Date("2026-03-02T10:00:00Z");
    const clock = () => now;
    const dir = await mkdtemp(join(tmpdir(), "ferry-preview-kube-"));
    const kube = await FakeKube.start({ certs: generateCerts(), now: () => now.getTime() });
    await writeFile(join(dir, "kubeconfig"), kube.kubeconfig(["kind-dev"]), { mode: 0o600 });
    const runtime = new ClusterRuntime({ env: { KUBECONFIG: join(dir, "kubeconfig") }, clock });
    try {
      let task: (() => Promise<void>) | undefined;
      const reports: ReconcileReport[] = [];
      const s = scenes.track(
        await startScene({
          platform: PREVIEW_PLATFORM,
          appFiles: { "README.md": "shop api\n" },
          clock,
          deps: {
            clusterRuntime: runtime,
            reconcile: {
              start(t) {
                task = t;
                return () => undefined;
              },
            },
            onReconciled: (r) => reports.push(r),
          },
        }),
      );
      await waitFor("kind-dev observed", () => runtime.observer.contexts().includes("kind-dev") && runtime.observer.isSynced("kind-dev"));
      const pass = async () => {
        await task!();
        await s.fake.settled();
        return reports.at(-1)!;
      };
      await releaseToDev(s);
      const { pr, body } = await openPull(s, "feature", "ghcr.io/acme/api:2.0.0");
      await s.post("pull_request", body("opened"));
      const n = pr.number;
      const namespace = `shop-pr-${n}`;
      const deployment = await s.git.git(GITOPS_REPO, ["show", `main:previews/pr-${n}/shop/api/deployment-api.yaml`]);
      const release = /ferry\.dev\/release: (\S+)/.exec(deployment)![1]!;
      // The Preview environment table's row (the only one with the preview's URL).
      const row = (comment: string) => comment.split("\n").find((l) => l.startsWith("| `shop/api` |") && l.includes(".preview.example.com"))!;
      // Committed, not applied yet: the cluster holds nothing of it in its namespace.
      expect(row(previewComment(s, n))).toContain("❔ Unknown (0/0 ready; no Deployment, StatefulSet, CronJob or Job found)");

      // The applier creates it: one of two pods ready. dev's own pods elsewhere do not count.
      const preview: WorkloadSpec = { project: "shop", component: "api", environment: "dev", release, namespace, replicas: 2, now };
      const devPods: WorkloadSpec = { project: "shop", component: "api", environment: "dev", release: "0123456789ab", replicas: 2, now };
      kube.applyStep(rolloutStep(devPods, 2, { countersDone: true }));
      kube.applyStep(rolloutStep(preview, 1));
      const key = { project: "shop", component: "api", environment: "dev" };
      await waitFor("the preview progressing", () => runtime.observer.health("kind-dev", key, { namespace }).status === "Progressing");
      const progressing = (await pass()).repairs.filter((r) => r.repair.kind === "preview-status");
      expect(progressing.map((r) => [r.repair.kind, r.outcome])).toEqual([["preview-status", "done"]]);
      const comment = previewComment(s, n);
      expect(row(comment)).toContain("⏳ Progressing (1/2 ready");
      expect(row(comment)).toContain(`https://pr-${n}-api.preview.example.com`);

      // Every pod ready on the preview's release: Healthy, and the comment is edited once more.
      kube.applyStep(rolloutStep(preview, 2, { countersDone: true }));
      await waitFor("the preview healthy", () => runtime.observer.health("kind-dev", key, { namespace }).status === "Healthy");
      await pass();
      expect(row(previewComment(s, n))).toBe(`| \`shop/api\` | \`${release}\` | ✅ Healthy (2/2 ready) | https://pr-${n}-api.preview.example.com |`);
      // Nothing changed: the next pass leaves the comment alone.
      expect((await pass()).repairs.filter((r) => r.repair.kind === "preview-status").map((r) => r.outcome)).toEqual(["skipped"]);

      // 48 hours without a push: removed by the pass, and the one preview comment says so and why.
      now = new Date("2026-03-04T10:00:00Z");
      const removed = (await pass()).repairs.filter((r) => r.repair.kind.startsWith("preview-"));
      expect(removed.map((r) => [r.repair.kind, r.outcome])).toEqual([["preview-removal", "done"]]);
      expect(await previewFiles(s, n)).toEqual([]);
      const comments = s.fake.commentsOn(APP_REPO, n).filter((c) => markerPart(c.body, "preview") !== undefined);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain(
        `🧹 The preview environment was removed: no push to ${APP_REPO}#${n} since 2026-03-02T10:00:00Z: expired at 2026-03-04T10:00:00Z (previews.ttl 48h) (the reconcile pass).`,
      );
      expect(comments[0]!.body).not.toContain(".preview.example.com");
    } finally {
      await runtime.stop();
      await kube.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
