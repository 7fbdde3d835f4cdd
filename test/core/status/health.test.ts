import { describe, expect, it } from "vitest";
import { computeHealth, cronJobHealth, deploymentHealth, hpaHealth, jobHealth, statefulSetHealth, worse } from "../../../core/status/health.js";
import { CronJob, Deployment, HorizontalPodAutoscaler, Job, StatefulSet, emptyObjects } from "../../../core/status/cluster-objects.js";
import {
  crashLoopRollout,
  cronJob,
  deployment,
  failedJobScenario,
  hpa,
  job,
  pod,
  podName,
  statefulSet,
  succeedingRollout,
  templateHash,
  warningEvent,
  type KubeObject,
  type WorkloadSpec,
} from "../../support/fake-kube/index.js";
import { objectsOf, tweak } from "../../support/kube-objects.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const W: WorkloadSpec = { project: "storefront", component: "checkout-api", environment: "dev", release: "r2", generation: 2, now: NOW };
const NS = "storefront-dev";

function dep(
  state: Parameters<typeof deployment>[1],
  patch: (d: KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> }) => void = () => undefined,
): Deployment {
  return Deployment.parse(tweak(deployment(W, state) as KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> }, patch));
}

describe("Deployment health (Argo CD rules)", () => {
  it("is Healthy when every replica is updated and available", () => {
    expect(deploymentHealth(dep({ phase: "available" }))).toEqual({
      kind: "Deployment",
      name: "checkout-api",
      status: "Healthy",
      message: "2 of 2 replicas available",
    });
  });

  it("is Suspended when paused, whatever the replicas say", () => {
    expect(deploymentHealth(dep({ phase: "progressing", updated: 0, ready: 0 }, (d) => (d.spec.paused = true))).status).toBe("Suspended");
  });

  it("is Progressing until the controller observed the new generation", () => {
    const h = deploymentHealth(dep({ phase: "available" }, (d) => (d.metadata.generation = 3)));
    expect(h).toMatchObject({ status: "Progressing", message: "Waiting for rollout to finish: observed deployment generation less than desired generation" });
  });

  it("is Degraded after ProgressDeadlineExceeded", () => {
    expect(deploymentHealth(dep({ phase: "deadline-exceeded", updated: 2, ready: 0 }))).toMatchObject({
      status: "Degraded",
      message: 'Deployment "checkout-api" exceeded its progress deadline',
    });
  });

  it("waits for updated replicas, then old replicas to terminate, then availability", () => {
    expect(deploymentHealth(dep({ phase: "progressing", updated: 1, ready: 0, oldReady: 2 })).message).toBe(
      "Waiting for rollout to finish: 1 out of 2 new replicas have been updated...",
    );
    expect(deploymentHealth(dep({ phase: "available" }, (d) => Object.assign(d.status, { replicas: 3 }))).message).toBe(
      "Waiting for rollout to finish: 1 old replicas are pending termination...",
    );
    expect(deploymentHealth(dep({ phase: "available" }, (d) => Object.assign(d.status, { availableReplicas: 1 }))).message).toBe(
      "Waiting for rollout to finish: 1 of 2 updated replicas are available...",
    );
  });

  it("defaults spec.replicas to 1", () => {
    const h = deploymentHealth(
      dep({ phase: "available" }, (d) => {
        delete d.spec.replicas;
        Object.assign(d.status, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
      }),
    );
    expect(h).toMatchObject({ status: "Healthy", message: "1 of 1 replicas available" });
  });
});

describe("StatefulSet health (Argo CD rules)", () => {
  const sts = (
    state: Parameters<typeof statefulSet>[1],
    patch: (s: KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> }) => void = () => undefined,
  ): StatefulSet =>
    StatefulSet.parse(
      tweak(statefulSet({ ...W, replicas: 3 }, state) as KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> }, patch),
    );

  it("needs the generation observed and every pod ready", () => {
    expect(statefulSetHealth(sts({ ready: 3 }, (s) => (s.status.observedGeneration = 0))).status).toBe("Progressing");
    expect(statefulSetHealth(sts({ ready: 2 })).message).toBe("Waiting for 1 pods to be ready...");
  });

  it("compares revisions for rolling updates", () => {
    expect(statefulSetHealth(sts({ ready: 3, currentRevisionIsUpdate: false })).status).toBe("Progressing");
    expect(statefulSetHealth(sts({ ready: 3 })).status).toBe("Healthy");
  });

  it("counts only the pods above the partition", () => {
    const partitioned = (updated: number): StatefulSet =>
      sts({ ready: 3, updated, currentRevisionIsUpdate: false }, (s) => (s.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 1 } }));
    expect(statefulSetHealth(partitioned(1))).toMatchObject({
      status: "Progressing",
      message: "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...",
    });
    expect(statefulSetHealth(partitioned(2)).status).toBe("Healthy");
  });

  it("trusts ready pods for OnDelete", () => {
    expect(statefulSetHealth(sts({ ready: 3, currentRevisionIsUpdate: false }, (s) => (s.spec.updateStrategy = { type: "OnDelete" })))).toMatchObject({
      status: "Healthy",
      message: "statefulset has 3 ready pods",
    });
  });
});

describe("Job, CronJob and HPA health", () => {
  it("reads Job conditions", () => {
    expect(jobHealth(Job.parse(job(W, { phase: "failed" })))).toMatchObject({ status: "Degraded", message: "Job has reached the specified backoff limit" });
    expect(jobHealth(Job.parse(job(W, { phase: "complete" }))).status).toBe("Healthy");
    expect(jobHealth(Job.parse(job(W, { phase: "running", active: 1 }))).status).toBe("Progressing");
    expect(jobHealth(Job.parse(tweak(job(W, { phase: "running", active: 0 }), (j) => ((j.spec as Record<string, unknown>).suspend = true)))).status).toBe(
      "Suspended",
    );
  });

  it("judges a CronJob by its latest Job", () => {
    const cj = CronJob.parse(cronJob(W, { lastScheduleTime: NOW }));
    const older = Job.parse(job({ ...W, now: new Date(NOW.getTime() - 3_600_000) }, { phase: "failed" }, { ownedByCronJob: true }));
    const newer = Job.parse(job(W, { phase: "complete" }, { ownedByCronJob: true }));
    expect(cronJobHealth(cj, [older, newer]).status).toBe("Healthy");
    const newerFailed = Job.parse(job(W, { phase: "failed" }, { ownedByCronJob: true }));
    const olderOk = Job.parse(job({ ...W, now: new Date(NOW.getTime() - 3_600_000) }, { phase: "complete" }, { ownedByCronJob: true }));
    expect(cronJobHealth(cj, [newerFailed, olderOk])).toMatchObject({ status: "Degraded" });
    expect(cronJobHealth(cj, [Job.parse(job(W, { phase: "running", active: 1 }, { ownedByCronJob: true }))]).status).toBe("Progressing");
  });

  it("reads CronJob status when no Job is left", () => {
    expect(cronJobHealth(CronJob.parse(cronJob(W, { suspend: true })), [])).toMatchObject({ status: "Suspended", message: "CronJob is Suspended" });
    expect(cronJobHealth(CronJob.parse(cronJob(W)), [])).toMatchObject({ status: "Healthy", message: "CronJob has not been scheduled yet" });
    const missed = CronJob.parse(cronJob(W, { lastScheduleTime: NOW, lastSuccessfulTime: new Date(NOW.getTime() - 86_400_000) }));
    expect(cronJobHealth(missed, [])).toMatchObject({ status: "Degraded", message: "CronJob has not completed its last execution successfully" });
  });

  it("reads HPA conditions in order", () => {
    expect(hpaHealth(HorizontalPodAutoscaler.parse(hpa(W))).status).toBe("Healthy");
    const failing = hpa(W, { conditions: [{ type: "ScalingActive", status: "False", reason: "FailedGetResourceMetric", message: "missing request for cpu" }] });
    expect(hpaHealth(HorizontalPodAutoscaler.parse(failing))).toMatchObject({ status: "Degraded", message: "missing request for cpu" });
    expect(hpaHealth(HorizontalPodAutoscaler.parse(hpa(W, { conditions: [] }))).status).toBe("Progressing");
  });

  it("orders statuses with Unknown below everything", () => {
    expect(worse("Healthy", "Suspended")).toBe("Suspended");
    expect(worse("Degraded", "Progressing")).toBe("Degraded");
    expect(worse("Unknown", "Healthy")).toBe("Healthy");
  });
});

describe("computeHealth", () => {
  const healthy = (): KubeObject[] => (succeedingRollout(W).steps[1]?.apply ?? []).filter((o) => o.kind !== "Event");

  it("is Unknown without a workload, even with an HPA", () => {
    expect(computeHealth(emptyObjects())).toMatchObject({ status: "Unknown", readyReplicas: 0, desiredReplicas: 0, reasons: [], releases: [] });
    expect(computeHealth(objectsOf([hpa(W)])).status).toBe("Unknown");
  });

  it("is Healthy with the running release from ready pods", () => {
    const h = computeHealth(objectsOf([...healthy(), hpa(W)]));
    expect(h).toMatchObject({
      status: "Healthy",
      release: "r2",
      desiredRelease: "r2",
      releases: [{ release: "r2", ready: 2 }],
      readyReplicas: 2,
      desiredReplicas: 2,
    });
    expect(h.workloads.map((w) => w.kind)).toEqual(["Deployment", "HorizontalPodAutoscaler"]);
  });

  it("stays Progressing while a complete-looking Deployment's ready pods run another release", () => {
    const objs = healthy().map((o) => (o.kind === "Pod" ? tweak(o, (p) => (p.metadata.labels = { ...p.metadata.labels, "ferry.dev/release": "r1" })) : o));
    expect(computeHealth(objectsOf(objs))).toMatchObject({
      status: "Progressing",
      release: "r1",
      message: "ready pods still run release r1, waiting for r2 (0 of 2 ready)",
    });
  });

  it("breaks a tie between releases in favour of the deployed one", () => {
    const objs = healthy().map((o) =>
      o.kind === "Pod" && o.metadata.name === podName(W, 1) ? tweak(o, (p) => (p.metadata.labels = { ...p.metadata.labels, "ferry.dev/release": "a0" })) : o,
    );
    expect(computeHealth(objectsOf(objs)).releases).toEqual([
      { release: "r2", ready: 1 },
      { release: "a0", ready: 1 },
    ]);
  });

  it("is Degraded by crashing pods while the Deployment still progresses, with the log tail passed in", () => {
    const step = crashLoopRollout(W, { previousRelease: "r1" }).steps[1];
    const logs = { [`${NS}/${podName(W, 0)}/main`]: ["boom"] };
    const h = computeHealth(objectsOf(step?.apply ?? [], logs), { now: NOW.getTime() });
    expect(h.workloads[0]?.status).toBe("Progressing");
    expect(h).toMatchObject({ status: "Degraded", message: "CrashLoopBackOff in 1 pod", release: "r1", desiredRelease: "r2" });
    expect(h.reasons).toEqual([
      {
        kind: "CrashLoopBackOff",
        pod: podName(W, 0),
        container: "main",
        message: expect.stringContaining("back-off 2m40s restarting failed container=main") as string,
        restartCount: 5,
        exitCode: 1,
        logTail: ["boom"],
        release: "r2",
      },
    ]);
  });

  it("names OOMKilled instead of CrashLoopBackOff when the last termination was an OOM kill", () => {
    const p = pod(W, 0, { state: "crashloop", restartCount: 2 });
    const oom = tweak(p, (x) => {
      const cs = (x.status as { containerStatuses: { lastState: { terminated: Record<string, unknown> } }[] }).containerStatuses[0];
      if (cs) Object.assign(cs.lastState.terminated, { reason: "OOMKilled", exitCode: 137 });
    });
    const h = computeHealth(objectsOf([deployment(W, { phase: "progressing", updated: 2, ready: 0 }), oom]));
    expect(h.reasons).toEqual([expect.objectContaining({ kind: "OOMKilled", exitCode: 137, memoryLimit: "256Mi", restartCount: 2 })]);
  });

  it("reports CreateContainerConfigError and other container errors as Degraded", () => {
    const waiting = (reason: string, message: string) =>
      tweak(pod(W, 0, { state: "creating" }), (x) => {
        const cs = (x.status as { containerStatuses: { state: Record<string, unknown> }[] }).containerStatuses[0];
        if (cs) cs.state = { waiting: { reason, message } };
      });
    const d = deployment(W, { phase: "progressing", updated: 2, ready: 0 });
    const config = computeHealth(objectsOf([d, waiting("CreateContainerConfigError", 'secret "checkout-db" not found')]));
    expect(config).toMatchObject({ status: "Degraded", reasons: [{ kind: "CreateContainerConfigError", message: 'secret "checkout-db" not found' }] });
    const invalid = computeHealth(objectsOf([d, waiting("InvalidImageName", 'couldn\'t parse image name "x::y"')]));
    expect(invalid.reasons).toEqual([
      { kind: "ContainerError", pod: podName(W, 0), container: "main", message: 'InvalidImageName: couldn\'t parse image name "x::y"', release: "r2" },
    ]);
    expect(computeHealth(objectsOf([d, waiting("ContainerCreating", "")])).status).toBe("Progressing");
  });

  it("ignores terminating pods", () => {
    const dying = tweak(pod(W, 0, { state: "crashloop", restartCount: 9 }), (x) => (x.metadata.deletionTimestamp = "2026-03-01T11:59:00Z"));
    expect(computeHealth(objectsOf([...healthy(), dying])).status).toBe("Healthy");
  });

  it("keeps failing readiness probes at Progressing until the deadline passes", () => {
    const notReady = pod(W, 0, { state: "not-ready" });
    const unhealthy = warningEvent(notReady, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", { now: NOW });
    const progressing = computeHealth(objectsOf([deployment(W, { phase: "progressing", updated: 1, ready: 0 }), notReady, unhealthy]));
    expect(progressing.status).toBe("Progressing");
    expect(progressing.reasons).toEqual([
      {
        kind: "ReadinessProbeFailed",
        pod: podName(W, 0),
        container: "main",
        message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
        release: "r2",
      },
    ]);
    const silent = computeHealth(objectsOf([deployment(W, { phase: "deadline-exceeded", updated: 1, ready: 0 }), notReady]));
    expect(silent.reasons.map((r) => [r.kind, r.message])).toEqual([
      ["ProgressDeadlineExceeded", `ReplicaSet "checkout-api-${templateHash(W)}" has timed out progressing.`],
      ["ReadinessProbeFailed", "container main is running but never became ready"],
    ]);
  });

  it("is Suspended for a paused Deployment with healthy pods", () => {
    const objs = healthy().map((o) => (o.kind === "Deployment" ? tweak(o, (d) => ((d.spec as Record<string, unknown>).paused = true)) : o));
    expect(computeHealth(objectsOf(objs))).toMatchObject({ status: "Suspended", message: "Deployment is paused" });
  });

  it("reports a failed standalone Job with its last failed pod and counts completions", () => {
    const step = failedJobScenario(W, { logLines: ["relation exists"] }).steps[1];
    const objs = (step?.apply ?? []).filter((o) => o.kind !== "Event");
    const failedPods = objs
      .filter((o) => o.kind === "Pod")
      .map((o) => o.metadata.name)
      .sort();
    const last = failedPods[failedPods.length - 1] ?? "";
    const h = computeHealth(objectsOf(objs, { [`${NS}/${last}/main`]: ["relation exists"] }));
    expect(h).toMatchObject({ status: "Degraded", readyReplicas: 0, desiredReplicas: 1 });
    expect(h.reasons).toEqual([
      {
        kind: "JobFailed",
        object: "Job/checkout-api",
        pod: last,
        container: "main",
        exitCode: 1,
        message: "BackoffLimitExceeded: Job has reached the specified backoff limit (3 failed pods)",
        logTail: ["relation exists"],
      },
    ]);
    const done = computeHealth(objectsOf([job(W, { phase: "complete" })]));
    expect(done).toMatchObject({ status: "Healthy", release: "r2", readyReplicas: 1, desiredReplicas: 1 });
  });

  it("keeps recent warnings only, newest first, capped, with series counts", () => {
    const p = pod(W, 0, { state: "ready" });
    const at = (minutesAgo: number): Date => new Date(NOW.getTime() - minutesAgo * 60_000);
    const events = [
      warningEvent(p, "Old", "from yesterday", { now: at(24 * 60) }),
      warningEvent(p, "BackOff", "b", { now: at(5) }),
      warningEvent(p, "Alpha", "a", { now: at(5) }),
      tweak(warningEvent(p, "Unhealthy", "probe", { now: at(1) }), (e) => (e.series = { count: 42, lastObservedTime: at(0).toISOString() })),
    ];
    const objs = objectsOf([deployment(W, { phase: "available" }), p, ...events]);
    const h = computeHealth(objs, { now: NOW.getTime() });
    expect(h.warnings.map((w) => [w.reason, w.count, w.object])).toEqual([
      ["Unhealthy", 42, `Pod/${podName(W, 0)}`],
      ["Alpha", 1, `Pod/${podName(W, 0)}`],
      ["BackOff", 1, `Pod/${podName(W, 0)}`],
    ]);
    expect(computeHealth(objs, { now: NOW.getTime(), maxWarnings: 1 }).warnings).toHaveLength(1);
    expect(computeHealth(objs).warnings.map((w) => w.reason)).toContain("Old");
  });

  it("gives the same result whatever the input order", () => {
    const step = crashLoopRollout(W, { previousRelease: "r1" }).steps[1]?.apply ?? [];
    const objs = [...step, hpa(W)];
    const forward = computeHealth(objectsOf(objs), { now: NOW.getTime() });
    const backward = computeHealth(objectsOf([...objs].reverse()), { now: NOW.getTime() });
    expect({ ...backward, workloads: [] }).toEqual({ ...forward, workloads: [] });
  });
});

describe("a release runs when the cluster runs it", () => {
  const W3: WorkloadSpec = { ...W, replicas: 3 };
  const readyPods = (w: WorkloadSpec, n: number, of = 3): KubeObject[] =>
    Array.from({ length: of }, (_, i) => pod(w, i, i < n ? { state: "ready" } : { state: "creating" }));

  it("is not Healthy while the Deployment's counters say done but only 2 of the release's 3 pods are Ready", () => {
    const objs = [deployment(W3, { phase: "available" }), ...readyPods(W3, 2)];
    expect(computeHealth(objectsOf(objs))).toMatchObject({ status: "Progressing", message: "2 of 3 pods of release r2 are Ready", desiredRelease: "r2" });
    const all = computeHealth(objectsOf([deployment(W3, { phase: "available" }), ...readyPods(W3, 3)]));
    expect(all).toMatchObject({ status: "Healthy", release: "r2", readyReplicas: 3, desiredReplicas: 3 });
  });

  it("is not Healthy when no pod of the release is seen at all", () => {
    expect(computeHealth(objectsOf([deployment(W, { phase: "available" })]))).toMatchObject({
      status: "Progressing",
      message: "0 of 2 pods of release r2 are Ready",
    });
  });

  it("takes the release from the pod template, not from the Deployment's own labels", () => {
    const objs = (succeedingRollout(W).steps[1]?.apply ?? []).map((o) =>
      o.kind === "Deployment"
        ? tweak(o, (d) => {
            const t = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
            t.metadata.labels = { ...t.metadata.labels, "ferry.dev/release": "r1" };
          })
        : o,
    );
    expect(computeHealth(objectsOf(objs))).toMatchObject({ status: "Progressing", desiredRelease: "r1", release: "r2" });
  });

  it("is not made Degraded by the previous release's crashing pods while the new one rolls out", () => {
    const old: WorkloadSpec = { ...W, release: "r1", generation: 1 };
    const crashing = pod(old, 0, { state: "crashloop", restartCount: 7 });
    const objs = [deployment(W, { phase: "progressing", updated: 1, ready: 0, oldReady: 1 }), pod(W, 0, { state: "creating" }), crashing];
    const h = computeHealth(objectsOf(objs));
    expect(h.status).toBe("Progressing");
    expect(h.reasons).toEqual([expect.objectContaining({ kind: "CrashLoopBackOff", pod: podName(old, 0), release: "r1" })]);
    const newCrashing = computeHealth(objectsOf([...objs, pod(W, 1, { state: "crashloop", restartCount: 2 })]));
    expect(newCrashing).toMatchObject({ status: "Degraded", message: "CrashLoopBackOff in 1 pod" });
  });

  it("needs the StatefulSet's pods of the release Ready, minus a partition", () => {
    const sts = statefulSet(W3, { ready: 3 });
    expect(computeHealth(objectsOf([sts, ...readyPods(W3, 2)])).status).toBe("Progressing");
    expect(computeHealth(objectsOf([sts, ...readyPods(W3, 3)]))).toMatchObject({ status: "Healthy", release: "r2" });
  });

  it("takes a Job's and a CronJob's release from their templates", () => {
    expect(computeHealth(objectsOf([job(W, { phase: "complete" })]))).toMatchObject({ status: "Healthy", desiredRelease: "r2" });
    expect(computeHealth(objectsOf([cronJob(W)]))).toMatchObject({ desiredRelease: "r2" });
  });
});
