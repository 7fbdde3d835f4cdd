import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { diagnose } from "../../../core/status/diagnose.js";
import type { ComponentHealth } from "../../../core/status/health.js";
import { renderStatusSection } from "../../../presentation/markdown/status-section.js";
import { ClusterObserver, type ObserverChange } from "../../../adapters/kube/observer.js";
import { snapshotCluster } from "../../../adapters/kube/snapshot.js";
import { keyString, type ComponentKey } from "../../../core/status/components.js";
import {
  FakeKube,
  INSUFFICIENT_MEMORY,
  crashLoopRollout,
  cronJob,
  failedJobScenario,
  generateCerts,
  imagePullRollout,
  kubeconfigYaml,
  oomKilledRollout,
  podName,
  progressDeadlineRollout,
  succeedingRollout,
  unschedulableRollout,
  writeKubeconfig,
  type FakeKubeCerts,
  type Scenario,
  type WorkloadSpec,
} from "../../support/fake-kube/index.js";
import { observe, waitFor } from "../../support/kube-helpers.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const KEY: ComponentKey = { project: "storefront", component: "checkout-api", environment: "dev" };
const W: WorkloadSpec = { ...KEY, release: "r2", generation: 2, now: NOW };
const NS = "storefront-dev";
/** Collections the observer lists and watches per context. */
const COLLECTIONS = 8;

let certs: FakeKubeCerts;
let fake: FakeKube;
let observer: ClusterObserver | undefined;
let changes: ObserverChange[];

beforeAll(() => {
  certs = generateCerts();
});

beforeEach(async () => {
  fake = await FakeKube.start({ certs, now: () => NOW.getTime() });
  changes = [];
});

afterEach(async () => {
  await observer?.stop();
  observer = undefined;
  await fake.close();
});

async function started(extra: Parameters<typeof observe>[2] = {}): Promise<ReturnType<typeof observe>> {
  const o = observe(fake, ["dev"], { now: () => NOW.getTime(), ...extra });
  observer = o.observer;
  observer.onChange((c) => changes.push(c));
  observer.start();
  await observer.waitForSync();
  await waitFor("watches established", () => fake.watchCount() === COLLECTIONS);
  return o;
}

function health(): ComponentHealth {
  if (!observer) throw new Error("observer not started");
  return observer.health("dev", KEY);
}

async function play(s: Scenario, until: (h: ComponentHealth) => boolean, what: string): Promise<ComponentHealth> {
  for (const step of s.steps) fake.applyStep(step);
  return waitFor(what, () => {
    const h = health();
    return until(h) ? h : undefined;
  });
}

describe("ClusterObserver: rollouts", () => {
  it("follows a succeeding rollout from Progressing to Healthy on the new release", async () => {
    await started();
    const s = succeedingRollout(W, { previousRelease: "r1" });
    const [progressing, available] = s.steps;
    if (!progressing || !available) throw new Error("steps");
    fake.applyStep(progressing);
    const p = await waitFor("Progressing with old and new pods", () => {
      const x = health();
      return x.status === "Progressing" && x.release === "r1" && observer?.component("dev", KEY).pods.length === 3 ? x : undefined;
    });
    expect(p).toMatchObject({ status: "Progressing", desiredRelease: "r2", release: "r1", readyReplicas: 2, desiredReplicas: 2, reasons: [] });
    expect(p.message).toBe("Waiting for rollout to finish: 1 out of 2 new replicas have been updated...");
    fake.applyStep(available);
    const h = await waitFor("Healthy on r2", () => (health().status === "Healthy" && observer?.component("dev", KEY).pods.length === 2 ? health() : undefined));
    expect(h).toMatchObject({ release: "r2", desiredRelease: "r2", releases: [{ release: "r2", ready: 2 }], readyReplicas: 2, desiredReplicas: 2 });
    expect(observer?.component("dev", KEY).pods.map((pod) => pod.metadata.labels?.["ferry.dev/release"])).toEqual(["r2", "r2"]);
    expect(diagnose({ key: KEY, health: h }).findings).toEqual([]);
    expect(new Set(changes.map((c) => `${c.context} ${keyString(c.key)}`))).toEqual(new Set(["dev storefront/checkout-api/dev"]));
  });

  it("reports a crash loop with restarts, exit code, the previous container's log and a diagnosis", async () => {
    const { observer: o } = await started();
    const lines = ["listening on :8080", 'FATAL: password authentication failed for user "checkout"'];
    const h = await play(
      crashLoopRollout(W, { previousRelease: "r1", logLines: lines }),
      (x) => x.status === "Degraded" && x.reasons.every((r) => r.logTail) && x.warnings.length === 1 && x.release === "r1",
      "crash loop with logs and events",
    );
    expect(h.release).toBe("r1");
    expect(h.desiredRelease).toBe("r2");
    expect(h.message).toBe("CrashLoopBackOff in 1 pod");
    expect(h.reasons).toEqual([
      expect.objectContaining({ kind: "CrashLoopBackOff", pod: podName(W, 0), container: "main", restartCount: 5, exitCode: 1, logTail: lines }),
    ]);
    expect(h.warnings).toEqual([expect.objectContaining({ reason: "BackOff", object: `Pod/${podName(W, 0)}`, count: 5 })]);
    expect(o.stats("dev").logs).toBe(1);
    const d = diagnose({ key: KEY, health: h });
    expect(d.findings.map((f) => f.kind)).toEqual(["CrashLoopBackOff"]);
    expect(d.summary).toContain("keeps crashing (exit code 1)");
    const md = renderStatusSection({ key: KEY, health: h, diagnosis: d });
    expect(md).toContain("### ❌ storefront/checkout-api in dev: Degraded");
    expect(md).toContain(["```text", ...lines, "```"].join("\n"));
  });

  it("reports OOMKilled with the memory limit and suggests raising it or finding the leak", async () => {
    await started();
    const h = await play(oomKilledRollout({ ...W, memory: "128Mi" }), (x) => x.status === "Degraded" && x.reasons.length === 2, "OOMKilled");
    expect(h.reasons.map((r) => [r.kind, r.exitCode, r.memoryLimit, r.restartCount])).toEqual([
      ["OOMKilled", 137, "128Mi", 3],
      ["OOMKilled", 137, "128Mi", 3],
    ]);
    const d = diagnose({ key: KEY, health: h });
    expect(d.findings).toHaveLength(1);
    expect(d.findings[0]?.cause).toContain("OOMKilled (exit code 137) at its memory limit of 128Mi, 3 restarts");
    expect(d.findings[0]?.suggestion).toMatch(/Raise the memory .* above 128Mi .* or find the leak/);
    expect(d.findings[0]?.pods).toEqual([podName(W, 0), podName(W, 1)].sort());
  });

  it("reports an image that cannot be pulled as missing from the registry", async () => {
    await started();
    const image = "ghcr.io/acme/checkout-api:9.9.9";
    const h = await play(imagePullRollout({ ...W, image }), (x) => x.status === "Degraded" && x.warnings.length === 4, "ImagePullBackOff and its events");
    expect(h.reasons.map((r) => [r.kind, r.image, r.message])).toEqual([
      ["ImagePullBackOff", image, `Back-off pulling image "${image}"`],
      ["ImagePullBackOff", image, `Back-off pulling image "${image}"`],
    ]);
    expect(h.warnings.map((w) => w.reason).sort()).toEqual(["BackOff", "BackOff", "Failed", "Failed"]);
    const d = diagnose({ key: KEY, health: h });
    expect(d.summary).toBe(`Image "${image}" cannot be pulled: the image or tag does not exist in the registry. Kubernetes is backing off between attempts.`);
  });

  it("classifies ErrImagePull with a not-found message as a missing tag", async () => {
    await started();
    const h = await play(
      imagePullRollout(W, { reason: "ErrImagePull" }),
      (x) => x.status === "Degraded" && x.warnings.length === 2,
      "ErrImagePull and its events",
    );
    expect(new Set(h.reasons.map((r) => r.kind))).toEqual(new Set(["ErrImagePull"]));
    expect(diagnose({ key: KEY, health: h }).findings[0]?.cause).toContain("the image or tag does not exist in the registry");
  });

  it("reports pods that never schedule with the scheduler's message and their requests", async () => {
    await started();
    const h = await play(unschedulableRollout({ ...W, memory: "64Gi", cpu: "2" }), (x) => x.status === "Degraded" && x.reasons.length === 2, "Unschedulable");
    expect(h.reasons).toEqual([
      { kind: "Unschedulable", pod: podName(W, 0), message: INSUFFICIENT_MEMORY, requests: { cpu: "2", memory: "64Gi" }, release: "r2" },
      { kind: "Unschedulable", pod: podName(W, 1), message: INSUFFICIENT_MEMORY, requests: { cpu: "2", memory: "64Gi" }, release: "r2" },
    ]);
    const f = diagnose({ key: KEY, health: h }).findings[0];
    expect(f?.cause).toBe(`No node can run the pod. The scheduler says: "${INSUFFICIENT_MEMORY}". The pod requests cpu 2 and memory 64Gi.`);
    expect(f?.suggestion).toContain("requests are larger than what any node has free");
  });

  it("turns Degraded when the progress deadline passes, blaming the failing readiness probe", async () => {
    await started();
    const [first, second] = progressDeadlineRollout(W).steps;
    if (!first || !second) throw new Error("steps");
    fake.applyStep(first);
    const p = await waitFor("readiness failing", () => (health().reasons.length === 2 ? health() : undefined));
    expect(p.status).toBe("Progressing");
    expect(p.reasons.map((r) => r.kind)).toEqual(["ReadinessProbeFailed", "ReadinessProbeFailed"]);
    fake.applyStep(second);
    const h = await waitFor("deadline", () => (health().status === "Degraded" ? health() : undefined));
    expect(h.message).toBe('Deployment "checkout-api" exceeded its progress deadline');
    expect(h.reasons[0]).toMatchObject({ kind: "ProgressDeadlineExceeded", object: "Deployment/checkout-api" });
    expect(diagnose({ key: KEY, health: h }).findings.map((f) => f.kind)).toEqual(["ProgressDeadlineExceeded", "ReadinessProbeFailed"]);
  });

  it("reports the failed Job of a scheduled task with the failed pod's log", async () => {
    await started();
    const task: WorkloadSpec = { ...W, component: "nightly-report" };
    fake.apply(cronJob(task, { lastScheduleTime: NOW }));
    const key = { ...KEY, component: "nightly-report" };
    for (const step of failedJobScenario(task, { ownedByCronJob: true, logLines: ["boom"] }).steps) fake.applyStep(step);
    const h = await waitFor("JobFailed with logs", () => {
      const x = observer?.health("dev", key);
      return x?.status === "Degraded" && x.reasons[0]?.logTail ? x : undefined;
    });
    expect(h.reasons).toEqual([
      expect.objectContaining({
        kind: "JobFailed",
        message: "BackoffLimitExceeded: Job has reached the specified backoff limit (3 failed pods)",
        exitCode: 1,
        logTail: ["boom"],
      }),
    ]);
    expect(h.workloads.map((w) => [w.kind, w.status])).toEqual([["CronJob", "Degraded"]]);
  });
});

describe("ClusterObserver: connection failures", () => {
  it("re-watches from the last resourceVersion after a dropped watch and sees changes made meanwhile, without re-listing", async () => {
    const { observer: o } = await started();
    const step = succeedingRollout(W).steps[1];
    if (!step) throw new Error("step");
    const rvBefore = fake.resourceVersion();
    const listsBefore = o.stats("dev").lists;
    const requestsBefore = fake.requests.length;
    fake.pauseWatches();
    expect(fake.dropWatches()).toBe(COLLECTIONS);
    await waitFor("observer re-watching", () => fake.parkedWatchCount() === COLLECTIONS);
    fake.applyStep(step);
    fake.resumeWatches();
    const h = await waitFor("change after the drop", () => (health().status === "Healthy" && health().release === "r2" ? health() : undefined));
    expect(h.release).toBe("r2");
    const after = fake.requests.slice(requestsBefore);
    expect(after.filter((r) => r.verb === "list")).toEqual([]);
    expect(new Set(after.filter((r) => r.verb === "watch").map((r) => r.query.resourceVersion))).toEqual(new Set([String(rvBefore)]));
    expect(o.stats("dev")).toMatchObject({ lists: listsBefore, relists: 0, watches: 2 * COLLECTIONS });
  });

  it("backs off after an abrupt disconnect and then resumes the watch", async () => {
    const { observer: o, sleeps, errors } = await started({ random: () => 0.5 });
    fake.dropWatches({ abrupt: true });
    await waitFor("reconnected", () => fake.watchCount() === COLLECTIONS && o.stats("dev").watches === 2 * COLLECTIONS);
    for (const step of crashLoopRollout(W).steps) fake.applyStep(step);
    await waitFor("crash loop seen", () => health().status === "Degraded");
    expect(errors.length).toBe(COLLECTIONS);
    expect(new Set(errors.map((e) => [e.attempt, e.delayMs].join()))).toEqual(new Set(["1,625"]));
    expect(sleeps.filter((ms) => ms === 625)).toHaveLength(COLLECTIONS);
    expect(o.stats("dev").relists).toBe(0);
  });

  it("re-lists after 410 Gone and ends up with exactly the server's objects", async () => {
    const { observer: o } = await started();
    const first = succeedingRollout({ ...W, release: "r1", generation: 1 });
    for (const step of first.steps) fake.applyStep(step);
    await waitFor("r1 healthy", () => health().status === "Healthy" && health().release === "r1");
    fake.pauseWatches();
    fake.dropWatches();
    await waitFor("observer re-watching", () => fake.parkedWatchCount() === COLLECTIONS);
    // While disconnected: the r1 pods go away and r2 becomes available. Deletions are only visible through a re-list.
    const r1Pods = o.component("dev", KEY).pods.map((p) => p.metadata.name);
    for (const name of r1Pods) fake.delete({ apiVersion: "v1", kind: "Pod", namespace: NS, name });
    const second = succeedingRollout(W).steps[1];
    if (!second) throw new Error("step");
    fake.applyStep(second);
    fake.expireResourceVersions();
    const listsBefore = o.stats("dev").lists;
    fake.resumeWatches();
    await waitFor("re-listed", () => o.stats("dev").relists === COLLECTIONS);
    expect(o.stats("dev").lists).toBe(listsBefore + COLLECTIONS);
    const pods = o.snapshot("dev").pods.map((p) => p.metadata.name);
    expect(pods).toEqual([podName(W, 0), podName(W, 1)].sort());
    expect(pods.some((p) => r1Pods.includes(p))).toBe(false);
    expect(health()).toMatchObject({ status: "Healthy", release: "r2" });
    // and it keeps watching from the fresh list's resourceVersion
    fake.delete({ apiVersion: "apps/v1", kind: "Deployment", namespace: NS, name: "checkout-api" });
    await waitFor("deployment deletion", () => o.component("dev", KEY).deployments.length === 0);
  });

  it("stops cleanly while the server holds its watch requests", async () => {
    const { observer: o } = await started();
    fake.pauseWatches();
    fake.dropWatches();
    await waitFor("held watches", () => fake.parkedWatchCount() === COLLECTIONS);
    await o.stop();
    expect(o.isSynced("dev")).toBe(true);
    observer = undefined;
  });
});

describe("ClusterObserver: contexts and one-shot snapshots", () => {
  it("observes several contexts with one client each and keys changes by context", async () => {
    const prod = await FakeKube.start({ certs, now: () => NOW.getTime() });
    try {
      const yaml = kubeconfigYaml([
        { context: "dev", server: fake.url, caPem: fake.caPem, token: fake.token },
        { context: "prod", server: prod.url, caPem: prod.caPem, token: prod.token },
      ]);
      observer = new ClusterObserver({ contexts: ["dev", "prod"], kubeConfig: { kind: "yaml", yaml }, now: () => NOW.getTime() });
      observer.onChange((c) => changes.push(c));
      observer.start();
      await observer.waitForSync();
      for (const step of succeedingRollout(W).steps) fake.applyStep(step);
      const prodKey = { ...KEY, environment: "prod" };
      for (const step of crashLoopRollout({ ...W, environment: "prod" }).steps) prod.applyStep(step);
      const o = observer;
      await waitFor("both contexts", () => o.health("dev", KEY).status === "Healthy" && o.health("prod", prodKey).status === "Degraded");
      expect(o.components("dev")).toEqual([KEY]);
      expect(o.components("prod")).toEqual([prodKey]);
      expect(new Set(changes.map((c) => `${c.context} ${c.key.environment}`))).toEqual(new Set(["dev dev", "prod prod"]));
      expect(() => o.health("staging", KEY)).toThrow('context "staging" is not observed (observed: "dev", "prod")');
    } finally {
      await observer?.stop();
      observer = undefined;
      await prod.close();
    }
  });

  it("merges the kubeconfig files named by KUBECONFIG", async () => {
    const prod = await FakeKube.start({ certs, now: () => NOW.getTime() });
    const dir = mkdtempSync(join(tmpdir(), "observer-kubeconfig-"));
    try {
      const a = writeKubeconfig(join(dir, "a"), [{ context: "dev", server: fake.url, caPem: fake.caPem, token: fake.token }]);
      const b = writeKubeconfig(join(dir, "b"), [{ context: "prod", server: prod.url, caPem: prod.caPem, token: prod.token }]);
      for (const step of succeedingRollout({ ...W, environment: "prod" }).steps) prod.applyStep(step);
      observer = new ClusterObserver({ contexts: ["dev", "prod"], env: { KUBECONFIG: [a, b].join(delimiter) } });
      observer.start();
      await observer.waitForSync();
      expect(observer.components("dev")).toEqual([]);
      expect(observer.components("prod")).toEqual([{ ...KEY, environment: "prod" }]);
      const single = new ClusterObserver({ contexts: ["prod"], kubeConfig: { kind: "file", path: b } });
      expect(single.contexts()).toEqual(["prod"]);
      await single.stop();
    } finally {
      await observer?.stop();
      observer = undefined;
      await prod.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names every missing context at once", () => {
    const yaml = fake.kubeconfig(["dev"]);
    expect(() => new ClusterObserver({ contexts: ["dev", "staging", "prod"], kubeConfig: { kind: "yaml", yaml } })).toThrow(
      'kubeconfig has no context "staging" (contexts: "dev"); kubeconfig has no context "prod" (contexts: "dev")',
    );
  });

  it("takes a list-only snapshot with the selector, related warnings and crash logs", async () => {
    for (const step of crashLoopRollout(W, { logLines: ["oops"] }).steps) fake.applyStep(step);
    for (const step of succeedingRollout({ ...W, component: "web", release: "w1" }).steps) fake.applyStep(step);
    for (const step of crashLoopRollout({ ...W, environment: "staging" }).steps) fake.applyStep(step);
    const requestsBefore = fake.requests.length;
    const snap = await snapshotCluster(
      "dev",
      { environment: "dev", component: "checkout-api" },
      { kubeConfig: { kind: "yaml", yaml: fake.kubeconfig(["dev"]) } },
    );
    expect(snap.deployments.map((d) => d.metadata.name)).toEqual(["checkout-api"]);
    expect(snap.pods.map((p) => p.metadata.namespace)).toEqual([NS, NS]);
    expect(snap.events.map((e) => e.involvedObject.name)).toEqual([podName(W, 0), podName(W, 1)].sort());
    expect(snap.logs).toEqual({ [`${NS}/${podName(W, 0)}/main`]: ["oops"], [`${NS}/${podName(W, 1)}/main`]: ["oops"] });
    const requests = fake.requests.slice(requestsBefore);
    expect(requests.filter((r) => r.verb === "watch")).toEqual([]);
    expect(new Set(requests.filter((r) => r.verb === "list" && r.resource !== "events").map((r) => r.query.labelSelector))).toEqual(
      new Set(["ferry.dev/component=checkout-api,ferry.dev/environment=dev"]),
    );
  });
});
