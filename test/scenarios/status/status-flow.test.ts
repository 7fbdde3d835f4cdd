/**
 * Status back through the app: signed deliveries of real webhook payloads, a contract-checked fake
 * GitHub, the GitOps repository on a real git server, and a fake Kubernetes API over HTTPS
 * watched through a kubeconfig file. Time moves only when the test says so.
 *
 * - a release committed to dev is watched; its promotion to staging opens only once it is
 *   Healthy, and the `Ferry / gates` soak holds until the clock passes it;
 * - a merged promotion pull request gets one status comment that moves from Progressing to
 *   Healthy, deployment statuses on the app repository, and the next promotion;
 * - a crash-looping release gets Degraded with the reason, log lines and a diagnosis, a failure
 *   deployment status, and no next promotion; `/ferry status` shows the same.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ComponentKey } from "../../../core/status/components.js";
import { GATES_CHECK } from "../../../flows/promotion/gates-check.js";
import {
  crashLoopRollout,
  generateCerts,
  podName,
  rolloutStep,
  succeedingRollout,
  type FakeKubeCerts,
  type ScenarioStep,
  type WorkloadSpec,
} from "../../support/fake-kube/index.js";
import { payload } from "../../support/webhooks.js";
import { waitFor } from "../../support/status-scene.js";
import { APP_REPO, componentYaml, DEBOUNCE, DEGRADED_SETTLE, GITOPS_REPO, startAppScene, type AppScene } from "../../support/app-scene.js";

const START = new Date("2026-03-02T10:00:00Z");
const CONTEXT: Record<string, string> = { dev: "kind-dev", staging: "kind-staging" };

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

const key = (environment: string): ComponentKey => ({ project: "shop", component: "api", environment });
const workload = (s: AppScene, environment: string, release: string): WorkloadSpec => ({ ...key(environment), release, now: s.clock.date(), generation: 2 });
const health = (s: AppScene, environment: string) => s.runtime.observer.health(CONTEXT[environment]!, key(environment));

/** Applies a cluster step, waits until the observer shows `until`, then lets the reporter's debounce pass. */
async function step(s: AppScene, st: ScenarioStep | undefined, what: string, until: () => boolean): Promise<void> {
  if (!st) throw new Error(`no step for ${what}`);
  s.kube.applyStep(st);
  await waitFor(what, until);
  await s.advance(DEBOUNCE);
}

/** Deployment statuses Ferry posted for an environment on the app repository: `state: description`. */
function statuses(s: AppScene, environment: string): string[] {
  return s.fake.deploymentsIn(APP_REPO, environment).flatMap((d) => d.statuses.map((st) => `${st.state}: ${st.description}`));
}

function openPull(s: AppScene, branch: string) {
  return s.fake.pullsIn(GITOPS_REPO, "open").find((pr) => pr.head.ref === branch);
}

function gates(s: AppScene, sha: string) {
  const run = s.fake.latestCheckRun(GITOPS_REPO, GATES_CHECK, sha);
  if (!run) throw new Error(`no ${GATES_CHECK} run on ${sha}`);
  return run;
}

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
  const res = await s.post("pull_request", body);
  if (res.status !== 200) throw new Error(`pull_request delivery answered ${res.status}: ${res.body}`);
}

/** The one status comment Ferry keeps on a pull request for an environment. */
function statusComment(s: AppScene, number: number, environment: string) {
  const mine = s.fake.commentsOn(GITOPS_REPO, number).filter((c) => c.body.startsWith(`<!-- ferry:status:${environment}:shop/api -->`));
  expect(mine).toHaveLength(1);
  return mine[0]!;
}

describe("cluster status through the app", () => {
  it("watches a release committed to dev, opens the staging promotion once it is Healthy, and the gates hold until the soak has passed", async () => {
    scene = await startAppScene(certs, START, { devDirect: true });
    const s = scene;
    const sha = await s.pushComponent("ghcr.io/acme/api:1.1.0");
    const release = await s.releaseId();

    // Landed in dev by a direct commit: watched (deployment statuses only, there is no pull request), not promoted yet.
    expect(s.runtime.watches.active()).toEqual([expect.objectContaining({ environment: "dev", release, appRepo: { repo: APP_REPO, sha } })]);
    expect(s.runtime.watches.active()[0]!.pr).toBeUndefined();
    expect(s.fake.pullsIn(GITOPS_REPO)).toEqual([]);
    expect(statuses(s, "dev")).toEqual([
      `in_progress: publishing ${release} to dev`,
      "in_progress: committed to main; waiting for the cluster",
      `in_progress: Rolling out: ${release} in dev`,
    ]);

    const [creating, available] = succeedingRollout(workload(s, "dev", release)).steps;
    await step(s, creating, "dev progressing on the release", () => health(s, "dev").status === "Progressing" && health(s, "dev").desiredRelease === release);
    expect(s.fake.pullsIn(GITOPS_REPO)).toEqual([]);
    expect(statuses(s, "dev")).toHaveLength(3);

    await step(s, available, "dev healthy", () => health(s, "dev").status === "Healthy");
    expect(statuses(s, "dev").at(-1)).toBe(`success: Healthy: ${release} in dev, 2/2 ready`);
    expect(s.runtime.watches.active()).toEqual([]);

    // Healthy: the promotion to staging opens; the gates read dev's real health and wait for the soak.
    const pr = openPull(s, "ferry/promote/shop/api/staging");
    expect(pr).toBeDefined();
    const pending = gates(s, pr!.head.sha);
    expect(pending.conclusion).toBe("action_required");
    expect(pending.output.title).toBe("Waiting: soak");
    expect(pending.output.summary).toContain(`| source-health | ✅ pass | dev runs ${release}, Healthy since 2026-03-02 10:00 UTC`);
    expect(pending.output.summary).toMatch(/\| soak \| ⏳ pending \| Healthy in dev for \d+s of 10m; holds from 2026-03-02 10:10 UTC \|/);
    expect(openPull(s, "ferry/promote/shop/api/prod")).toBeUndefined();

    // The periodic pass half-way: still waiting.
    await s.advance(5 * 60_000);
    await s.sweep();
    expect(gates(s, pr!.head.sha).conclusion).toBe("action_required");
    expect(gates(s, pr!.head.sha).output.summary).toMatch(/Healthy in dev for 5m\d*s? of 10m/);

    // Past the soak: every gate holds (staging needs no approval and does not auto-merge).
    await s.advance(5 * 60_000);
    await s.sweep();
    const passed = gates(s, pr!.head.sha);
    expect(passed.conclusion).toBe("success");
    expect(passed.output.title).toBe("Every gate holds");
    expect(passed.output.summary).toMatch(/\| soak \| ✅ pass \| Healthy in dev for 10m\d*s? \(soak 10m\) \|/);
    expect(s.fake.pullsIn(GITOPS_REPO, "open").map((p) => p.head.ref)).toEqual(["ferry/promote/shop/api/staging"]);
  });

  it("keeps one status comment on the merged app pull request for the first environment, from Progressing to Healthy", async () => {
    scene = await startAppScene(certs, START, { devDirect: true });
    const s = scene;
    const [owner = "", repo = ""] = APP_REPO.split("/");
    const before = (await s.fake.branchSha(APP_REPO))!;
    await s.fake.commit(APP_REPO, { branch: "bump-api", files: { ".ferry/api.yaml": componentYaml("ghcr.io/acme/api:1.3.0") }, message: "bump api" });
    const { data: appPr } = await s.gh.rest.pulls.create({ owner, repo, head: "bump-api", base: "main", title: "Bump api" });
    const { data: merged } = await s.gh.rest.pulls.merge({ owner, repo, pull_number: appPr.number, merge_method: "merge" });
    const res = await s.post(
      "push",
      payload("push", undefined, {
        repo: APP_REPO,
        sha: merged.sha,
        before,
        branch: "main",
        installationId: s.installationId,
        files: { modified: [".ferry/api.yaml"] },
      }),
    );
    expect(res.status).toBe(200);
    const release = await s.releaseId();

    // Committed straight to dev, but the release came from a merged pull request: its comment is there.
    expect(s.runtime.watches.active()).toEqual([expect.objectContaining({ environment: "dev", release, pr: { repo: APP_REPO, number: appPr.number } })]);
    const appComment = () => {
      const mine = s.fake.commentsOn(APP_REPO, appPr.number).filter((c) => c.body.startsWith("<!-- ferry:status:dev:shop/api -->"));
      expect(mine).toHaveLength(1);
      return mine[0]!;
    };
    expect(appComment().body).toContain("### 🔄 shop/api in dev (`kind-dev`): Progressing");

    const [creating, available] = succeedingRollout(workload(s, "dev", release)).steps;
    await step(s, creating, "dev progressing", () => health(s, "dev").desiredRelease === release && health(s, "dev").status === "Progressing");
    await step(s, available, "dev healthy", () => health(s, "dev").status === "Healthy");
    const settled = appComment();
    expect(settled.user).toBe("ferry[bot]");
    expect(settled.body).toContain("### ✅ shop/api in dev (`kind-dev`): Healthy");
    expect(settled.body).toContain(`| 2 | 2 | \`${release}\` | \`${release}\` |`);
    expect(s.fake.commentsOn(GITOPS_REPO, appPr.number)).toEqual([]);
  });

  it("keeps one status comment on a merged promotion pull request from Progressing to Healthy, with deployment statuses, then promotes onwards", async () => {
    scene = await startAppScene(certs, START, { devDirect: true });
    const s = scene;
    const sha = await s.pushComponent("ghcr.io/acme/api:1.2.0");
    const release = await s.releaseId();
    const dev = succeedingRollout(workload(s, "dev", release)).steps;
    await step(s, dev[0], "dev progressing", () => health(s, "dev").desiredRelease === release);
    await step(s, dev[1], "dev healthy", () => health(s, "dev").status === "Healthy");
    const pr = openPull(s, "ferry/promote/shop/api/staging");
    expect(pr).toBeDefined();

    // A person merges the promotion: staging is watched, the comment says Progressing (not applied yet).
    await merge(s, pr!.number);
    expect(s.runtime.watches.active()).toEqual([
      expect.objectContaining({ environment: "staging", release, pr: { repo: GITOPS_REPO, number: pr!.number }, appRepo: { repo: APP_REPO, sha } }),
    ]);
    let comment = statusComment(s, pr!.number, "staging");
    expect(comment.user).toBe("ferry[bot]");
    expect(comment.body).toContain("### 🔄 shop/api in staging (`kind-staging`): Progressing");
    expect(comment.body).toContain(`waiting for the cluster to run release ${release}`);
    expect(comment.body).toContain(`| Expected release | \`${release}\` |`);
    expect(statuses(s, "staging")).toEqual([`in_progress: Rolling out: ${release} in staging`]);
    expect(s.fake.deploymentsIn(APP_REPO, "staging")[0]).toMatchObject({ sha, payload: { project: "shop", component: "api", release } });
    expect(openPull(s, "ferry/promote/shop/api/prod")).toBeUndefined();

    const [creating, available] = succeedingRollout(workload(s, "staging", release)).steps;
    await step(s, creating, "staging pods created", () => health(s, "staging").desiredRelease === release && health(s, "staging").status === "Progressing");
    comment = statusComment(s, pr!.number, "staging");
    expect(comment.body).toContain("Progressing");
    expect(comment.body).toContain(`| 0 | 2 | – | \`${release}\` |`);
    expect(comment.edits).toHaveLength(1);

    await step(s, available, "staging healthy", () => health(s, "staging").status === "Healthy");
    comment = statusComment(s, pr!.number, "staging");
    expect(comment.edits).toHaveLength(2);
    expect(comment.body).toContain("### ✅ shop/api in staging (`kind-staging`): Healthy");
    expect(comment.body).toMatch(new RegExp(`✅ Settled: Healthy on \`${release}\` since 2026-03-02 10:\\d\\d UTC\\. Ferry stopped watching\\.`));
    expect(comment.body).toContain(`| 2 | 2 | \`${release}\` | \`${release}\` |`);
    expect(statuses(s, "staging")).toEqual([`in_progress: Rolling out: ${release} in staging`, `success: Healthy: ${release} in staging, 2/2 ready`]);
    expect(s.fake.deploymentsIn(APP_REPO, "staging")[0]!.statuses.at(-1)!.logUrl).toMatch(
      new RegExp(`/${GITOPS_REPO}/pull/${pr!.number}#issuecomment-${comment.id}$`),
    );

    // Healthy in staging: prod (which has no cluster) gets its promotion.
    expect(openPull(s, "ferry/promote/shop/api/prod")).toBeDefined();
    // Later changes in the cluster no longer touch the settled comment.
    await step(s, creating, "staging progressing again", () => health(s, "staging").status === "Progressing");
    expect(statusComment(s, pr!.number, "staging").edits).toHaveLength(2);
  });

  it("reports a crash-looping release as Degraded with the reason, log lines and diagnosis, fails its deployment and promotes nothing; /ferry status shows it", async () => {
    scene = await startAppScene(certs, START, { devDirect: false });
    const s = scene;
    const sha = await s.pushComponent("ghcr.io/acme/api:2.0.0");
    // dev takes releases through a pull request: nothing is watched until it is merged.
    const releasePr = s.fake.pullsIn(GITOPS_REPO, "open")[0];
    expect(releasePr?.head.ref).toMatch(/^ferry\/release\//);
    expect(s.runtime.watches.active()).toEqual([]);
    await merge(s, releasePr!.number);
    const release = await s.releaseId();
    expect(s.runtime.watches.active()).toEqual([
      expect.objectContaining({ environment: "dev", release, pr: { repo: GITOPS_REPO, number: releasePr!.number }, appRepo: { repo: APP_REPO, sha } }),
    ]);
    expect(statusComment(s, releasePr!.number, "dev").body).toContain("Progressing");

    const lines = ["listening on :8080", 'FATAL: password authentication failed for user "shop"'];
    const [progressing, crashing] = crashLoopRollout(workload(s, "dev", release), { logLines: lines }).steps;
    await step(s, progressing, "dev progressing", () => health(s, "dev").desiredRelease === release);
    await step(
      s,
      crashing,
      "dev crash-looping with its log",
      () => health(s, "dev").status === "Degraded" && health(s, "dev").reasons.every((r) => (r.logTail ?? []).length > 0),
    );
    let body = statusComment(s, releasePr!.number, "dev").body;
    expect(body).toContain("### ❌ shop/api in dev (`kind-dev`): Degraded");
    expect(body).toMatch(
      /⏳ Degraded since 2026-03-02 10:\d\d UTC: Ferry keeps watching and reports a failure if it is still Degraded at 2026-03-02 10:\d\d UTC\./,
    );
    expect(body).toMatch(new RegExp(`\\| CrashLoopBackOff \\| \`${podName(workload(s, "dev", release), 0)}\` / \`main\` \\|`));
    expect(body).toContain("**Diagnosis**");
    expect(body).toContain("keeps crashing (exit code 1)");
    expect(body).toContain(["```text", ...lines, "```"].join("\n"));
    expect(statuses(s, "dev").at(-1)).toBe(`in_progress: Rolling out: ${release} in dev`);

    // Still Degraded after the settle time: a failure, and no promotion to staging.
    await s.advance(DEGRADED_SETTLE);
    body = statusComment(s, releasePr!.number, "dev").body;
    expect(body).toContain("❌ Settled: Degraded since 2026-03-02");
    expect(body).toContain("The release is not promoted further");
    expect(statuses(s, "dev").at(-1)).toMatch(new RegExp(`^failure: Degraded: ${release} in dev: `));
    expect(s.runtime.watches.active()).toEqual([]);
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);
    await s.sweep();
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);

    // `/ferry status` on the release pull request answers with what the cluster runs.
    s.fake.setPermission(GITOPS_REPO, "dana", "read");
    const text = "/ferry status";
    const c = s.fake.addComment(GITOPS_REPO, releasePr!.number, { user: "dana", body: text });
    const url = `http://github.localhost/${GITOPS_REPO}/pull/${releasePr!.number}`;
    const res = await s.post(
      "issue_comment",
      payload("issue_comment", "created", {
        repo: GITOPS_REPO,
        number: releasePr!.number,
        body: text,
        sender: "dana",
        installationId: s.installationId,
        overrides: {
          comment: { id: c.id, html_url: `${url}#issuecomment-${c.id}`, user: { login: "dana", type: "User" } },
          issue: {
            pull_request: {
              url: `http://api.github.localhost/repos/${GITOPS_REPO}/pulls/${releasePr!.number}`,
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
    const reply =
      s.fake
        .commentsOn(GITOPS_REPO, releasePr!.number)
        .filter((x) => x.user === "ferry[bot]" && !x.body.startsWith("<!-- ferry:status:"))
        .at(-1)?.body ?? "";
    expect(reply).toContain("**Clusters**");
    expect(reply).toContain(`| dev | \`shop/api\` | ❌ Degraded | – → \`${release}\` | 0/2 |`);
    expect(reply).toContain("| staging | – | – | – | – | no components found |");
    expect(reply).toContain("| prod | – | ➖ not observed | – | – | no cluster context |");
    expect(reply).toContain(lines[1]);
  });

  it("follows the platform: after a push that takes staging's cluster away, staging is no longer observed and its gates see no health", async () => {
    scene = await startAppScene(certs, START, { devDirect: true });
    const s = scene;
    const before = s.runtime.observer.observer;
    const platform = (await s.fake.readFile("acme/platform", ".ferry/platform.yaml"))!.replace("      cluster: {context: kind-staging}\n", "");
    const head = (await s.fake.branchSha("acme/platform"))!;
    const sha = await s.fake.commit("acme/platform", { files: { ".ferry/platform.yaml": platform }, message: "staging leaves its cluster" });
    const res = await s.post(
      "push",
      payload("push", undefined, {
        repo: "acme/platform",
        sha,
        before: head,
        branch: "main",
        installationId: s.installationId,
        files: { modified: [".ferry/platform.yaml"] },
      }),
    );
    expect(res.status).toBe(200);
    expect(s.runtime.observes("dev")).toBe(true);
    expect(s.runtime.observes("staging")).toBe(false);
    expect(s.runtime.observer.contexts()).toEqual(["kind-dev"]);
    expect(s.runtime.observer.observer).not.toBe(before);
    expect(await s.runtime.health.health({ environment: "staging", project: "shop", component: "api" })).toEqual({
      status: "NotObserved",
      detail: "environment staging has no cluster context",
    });
  });
});

/** Deployment statuses Ferry posted for the deployment of one app commit in an environment. */
function statusesOf(s: AppScene, environment: string, sha: string): string[] {
  return s.fake
    .deploymentsIn(APP_REPO, environment)
    .filter((d) => d.sha === sha)
    .flatMap((d) => d.statuses.map((st) => `${st.state}: ${st.description}`));
}

/** Ferry's one status comment on an app commit for an environment. */
function commitComment(s: AppScene, sha: string, environment: string) {
  const mine = s.fake.commitCommentsOn(APP_REPO, sha).filter((c) => c.body.startsWith(`<!-- ferry:status:${environment}:shop/api -->`));
  expect(mine).toHaveLength(1);
  return mine[0]!;
}

/** Ready pods of `release` the observer sees in dev. */
const readyOf = (s: AppScene, release: string) => health(s, "dev").releases.find((r) => r.release === release)?.ready ?? 0;

/** Nothing says `release` succeeded: no success deployment status, no passing gates check naming it, no Healthy source health. */
async function noSuccessYet(s: AppScene, sha: string, release: string): Promise<void> {
  expect(statusesOf(s, "dev", sha).filter((x) => x.startsWith("success"))).toEqual([]);
  const gatesNaming = s.fake.checkRunsFor(GITOPS_REPO, { name: GATES_CHECK }).filter((r) => (r.output?.summary ?? "").includes(release));
  expect(gatesNaming.filter((r) => r.conclusion === "success")).toEqual([]);
  const source = await s.runtime.health.health({ environment: "dev", project: "shop", component: "api" });
  expect(source.status === "Healthy" && source.release === release).toBe(false);
}

/** shop/api's first release rolled out Healthy in dev (generation 1); returns its release id. */
async function previousReleaseRunning(s: AppScene): Promise<string> {
  await s.pushComponent("ghcr.io/acme/api:1.4.0");
  const previous = await s.releaseId();
  const w = { ...workload(s, "dev", previous), generation: 1 };
  const [creating, available] = succeedingRollout(w).steps;
  await step(s, creating, "dev progressing on the previous release", () => health(s, "dev").desiredRelease === previous);
  await step(s, available, "dev healthy on the previous release", () => health(s, "dev").status === "Healthy");
  expect(s.runtime.watches.active()).toEqual([]);
  return previous;
}

describe("a release's state is the cluster's state for that release", () => {
  it("while the cluster keeps the previous release for 20 s after the GitOps commit, the new one is only waiting; it is Healthy once its own pods are Ready", async () => {
    scene = await startAppScene(certs, START, { devDirect: true });
    const s = scene;
    const previous = await previousReleaseRunning(s);
    const sha = await s.pushComponent("ghcr.io/acme/api:1.5.0");
    const release = await s.releaseId();
    expect(release).not.toBe(previous);
    // A direct push: the status comment goes on the app commit.
    expect(s.runtime.watches.active()).toEqual([
      expect.objectContaining({ environment: "dev", release, commit: { repo: APP_REPO, sha }, appRepo: { repo: APP_REPO, sha } }),
    ]);

    // The GitOps controller has not synced yet: the cluster runs the previous release, Healthy, for 20 s.
    for (let waited = 0; waited < 20_000; waited += 5_000) {
      await s.advance(5_000);
      await s.sweep();
      expect(health(s, "dev")).toMatchObject({ status: "Healthy", desiredRelease: previous });
      const body = commitComment(s, sha, "dev").body;
      expect(body).toContain("### 🔄 shop/api in dev (`kind-dev`): Progressing");
      expect(body).toContain(`waiting for the cluster to apply release ${release}; it runs ${previous}`);
      await noSuccessYet(s, sha, release);
    }
    expect(statusesOf(s, "dev", sha)).toEqual([
      `in_progress: publishing ${release} to dev`,
      "in_progress: committed to main; waiting for the cluster",
      `in_progress: Rolling out: ${release} in dev`,
    ]);

    // The cluster applies it: the new pods start while the previous ones still serve.
    const w = workload(s, "dev", release);
    const [creating, available] = succeedingRollout(w, { previousRelease: previous }).steps;
    await step(s, creating, "dev rolling out the release", () => health(s, "dev").desiredRelease === release);
    expect(health(s, "dev")).toMatchObject({ status: "Progressing", releases: [{ release: previous, ready: 2 }] });
    expect(commitComment(s, sha, "dev").body).toContain("Progressing");
    await noSuccessYet(s, sha, release);

    await step(s, available, "dev healthy on the release", () => health(s, "dev").status === "Healthy" && readyOf(s, release) === 2);
    expect(statusesOf(s, "dev", sha).at(-1)).toBe(`success: Healthy: ${release} in dev, 2/2 ready`);
    const settled = commitComment(s, sha, "dev");
    expect(settled.user).toBe("ferry[bot]");
    expect(settled.body).toContain("### ✅ shop/api in dev (`kind-dev`): Healthy");
    expect(settled.body).toContain(`| 2 | 2 | \`${release}\` | \`${release}\` |`);
    expect(s.runtime.watches.active()).toEqual([]);
  });

  it("a new ReplicaSet that crash-loops while the previous release's pods stay Ready ends Degraded and failed, never successful, and is not promoted", async () => {
    scene = await startAppScene(certs, START, { devDirect: true });
    const s = scene;
    const previous = await previousReleaseRunning(s);
    const sha = await s.pushComponent("ghcr.io/acme/api:2.0.0");
    const release = await s.releaseId();
    const w = workload(s, "dev", release);
    const lines = ["listening on :8080", "panic: migrations table is locked"];
    const [progressing, crashing] = crashLoopRollout(w, { previousRelease: previous, logLines: lines }).steps;
    await step(s, progressing, "dev rolling out the release", () => health(s, "dev").desiredRelease === release);
    await noSuccessYet(s, sha, release);
    await step(
      s,
      crashing,
      "the new pods crash-loop with their log",
      () => health(s, "dev").status === "Degraded" && health(s, "dev").reasons.some((r) => (r.logTail ?? []).length > 0),
    );
    // The previous release still serves: its pods are Ready, and that does not make the new release Healthy.
    expect(health(s, "dev").releases).toEqual([{ release: previous, ready: 2 }]);
    let body = commitComment(s, sha, "dev").body;
    expect(body).toContain("### ❌ shop/api in dev (`kind-dev`): Degraded");
    expect(body).toMatch(new RegExp(`\\| CrashLoopBackOff \\| \`${podName(w, 0)}\` / \`main\` \\|`));
    expect(body).toContain("**Diagnosis**");
    expect(body).toContain(["```text", ...lines, "```"].join("\n"));
    await noSuccessYet(s, sha, release);

    await s.advance(DEGRADED_SETTLE);
    await s.sweep();
    body = commitComment(s, sha, "dev").body;
    expect(body).toContain("❌ Settled: Degraded since 2026-03-02");
    expect(statusesOf(s, "dev", sha).at(-1)).toMatch(new RegExp(`^failure: Degraded: ${release} in dev: CrashLoopBackOff`));
    expect(statusesOf(s, "dev", sha).filter((x) => x.startsWith("success: Healthy"))).toEqual([]);
    await noSuccessYet(s, sha, release);
    // Not promoted: no promotion pull request carries the release.
    const carrying = s.fake.pullsIn(GITOPS_REPO).filter((p) => `${p.title}\n${p.body ?? ""}`.includes(release));
    expect(carrying).toEqual([]);
  });

  it("a first release with 3 replicas is a success only once the third pod is Ready, even when the Deployment's counters run ahead", async () => {
    scene = await startAppScene(certs, START, { devDirect: true });
    const s = scene;
    const sha = await s.pushComponent("ghcr.io/acme/api:3.0.0");
    const release = await s.releaseId();
    const w = { ...workload(s, "dev", release), replicas: 3 };
    for (const ready of [0, 1, 2]) {
      await step(s, rolloutStep(w, ready), `${ready} of 3 pods Ready`, () => health(s, "dev").desiredRelease === release && readyOf(s, release) === ready);
      expect(health(s, "dev").status).toBe("Progressing");
      await noSuccessYet(s, sha, release);
    }
    // The Deployment's status already says 3 available; the third pod's Ready has not been seen yet.
    await step(s, rolloutStep(w, 2, { countersDone: true }), "counters done, 2 pods Ready", () => health(s, "dev").workloads[0]?.status === "Healthy");
    expect(health(s, "dev")).toMatchObject({ status: "Progressing", message: `2 of 3 pods of release ${release} are Ready` });
    expect(commitComment(s, sha, "dev").body).toContain("Progressing");
    await noSuccessYet(s, sha, release);

    await step(s, rolloutStep(w, 3, { countersDone: true }), "the third pod Ready", () => health(s, "dev").status === "Healthy");
    expect(statusesOf(s, "dev", sha).at(-1)).toBe(`success: Healthy: ${release} in dev, 3/3 ready`);
    expect(statusesOf(s, "dev", sha).filter((x) => x.startsWith("success: Healthy"))).toHaveLength(1);
    expect(commitComment(s, sha, "dev").body).toContain("### ✅ shop/api in dev (`kind-dev`): Healthy");
  });
});
