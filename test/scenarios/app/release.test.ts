/** Release on push, end to end: signed deliveries → fake GitHub + real GitOps repository. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RELEASE_CHECK } from "../../../adapters/github/checks.js";
import { unreachableUrl } from "../../support/git-server.js";
import { payload } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, PLATFORM_REPO, platformYaml, pushPayload, startScene, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";

const scenes = sceneTeardown();

async function releaseIdIn(s: Scene): Promise<string> {
  const files = await s.gitopsFiles();
  const release = files.find((f) => f.startsWith("releases/shop/api/"));
  if (!release) throw new Error(`no release file in ${files.join(", ")}`);
  return release.slice("releases/shop/api/".length, -".yaml".length);
}

describe("release on push", () => {
  it("renders and commits to dev once, however often the push is delivered", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.1.0" }) });
    const body = pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] });
    const id = randomUUID();
    expect((await s.post("push", body, id)).status).toBe(200);
    expect((await s.post("push", body, id)).status).toBe(200); // same delivery again: skipped
    expect(await s.gitopsLog()).toEqual(["initial", expect.stringMatching(/^ferry: release shop\/api [0-9a-f]{12} to dev$/)]);

    const files = await s.gitopsFiles();
    const releaseId = await releaseIdIn(s);
    expect(files).toEqual(
      expect.arrayContaining([
        "environments/dev/shop/namespace.yaml",
        "environments/dev/shop/api/deployment-api.yaml",
        "environments/dev/shop/api/service-api.yaml",
        `releases/shop/api/${releaseId}.yaml`,
        "catalog/shop.yaml",
        "catalog/shop/api/catalog-info.yaml",
      ]),
    );
    expect(files.some((f) => f.startsWith("environments/staging/"))).toBe(false);
    const message = await s.git.git(GITOPS_REPO, ["log", "-1", "--format=%B", "main"]);
    expect(message).toContain(`Ferry-Release: ${releaseId}`);
    expect(message).toContain(`Ferry-Source: ${APP_REPO}@${sha}`);
    expect(message).toContain("Ferry-Environment: dev");
    expect(message).toContain("Ferry-Component: shop/api");
    const deployment = await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/api/deployment-api.yaml"]);
    expect(deployment).toContain(`ferry.dev/release: ${releaseId}`);
    expect(deployment).toContain("ghcr.io/acme/api:1.1.0");

    // A new delivery of the same push (another id, e.g. after a restart) finds the release there.
    expect((await s.post("push", body)).status).toBe(200);
    expect(await s.gitopsLog()).toHaveLength(2);

    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check.status).toBe("completed");
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain(`\`${releaseId}\``);
    expect(check.output.summary).toMatch(/already there|committed \[`[0-9a-f]{7}`\]\(http:\/\/.+\/commit\/[0-9a-f]{40}\)/);
    const first = s.fake.checkRunsFor(APP_REPO, { sha, name: RELEASE_CHECK });
    expect(first).toHaveLength(1); // the second run took over the same check run
    expect(first[0]!.history.some((h) => String((h.request.output as { summary?: string } | undefined)?.summary ?? "").includes("/commit/"))).toBe(true);

    const deployments = s.fake.deploymentsIn(APP_REPO, "dev");
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({ sha, payload: { project: "shop", component: "api", release: releaseId, gitops: GITOPS_REPO } });
    expect(deployments[0]!.statuses.map((st) => st.state)).toEqual(["in_progress", "success"]);
    expect(deployments[0]!.statuses[1]!.logUrl).toMatch(/\/commit\/[0-9a-f]{40}$/);
  });

  it("asks GitHub conditionally on a second delivery: unchanged reads come back 304, and the release is the same", async () => {
    const s = scenes.track(await startScene());
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.1.0" }) });
    const body = pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] });
    expect((await s.post("push", body)).status).toBe(200);
    const first = s.fake.requests.length;

    // Another delivery of the same push reads the same repository data again.
    expect((await s.post("push", body)).status).toBe(200);
    const again = s.fake.requests.slice(first);
    const notModified = again.filter((r) => r.status === 304);
    expect(notModified.length).toBeGreaterThan(0);
    expect(notModified.every((r) => r.method === "GET" && r.conditional)).toBe(true);
    // The platform repository and the app repository's `.ferry/` tree are read again, unchanged.
    expect(notModified.map((r) => r.path)).toContain(`/repos/${PLATFORM_REPO}`);
    expect(notModified.some((r) => r.path.startsWith(`/repos/${APP_REPO}/git/trees/`))).toBe(true);

    expect(await s.gitopsLog()).toEqual(["initial", expect.stringMatching(/^ferry: release shop\/api [0-9a-f]{12} to dev$/)]);
    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check.conclusion).toBe("success");
    expect(s.fake.deploymentsIn(APP_REPO, "dev")).toHaveLength(1);
  });

  it("fails the release check at the file and line of a bad component and commits nothing", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const bad = componentYaml({ type: "servce" }).replace("  container:\n", "  container:\n    replicas: 3\n");
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": bad });
    expect((await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }))).status).toBe(200);

    expect(await s.gitopsLog()).toEqual(["initial"]);
    expect(s.fake.deploymentsIn(APP_REPO)).toEqual([]);
    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toMatch(/Nothing was published/);
    const lines = bad.split("\n");
    const typeLine = lines.findIndex((l) => l.includes("type: servce")) + 1;
    const replicasLine = lines.findIndex((l) => l.includes("replicas: 3")) + 1;
    expect(check.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: ".ferry/api.yaml",
          start_line: replicasLine,
          annotation_level: "failure",
          message: expect.stringContaining('unknown field "replicas"'),
        }),
      ]),
    );
    expect(check.annotations.every((a) => a.path === ".ferry/api.yaml")).toBe(true);
    // The schema error stops the file; once fixed, the unknown type is reported at its line.
    const { sha: sha2, before: before2 } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ type: "servce" }) });
    await s.post("push", pushPayload(s, sha2, before2, { modified: [".ferry/api.yaml"] }));
    const check2 = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha2)!;
    expect(check2.conclusion).toBe("failure");
    expect(check2.annotations).toEqual([
      expect.objectContaining({ path: ".ferry/api.yaml", start_line: typeLine, message: expect.stringContaining('unknown component type "servce"') }),
    ]);
    expect(await s.gitopsLog()).toEqual(["initial"]);
  });

  it("refuses a component of a project that does not list the repository", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const foreign = componentYaml({ name: "ledger", project: "pay" });
    const { sha, before } = await commitApp(s, { ".ferry/ledger.yaml": foreign });
    await s.post("push", pushPayload(s, sha, before, { added: [".ferry/ledger.yaml"] }));

    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check.conclusion).toBe("failure");
    expect(check.annotations).toEqual([
      expect.objectContaining({
        path: ".ferry/ledger.yaml",
        start_line: 5,
        message: expect.stringContaining('repository acme/shop-api may not declare components of project "pay"'),
      }),
    ]);
    expect(await s.gitopsLog()).toEqual(["initial"]);
  });

  it("reads platform definitions only from the platform repository", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    // The app repository tries to declare its own platform letting it own project "pay".
    const own = platformYaml().replace("repos: [acme/pay]", "repos: [acme/pay, acme/shop-api]");
    const { sha, before } = await commitApp(s, {
      ".ferry/platform.yaml": own,
      ".ferry/policies/allow-all.yaml":
        "apiVersion: ferry.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec: {severity: warning, rule: 'true', message: x}\n",
      ".ferry/ledger.yaml": componentYaml({ name: "ledger", project: "pay" }),
    });
    await s.post("push", pushPayload(s, sha, before, { added: [".ferry/platform.yaml", ".ferry/ledger.yaml"] }));
    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check.conclusion).toBe("failure");
    const messages = check.annotations.map((a) => `${a.path}: ${a.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.ferry\/platform\.yaml: kind "Platform" is not allowed here; expected Component/),
        expect.stringMatching(/^\.ferry\/ledger\.yaml: repository acme\/shop-api may not declare components of project "pay"/),
      ]),
    );
    expect(await s.gitopsLog()).toEqual(["initial"]);
    // Nothing but the platform repository's .ferry/ was ever read as platform input.
    const platformReads = s.fake.requests.filter(
      (r) => r.operation === "GET /repos/{owner}/{repo}/git/blobs/{file_sha}" && r.path.startsWith("/repos/acme/platform/"),
    );
    expect(platformReads.length).toBeGreaterThan(0);
  });

  it("ignores pushes that do not touch .ferry/ or are not on the default branch", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { sha, before } = await commitApp(s, { "src/main.go": "package main\n" });
    await s.post("push", pushPayload(s, sha, before, { modified: ["src/main.go"] }));
    const other = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:9.9.9" }) }, "feature");
    await s.post(
      "push",
      payload("push", undefined, {
        repo: APP_REPO,
        sha: other.sha,
        before: other.before,
        branch: "feature",
        installationId: s.installationId,
        files: { modified: [".ferry/api.yaml"] },
      }),
    );
    expect(s.fake.checkRunsFor(APP_REPO)).toEqual([]);
    expect(await s.gitopsLog()).toEqual(["initial"]);
  });

  it("removes a component the repository stops declaring", async () => {
    const scene = scenes.track(await startScene({ appFiles: { ".ferry/api.yaml": componentYaml(), ".ferry/worker.yaml": componentYaml({ name: "worker" }) } }));
    const s = scene;
    const first = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.0.1" }) });
    await s.post("push", pushPayload(s, first.sha, first.before, { modified: [".ferry/api.yaml"] }));
    expect((await s.gitopsFiles()).filter((f) => f.startsWith("environments/dev/shop/worker/")).length).toBeGreaterThan(0);

    const second = await commitApp(s, { ".ferry/worker.yaml": null });
    await s.post("push", pushPayload(s, second.sha, second.before, { removed: [".ferry/worker.yaml"] }));
    const files = await s.gitopsFiles();
    expect(files.filter((f) => f.startsWith("environments/dev/shop/worker/"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("catalog/shop/worker/"))).toEqual([]);
    expect(files).toContain("catalog/shop/api/catalog-info.yaml");
    expect(files.filter((f) => f.startsWith("environments/dev/shop/api/")).length).toBeGreaterThan(0);
    expect((await s.gitopsLog()).at(-1)).toBe("ferry: remove shop/worker from dev");
    const message = await s.git.git(GITOPS_REPO, ["log", "-1", "--format=%B", "main"]);
    expect(message).toContain("Ferry-Release: none");
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, second.sha)!.output.summary).toContain("removed");
  });

  it("opens one pull request where the first environment needs an approval", async () => {
    const scene = scenes.track(await startScene({ platform: platformYaml({ devApprovals: 1 }) }));
    const s = scene;
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.0.0" }) });
    const body = pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] });
    await s.post("push", body);
    await s.post("push", body); // another delivery: same branch, same pull request
    expect(await s.gitopsLog()).toEqual(["initial"]);
    const branch = await s.git.git(GITOPS_REPO, ["log", "--format=%s", "ferry/release/dev/shop/api"]);
    expect(branch.trim().split("\n")).toEqual([expect.stringMatching(/^ferry: release shop\/api [0-9a-f]{12} to dev$/), "initial"]);
    const pulls = s.fake.pullsIn(GITOPS_REPO, "open");
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: { ref: "ferry/release/dev/shop/api" }, base: { ref: "main" } });
    expect(pulls[0]!.body).toContain(`\`${APP_REPO}@${sha}\``);
    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toMatch(/pull request \[#\d+\]\(http:\/\/.+\/pull\/\d+\)/);
    const deployments = s.fake.deploymentsIn(APP_REPO, "dev");
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.statuses.at(-1)).toMatchObject({ state: "in_progress" });
  });
});

describe("failures", () => {
  it("reports a refused push on the check and the deployment, and succeeds when the delivery is retried", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:4.0.0" }) });
    await s.git.rejectPushes(GITOPS_REPO, { message: "frozen by the release manager" });
    const id = randomUUID();
    const body = pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] });
    // Answered at once (the work runs on the queue after the answer); the work itself failed.
    const refused = await s.post("push", body, id);
    expect(refused.status).toBe(200);
    expect(refused.outcome).toBe("failed");
    expect(await s.gitopsLog()).toEqual(["initial"]);
    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toMatch(/\*\*failed\*\*: .*frozen by the release manager/);
    expect(s.fake.deploymentsIn(APP_REPO, "dev")[0]!.statuses.map((st) => st.state)).toEqual(["in_progress", "error"]);
    expect(s.deliveries.state(id)).toBeUndefined(); // failed: forgotten, so GitHub's redelivery runs again

    const retried = await s.post("push", body, id);
    expect(retried.status).toBe(200);
    expect(retried.outcome).toBe("done");
    expect(await s.gitopsLog()).toHaveLength(2);
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!.conclusion).toBe("success");
    expect(s.fake.deploymentsIn(APP_REPO, "dev")).toHaveLength(1);
  });

  it("never leaves the check spinning when the GitOps repository cannot be reached", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    s.fake.setCloneUrl(GITOPS_REPO, await unreachableUrl("acme/gitops"));
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:4.1.0" }) });
    const res = await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
    expect(res.status).toBe(200);
    expect(res.outcome).toBe("failed");
    const check = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output.title).toBe("Ferry could not finish");
    expect(s.fake.deploymentsIn(APP_REPO)).toEqual([]);
  });
});

describe("build.waitForCheck", () => {
  const waiting = componentYaml({ extra: "  build: {waitForCheck: build-image}\n" });

  it("defers the release until the named check succeeds on the commit", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": waiting });
    await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
    expect(await s.gitopsLog()).toEqual(["initial"]);
    const pending = s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!;
    expect(pending.status).toBe("in_progress");
    expect(pending.output.title).toBe("Waiting for `build-image`");

    const check = (name: string, conclusion: string) =>
      payload("check_run", "completed", {
        repo: APP_REPO,
        sha,
        branch: "main",
        installationId: s.installationId,
        overrides: { check_run: { name, conclusion: conclusion as "success", status: "completed" } },
      });
    await s.post("check_run", check("build-image", "failure"));
    await s.post("check_run", check("unit-tests", "success"));
    expect(await s.gitopsLog()).toEqual(["initial"]);

    await s.post("check_run", check("build-image", "success"));
    expect(await s.gitopsLog()).toHaveLength(2);
    const done = s.fake.checkRunsFor(APP_REPO, { sha, name: RELEASE_CHECK });
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ status: "completed", conclusion: "success" });
  });

  it("closes the waiting check of a commit superseded before its build finished", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const first = await commitApp(s, { ".ferry/api.yaml": waiting });
    await s.post("push", pushPayload(s, first.sha, first.before, { modified: [".ferry/api.yaml"] }));
    const second = await commitApp(s, { ".ferry/api.yaml": waiting.replace("api:1.0.0", "api:1.0.1") });
    await s.post("push", pushPayload(s, second.sha, second.before, { modified: [".ferry/api.yaml"] }));
    const built = (sha: string) =>
      payload("check_run", "completed", {
        repo: APP_REPO,
        sha,
        branch: "main",
        installationId: s.installationId,
        overrides: { check_run: { name: "build-image", conclusion: "success", status: "completed" } },
      });
    await s.post("check_run", built(first.sha));
    expect(await s.gitopsLog()).toEqual(["initial"]);
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, first.sha)).toMatchObject({
      status: "completed",
      conclusion: "neutral",
      output: { title: "Superseded by a newer commit" },
    });
    await s.post("check_run", built(second.sha));
    expect(await s.gitopsLog()).toHaveLength(2);
    expect(await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/api/deployment-api.yaml"])).toContain("ghcr.io/acme/api:1.0.1");
  });

  it("releases on a successful workflow run of that name, but never from a fork or an old commit", async () => {
    const scene = scenes.track(await startScene());
    const s = scene;
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": waiting });
    await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
    const run = (over: Record<string, unknown>, commit = sha) =>
      payload("workflow_run", "completed", {
        repo: APP_REPO,
        sha: commit,
        branch: "main",
        installationId: s.installationId,
        overrides: { workflow_run: { name: "build-image", conclusion: "success", status: "completed", ...over } } as never,
      });
    await s.post("workflow_run", run({ head_repository: { full_name: "mallory/shop-api" } }));
    await s.post("workflow_run", run({}, before)); // an older commit: not the branch tip
    expect(await s.gitopsLog()).toEqual(["initial"]);
    await s.post("workflow_run", run({ head_repository: { full_name: APP_REPO } }));
    expect(await s.gitopsLog()).toHaveLength(2);
  });
});

describe("platform reads", () => {
  /** Reads of the platform repository's files (commits, trees, blobs, contents) so far. */
  const platformFileReads = (s: Scene) =>
    s.fake.requests.filter((r) => r.method === "GET" && /^\/repos\/acme\/platform\/(git\/(commits|trees|blobs)|contents)\//.test(r.path));
  /** How many times the platform was loaded: each load lists the platform commit's tree once. */
  const platformLoads = (s: Scene) => platformFileReads(s).filter((r) => r.path.includes("/git/trees/")).length;

  it("releases one component with at most 20 GitHub API calls, its check run and deployment included", async () => {
    const s = scenes.track(await startScene());
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.1.0" }) });
    const start = s.fake.requests.length;
    expect((await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }))).status).toBe(200);
    const calls = s.fake.requests.slice(start);
    // The release ends when its `Ferry / release` check is completed; the promotion it then opens is another flow.
    const done = calls.findIndex((r) => r.method === "PATCH" && /^\/repos\/acme\/shop-api\/check-runs\/\d+$/.test(r.path));
    expect(done).toBeGreaterThan(0);
    const release = calls.slice(0, done + 1).map((r) => r.operation ?? `${r.method} ${r.path}`);
    expect(release.filter((c) => c === "POST /repos/{owner}/{repo}/deployments")).toHaveLength(1);
    expect(release.filter((c) => c === "POST /repos/{owner}/{repo}/check-runs")).toHaveLength(1);
    expect(release.length, release.join("\n")).toBeLessThanOrEqual(20);
    expect(await s.gitopsLog()).toHaveLength(2);
  });

  it("loads the platform once per push delivery, and not again while the platform commit is unchanged", async () => {
    const s = scenes.track(await startScene());
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.1.0" }) });
    expect((await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }))).status).toBe(200);
    // The push released to dev (auto-merge) and opened the promotion to staging, with one platform load.
    expect(await s.gitopsLog()).toHaveLength(2);
    const promotion = s.fake.pullsIn(GITOPS_REPO, "open").find((pr) => pr.head.ref === "ferry/promote/shop/api/staging");
    expect(promotion).toBeDefined();
    expect(platformLoads(s)).toBe(1);
    expect(platformFileReads(s).filter((r) => r.path.includes("/git/blobs/"))).toHaveLength(1); // the one platform file, read once
    const afterPush = platformFileReads(s).length;

    // A review (by a writer of the GitOps repository) re-evaluates the promotion's gates: the platform commit is the same, so nothing is read again.
    s.fake.setPermission(GITOPS_REPO, "alice", "write");
    const review = await s.fake.addReview(GITOPS_REPO, promotion!.number, { user: "alice", state: "APPROVED" });
    const body = payload("pull_request_review", "submitted", {
      repo: GITOPS_REPO,
      number: promotion!.number,
      branch: promotion!.head.ref,
      sha: promotion!.head.sha,
      sender: "alice",
      installationId: s.installationId,
      overrides: { review: { id: review.id, state: "approved", user: { login: "alice" } } },
    });
    expect((await s.post("pull_request_review", body)).status).toBe(200);
    // Approved, source health not observed: nothing blocks.
    expect(s.fake.latestCheckRun(GITOPS_REPO, "Ferry / gates", promotion!.head.sha)?.conclusion).toBe("neutral");
    expect(platformFileReads(s)).toHaveLength(afterPush);

    // A new platform commit is loaded once, on the next delivery that needs it.
    await s.fake.commit(PLATFORM_REPO, { files: { ".ferry/platform.yaml": platformYaml({ devApprovals: 0 }) + "\n" } });
    const next = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.2.0" }) });
    expect((await s.post("push", pushPayload(s, next.sha, next.before, { modified: [".ferry/api.yaml"] }))).status).toBe(200);
    expect(platformLoads(s)).toBe(2);
  });
});
