/**
 * Builders of real Kubernetes object shapes for the workloads Ferry renders, and scripted
 * rollouts (a list of steps to apply to the fake) for the situations Ferry must recognise:
 * a rollout that succeeds, CrashLoopBackOff, OOMKilled, ImagePullBackOff / ErrImagePull,
 * Unschedulable, ProgressDeadlineExceeded with failing readiness probes, and a failed Job.
 *
 * Shapes follow what the kube-controller-manager, the scheduler and the kubelet write
 * (condition types, reasons and message formats of Kubernetes 1.30+).
 */
import { createHash } from "node:crypto";
import type { KubeObject, ObjectRef } from "./objects.js";
import type { PodLog, ScenarioStep } from "./server.js";

/** Which component instance a builder produces objects for. */
export interface WorkloadSpec {
  project: string;
  component: string;
  environment: string;
  /** The release (ferry.dev/release) being rolled out. */
  release: string;
  /** @default `<project>-<environment>` */
  namespace?: string;
  /** @default 2 */
  replicas?: number;
  /** @default `ghcr.io/acme/<component>:<release>` */
  image?: string;
  /** Main container name. @default "main" */
  container?: string;
  /** Memory request and limit. @default "256Mi" */
  memory?: string;
  /** CPU request. @default "250m" */
  cpu?: string;
  /** metadata.generation of the workload. @default 1 */
  generation?: number;
  /** Time the step happens (timestamps are derived from it). @default the current time */
  now?: Date;
}

/** A scripted sequence of cluster states. */
export interface Scenario {
  steps: ScenarioStep[];
}

type Obj = KubeObject;

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function hash(seed: string): Buffer {
  return createHash("sha256").update(seed).digest();
}

/** A Kubernetes-style random suffix (from the safe alphabet), deterministic in `seed`. */
export function suffix(seed: string, length: number): string {
  const h = hash(seed);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[(h[i] ?? 0) % ALPHABET.length];
  return out;
}

/** A UUID-shaped uid, deterministic in `seed`. */
export function uid(seed: string): string {
  const h = hash(seed).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function iso(d: Date, offsetSeconds = 0): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000 + offsetSeconds * 1000).toISOString().replace(".000Z", "Z");
}

interface Resolved {
  project: string;
  component: string;
  environment: string;
  release: string;
  namespace: string;
  replicas: number;
  image: string;
  container: string;
  memory: string;
  cpu: string;
  generation: number;
  now: Date;
}

function resolve(w: WorkloadSpec): Resolved {
  return {
    project: w.project,
    component: w.component,
    environment: w.environment,
    release: w.release,
    namespace: w.namespace ?? `${w.project}-${w.environment}`,
    replicas: w.replicas ?? 2,
    image: w.image ?? `ghcr.io/acme/${w.component}:${w.release}`,
    container: w.container ?? "main",
    memory: w.memory ?? "256Mi",
    cpu: w.cpu ?? "250m",
    generation: w.generation ?? 1,
    now: w.now ?? new Date(),
  };
}

/** Labels that select a component's pods (stable across releases). */
export function selectorLabels(w: WorkloadSpec): Record<string, string> {
  return { "ferry.dev/component": w.component, "ferry.dev/environment": w.environment, "ferry.dev/project": w.project };
}

/** Every label Ferry puts on a rendered object (and its pod template) for this release. */
export function ferryLabels(w: WorkloadSpec): Record<string, string> {
  return {
    "app.kubernetes.io/instance": `${w.component}-${w.environment}`,
    "app.kubernetes.io/managed-by": "ferry",
    "app.kubernetes.io/name": w.component,
    "app.kubernetes.io/part-of": w.project,
    "app.kubernetes.io/version": w.release,
    ...selectorLabels(w),
    "ferry.dev/release": w.release,
  };
}

/** The pod-template-hash of a release (deterministic). */
export function templateHash(w: WorkloadSpec): string {
  const r = resolve(w);
  return suffix(`${r.namespace}/${r.component}/${r.release}/${r.image}`, 10);
}

function podTemplate(r: Resolved, extraLabels: Record<string, string> = {}): object {
  return {
    metadata: { labels: { ...ferryLabels(r), ...extraLabels } },
    spec: {
      containers: [
        {
          name: r.container,
          image: r.image,
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          resources: { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memory } },
          readinessProbe: { httpGet: { path: "/healthz", port: "http", scheme: "HTTP" }, periodSeconds: 10, failureThreshold: 3 },
          imagePullPolicy: "IfNotPresent",
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
        },
      ],
      restartPolicy: "Always",
      serviceAccountName: r.component,
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
    },
  };
}

function condition(type: string, status: "True" | "False", now: Date, reason?: string, message?: string, withUpdate = false): object {
  return {
    type,
    status,
    ...(withUpdate ? { lastUpdateTime: iso(now) } : {}),
    lastTransitionTime: iso(now),
    ...(reason !== undefined ? { reason } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}

/** Deployment rollout states the builder can express. */
export type DeploymentPhase =
  | { phase: "progressing"; updated: number; ready: number; oldReady?: number }
  | { phase: "available" }
  | { phase: "deadline-exceeded"; updated: number; ready: number; oldReady?: number };

/** The Deployment of a component (name = component) with the status its controller writes in `phase`. */
export function deployment(w: WorkloadSpec, state: DeploymentPhase): Obj {
  const r = resolve(w);
  const rsName = `${r.component}-${templateHash(r)}`;
  const base: Obj = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: r.component,
      namespace: r.namespace,
      uid: uid(`deploy/${r.namespace}/${r.component}`),
      generation: r.generation,
      labels: ferryLabels(r),
      annotations: { "deployment.kubernetes.io/revision": String(r.generation) },
    },
    spec: {
      replicas: r.replicas,
      selector: { matchLabels: selectorLabels(r) },
      template: podTemplate(r),
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
  };
  if (state.phase === "available") {
    base.status = {
      observedGeneration: r.generation,
      replicas: r.replicas,
      updatedReplicas: r.replicas,
      readyReplicas: r.replicas,
      availableReplicas: r.replicas,
      conditions: [
        condition("Available", "True", r.now, "MinimumReplicasAvailable", "Deployment has minimum availability.", true),
        condition("Progressing", "True", r.now, "NewReplicaSetAvailable", `ReplicaSet "${rsName}" has successfully progressed.`, true),
      ],
    };
    return base;
  }
  const oldReady = state.oldReady ?? 0;
  const ready = state.ready + oldReady;
  const total = state.updated + oldReady;
  const minAvailable = r.replicas - Math.floor(r.replicas * 0.25);
  const available =
    ready >= minAvailable
      ? condition("Available", "True", r.now, "MinimumReplicasAvailable", "Deployment has minimum availability.", true)
      : condition("Available", "False", r.now, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", true);
  const progressing =
    state.phase === "progressing"
      ? condition("Progressing", "True", r.now, "ReplicaSetUpdated", `ReplicaSet "${rsName}" is progressing.`, true)
      : condition("Progressing", "False", r.now, "ProgressDeadlineExceeded", `ReplicaSet "${rsName}" has timed out progressing.`, true);
  base.status = {
    observedGeneration: r.generation,
    replicas: total,
    updatedReplicas: state.updated,
    ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
    ...(total - ready > 0 ? { unavailableReplicas: total - ready } : {}),
    conditions: [available, progressing],
  };
  return base;
}

/** The ReplicaSet the Deployment controller creates for this release. */
export function replicaSet(w: WorkloadSpec, replicas: number, ready: number): Obj {
  const r = resolve(w);
  const hashValue = templateHash(r);
  const name = `${r.component}-${hashValue}`;
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: r.namespace,
      uid: uid(`rs/${r.namespace}/${name}`),
      labels: { ...ferryLabels(r), "pod-template-hash": hashValue },
      annotations: { "deployment.kubernetes.io/desired-replicas": String(r.replicas), "deployment.kubernetes.io/revision": String(r.generation) },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: r.component,
          uid: uid(`deploy/${r.namespace}/${r.component}`),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...selectorLabels(r), "pod-template-hash": hashValue } },
      template: podTemplate(r, { "pod-template-hash": hashValue }),
    },
    status: {
      replicas,
      observedGeneration: 1,
      fullyLabeledReplicas: replicas,
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
    },
  };
}

/** States of a pod's main container that the builders produce. */
export type PodState =
  | { state: "creating" }
  | { state: "ready" }
  | { state: "not-ready" }
  | { state: "crashloop"; restartCount: number; exitCode?: number }
  | { state: "oomkilled"; restartCount: number }
  | { state: "image-pull"; reason: "ImagePullBackOff" | "ErrImagePull"; message?: string }
  | { state: "unschedulable"; message: string }
  | { state: "failed"; exitCode?: number }
  | { state: "succeeded" };

/** The name of the `index`th pod of this release's ReplicaSet. */
export function podName(w: WorkloadSpec, index: number): string {
  const r = resolve(w);
  return `${r.component}-${templateHash(r)}-${suffix(`${r.namespace}/${r.release}/${index}`, 5)}`;
}

interface PodOwner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

function containerStatus(r: Resolved, pod: string, s: PodState): object | undefined {
  const base = { name: r.container, image: r.image, imageID: "", started: false, ready: false, restartCount: 0 };
  const containerID = `containerd://${createHash("sha256")
    .update(`${pod}/${JSON.stringify(s)}`)
    .digest("hex")}`;
  const imageID = `${r.image.split(":")[0] ?? r.image}@sha256:${createHash("sha256").update(r.image).digest("hex")}`;
  const started = iso(r.now, -60);
  switch (s.state) {
    case "unschedulable":
      return undefined;
    case "creating":
      return { ...base, state: { waiting: { reason: "ContainerCreating" } }, lastState: {} };
    case "ready":
      return { ...base, imageID, containerID, started: true, ready: true, state: { running: { startedAt: started } }, lastState: {} };
    case "not-ready":
      return { ...base, imageID, containerID, started: true, ready: false, state: { running: { startedAt: started } }, lastState: {} };
    case "crashloop":
    case "oomkilled": {
      const oom = s.state === "oomkilled";
      return {
        ...base,
        imageID,
        containerID,
        restartCount: s.restartCount,
        state: {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off 2m40s restarting failed container=${r.container} pod=${pod}_${r.namespace}(${uid(`pod/${r.namespace}/${pod}`)})`,
          },
        },
        lastState: {
          terminated: {
            exitCode: oom ? 137 : s.state === "crashloop" ? (s.exitCode ?? 1) : 1,
            reason: oom ? "OOMKilled" : "Error",
            startedAt: iso(r.now, -30),
            finishedAt: iso(r.now, -20),
            containerID,
          },
        },
      };
    }
    case "image-pull":
      return {
        ...base,
        state: {
          waiting: {
            reason: s.reason,
            message:
              s.message ??
              (s.reason === "ImagePullBackOff"
                ? `Back-off pulling image "${r.image}"`
                : `rpc error: code = NotFound desc = failed to pull and unpack image "${r.image}": failed to resolve reference "${r.image}": ${r.image}: not found`),
          },
        },
        lastState: {},
      };
    case "failed":
      return {
        ...base,
        imageID,
        containerID,
        state: { terminated: { exitCode: s.exitCode ?? 1, reason: "Error", startedAt: iso(r.now, -30), finishedAt: iso(r.now, -20), containerID } },
        lastState: {},
      };
    case "succeeded":
      return {
        ...base,
        imageID,
        containerID,
        state: { terminated: { exitCode: 0, reason: "Completed", startedAt: iso(r.now, -30), finishedAt: iso(r.now, -20), containerID } },
        lastState: {},
      };
  }
}

function podConditions(r: Resolved, s: PodState): object[] {
  const t = (type: string, ok: boolean, reason?: string, message?: string): object => condition(type, ok ? "True" : "False", r.now, reason, message);
  if (s.state === "unschedulable") return [condition("PodScheduled", "False", r.now, "Unschedulable", s.message)];
  const ready = s.state === "ready";
  const notReadyMsg = `containers with unready status: [${r.container}]`;
  const done = s.state === "failed" || s.state === "succeeded";
  return [
    t("PodReadyToStartContainers", s.state !== "creating" && s.state !== "image-pull"),
    t("Initialized", true),
    ready ? t("Ready", true) : t("Ready", false, done ? "PodCompleted" : "ContainersNotReady", done ? undefined : notReadyMsg),
    ready ? t("ContainersReady", true) : t("ContainersReady", false, done ? "PodCompleted" : "ContainersNotReady", done ? undefined : notReadyMsg),
    t("PodScheduled", true),
  ];
}

function phaseOf(s: PodState): string {
  switch (s.state) {
    case "creating":
    case "image-pull":
    case "unschedulable":
      return "Pending";
    case "failed":
      return "Failed";
    case "succeeded":
      return "Succeeded";
    default:
      return "Running";
  }
}

/**
 * A pod of this release in state `s`. By default it belongs to the release's ReplicaSet
 * (name from {@link podName}); pass `owner` and `name` for Job or StatefulSet pods.
 */
export function pod(w: WorkloadSpec, index: number, s: PodState, options: { owner?: PodOwner; name?: string; restartPolicy?: string } = {}): Obj {
  const r = resolve(w);
  const hashValue = templateHash(r);
  const name = options.name ?? podName(r, index);
  const rsName = `${r.component}-${hashValue}`;
  const owner = options.owner ?? { apiVersion: "apps/v1", kind: "ReplicaSet", name: rsName, uid: uid(`rs/${r.namespace}/${rsName}`) };
  const template = podTemplate(r, options.owner ? {} : { "pod-template-hash": hashValue }) as {
    metadata: { labels: Record<string, string> };
    spec: Record<string, unknown>;
  };
  const cs = containerStatus(r, name, s);
  const scheduled = s.state !== "unschedulable";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: r.namespace,
      uid: uid(`pod/${r.namespace}/${name}`),
      creationTimestamp: iso(r.now, -90),
      labels: template.metadata.labels,
      ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...template.spec,
      ...(options.restartPolicy ? { restartPolicy: options.restartPolicy } : {}),
      ...(scheduled ? { nodeName: `node-${(index % 3) + 1}` } : {}),
    },
    status: {
      phase: phaseOf(s),
      conditions: podConditions(r, s),
      qosClass: "Burstable",
      ...(scheduled ? { hostIP: `10.0.0.${(index % 3) + 11}`, startTime: iso(r.now, -90) } : {}),
      ...(scheduled && s.state !== "creating" && s.state !== "image-pull" ? { podIP: `10.244.${(index % 3) + 1}.${index + 10}` } : {}),
      ...(cs ? { containerStatuses: [cs] } : {}),
    },
  };
}

/**
 * The metrics.k8s.io PodMetrics of pod `index` of this release, as metrics-server reports it
 * (the pod's labels, one window): `usage` per container, e.g. `{main: {cpu: "120m", memory: "200Mi"}}`.
 */
export function podMetrics(w: WorkloadSpec, index: number, usage: Record<string, { cpu: string; memory: string }>): Obj {
  const r = resolve(w);
  const name = podName(r, index);
  const labels = (podTemplate(r, { "pod-template-hash": templateHash(r) }) as { metadata: { labels: Record<string, string> } }).metadata.labels;
  return {
    apiVersion: "metrics.k8s.io/v1beta1",
    kind: "PodMetrics",
    metadata: { name, namespace: r.namespace, creationTimestamp: iso(r.now), labels },
    timestamp: iso(r.now, -15),
    window: "15s",
    containers: Object.entries(usage).map(([container, u]) => ({ name: container, usage: { cpu: u.cpu, memory: u.memory } })),
  };
}

/** Who reports an event. */
export type EventSource = "kubelet" | "default-scheduler" | "deployment-controller" | "job-controller" | "replicaset-controller";

/** A core/v1 Warning Event about `involved`, as its controller or the kubelet records it. */
export function warningEvent(
  involved: Obj,
  reason: string,
  message: string,
  options: { source?: EventSource; count?: number; now?: Date; fieldPath?: string } = {},
): Obj {
  const now = options.now ?? new Date();
  const name = `${involved.metadata.name}.${createHash("sha256")
    .update(`${involved.metadata.uid ?? ""}/${reason}`)
    .digest("hex")
    .slice(0, 16)}`;
  const source = options.source ?? "kubelet";
  const count = options.count ?? 1;
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: involved.metadata.namespace ?? "default", uid: uid(`event/${name}`) },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      uid: involved.metadata.uid,
      ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}),
    },
    reason,
    message,
    source: { component: source, ...(source === "kubelet" ? { host: "node-1" } : {}) },
    firstTimestamp: iso(now, -60 * Math.max(0, count - 1)),
    lastTimestamp: iso(now),
    count,
    type: "Warning",
    eventTime: null,
    reportingComponent: source,
    reportingInstance: source === "kubelet" ? "node-1" : "",
  };
}

/** A Deployment rollout's objects: the Deployment, the new ReplicaSet and its pods (and the previous release's, when given). */
function rollout(w: WorkloadSpec, newPods: PodState[], deploymentState: DeploymentPhase, previous: WorkloadSpec | undefined): Obj[] {
  const r = resolve(w);
  const ready = newPods.filter((p) => p.state === "ready").length;
  const objects: Obj[] = [deployment(r, deploymentState), replicaSet(r, newPods.length, ready)];
  objects.push(...newPods.map((s, i) => pod(r, i, s)));
  if (previous) {
    const p = resolve({ ...previous, now: r.now });
    objects.push(replicaSet(p, p.replicas, p.replicas));
    for (let i = 0; i < p.replicas; i++) objects.push(pod(p, i, { state: "ready" }));
  }
  return objects;
}

function previousOf(w: WorkloadSpec, previousRelease: string | undefined): WorkloadSpec | undefined {
  if (previousRelease === undefined) return undefined;
  const { image: _image, ...rest } = w;
  return { ...rest, release: previousRelease, generation: Math.max(1, (w.generation ?? 2) - 1) };
}

function newPodCount(w: WorkloadSpec, previous: WorkloadSpec | undefined): number {
  const replicas = w.replicas ?? 2;
  return previous ? Math.max(1, Math.ceil(replicas * 0.25)) : replicas;
}

function podRef(obj: Obj): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) };
}

function podsOf(objects: Obj[]): Obj[] {
  return objects.filter((o) => o.kind === "Pod");
}

/** Options shared by the rollout scenarios. */
export interface RolloutOptions {
  /** The release that ran before; its ReplicaSet keeps ready pods while the new one fails. @default none (first rollout) */
  previousRelease?: string;
}

/** Step 1: the new pods are being created (Progressing). Step 2: all ready (Available); the previous release's pods are gone. */
export function succeedingRollout(w: WorkloadSpec, options: RolloutOptions = {}): Scenario {
  const previous = previousOf(w, options.previousRelease);
  const n = w.replicas ?? 2;
  const creating = rollout(
    w,
    Array.from({ length: newPodCount(w, previous) }, () => ({ state: "creating" as const })),
    { phase: "progressing", updated: newPodCount(w, previous), ready: 0, oldReady: previous ? n : 0 },
    previous,
  );
  const done = rollout(
    w,
    Array.from({ length: n }, () => ({ state: "ready" as const })),
    { phase: "available" },
    undefined,
  );
  const gone = previous ? creating.filter((o) => o.metadata.labels?.["ferry.dev/release"] === previous.release && o.kind === "Pod").map(podRef) : [];
  return { steps: [{ apply: creating }, { apply: done, delete: gone }] };
}

/**
 * One moment of a Deployment rollout: `ready` of the release's pods Ready and the rest being
 * created, the previous release's pods still Ready when one is given. With `countersDone`, the
 * Deployment's status already says the rollout is complete (its controller ran ahead of the pod
 * updates the observer has seen: the moment a release must not be called Healthy).
 */
export function rolloutStep(w: WorkloadSpec, ready: number, options: RolloutOptions & { countersDone?: boolean } = {}): ScenarioStep {
  const previous = previousOf(w, options.previousRelease);
  const n = w.replicas ?? 2;
  const pods = Array.from({ length: n }, (_, i): PodState => (i < ready ? { state: "ready" } : { state: "creating" }));
  const phase: DeploymentPhase = options.countersDone
    ? { phase: "available" }
    : { phase: "progressing", updated: n, ready, oldReady: previous ? (previous.replicas ?? 2) : 0 };
  return { apply: rollout(w, pods, phase, previous) };
}

/** Options of {@link crashLoopRollout}. */
export interface CrashLoopOptions extends RolloutOptions {
  /** @default 5 */
  restartCount?: number;
  /** Exit code of the last termination. @default 1 */
  exitCode?: number;
  /** Log lines of the previous container instance. */
  logLines?: string[];
}

function progressingStep(w: WorkloadSpec, previous: WorkloadSpec | undefined): ScenarioStep {
  const n = newPodCount(w, previous);
  return {
    apply: rollout(
      w,
      Array.from({ length: n }, () => ({ state: "creating" as const })),
      { phase: "progressing", updated: n, ready: 0, oldReady: previous ? (previous.replicas ?? 2) : 0 },
      previous,
    ),
  };
}

function failingStep(
  w: WorkloadSpec,
  previous: WorkloadSpec | undefined,
  s: PodState,
  events: (p: Obj, r: Resolved) => Obj[],
  logs?: (p: Obj, r: Resolved) => PodLog[],
): ScenarioStep {
  const r = resolve(w);
  const n = newPodCount(w, previous);
  const objects = rollout(
    w,
    Array.from({ length: n }, () => s),
    { phase: "progressing", updated: n, ready: 0, oldReady: previous ? (previous.replicas ?? 2) : 0 },
    previous,
  );
  const failing = podsOf(objects).filter((p) => p.metadata.labels?.["ferry.dev/release"] === r.release);
  return {
    apply: [...objects, ...failing.flatMap((p) => events(p, r))],
    logs: logs ? failing.flatMap((p) => logs(p, r)) : [],
  };
}

/** Step 1: Progressing. Step 2: the new pods crash-loop (BackOff events, previous container logs). */
export function crashLoopRollout(w: WorkloadSpec, options: CrashLoopOptions = {}): Scenario {
  const previous = previousOf(w, options.previousRelease);
  const restartCount = options.restartCount ?? 5;
  const lines = options.logLines ?? ["starting server on :8080", "panic: runtime error: invalid memory address or nil pointer dereference"];
  return {
    steps: [
      progressingStep(w, previous),
      failingStep(
        w,
        previous,
        { state: "crashloop", restartCount, ...(options.exitCode !== undefined ? { exitCode: options.exitCode } : {}) },
        (p, r) => [
          warningEvent(p, "BackOff", `Back-off restarting failed container ${r.container} in pod ${p.metadata.name}_${r.namespace}(${p.metadata.uid ?? ""})`, {
            count: restartCount,
            now: r.now,
            fieldPath: `spec.containers{${r.container}}`,
          }),
        ],
        (p, r) => [{ namespace: r.namespace, pod: p.metadata.name, container: r.container, lines, previous: true }],
      ),
    ],
  };
}

/** Step 1: Progressing. Step 2: the new pods are OOMKilled (exit code 137) and restart in a loop. */
export function oomKilledRollout(w: WorkloadSpec, options: RolloutOptions & { restartCount?: number; logLines?: string[] } = {}): Scenario {
  const previous = previousOf(w, options.previousRelease);
  const restartCount = options.restartCount ?? 3;
  const lines = options.logLines ?? ["loading catalogue into memory", "cache warmed: 1843200 entries"];
  return {
    steps: [
      progressingStep(w, previous),
      failingStep(
        w,
        previous,
        { state: "oomkilled", restartCount },
        (p, r) => [
          warningEvent(p, "BackOff", `Back-off restarting failed container ${r.container} in pod ${p.metadata.name}_${r.namespace}(${p.metadata.uid ?? ""})`, {
            count: restartCount,
            now: r.now,
            fieldPath: `spec.containers{${r.container}}`,
          }),
        ],
        (p, r) => [{ namespace: r.namespace, pod: p.metadata.name, container: r.container, lines, previous: true }],
      ),
    ],
  };
}

/** Step 1: Progressing. Step 2: the image cannot be pulled (ErrImagePull, then ImagePullBackOff by default). */
export function imagePullRollout(w: WorkloadSpec, options: RolloutOptions & { reason?: "ImagePullBackOff" | "ErrImagePull" } = {}): Scenario {
  const previous = previousOf(w, options.previousRelease);
  const reason = options.reason ?? "ImagePullBackOff";
  return {
    steps: [
      progressingStep(w, previous),
      failingStep(w, previous, { state: "image-pull", reason }, (p, r) => [
        warningEvent(
          p,
          "Failed",
          `Failed to pull image "${r.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${r.image}": failed to resolve reference "${r.image}": ${r.image}: not found`,
          { count: 3, now: r.now, fieldPath: `spec.containers{${r.container}}` },
        ),
        ...(reason === "ImagePullBackOff"
          ? [warningEvent(p, "BackOff", `Back-off pulling image "${r.image}"`, { count: 4, now: r.now, fieldPath: `spec.containers{${r.container}}` })]
          : []),
      ]),
    ],
  };
}

/** The scheduler message used by default for pods that do not fit. */
export const INSUFFICIENT_MEMORY = "0/3 nodes are available: 3 Insufficient memory.";

/** Step 1: Progressing. Step 2: the new pods stay Pending: PodScheduled False, reason Unschedulable, FailedScheduling events. */
export function unschedulableRollout(w: WorkloadSpec, options: RolloutOptions & { message?: string } = {}): Scenario {
  const previous = previousOf(w, options.previousRelease);
  const message = options.message ?? INSUFFICIENT_MEMORY;
  return {
    steps: [
      progressingStep(w, previous),
      failingStep(w, previous, { state: "unschedulable", message }, (p, r) => [
        warningEvent(p, "FailedScheduling", `${message} preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.`, {
          source: "default-scheduler",
          now: r.now,
        }),
      ]),
    ],
  };
}

/**
 * Step 1: Progressing with running pods whose readiness probe fails (Unhealthy events).
 * Step 2: the progress deadline passes: Progressing False, reason ProgressDeadlineExceeded.
 */
export function progressDeadlineRollout(w: WorkloadSpec, options: RolloutOptions = {}): Scenario {
  const previous = previousOf(w, options.previousRelease);
  const r = resolve(w);
  const n = newPodCount(w, previous);
  const oldReady = previous ? (previous.replicas ?? 2) : 0;
  const notReady = Array.from({ length: n }, () => ({ state: "not-ready" as const }));
  const unhealthy = (objects: Obj[]): Obj[] =>
    podsOf(objects)
      .filter((p) => p.metadata.labels?.["ferry.dev/release"] === r.release)
      .map((p) =>
        warningEvent(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", {
          count: 30,
          now: r.now,
          fieldPath: `spec.containers{${r.container}}`,
        }),
      );
  const progressing = rollout(w, notReady, { phase: "progressing", updated: n, ready: 0, oldReady }, previous);
  const exceeded = rollout(w, notReady, { phase: "deadline-exceeded", updated: n, ready: 0, oldReady }, previous);
  return { steps: [{ apply: [...progressing, ...unhealthy(progressing)] }, { apply: [...exceeded, ...unhealthy(exceeded)] }] };
}

/** A StatefulSet of the component with `ready` of its replicas ready and all updated (unless `updated` says otherwise). */
export function statefulSet(w: WorkloadSpec, state: { ready: number; updated?: number; currentRevisionIsUpdate?: boolean }): Obj {
  const r = resolve(w);
  const rev = `${r.component}-${templateHash(r)}`;
  const updated = state.updated ?? r.replicas;
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: r.component, namespace: r.namespace, uid: uid(`sts/${r.namespace}/${r.component}`), generation: r.generation, labels: ferryLabels(r) },
    spec: {
      replicas: r.replicas,
      serviceName: r.component,
      selector: { matchLabels: selectorLabels(r) },
      template: podTemplate(r),
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      podManagementPolicy: "OrderedReady",
    },
    status: {
      observedGeneration: r.generation,
      replicas: r.replicas,
      readyReplicas: state.ready,
      availableReplicas: state.ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      currentRevision: state.currentRevisionIsUpdate === false ? `${r.component}-old` : rev,
      updateRevision: rev,
      collisionCount: 0,
    },
  };
}

/** A CronJob of the component (scheduled-task type). */
export function cronJob(w: WorkloadSpec, state: { suspend?: boolean; lastScheduleTime?: Date; lastSuccessfulTime?: Date; active?: string[] } = {}): Obj {
  const r = resolve(w);
  const template = podTemplate(r) as { metadata: object; spec: Record<string, unknown> };
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: r.component, namespace: r.namespace, uid: uid(`cj/${r.namespace}/${r.component}`), generation: r.generation, labels: ferryLabels(r) },
    spec: {
      schedule: "*/15 * * * *",
      concurrencyPolicy: "Forbid",
      suspend: state.suspend ?? false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: ferryLabels(r) },
        spec: { backoffLimit: 2, template: { ...template, spec: { ...template.spec, restartPolicy: "OnFailure" } } },
      },
    },
    status: {
      ...(state.lastScheduleTime ? { lastScheduleTime: iso(state.lastScheduleTime) } : {}),
      ...(state.lastSuccessfulTime ? { lastSuccessfulTime: iso(state.lastSuccessfulTime) } : {}),
      ...(state.active && state.active.length > 0
        ? {
            active: state.active.map((name) => ({ apiVersion: "batch/v1", kind: "Job", name, namespace: r.namespace, uid: uid(`job/${r.namespace}/${name}`) })),
          }
        : {}),
    },
  };
}

/** Job outcomes the builder can express. */
export type JobState = { phase: "running"; active: number } | { phase: "complete" } | { phase: "failed"; failed?: number; backoffLimit?: number };

/** A Job of the component (name `<component>-<suffix>` or `name`), optionally owned by the component's CronJob. */
export function job(w: WorkloadSpec, state: JobState, options: { name?: string; ownedByCronJob?: boolean } = {}): Obj {
  const r = resolve(w);
  const name = options.name ?? (options.ownedByCronJob ? `${r.component}-${Math.floor(r.now.getTime() / 60_000)}` : r.component);
  const backoffLimit = state.phase === "failed" ? (state.backoffLimit ?? 2) : 2;
  let status: Record<string, unknown>;
  if (state.phase === "running") status = { active: state.active, startTime: iso(r.now, -120), ready: 0 };
  else if (state.phase === "complete") {
    status = {
      succeeded: 1,
      startTime: iso(r.now, -120),
      completionTime: iso(r.now),
      conditions: [
        condition("SuccessCriteriaMet", "True", r.now, "CompletionsReached", "Reached expected number of succeeded pods"),
        condition("Complete", "True", r.now, "CompletionsReached", "Reached expected number of succeeded pods"),
      ],
    };
  } else {
    status = {
      failed: state.failed ?? backoffLimit + 1,
      startTime: iso(r.now, -300),
      conditions: [
        condition("FailureTarget", "True", r.now, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
        condition("Failed", "True", r.now, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
      ],
    };
  }
  const template = podTemplate(r) as { metadata: object; spec: Record<string, unknown> };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: r.namespace,
      uid: uid(`job/${r.namespace}/${name}`),
      generation: 1,
      labels: ferryLabels(r),
      ...(options.ownedByCronJob
        ? {
            ownerReferences: [
              {
                apiVersion: "batch/v1",
                kind: "CronJob",
                name: r.component,
                uid: uid(`cj/${r.namespace}/${r.component}`),
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: { backoffLimit, completions: 1, parallelism: 1, template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } },
    status,
  };
}

/** Step 1: the Job runs. Step 2: it fails (BackoffLimitExceeded) with failed pods, a warning event and logs. */
export function failedJobScenario(w: WorkloadSpec, options: { backoffLimit?: number; logLines?: string[]; ownedByCronJob?: boolean } = {}): Scenario {
  const r = resolve(w);
  const backoffLimit = options.backoffLimit ?? 2;
  const running = job(r, { phase: "running", active: 1 }, { ownedByCronJob: options.ownedByCronJob ?? false });
  const failed = job(r, { phase: "failed", backoffLimit }, { ownedByCronJob: options.ownedByCronJob ?? false });
  const owner = { apiVersion: "batch/v1", kind: "Job", name: failed.metadata.name, uid: failed.metadata.uid ?? "" };
  const jobPodName = (i: number): string => `${failed.metadata.name}-${suffix(`${failed.metadata.name}/${i}`, 5)}`;
  const pods = Array.from({ length: backoffLimit + 1 }, (_, i) => pod(r, i, { state: "failed" }, { owner, name: jobPodName(i), restartPolicy: "Never" }));
  const lines = options.logLines ?? ["migrating schema to v42", 'error: relation "orders" already exists'];
  return {
    steps: [
      { apply: [running, pod(r, 0, { state: "not-ready" }, { owner, name: jobPodName(0), restartPolicy: "Never" })] },
      {
        apply: [
          failed,
          ...pods,
          warningEvent(failed, "BackoffLimitExceeded", "Job has reached the specified backoff limit", { source: "job-controller", now: r.now }),
        ],
        logs: pods.map((p) => ({ namespace: r.namespace, pod: p.metadata.name, container: r.container, lines })),
      },
    ],
  };
}

/** An autoscaling/v2 HorizontalPodAutoscaler on the component's Deployment. */
export function hpa(
  w: WorkloadSpec,
  state: {
    min?: number;
    max?: number;
    current?: number;
    desired?: number;
    conditions?: { type: string; status: "True" | "False"; reason: string; message: string }[];
  } = {},
): Obj {
  const r = resolve(w);
  const current = state.current ?? r.replicas;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: `${r.component}-cpu`, namespace: r.namespace, uid: uid(`hpa/${r.namespace}/${r.component}`), generation: 1, labels: ferryLabels(r) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: r.component },
      minReplicas: state.min ?? 2,
      maxReplicas: state.max ?? 10,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    },
    status: {
      currentReplicas: current,
      desiredReplicas: state.desired ?? current,
      currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 35, averageValue: "87m" } } }],
      conditions: (
        state.conditions ?? [
          { type: "AbleToScale", status: "True", reason: "ReadyForNewScale", message: "recommended size matches current size" },
          {
            type: "ScalingActive",
            status: "True",
            reason: "ValidMetricFound",
            message: "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
          },
          { type: "ScalingLimited", status: "False", reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" },
        ]
      ).map((c) => ({ ...c, lastTransitionTime: iso(r.now) })),
    },
  };
}
