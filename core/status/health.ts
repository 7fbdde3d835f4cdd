/**
 * Health of one component in one environment, computed (pure, no I/O) from the objects the
 * observer holds for it. Workload rules follow Argo CD's health checks (gitops-engine):
 *
 * - Deployment: paused → Suspended; generation not yet observed → Progressing; Progressing
 *   condition with reason ProgressDeadlineExceeded → Degraded; fewer updated replicas than
 *   desired, old replicas pending termination, or fewer available than updated → Progressing.
 * - StatefulSet: generation not observed or ready < desired → Progressing; partitioned rolling
 *   update counts updated replicas above the partition; otherwise current revision must equal
 *   the update revision.
 * - Job: Failed condition → Degraded; Complete → Healthy; suspended → Suspended; else Progressing.
 * - CronJob: suspended → Suspended; its latest Job decides (failed → Degraded, running →
 *   Progressing); last schedule after last success with nothing active → Degraded.
 * - HPA: AbleToScale FailedGetScale/FailedUpdateScale or ScalingActive FailedGetResourceMetric/
 *   InvalidSelector → Degraded; SucceededRescale or a ScalingLimited reason → Healthy; else Progressing.
 *
 * On top, pods supply the reasons people need (CrashLoopBackOff with restarts and log tail,
 * OOMKilled with the memory limit, image pull errors, Unschedulable with the scheduler's message,
 * failing readiness probes); any of the hard failures of a pod of the release the workloads carry
 * makes the component Degraded even while the Deployment still reports progress and the previous
 * release's pods still serve.
 *
 * A release runs when the cluster runs it: Healthy also needs the workloads' pod templates to
 * carry one `ferry.dev/release` (`desiredRelease`) and, for Deployments and StatefulSets, as many
 * Ready pods of that release as desired (the Deployment's own counters are not enough: they can
 * count the previous release's pods).
 */
import { z } from "zod";
import {
  logKey,
  type ClusterObjects,
  type Condition,
  type Container,
  type CronJob,
  type Deployment,
  type HorizontalPodAutoscaler,
  type Job,
  type KubeEvent,
  type Pod,
  type StatefulSet,
} from "./cluster-objects.js";
import { LABEL_RELEASE } from "./components.js";

/**
 * Ferry's one health vocabulary: Argo CD's statuses (Unknown: looked, nothing to judge), plus
 * NotObserved: nobody looked (the environment has no cluster context, or Ferry does not watch it).
 * {@link computeHealth} never answers NotObserved; the promotion gates and the health source do.
 */
export const HealthStatus = z.enum(["Healthy", "Suspended", "Progressing", "Degraded", "Unknown", "NotObserved"]);
export type HealthStatus = z.infer<typeof HealthStatus>;

/** What went wrong, as Kubernetes names it. */
export type ReasonKind =
  | "CrashLoopBackOff"
  | "OOMKilled"
  | "ImagePullBackOff"
  | "ErrImagePull"
  | "Unschedulable"
  | "ProgressDeadlineExceeded"
  | "ReadinessProbeFailed"
  | "JobFailed"
  | "CreateContainerConfigError"
  | "ContainerError";

/** Reasons that make a component Degraded (failing readiness alone only keeps it Progressing). */
export const HARD_FAILURES: readonly ReasonKind[] = [
  "CrashLoopBackOff",
  "OOMKilled",
  "ImagePullBackOff",
  "ErrImagePull",
  "Unschedulable",
  "ProgressDeadlineExceeded",
  "JobFailed",
  "CreateContainerConfigError",
  "ContainerError",
];

/** One reason a component is not healthy. */
export interface HealthReason {
  kind: ReasonKind;
  /** The object it is about when that is not a pod (`Deployment/checkout-api`, `Job/migrate`). */
  object?: string;
  pod?: string;
  container?: string;
  /** Kubernetes' own message (scheduler, kubelet, controller), or a description when it gave none. */
  message: string;
  restartCount?: number;
  /** Exit code of the last termination. */
  exitCode?: number;
  /** Last lines of the previous (crashed) or terminated container's log. */
  logTail?: string[];
  /** The image that could not be pulled. */
  image?: string;
  /** Memory limit of the OOMKilled container. */
  memoryLimit?: string;
  /** Resource requests of the unschedulable pod's containers. */
  requests?: { cpu?: string; memory?: string };
  /** The release (`ferry.dev/release`) of the pod it is about, when labelled. */
  release?: string;
}

/** A recent Warning event about one of the component's objects. */
export interface WarningSummary {
  reason: string;
  message: string;
  /** `Kind/name` of the object it is about. */
  object: string;
  count: number;
  /** ISO time it was last seen, when known. */
  lastSeen?: string;
}

/** Health of one workload object. */
export interface WorkloadHealth {
  kind: string;
  name: string;
  status: HealthStatus;
  message: string;
}

/** Health of a component in an environment. */
export interface ComponentHealth {
  status: HealthStatus;
  /** One line explaining the status. */
  message: string;
  /** The release the ready pods run (the majority when mixed). */
  release?: string;
  /** The release the workload objects carry (what was deployed). */
  desiredRelease?: string;
  /** Ready pods per release, most first. */
  releases: { release: string; ready: number }[];
  readyReplicas: number;
  desiredReplicas: number;
  workloads: WorkloadHealth[];
  reasons: HealthReason[];
  warnings: WarningSummary[];
}

/** Options of {@link computeHealth}. */
export const HealthOptions = z.object({
  /** Current time in ms; with it, warnings older than the window are left out. @default no age filter */
  now: z.number().optional(),
  /** Age limit of warnings, in ms. @default 3600000 (1 hour) */
  warningWindowMs: z.number().positive().default(3_600_000),
  /** At most this many warnings. @default 10 */
  maxWarnings: z.number().int().nonnegative().default(10),
});
export type HealthOptions = z.input<typeof HealthOptions>;

/** Best to worst for aggregation; Unknown and NotObserved lose to any status that was judged. */
const ORDER: Record<HealthStatus, number> = { Healthy: 0, Suspended: 1, Progressing: 2, Degraded: 3, Unknown: -1, NotObserved: -2 };

/** The worse of two statuses (Unknown or NotObserved only when both are). */
export function worse(a: HealthStatus, b: HealthStatus): HealthStatus {
  return ORDER[b] > ORDER[a] ? b : a;
}

function cond(conditions: Condition[] | null | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

function h(kind: string, name: string, status: HealthStatus, message: string): WorkloadHealth {
  return { kind, name, status, message };
}

/** Argo CD's Deployment health. */
export function deploymentHealth(d: Deployment): WorkloadHealth {
  const name = d.metadata.name;
  const spec = d.spec ?? {};
  const st = d.status ?? {};
  if (spec.paused) return h("Deployment", name, "Suspended", "Deployment is paused");
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) {
    return h("Deployment", name, "Progressing", "Waiting for rollout to finish: observed deployment generation less than desired generation");
  }
  const progressing = cond(st.conditions, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") return h("Deployment", name, "Degraded", `Deployment "${name}" exceeded its progress deadline`);
  const replicas = spec.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  const total = st.replicas ?? 0;
  const available = st.availableReplicas ?? 0;
  if (updated < replicas) {
    return h("Deployment", name, "Progressing", `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`);
  }
  if (total > updated) {
    return h("Deployment", name, "Progressing", `Waiting for rollout to finish: ${total - updated} old replicas are pending termination...`);
  }
  if (available < updated) {
    return h("Deployment", name, "Progressing", `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`);
  }
  return h("Deployment", name, "Healthy", `${available} of ${replicas} replicas available`);
}

/** Argo CD's StatefulSet health. */
export function statefulSetHealth(s: StatefulSet): WorkloadHealth {
  const name = s.metadata.name;
  const spec = s.spec ?? {};
  const st = s.status ?? {};
  const observed = st.observedGeneration ?? 0;
  if (observed === 0 || (s.metadata.generation ?? 0) > observed) {
    return h("StatefulSet", name, "Progressing", "Waiting for statefulset spec update to be observed...");
  }
  const replicas = spec.replicas ?? 1;
  const ready = st.readyReplicas ?? 0;
  if (ready < replicas) return h("StatefulSet", name, "Progressing", `Waiting for ${replicas - ready} pods to be ready...`);
  const strategy = spec.updateStrategy ?? {};
  const partition = strategy.rollingUpdate?.partition;
  if ((strategy.type ?? "RollingUpdate") === "RollingUpdate" && partition !== undefined && partition !== null && partition > 0) {
    const expected = replicas - partition;
    const updated = st.updatedReplicas ?? 0;
    if (updated < expected) {
      return h("StatefulSet", name, "Progressing", `Waiting for partitioned roll out to finish: ${updated} out of ${expected} new pods have been updated...`);
    }
    return h("StatefulSet", name, "Healthy", `partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  if (strategy.type === "OnDelete") return h("StatefulSet", name, "Healthy", `statefulset has ${ready} ready pods`);
  if ((st.updateRevision ?? "") !== (st.currentRevision ?? "")) {
    return h(
      "StatefulSet",
      name,
      "Progressing",
      `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision ?? ""}...`,
    );
  }
  return h(
    "StatefulSet",
    name,
    "Healthy",
    `statefulset rolling update complete ${st.currentReplicas ?? ready} pods at revision ${st.currentRevision ?? ""}...`,
  );
}

/** Argo CD's Job health. */
export function jobHealth(j: Job): WorkloadHealth {
  const name = j.metadata.name;
  const failed = (j.status?.conditions ?? []).find((c) => c.type === "Failed" && c.status === "True");
  if (failed) return h("Job", name, "Degraded", failed.message ?? `Job "${name}" failed`);
  const complete = (j.status?.conditions ?? []).find((c) => c.type === "Complete" && c.status === "True");
  if (complete) return h("Job", name, "Healthy", complete.message ?? "job completed");
  const suspended = (j.status?.conditions ?? []).find((c) => c.type === "Suspended" && c.status === "True");
  if (suspended || j.spec?.suspend) return h("Job", name, "Suspended", suspended?.message ?? "Job is suspended");
  return h("Job", name, "Progressing", `job running: ${j.status?.active ?? 0} active, ${j.status?.failed ?? 0} failed`);
}

function time(t: string | null | undefined): number {
  const ms = Date.parse(t ?? "");
  return Number.isNaN(ms) ? 0 : ms;
}

function jobStart(j: Job): number {
  return Math.max(time(j.status?.startTime), time(j.metadata.creationTimestamp));
}

/** The Jobs a CronJob owns (by owner reference uid, else name). */
function ownedJobs(cj: CronJob, jobs: Job[]): Job[] {
  return jobs.filter((j) =>
    (j.metadata.ownerReferences ?? []).some(
      (o) => o.kind === "CronJob" && (cj.metadata.uid && o.uid ? o.uid === cj.metadata.uid : o.name === cj.metadata.name),
    ),
  );
}

function latestJob(jobs: Job[]): Job | undefined {
  return [...jobs].sort((a, b) => jobStart(b) - jobStart(a) || (a.metadata.name < b.metadata.name ? 1 : -1))[0];
}

/** Argo CD's CronJob health, decided by the latest Job it owns when there is one. */
export function cronJobHealth(cj: CronJob, jobs: Job[]): WorkloadHealth {
  const name = cj.metadata.name;
  if (cj.spec?.suspend) return h("CronJob", name, "Suspended", "CronJob is Suspended");
  const latest = latestJob(ownedJobs(cj, jobs));
  if (latest) {
    const jh = jobHealth(latest);
    if (jh.status === "Degraded") return h("CronJob", name, "Degraded", `last Job ${latest.metadata.name} failed: ${jh.message}`);
    if (jh.status === "Progressing") return h("CronJob", name, "Progressing", `Job ${latest.metadata.name} is running`);
  }
  const st = cj.status ?? {};
  if (st.lastScheduleTime) {
    if (!st.lastSuccessfulTime) {
      if ((st.active ?? []).length > 0) return h("CronJob", name, "Progressing", "The job is running its first execution");
      if (!latest) return h("CronJob", name, "Progressing", "The job is running its first execution");
    } else if (time(st.lastScheduleTime) > time(st.lastSuccessfulTime) && (st.active ?? []).length === 0 && latest?.status?.succeeded === undefined) {
      return h("CronJob", name, "Degraded", "CronJob has not completed its last execution successfully");
    }
    return h("CronJob", name, "Healthy", "The last job was successful");
  }
  return h("CronJob", name, "Healthy", "CronJob has not been scheduled yet");
}

const HPA_DEGRADED = new Set([
  "AbleToScale/FailedGetScale",
  "AbleToScale/FailedUpdateScale",
  "ScalingActive/FailedGetResourceMetric",
  "ScalingActive/InvalidSelector",
]);
const HPA_HEALTHY = new Set([
  "AbleToScale/SucceededRescale",
  "ScalingLimited/DesiredWithinRange",
  "ScalingLimited/TooFewReplicas",
  "ScalingLimited/TooManyReplicas",
]);

/** Argo CD's HorizontalPodAutoscaler health. */
export function hpaHealth(a: HorizontalPodAutoscaler): WorkloadHealth {
  const name = a.metadata.name;
  for (const c of a.status?.conditions ?? []) {
    const k = `${c.type}/${c.reason ?? ""}`;
    if (HPA_DEGRADED.has(k)) return h("HorizontalPodAutoscaler", name, "Degraded", c.message ?? k);
    if (HPA_HEALTHY.has(k)) return h("HorizontalPodAutoscaler", name, "Healthy", c.message ?? k);
  }
  return h("HorizontalPodAutoscaler", name, "Progressing", "Waiting to Autoscale");
}

function isPodReady(p: Pod): boolean {
  return !p.metadata.deletionTimestamp && cond(p.status?.conditions, "Ready")?.status === "True";
}

function containerSpec(p: Pod, name: string): Container | undefined {
  return [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].find((c) => c.name === name);
}

function quantity(v: string | number | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

function podRequests(p: Pod): { cpu?: string; memory?: string } | undefined {
  const cpu: string[] = [];
  const memory: string[] = [];
  for (const c of p.spec?.containers ?? []) {
    const r = c.resources?.requests ?? {};
    const cv = quantity(r.cpu);
    const mv = quantity(r.memory);
    if (cv !== undefined) cpu.push(cv);
    if (mv !== undefined) memory.push(mv);
  }
  if (cpu.length === 0 && memory.length === 0) return undefined;
  return { ...(cpu.length > 0 ? { cpu: cpu.join("+") } : {}), ...(memory.length > 0 ? { memory: memory.join("+") } : {}) };
}

/** Argo CD's rule for waiting reasons that mean failure (Err*, *Error, *BackOff), plus InvalidImageName. */
function isContainerErrorReason(reason: string): boolean {
  return reason.startsWith("Err") || reason.endsWith("Error") || reason.endsWith("BackOff") || reason === "InvalidImageName";
}

/** Readiness-probe failure messages from Unhealthy events, by pod name. */
function readinessFailures(events: KubeEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    if (e.involvedObject.kind === "Pod" && e.reason === "Unhealthy" && (e.message ?? "").startsWith("Readiness probe failed") && e.involvedObject.name) {
      out.set(e.involvedObject.name, e.message ?? "");
    }
  }
  return out;
}

/** Reasons found in the pods (one per failing container, plus one per unschedulable pod). */
export function podReasons(pods: Pod[], logs: ClusterObjects["logs"], events: KubeEvent[], options: { readinessStalled?: boolean } = {}): HealthReason[] {
  const out: HealthReason[] = [];
  const probes = readinessFailures(events);
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    const podName = p.metadata.name;
    const ns = p.metadata.namespace ?? "";
    const podRelease = releaseOf(p.metadata.labels);
    const tagged = podRelease !== undefined ? { release: podRelease } : {};
    const scheduled = cond(p.status?.conditions, "PodScheduled");
    if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
      const requests = podRequests(p);
      out.push({ kind: "Unschedulable", pod: podName, message: scheduled.message ?? "pod cannot be scheduled", ...(requests ? { requests } : {}), ...tagged });
      continue;
    }
    const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
    for (const cs of statuses) {
      const base = { pod: podName, container: cs.name, ...tagged };
      const tail = logs[logKey(ns, podName, cs.name)];
      const withTail = tail && tail.length > 0 ? { logTail: tail } : {};
      const waiting = cs.state?.waiting;
      const last = cs.lastState?.terminated;
      const term = cs.state?.terminated;
      const memoryLimit = quantity(containerSpec(p, cs.name)?.resources?.limits?.memory);
      const oom = (t: NonNullable<typeof term>, restarts: number): HealthReason => ({
        kind: "OOMKilled",
        ...base,
        message: `container ${cs.name} was killed for running out of memory (exit code ${t.exitCode})${restarts > 0 ? `, restarted ${restarts} times` : ""}`,
        restartCount: cs.restartCount,
        exitCode: t.exitCode,
        ...(memoryLimit !== undefined ? { memoryLimit } : {}),
        ...withTail,
      });
      const reason = waiting?.reason ?? "";
      if (reason === "CrashLoopBackOff") {
        if (last?.reason === "OOMKilled") out.push(oom(last, cs.restartCount));
        else {
          out.push({
            kind: "CrashLoopBackOff",
            ...base,
            message: waiting?.message ?? `container ${cs.name} keeps crashing`,
            restartCount: cs.restartCount,
            ...(last ? { exitCode: last.exitCode } : {}),
            ...withTail,
          });
        }
      } else if (reason === "ImagePullBackOff" || reason === "ErrImagePull") {
        const image = containerSpec(p, cs.name)?.image ?? cs.image;
        out.push({ kind: reason, ...base, message: waiting?.message ?? `cannot pull image ${image ?? ""}`, ...(image ? { image } : {}) });
      } else if (reason === "CreateContainerConfigError") {
        out.push({ kind: "CreateContainerConfigError", ...base, message: waiting?.message ?? "container configuration is invalid" });
      } else if (reason !== "" && isContainerErrorReason(reason)) {
        out.push({ kind: "ContainerError", ...base, message: `${reason}: ${waiting?.message ?? ""}`.replace(/: $/, "") });
      } else if (term?.reason === "OOMKilled") {
        out.push(oom(term, cs.restartCount));
      } else if (cs.state?.running && !cs.ready && last?.reason === "OOMKilled" && cs.restartCount > 0) {
        out.push(oom(last, cs.restartCount));
      } else if (cs.state?.running && !cs.ready && p.status?.phase === "Running") {
        const probe = probes.get(podName);
        if (probe !== undefined || options.readinessStalled) {
          out.push({ kind: "ReadinessProbeFailed", ...base, message: probe ?? `container ${cs.name} is running but never became ready` });
        }
      }
    }
  }
  return out;
}

function jobPods(j: Job, pods: Pod[]): Pod[] {
  return pods.filter((p) =>
    (p.metadata.ownerReferences ?? []).some((o) => o.kind === "Job" && (j.metadata.uid && o.uid ? o.uid === j.metadata.uid : o.name === j.metadata.name)),
  );
}

/** A JobFailed reason for a failed Job, with the last failed pod's exit code and log tail. */
function jobFailure(j: Job, pods: Pod[], logs: ClusterObjects["logs"]): HealthReason {
  const failedCond = (j.status?.conditions ?? []).find((c) => c.type === "Failed" && c.status === "True");
  const failedPods = jobPods(j, pods)
    .filter((p) => p.status?.phase === "Failed")
    .sort((a, b) => time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp) || (a.metadata.name < b.metadata.name ? 1 : -1));
  const reason: HealthReason = {
    kind: "JobFailed",
    object: `Job/${j.metadata.name}`,
    message: `${failedCond?.reason ? `${failedCond.reason}: ` : ""}${failedCond?.message ?? "Job failed"}${j.status?.failed ? ` (${j.status.failed} failed pods)` : ""}`,
  };
  const p = failedPods[0];
  if (!p) return reason;
  const cs = (p.status?.containerStatuses ?? []).find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
  const tail = cs ? logs[logKey(p.metadata.namespace ?? "", p.metadata.name, cs.name)] : undefined;
  return {
    ...reason,
    pod: p.metadata.name,
    ...(cs ? { container: cs.name, exitCode: cs.state?.terminated?.exitCode ?? 0 } : {}),
    ...(tail && tail.length > 0 ? { logTail: tail } : {}),
  };
}

function lastSeen(e: KubeEvent): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? undefined;
}

function warnings(events: KubeEvent[], o: z.infer<typeof HealthOptions>): WarningSummary[] {
  const list = events
    .filter((e) => (e.type ?? "Warning") === "Warning")
    .map((e) => {
      const seen = lastSeen(e);
      return {
        reason: e.reason ?? "",
        message: (e.message ?? "").trim(),
        object: `${e.involvedObject.kind ?? "?"}/${e.involvedObject.name ?? "?"}`,
        count: e.series?.count ?? e.count ?? 1,
        ...(seen ? { lastSeen: seen } : {}),
      };
    })
    .filter((w) => o.now === undefined || w.lastSeen === undefined || time(w.lastSeen) >= o.now - o.warningWindowMs);
  list.sort(
    (a, b) =>
      time(b.lastSeen) - time(a.lastSeen) ||
      (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0) ||
      (a.object < b.object ? -1 : a.object > b.object ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
  return list.slice(0, o.maxWarnings);
}

/** Reason kinds, most telling first: the order reasons are listed and diagnosed in. */
export const REASON_ORDER: readonly ReasonKind[] = [
  "ProgressDeadlineExceeded",
  "JobFailed",
  "OOMKilled",
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "CreateContainerConfigError",
  "ContainerError",
  "Unschedulable",
  "ReadinessProbeFailed",
];

function sortReasons(reasons: HealthReason[]): HealthReason[] {
  const k = (r: HealthReason): string => `${String(REASON_ORDER.indexOf(r.kind)).padStart(2, "0")}/${r.object ?? ""}/${r.pod ?? ""}/${r.container ?? ""}`;
  return [...reasons].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

function releaseOf(labels: Record<string, string> | null | undefined): string | undefined {
  return labels?.[LABEL_RELEASE] || undefined;
}

type Templated = { metadata: { labels?: Record<string, string> | null }; spec?: unknown };

function podTemplateLabels(w: Templated): Record<string, string> | null | undefined {
  return (w.spec as { template?: { metadata?: { labels?: Record<string, string> | null } | null } | null } | null | undefined)?.template?.metadata?.labels;
}

function jobTemplateLabels(cj: CronJob): Record<string, string> | null | undefined {
  return cj.spec?.jobTemplate?.spec?.template?.metadata?.labels;
}

/**
 * The one release the workloads' pod templates carry (the object's own label when its template
 * has none); undefined when they carry none, or different ones (a change half applied).
 */
function templateRelease(workloads: readonly Templated[], cronJobs: readonly CronJob[]): string | undefined {
  const found = new Set<string>();
  for (const w of workloads) {
    const r = releaseOf(podTemplateLabels(w)) ?? releaseOf(w.metadata.labels);
    if (r !== undefined) found.add(r);
  }
  for (const cj of cronJobs) {
    const r = releaseOf(jobTemplateLabels(cj)) ?? releaseOf(cj.metadata.labels);
    if (r !== undefined) found.add(r);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** Ready pods a release needs: desired replicas, minus a StatefulSet's partition (pods it keeps on the old revision on purpose). */
function requiredReadyPods(deployments: readonly Deployment[], statefulSets: readonly StatefulSet[]): number {
  let n = 0;
  for (const d of deployments) n += d.spec?.replicas ?? 1;
  for (const s of statefulSets) {
    const replicas = s.spec?.replicas ?? 1;
    const partition = s.spec?.updateStrategy?.type !== "OnDelete" ? (s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    n += Math.max(0, replicas - (partition ?? 0));
  }
  return n;
}

/**
 * Health of one component from its objects (as {@link selectComponent} returns them).
 * Deterministic: the same objects and options give the same result.
 */
export function computeHealth(objects: ClusterObjects, options: HealthOptions = {}): ComponentHealth {
  const o = HealthOptions.parse(options);
  const standaloneJobs = objects.jobs.filter((j) => !(j.metadata.ownerReferences ?? []).some((r) => r.kind === "CronJob"));
  const workloads: WorkloadHealth[] = [
    ...objects.deployments.map(deploymentHealth),
    ...objects.statefulSets.map(statefulSetHealth),
    ...objects.cronJobs.map((cj) => cronJobHealth(cj, objects.jobs)),
    ...standaloneJobs.map(jobHealth),
    ...objects.hpas.map(hpaHealth),
  ];
  const hasWorkload = objects.deployments.length + objects.statefulSets.length + objects.cronJobs.length + objects.jobs.length > 0;

  const deadline = objects.deployments.filter((d) => cond(d.status?.conditions, "Progressing")?.reason === "ProgressDeadlineExceeded");
  const reasons: HealthReason[] = deadline.map((d) => ({
    kind: "ProgressDeadlineExceeded",
    object: `Deployment/${d.metadata.name}`,
    message: cond(d.status?.conditions, "Progressing")?.message ?? `Deployment "${d.metadata.name}" exceeded its progress deadline`,
  }));
  const countedJobs = [
    ...standaloneJobs,
    ...objects.cronJobs.flatMap((cj) => {
      const latest = latestJob(ownedJobs(cj, objects.jobs));
      return latest ? [latest] : [];
    }),
  ];
  for (const j of countedJobs) if (jobHealth(j).status === "Degraded") reasons.push(jobFailure(j, objects.pods, objects.logs));
  const jobPodNames = new Set(objects.jobs.flatMap((j) => jobPods(j, objects.pods)).map((p) => p.metadata.name));
  const longRunning = objects.pods.filter((p) => !jobPodNames.has(p.metadata.name));
  reasons.push(...podReasons(longRunning, objects.logs, objects.events, { readinessStalled: deadline.length > 0 }));
  // Job pods: only OOM kills add information beyond the JobFailed reason.
  reasons.push(
    ...podReasons(
      objects.pods.filter((p) => jobPodNames.has(p.metadata.name)),
      objects.logs,
      objects.events,
    ).filter((r) => r.kind === "OOMKilled"),
  );

  const desiredRelease = templateRelease([...objects.deployments, ...objects.statefulSets, ...standaloneJobs], objects.cronJobs);
  const counts = new Map<string, number>();
  for (const p of longRunning) {
    const r = releaseOf(p.metadata.labels);
    if (r !== undefined && isPodReady(p)) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const releases = [...counts.entries()]
    .map(([release, ready]) => ({ release, ready }))
    .sort((a, b) => b.ready - a.ready || (a.release === desiredRelease ? -1 : b.release === desiredRelease ? 1 : a.release < b.release ? -1 : 1));
  let release = releases[0]?.release;
  if (release === undefined) {
    const done = latestJob(countedJobs.filter((j) => jobHealth(j).status === "Healthy"));
    release = done ? releaseOf(done.metadata.labels) : undefined;
  }

  let readyReplicas = 0;
  let desiredReplicas = 0;
  for (const w of [...objects.deployments, ...objects.statefulSets]) {
    readyReplicas += w.status?.readyReplicas ?? 0;
    desiredReplicas += w.spec?.replicas ?? 1;
  }
  if (objects.deployments.length + objects.statefulSets.length === 0) {
    for (const j of countedJobs) {
      readyReplicas += j.status?.succeeded ?? 0;
      desiredReplicas += j.spec?.completions ?? 1;
    }
  }

  let status: HealthStatus = "Unknown";
  let message = "no Deployment, StatefulSet, CronJob or Job found";
  if (hasWorkload) {
    const worst = workloads.reduce<WorkloadHealth | undefined>((acc, w) => (acc === undefined || ORDER[w.status] > ORDER[acc.status] ? w : acc), undefined);
    status = worst?.status ?? "Healthy";
    message = worst?.message ?? "";
  }
  // The previous release's pods failing do not make the release the workloads carry Degraded.
  const hard = reasons.filter(
    (r) => HARD_FAILURES.includes(r.kind) && (r.release === undefined || desiredRelease === undefined || r.release === desiredRelease),
  );
  if (hasWorkload && hard.length > 0 && status !== "Degraded") {
    status = "Degraded";
    const kinds = [...new Set(hard.map((r) => r.kind))];
    const pods = new Set(hard.map((r) => r.pod).filter((p) => p !== undefined));
    message = `${kinds.join(", ")}${pods.size > 0 ? ` in ${pods.size} pod${pods.size === 1 ? "" : "s"}` : ""}`;
  }
  const served = objects.deployments.length + objects.statefulSets.length > 0;
  if (status === "Healthy" && served) {
    const required = requiredReadyPods(objects.deployments, objects.statefulSets);
    const own = desiredRelease === undefined ? 0 : (counts.get(desiredRelease) ?? 0);
    if (desiredRelease === undefined) {
      status = "Progressing";
      message = `the pod templates carry no single ${LABEL_RELEASE} label`;
    } else if (own < required) {
      status = "Progressing";
      message =
        release !== undefined && release !== desiredRelease
          ? `ready pods still run release ${release}, waiting for ${desiredRelease} (${own} of ${required} ready)`
          : `${own} of ${required} pods of release ${desiredRelease} are Ready`;
    } else {
      release = desiredRelease;
    }
  }
  return {
    status,
    message,
    ...(release !== undefined ? { release } : {}),
    ...(desiredRelease !== undefined ? { desiredRelease } : {}),
    releases,
    readyReplicas,
    desiredReplicas,
    workloads,
    reasons: sortReasons(reasons),
    warnings: warnings(objects.events, o),
  };
}

/** The health of a component Ferry has nothing to judge by yet (its context unread or not watched): Unknown, with why. */
export function unknownHealth(message: string): ComponentHealth {
  return { status: "Unknown", message, releases: [], readyReplicas: 0, desiredReplicas: 0, workloads: [], reasons: [], warnings: [] };
}
