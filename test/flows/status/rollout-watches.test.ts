/**
 * The rollout watches against a fake Kubernetes API (watched by the real observer) and the
 * contract-checked fake GitHub: one status comment per PR and environment, edited as the rollout
 * moves; deployment statuses; settling Healthy (next promotion) or Degraded (none).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDeployment } from "../../../adapters/github/deployments.js";
import { RolloutWatches, type WatchError } from "../../../flows/status/rollout-watches.js";
import type { SettledEvent, WatchResult } from "../../../flows/status/watch-request.js";
import { crashLoopRollout, generateCerts, podName, succeedingRollout, type FakeKubeCerts, type ScenarioStep } from "../../support/fake-kube/index.js";
import {
  APP_REPO,
  CONTEXT,
  ENVIRONMENTS,
  KEY,
  RELEASE_1,
  RELEASE_2,
  startStatusScene,
  waitFor,
  workload,
  type StatusScene,
} from "../../support/status-scene.js";

const START = new Date("2026-03-02T10:00:00Z");
const DEBOUNCE = 2_000;
const MARKER = "<!-- ferry:status:dev:shop/api -->";

let certs: FakeKubeCerts;
let scene: StatusScene;
let watches: RolloutWatches;
let settled: SettledEvent[];
let promoted: SettledEvent[];

beforeAll(() => {
  certs = generateCerts();
});

beforeEach(async () => {
  scene = await startStatusScene(certs, START);
  settled = [];
  promoted = [];
  watches = new RolloutWatches({ observer: scene.observer, environments: ENVIRONMENTS, clock: scene.clock.date, timers: scene.clock, debounceMs: DEBOUNCE });
  watches.onSettled((e) => {
    settled.push(e);
  });
  // What the app wires: a healthy settle triggers the next promotion.
  watches.onHealthy((e) => {
    promoted.push(e);
  });
});

afterEach(async () => {
  await watches.stop();
  scene.github.assertNoViolations();
  await scene.close();
});

function comments() {
  return scene.github.commentsOn(scene.pr.repo, scene.pr.number);
}

function statuses(): { state: string; description: string; logUrl: string }[] {
  return scene.github.deploymentsIn(APP_REPO, "dev").flatMap((d) => d.statuses.map((s) => ({ state: s.state, description: s.description, logUrl: s.logUrl })));
}

/** Applies a step, waits until the observer shows `until`, then lets the debounce window pass and the watches finish. */
async function step(s: ScenarioStep | undefined, what: string, until: () => boolean): Promise<void> {
  if (!s) throw new Error(`no step for ${what}`);
  scene.kube.applyStep(s);
  await waitFor(what, () => until());
  scene.clock.advance(DEBOUNCE);
  await watches.idle();
}

const health = () => scene.observer.health(CONTEXT, KEY);

describe("RolloutWatches", () => {
  it("moves one status comment from Progressing to Healthy and records in_progress then success", async () => {
    const { gh, appSha } = scene;
    const deploymentId = await createDeployment(
      gh,
      { owner: "acme", repo: "shop-api" },
      {
        ref: appSha,
        environment: "dev",
        production: false,
        description: "shop/api",
        payload: { project: "shop", component: "api", release: RELEASE_2, gitops: "acme/gitops" },
      },
    );
    const handle = watches.watch({ ...KEY, release: RELEASE_2, pr: scene.pr, appRepo: { repo: APP_REPO, sha: appSha, deploymentId }, startedAt: START }, gh);
    await watches.idle();

    // Nothing applied yet: waiting for the GitOps controller.
    expect(comments()).toHaveLength(1);
    const first = comments()[0]!;
    expect(first.body.split("\n")[0]).toBe(MARKER);
    expect(first.body).toContain("### 🔄 shop/api in dev (`kind-dev`): Progressing");
    expect(first.body).toContain(`waiting for the cluster to run release ${RELEASE_2}`);
    expect(first.body).toContain(`| Expected release | \`${RELEASE_2}\` |`);
    expect(statuses().map((s) => s.state)).toEqual(["in_progress"]);
    expect(statuses()[0]!.description).toBe(`Rolling out: ${RELEASE_2} in dev`);
    expect(statuses()[0]!.logUrl).toMatch(new RegExp(`/${scene.pr.repo}/pull/${scene.pr.number}#issuecomment-${first.id}$`));

    const [creating, available] = succeedingRollout(workload(RELEASE_2, START)).steps;
    await step(
      creating,
      "pods being created",
      () => health().desiredRelease === RELEASE_2 && health().status === "Progressing" && scene.observer.component(CONTEXT, KEY).pods.length === 2,
    );
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.edits).toHaveLength(1);
    expect(comments()[0]!.body).toContain("Progressing");
    expect(comments()[0]!.body).toContain(`| 0 | 2 | – | \`${RELEASE_2}\` |`);
    expect(settled).toEqual([]);

    scene.clock.advance(60_000);
    await step(available, "rollout finished", () => health().status === "Healthy");
    const healthyAt = scene.clock.date();
    expect(comments()).toHaveLength(1);
    const last = comments()[0]!;
    expect(last.id).toBe(first.id);
    expect(last.edits).toHaveLength(2);
    expect(last.body).toContain("### ✅ shop/api in dev (`kind-dev`): Healthy");
    expect(last.body).toContain(`✅ Settled: Healthy on \`${RELEASE_2}\` since 2026-03-02 10:01 UTC. Ferry stopped watching.`);
    expect(last.body).toContain(`| 2 | 2 | \`${RELEASE_2}\` | \`${RELEASE_2}\` |`);
    expect(last.body).toContain("| Last update | 2026-03-02 10:01 UTC |");
    expect(statuses().map((s) => s.state)).toEqual(["in_progress", "success"]);
    expect(statuses()[1]!.description).toBe(`Healthy: ${RELEASE_2} in dev, 2/2 ready`);
    expect(scene.github.deploymentsIn(APP_REPO)).toHaveLength(1);

    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ key: KEY, environment: "dev", release: RELEASE_2, status: "Healthy", outcome: "healthy", since: healthyAt });
    expect(promoted.map((e) => e.release)).toEqual([RELEASE_2]);
    await expect(handle.done).resolves.toMatchObject({ outcome: "healthy", event: { status: "Healthy" } });
    expect(watches.active()).toEqual([]);

    // Settled: later changes in the cluster no longer touch the comment.
    await step(creating, "back to progressing", () => health().status === "Progressing");
    expect(comments()[0]!.edits).toHaveLength(2);
    expect(statuses()).toHaveLength(2);
  });

  it("reports a crash loop as Degraded with the reason, log lines and diagnosis, then fails after the settle time without a next promotion", async () => {
    const { gh, appSha } = scene;
    const lines = ["listening on :8080", 'FATAL: password authentication failed for user "shop"'];
    const [progressing, crashing] = crashLoopRollout(workload(RELEASE_2, START), { previousRelease: RELEASE_1, logLines: lines }).steps;
    scene.kube.applyStep(progressing!);
    await waitFor("previous release running", () => health().desiredRelease === RELEASE_2);
    // No deploymentId: the watch finds or creates the deployment itself.
    const handle = watches.watch({ ...KEY, release: RELEASE_2, pr: scene.pr, appRepo: { repo: APP_REPO, sha: appSha }, startedAt: START }, gh);
    await watches.idle();
    expect(comments()[0]!.body).toContain("Progressing");
    expect(comments()[0]!.body).toContain(`| 2 | 2 | \`${RELEASE_1}\` | \`${RELEASE_2}\` |`);

    await step(
      crashing,
      "crash loop with its log",
      () => health().status === "Degraded" && health().warnings.length === 1 && health().reasons.every((r) => (r.logTail ?? []).length > 0),
    );
    const degradedAt = scene.clock.date();
    let body = comments()[0]!.body;
    expect(comments()).toHaveLength(1);
    expect(body).toContain("### ❌ shop/api in dev (`kind-dev`): Degraded");
    expect(body).toContain(
      "⏳ Degraded since 2026-03-02 10:00 UTC: Ferry keeps watching and reports a failure if it is still Degraded at 2026-03-02 10:05 UTC.",
    );
    expect(body).toMatch(new RegExp(`\\| CrashLoopBackOff \\| \`${podName(workload(RELEASE_2, START), 0)}\` / \`main\` \\|`));
    expect(body).toContain("**Diagnosis**");
    expect(body).toContain("keeps crashing (exit code 1)");
    expect(body).toContain(["```text", ...lines, "```"].join("\n"));
    expect(body).toContain("**Recent warnings**");
    expect(body).toContain("| BackOff |");
    expect(statuses().map((s) => s.state)).toEqual(["in_progress"]);
    expect(settled).toEqual([]);

    // Still Degraded when the settle time has passed: the timer re-evaluates without any cluster change.
    scene.clock.advance(5 * 60_000);
    await watches.idle();
    body = comments()[0]!.body;
    expect(comments()).toHaveLength(1);
    expect(body).toContain("❌ Settled: Degraded since 2026-03-02 10:00 UTC (for 5m or more)");
    expect(body).toContain(["```text", ...lines, "```"].join("\n"));
    expect(statuses().map((s) => s.state)).toEqual(["in_progress", "failure"]);
    expect(statuses()[1]!.description).toBe(`Degraded: ${RELEASE_2} in dev: CrashLoopBackOff in 1 pod`);
    const deployments = scene.github.deploymentsIn(APP_REPO, "dev");
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.payload).toMatchObject({ project: "shop", component: "api", release: RELEASE_2 });

    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ release: RELEASE_2, status: "Degraded", outcome: "degraded", since: degradedAt });
    expect(promoted).toEqual([]);
    const result: WatchResult = await handle.done;
    expect(result.outcome).toBe("degraded");
  });

  it("keeps watching a component that recovers before the settle time", async () => {
    const { gh } = scene;
    const [progressing, crashing] = crashLoopRollout(workload(RELEASE_2, START)).steps;
    watches.watch({ ...KEY, release: RELEASE_2, pr: scene.pr, startedAt: START }, gh);
    await step(progressing, "progressing", () => health().desiredRelease === RELEASE_2);
    await step(crashing, "crash loop", () => health().status === "Degraded");
    scene.clock.advance(3 * 60_000);
    const [, available] = succeedingRollout(workload(RELEASE_2, scene.clock.date())).steps;
    await step(available, "recovered", () => health().status === "Healthy");
    expect(settled.map((e) => e.outcome)).toEqual(["healthy"]);
    expect(promoted).toHaveLength(1);
    // No deployment statuses without an app repository; the comment still settled.
    expect(scene.github.deploymentsIn(APP_REPO)).toEqual([]);
    expect(comments()[0]!.body).toContain("✅ Settled: Healthy");
  });

  it("a newer release supersedes the running watch on the same pull request, taking over its comment", async () => {
    const { gh } = scene;
    const first = watches.watch({ ...KEY, release: RELEASE_1, pr: scene.pr, startedAt: START }, gh);
    await watches.idle();
    expect(watches.watch({ ...KEY, release: RELEASE_1, pr: scene.pr, startedAt: START }, gh)).toBe(first);
    watches.watch({ ...KEY, release: RELEASE_2, pr: scene.pr, startedAt: START }, gh);
    await expect(first.done).resolves.toEqual({ outcome: "superseded" });
    await watches.idle();
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain(`| Expected release | \`${RELEASE_2}\` |`);
    expect(watches.active().map((r) => r.release)).toEqual([RELEASE_2]);
    expect(settled).toEqual([]);
  });

  it("a release watched on another pull request leaves the older comment saying it was superseded", async () => {
    const { gh, github } = scene;
    await github.commit("acme/gitops", {
      branch: "ferry/promote/shop-api/dev-2",
      files: { "environments/dev/shop/api/deployment-api.yaml": "kind: Deployment # 2\n" },
    });
    const second = await github.openPullRequest("acme/gitops", { head: "ferry/promote/shop-api/dev-2", title: "Promote shop/api to dev (again)" });
    const first = watches.watch({ ...KEY, release: RELEASE_1, pr: scene.pr, startedAt: START }, gh);
    await watches.idle();
    watches.watch({ ...KEY, release: RELEASE_2, pr: { repo: "acme/gitops", number: second.number }, startedAt: START }, gh);
    await expect(first.done).resolves.toEqual({ outcome: "superseded" });
    await watches.idle();
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain(`⏭️ Superseded by release \`${RELEASE_2}\`. Ferry stopped watching this rollout.`);
    const newer = github.commentsOn("acme/gitops", second.number);
    expect(newer).toHaveLength(1);
    expect(newer[0]!.body).toContain(`| Expected release | \`${RELEASE_2}\` |`);
  });

  it("turns the superseded release's deployment inactive and writes nothing more for it", async () => {
    const { gh, appSha } = scene;
    const first = watches.watch({ ...KEY, release: RELEASE_1, pr: scene.pr, appRepo: { repo: APP_REPO, sha: appSha }, startedAt: START }, gh);
    await watches.idle();
    expect(statuses().map((s) => s.state)).toEqual(["in_progress"]);
    watches.watch({ ...KEY, release: RELEASE_2, pr: scene.pr, startedAt: START }, gh);
    await expect(first.done).resolves.toEqual({ outcome: "superseded" });
    await watches.idle();
    expect(statuses().map((s) => `${s.state}: ${s.description}`)).toEqual([
      `in_progress: Rolling out: ${RELEASE_1} in dev`,
      `inactive: Superseded: ${RELEASE_1} in dev: release ${RELEASE_2} replaced it before it settled`,
    ]);
    scene.clock.advance(60 * 60_000);
    watches.refresh();
    await watches.idle();
    expect(statuses()).toHaveLength(2);
  });

  it("refuses a request it cannot watch, naming every problem", () => {
    expect(() => watches.watch({ ...KEY, environment: "staging", release: RELEASE_2, startedAt: START }, scene.gh)).toThrow(
      "cannot watch: environment: staging has no cluster context (environments[].cluster.context)",
    );
    expect(() => watches.watch({ ...KEY, environment: "qa", release: "", startedAt: START }, scene.gh)).toThrow(
      /release: .*; environment: unknown environment "qa"/,
    );
    expect(() => watches.watch({ ...KEY, release: RELEASE_2, pr: { repo: "not a repo", number: 0 }, startedAt: START }, scene.gh)).toThrow(
      /pr\.repo: .*pr\.number: /,
    );
  });

  it("times out a rollout that never becomes Healthy and reports it as not healthy", async () => {
    const { gh, appSha } = scene;
    watches.watch({ ...KEY, release: RELEASE_2, pr: scene.pr, appRepo: { repo: APP_REPO, sha: appSha }, startedAt: START }, gh);
    await watches.idle();
    scene.clock.advance(60 * 60_000);
    await watches.idle();
    expect(settled).toMatchObject([{ outcome: "timed-out", status: "Progressing", since: START }]);
    expect(promoted).toEqual([]);
    expect(statuses().map((s) => s.state)).toEqual(["in_progress", "failure"]);
    expect(statuses()[1]!.description).toMatch(/^Not healthy: /);
    expect(comments()[0]!.body).toContain("⚠️ Not healthy after 1h: still Progressing.");
  });

  it("retries a status comment GitHub failed to update, without holding back the settle", async () => {
    const errors: WatchError[] = [];
    const retrying = new RolloutWatches({
      observer: scene.observer,
      environments: ENVIRONMENTS,
      clock: scene.clock.date,
      timers: scene.clock,
      debounceMs: DEBOUNCE,
      retryMs: 30_000,
      onError: (e) => errors.push(e),
    });
    retrying.onHealthy((e) => {
      promoted.push(e);
    });
    try {
      const handle = retrying.watch({ ...KEY, release: RELEASE_2, pr: scene.pr, startedAt: START }, scene.gh);
      await retrying.idle();
      let failures = 0;
      const remove = scene.github.override("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", () => {
        failures++;
        return { status: 502, body: { message: "Server Error" } };
      });
      for (const s of succeedingRollout(workload(RELEASE_2, START)).steps) scene.kube.applyStep(s);
      await waitFor("healthy", () => health().status === "Healthy");
      scene.clock.advance(DEBOUNCE);
      await retrying.idle();
      expect(failures).toBe(1);
      expect(errors.map((e) => e.step)).toEqual(["comment"]);
      expect(promoted.map((e) => e.outcome)).toEqual(["healthy"]);
      expect(comments()[0]!.body).toContain("Progressing");
      remove();
      scene.clock.advance(30_000);
      await retrying.idle();
      expect(comments()).toHaveLength(1);
      expect(comments()[0]!.body).toContain("✅ Settled: Healthy");
      await expect(handle.done).resolves.toMatchObject({ outcome: "healthy" });
      expect(promoted).toHaveLength(1);
    } finally {
      await retrying.stop();
    }
  });
});
