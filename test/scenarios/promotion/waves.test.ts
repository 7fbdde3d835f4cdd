/**
 * A promotion into a production on two clusters in two waves, end to end: signed deliveries → the
 * app → the contract-checked fake GitHub, the GitOps repository on a real git server, and the
 * app's own cluster runtime reading two fake Kubernetes APIs (contexts kind-eu and kind-us, one
 * server each) through one kubeconfig. eu-1 is wave 1, us-1 wave 2, `waves.soak: 30m`; time is the
 * scene's hand-driven clock. Nothing here gives Ferry a health report: what the clusters run is
 * set in the fake Kubernetes APIs and Ferry reads it.
 *
 * - wave 1 writes only eu-1's folder; wave 2 opens (by the reconcile pass) only once eu-1 is
 *   Healthy on the release for the soak, and writes only us-1's;
 * - a crash in eu-1 stops the rollout there: no wave 2, wave 1's pull request and deployment
 *   status on `prod/eu-1` name the cluster;
 * - a rollback supersedes the rollout: wave 2's open pull request is closed with a comment and its
 *   branch deleted, and the rollback writes only the clusters that took the release.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseCommitMessage } from "../../../core/gitops/trailers.js";
import type { ComponentKey } from "../../../core/status/components.js";
import { crashLoopRollout, generateCerts, succeedingRollout, type FakeKubeCerts, type ScenarioStep } from "../../support/fake-kube/index.js";
import { APP_REPO, DEBOUNCE, DEGRADED_SETTLE, GITOPS_REPO, startSceneOn, type AppScene } from "../../support/app-scene.js";
import { ManualClock, waitFor } from "../../support/status-scene.js";
import { comment } from "../../support/verify-app-scene.js";
import { payload } from "../../support/webhooks.js";
import { GATES_CHECK } from "../../../flows/promotion/gates-check.js";

const START = new Date("2026-03-02T10:00:00Z");
const CONTEXT = { "eu-1": "kind-eu", "us-1": "kind-us" } as const;
type Cluster = keyof typeof CONTEXT;

/** Prod on eu-1 (wave 1) and us-1 (wave 2), auto-merged once `approvals` approvals count. */
const platform = (approvals = 0) => `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
    - name: prod
      clusters:
        - {name: us-1, context: kind-us, wave: 2}
        - {name: eu-1, context: kind-eu, wave: 1}
      gitops: {repo: acme/gitops, branch: main, path: environments/prod}
      approvals: {required: ${approvals}}
      autoMerge: true
  pipeline:
    - from: dev
      to: [prod]
      waves: {soak: 30m}
`;

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

async function start(approvals = 0): Promise<AppScene> {
  scene = await startSceneOn(certs, new ManualClock(START), {
    platform: platform(approvals),
    contexts: [CONTEXT["eu-1"], CONTEXT["us-1"]],
    clusterPerContext: true,
    runtime: { debounceMs: DEBOUNCE, trackDebounceMs: DEBOUNCE, degradedSettleMs: DEGRADED_SETTLE, retryMs: 10_000 },
  });
  return scene;
}

const PROD: ComponentKey = { project: "shop", component: "api", environment: "prod" };

/** What the app's own runtime reads of shop/api in one cluster of prod. */
const observed = (s: AppScene, cluster: Cluster) => s.runtime.observer.health(CONTEXT[cluster], PROD);

/** Applies a step in one cluster's fake Kubernetes API, waits until the runtime shows `until`, then lets the debounce pass. */
async function inCluster(s: AppScene, cluster: Cluster, st: ScenarioStep | undefined, until: () => boolean): Promise<void> {
  if (!st) throw new Error(`no step for ${cluster}`);
  s.kubes.get(CONTEXT[cluster])!.applyStep(st);
  await waitFor(`${cluster} observed`, until);
  await s.advance(DEBOUNCE);
}

/** The release of shop/api the GitOps repository's main holds in one cluster's folder of prod (or in dev). */
async function releaseIn(s: AppScene, folder: string): Promise<string | undefined> {
  const text = await s.git.git(GITOPS_REPO, ["show", `main:environments/${folder}/shop/api/deployment-api.yaml`]).catch(() => undefined);
  return text ? /ferry\.dev\/release: ([0-9a-f]{12})/.exec(text)?.[1] : undefined;
}

/** Files a commit of the GitOps repository changed. */
async function changedIn(s: AppScene, ref: string): Promise<string[]> {
  return (await s.git.git(GITOPS_REPO, ["show", "--name-only", "--format=", ref])).split("\n").filter(Boolean).sort();
}

function wavePulls(s: AppScene, wave: number) {
  return s.fake.pullsIn(GITOPS_REPO).filter((pr) => pr.head.ref === `ferry/promote/shop/api/prod/wave-${wave}`);
}

/** Deployment statuses Ferry posted on the app repository for a deployment environment (`prod/eu-1`): `state: description`. */
function statuses(s: AppScene, environment: string): string[] {
  return s.fake.deploymentsIn(APP_REPO, environment).flatMap((d) => d.statuses.map((st) => `${st.state}: ${st.description}`));
}

/** Pushes shop/api at `image` (1.1.0): the release is committed to dev and wave 1 into prod is opened (and merged by Ferry, without approvals). */
async function throughWaveOne(s: AppScene, image = "ghcr.io/acme/api:1.1.0"): Promise<string> {
  await s.pushComponent(image);
  const release = await releaseIn(s, "dev");
  if (!release) throw new Error("dev runs no release after the push");
  return release;
}

/** `user` approves a pull request of the GitOps repository (GitHub records it, then delivers `pull_request_review` submitted). */
async function approve(s: AppScene, number: number, user: string): Promise<void> {
  const pr = s.fake.mustPull(GITOPS_REPO, number);
  const r = await s.fake.addReview(GITOPS_REPO, number, { user, state: "APPROVED" });
  const body = payload("pull_request_review", "submitted", {
    repo: GITOPS_REPO,
    number,
    branch: pr.head.ref,
    sha: pr.head.sha,
    sender: user,
    installationId: s.installationId,
    overrides: { review: { id: r.id, state: "approved", user: { login: user } } },
  });
  const res = await s.post("pull_request_review", body);
  if (res.status !== 200) throw new Error(`review delivery answered ${res.status}: ${res.body}`);
}

/** The latest `Ferry / gates` run on a pull request's head. */
function gatesOf(s: AppScene, number: number) {
  const run = s.fake.latestCheckRun(GITOPS_REPO, GATES_CHECK, s.fake.mustPull(GITOPS_REPO, number).head.sha);
  if (!run) throw new Error(`no ${GATES_CHECK} run on #${number}`);
  return run;
}

describe("a promotion into prod on two clusters in two waves, read from two fake Kubernetes APIs", () => {
  it("wave 1 writes only eu-1's folder; wave 2 opens only once eu-1 runs the release Healthy for the soak", async () => {
    const s = await start();
    const release = await throughWaveOne(s);

    const [one] = wavePulls(s, 1);
    expect(one?.title).toBe(`ferry: promote shop/api ${release} from dev to prod (wave 1: eu-1)`);
    expect(s.fake.mustPull(GITOPS_REPO, one!.number).mergedAt).not.toBeNull();
    const written = await changedIn(s, "main");
    expect(written).toContain("environments/prod/eu-1/shop/api/deployment-api.yaml");
    expect(written.filter((f) => f.startsWith("environments/prod/") && !f.startsWith("environments/prod/eu-1/"))).toEqual([]);
    expect(parseCommitMessage(await s.git.git(GITOPS_REPO, ["log", "-1", "--format=%B", "main"])).trailers).toMatchObject({
      "Ferry-Release": [release],
      "Ferry-Wave": ["1"],
      "Ferry-Clusters": ["eu-1"],
    });
    expect(await releaseIn(s, "prod/eu-1")).toBe(release);
    expect(await releaseIn(s, "prod/us-1")).toBeUndefined();
    // The landing is watched in eu-1 only (its own deployment environment), not in us-1.
    expect(statuses(s, "prod/eu-1")).toEqual([`in_progress: Rolling out: ${release} in prod/eu-1`]);
    expect(statuses(s, "prod/us-1")).toEqual([]);

    // Not running in eu-1 yet: the reconcile pass opens nothing.
    await s.reconcile();
    expect(wavePulls(s, 2)).toEqual([]);

    // eu-1's pods get Ready: Healthy, read from kind-eu. Ten minutes on, the soak is not over.
    const w = { ...PROD, release, now: s.clock.date(), generation: 2 };
    const rollout = succeedingRollout(w).steps;
    await inCluster(s, "eu-1", rollout[0], () => observed(s, "eu-1").status === "Progressing");
    await inCluster(s, "eu-1", rollout[1], () => observed(s, "eu-1").status === "Healthy");
    expect(statuses(s, "prod/eu-1").at(-1)).toBe(`success: Healthy: ${release} in prod/eu-1, 2/2 ready`);
    expect(observed(s, "us-1").status).not.toBe("Healthy");
    await s.advance(10 * 60_000);
    await s.reconcile();
    expect(wavePulls(s, 2)).toEqual([]);

    // Past the soak: the reconcile pass opens wave 2, which writes only us-1's folder and is watched there.
    await s.advance(21 * 60_000);
    await s.reconcile();
    const [two] = wavePulls(s, 2);
    expect(two?.title).toBe(`ferry: promote shop/api ${release} from dev to prod (wave 2: us-1)`);
    expect(s.fake.mustPull(GITOPS_REPO, two!.number).mergedAt).not.toBeNull();
    const second = await changedIn(s, "main");
    expect(second).toContain("environments/prod/us-1/shop/api/deployment-api.yaml");
    expect(second.filter((f) => f.startsWith("environments/prod/") && !f.startsWith("environments/prod/us-1/"))).toEqual([]);
    expect(await releaseIn(s, "prod/us-1")).toBe(release);
    expect(statuses(s, "prod/us-1")).toEqual([`in_progress: Rolling out: ${release} in prod/us-1`]);

    // us-1 runs it too: the environment's aggregate is Healthy, and nothing more opens.
    const us = succeedingRollout({ ...w, now: s.clock.date() }).steps;
    await inCluster(s, "us-1", us[0], () => observed(s, "us-1").status === "Progressing");
    await inCluster(s, "us-1", us[1], () => observed(s, "us-1").status === "Healthy");
    expect(await s.runtime.health.health({ project: "shop", component: "api", environment: "prod" })).toMatchObject({ status: "Healthy", release });
    await s.reconcile();
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);
  });

  it("a crash in eu-1 stops the rollout at wave 1: no wave 2, and the cluster is named", async () => {
    const s = await start();
    const release = await throughWaveOne(s);
    const [one] = wavePulls(s, 1);
    expect(s.fake.mustPull(GITOPS_REPO, one!.number).mergedAt).not.toBeNull();

    const crash = crashLoopRollout({ ...PROD, release, now: s.clock.date(), generation: 2 }).steps;
    await inCluster(s, "eu-1", crash[0], () => observed(s, "eu-1").status === "Progressing");
    await inCluster(s, "eu-1", crash[1], () => observed(s, "eu-1").status === "Degraded");
    await s.advance(DEGRADED_SETTLE);
    expect(statuses(s, "prod/eu-1").at(-1)).toMatch(new RegExp(`^failure: Degraded: ${release} in prod/eu-1`));

    await s.advance(45 * 60_000);
    await s.reconcile();
    await s.reconcile();
    expect(wavePulls(s, 2)).toEqual([]);
    expect(await releaseIn(s, "prod/us-1")).toBeUndefined();
    expect(statuses(s, "prod/us-1")).toEqual([]);
    const stopped = s.fake.commentsOn(GITOPS_REPO, one!.number).filter((c) => c.body.includes("stopped at wave 1"));
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.body).toContain(`The rollout of \`${release}\` into prod stopped at wave 1: eu-1`);
    expect(stopped[0]!.body).toMatch(/eu-1 is Degraded \(.*CrashLoopBackOff/);
  });

  it("a wave 1 that degrades while wave 2 waits for approvals holds wave 2: its wave gate fails naming eu-1", async () => {
    const s = await start(1);
    s.fake.setPermission(GITOPS_REPO, "alice", "write");
    const release = await throughWaveOne(s);
    const [one] = wavePulls(s, 1);
    expect(gatesOf(s, one!.number).output.summary).toContain("| wave | ✅ pass | wave 1 (eu-1) is the first of prod |");
    await approve(s, one!.number, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, one!.number).mergedAt).not.toBeNull();

    const w = { ...PROD, release, now: s.clock.date(), generation: 2 };
    const rollout = succeedingRollout(w).steps;
    await inCluster(s, "eu-1", rollout[0], () => observed(s, "eu-1").status === "Progressing");
    await inCluster(s, "eu-1", rollout[1], () => observed(s, "eu-1").status === "Healthy");
    await s.advance(31 * 60_000);
    await s.reconcile();
    const [two] = wavePulls(s, 2);
    expect(two?.state).toBe("open");
    const waiting = gatesOf(s, two!.number);
    expect(waiting.conclusion).toBe("action_required");
    expect(waiting.output.title).toBe("Waiting: approvals");
    expect(waiting.output.summary).toMatch(new RegExp(`\\| wave \\| ✅ pass \\| wave 1 \\(eu-1\\) runs ${release} Healthy for 30m`));

    // eu-1 crash-loops on the release; the periodic gates pass reads it from kind-eu and wave 2 is held.
    const crash = crashLoopRollout({ ...w, now: s.clock.date(), generation: 3 }).steps;
    await inCluster(s, "eu-1", crash[1], () => observed(s, "eu-1").status === "Degraded");
    await s.sweep();
    const held = gatesOf(s, two!.number);
    expect(held.conclusion).toBe("failure");
    expect(held.output.title).toBe("Blocked: wave");
    expect(held.output.summary).toMatch(
      new RegExp(`\\| wave \\| ❌ fail \\| the rollout of ${release} stops at wave 1: eu-1 is Degraded \\(.*CrashLoopBackOff`),
    );

    // An approval now does not land it: us-1 keeps its folder empty.
    await approve(s, two!.number, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, two!.number).state).toBe("open");
    expect(gatesOf(s, two!.number).conclusion).toBe("failure");
    expect(await releaseIn(s, "prod/us-1")).toBeUndefined();
  });

  it("a rollback after a crash in wave 1 writes only the clusters that took the release, never wave 2's folders", async () => {
    const s = await start();
    // 1.1.0 reaches eu-1 (wave 1) and runs there; before its wave 2 opens, 1.2.0 comes and its wave 1 lands in eu-1 too.
    const r1 = await throughWaveOne(s);
    const w1 = { ...PROD, release: r1, now: s.clock.date(), generation: 2 };
    const ok = succeedingRollout(w1).steps;
    await inCluster(s, "eu-1", ok[0], () => observed(s, "eu-1").status === "Progressing");
    await inCluster(s, "eu-1", ok[1], () => observed(s, "eu-1").status === "Healthy");
    const r2 = await throughWaveOne(s, "ghcr.io/acme/api:1.2.0");
    expect(r2).not.toBe(r1);
    expect(await releaseIn(s, "prod/eu-1")).toBe(r2);
    expect(await releaseIn(s, "prod/us-1")).toBeUndefined();
    const crash = crashLoopRollout({ ...w1, release: r2, now: s.clock.date(), generation: 3 }, { previousRelease: r1 }).steps;
    await inCluster(s, "eu-1", crash[0], () => observed(s, "eu-1").status === "Progressing");
    await inCluster(s, "eu-1", crash[1], () => observed(s, "eu-1").status === "Degraded");
    const before = (await s.git.git(GITOPS_REPO, ["rev-parse", "main"])).trim();

    const [landed] = wavePulls(s, 1).filter((pr) => pr.title.includes(r2));
    s.fake.setPermission(GITOPS_REPO, "maya", "maintain");
    s.fake.setPermission(APP_REPO, "maya", "maintain");
    await comment(s, landed!.number, "maya", "/ferry rollback prod");
    const rollback = s.fake.pullsIn(GITOPS_REPO).find((pr) => pr.head.ref === "ferry/promote/shop/api/prod");
    expect(rollback?.title).toBe(`ferry: roll back shop/api in prod to ${r1}`);
    expect(s.fake.mustPull(GITOPS_REPO, rollback!.number).mergedAt).not.toBeNull();
    expect(gatesOf(s, rollback!.number).output.summary).toContain(
      "| wave | ✅ pass | a rollback of prod writes only the clusters that took the release it replaces |",
    );
    const changed = (await s.git.git(GITOPS_REPO, ["diff", "--name-only", before, "main"])).split("\n").filter(Boolean);
    expect(changed).toContain("environments/prod/eu-1/shop/api/deployment-api.yaml");
    expect(changed.filter((f) => f.startsWith("environments/prod/") && !f.startsWith("environments/prod/eu-1/"))).toEqual([]);
    expect(await releaseIn(s, "prod/eu-1")).toBe(r1);
    expect(await releaseIn(s, "prod/us-1")).toBeUndefined();
  });

  it("a rollback while wave 2's pull request waits for approvals supersedes it: closed with a comment, its branch gone, only eu-1 written", async () => {
    const s = await start(1);
    s.fake.setPermission(GITOPS_REPO, "alice", "write");
    // 1.1.0 lands in eu-1 (wave 1) and runs there.
    const r1 = await throughWaveOne(s);
    await approve(s, wavePulls(s, 1)[0]!.number, "alice");
    const w1 = { ...PROD, release: r1, now: s.clock.date(), generation: 2 };
    const ok = succeedingRollout(w1).steps;
    await inCluster(s, "eu-1", ok[0], () => observed(s, "eu-1").status === "Progressing");
    await inCluster(s, "eu-1", ok[1], () => observed(s, "eu-1").status === "Healthy");
    // 1.2.0 lands in eu-1 too, runs there Healthy past the soak, and its wave 2 opens, waiting for approvals.
    const r2 = await throughWaveOne(s, "ghcr.io/acme/api:1.2.0");
    const [landed] = wavePulls(s, 1).filter((pr) => pr.title.includes(r2));
    await approve(s, landed!.number, "alice");
    expect(await releaseIn(s, "prod/eu-1")).toBe(r2);
    const ok2 = succeedingRollout({ ...w1, release: r2, now: s.clock.date(), generation: 3 }, { previousRelease: r1 }).steps;
    await inCluster(s, "eu-1", ok2[0], () => observed(s, "eu-1").status === "Progressing");
    await inCluster(s, "eu-1", ok2[1], () => observed(s, "eu-1").status === "Healthy" && observed(s, "eu-1").release === r2);
    await s.advance(31 * 60_000);
    await s.reconcile();
    const [two] = wavePulls(s, 2);
    expect(two?.title).toBe(`ferry: promote shop/api ${r2} from dev to prod (wave 2: us-1)`);
    expect(two?.state).toBe("open");
    const waveBranch = "refs/heads/ferry/promote/shop/api/prod/wave-2";
    expect((await s.git.git(GITOPS_REPO, ["for-each-ref", "--format=%(refname)", waveBranch])).trim()).toBe(waveBranch);
    const before = (await s.git.git(GITOPS_REPO, ["rev-parse", "main"])).trim();

    // Someone rolls prod back while wave 2 waits: the rollback opens (git would refuse its branch
    // `…/prod` beside `…/prod/wave-2`), and wave 2's pull request is closed, saying why.
    s.fake.setPermission(GITOPS_REPO, "maya", "maintain");
    s.fake.setPermission(APP_REPO, "maya", "maintain");
    await comment(s, two!.number, "maya", "/ferry rollback prod");
    const rollback = s.fake.pullsIn(GITOPS_REPO).find((pr) => pr.head.ref === "ferry/promote/shop/api/prod");
    expect(rollback?.title).toBe(`ferry: roll back shop/api in prod to ${r1}`);
    const closed = s.fake.mustPull(GITOPS_REPO, two!.number);
    expect(closed.state).toBe("closed");
    expect(closed.mergedAt).toBeNull();
    const told = s.fake.commentsOn(GITOPS_REPO, two!.number).filter((c) => c.body.includes("Stopped: rolling back"));
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain(`### ⏹️ Stopped: rolling back to \`${r1}\``);
    expect(told[0]!.body).toContain("as @maya asked");
    expect(told[0]!.body).toContain("this pull request (wave 2) is closed and its branch deleted");
    expect((await s.git.git(GITOPS_REPO, ["for-each-ref", "--format=%(refname)", waveBranch])).trim()).toBe("");

    // The rollback lands with an approval and writes only eu-1, the cluster that took 1.2.0; us-1 never had it.
    await approve(s, rollback!.number, "alice");
    expect(s.fake.mustPull(GITOPS_REPO, rollback!.number).mergedAt).not.toBeNull();
    const changed = (await s.git.git(GITOPS_REPO, ["diff", "--name-only", before, "main"])).split("\n").filter(Boolean);
    expect(changed).toContain("environments/prod/eu-1/shop/api/deployment-api.yaml");
    expect(changed.filter((f) => f.startsWith("environments/prod/") && !f.startsWith("environments/prod/eu-1/"))).toEqual([]);
    expect(await releaseIn(s, "prod/eu-1")).toBe(r1);
    expect(await releaseIn(s, "prod/us-1")).toBeUndefined();
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);
  });
});
