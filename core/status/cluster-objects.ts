/**
 * The Kubernetes objects Ferry reads back from clusters, as zod schemas of the fields it uses
 * (every object stays loose: unknown fields are kept), and the objects of one cluster that
 * health and diagnosis compute from. Which component an object belongs to is in components.ts.
 */
import { z } from "zod";

const Labels = z.record(z.string(), z.string());
const Timestamp = z.string().nullish();

/** An owner reference. */
export const OwnerReference = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

/** `metadata` of any object. */
export const ObjectMeta = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: Timestamp,
  deletionTimestamp: Timestamp,
  labels: Labels.nullish(),
  annotations: Labels.nullish(),
  ownerReferences: z.array(OwnerReference).nullish(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** A status condition (Deployment, Pod, Job, HPA...). */
export const Condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().nullish(),
  message: z.string().nullish(),
  lastTransitionTime: Timestamp,
  lastUpdateTime: Timestamp,
});
export type Condition = z.infer<typeof Condition>;

const Quantities = z.record(z.string(), z.union([z.string(), z.number()]));

/** A container of a pod spec. */
export const Container = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  resources: z.looseObject({ limits: Quantities.nullish(), requests: Quantities.nullish() }).nullish(),
  readinessProbe: z.unknown().optional(),
});
export type Container = z.infer<typeof Container>;

/** A pod spec (also the `template.spec` of workloads). */
export const PodSpec = z.looseObject({
  containers: z.array(Container).default([]),
  initContainers: z.array(Container).nullish(),
  nodeName: z.string().nullish(),
  restartPolicy: z.string().nullish(),
});
export type PodSpec = z.infer<typeof PodSpec>;

const PodTemplate = z.looseObject({
  metadata: z.looseObject({ labels: Labels.nullish() }).nullish(),
  spec: PodSpec.nullish(),
});

/** One state of a container (`state` or `lastState`). */
export const ContainerState = z.looseObject({
  waiting: z.looseObject({ reason: z.string().nullish(), message: z.string().nullish() }).nullish(),
  running: z.looseObject({ startedAt: Timestamp }).nullish(),
  terminated: z
    .looseObject({
      exitCode: z.number().default(0),
      signal: z.number().nullish(),
      reason: z.string().nullish(),
      message: z.string().nullish(),
      startedAt: Timestamp,
      finishedAt: Timestamp,
      containerID: z.string().nullish(),
    })
    .nullish(),
});
export type ContainerState = z.infer<typeof ContainerState>;

/** The status of one container of a pod. */
export const ContainerStatus = z.looseObject({
  name: z.string(),
  ready: z.boolean().default(false),
  started: z.boolean().nullish(),
  restartCount: z.number().default(0),
  image: z.string().optional(),
  state: ContainerState.nullish(),
  lastState: ContainerState.nullish(),
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;

/** core/v1 Pod. */
export const Pod = z.looseObject({
  apiVersion: z.string().default("v1"),
  kind: z.string().default("Pod"),
  metadata: ObjectMeta,
  spec: PodSpec.nullish(),
  status: z
    .looseObject({
      phase: z.string().nullish(),
      reason: z.string().nullish(),
      message: z.string().nullish(),
      conditions: z.array(Condition).nullish(),
      containerStatuses: z.array(ContainerStatus).nullish(),
      initContainerStatuses: z.array(ContainerStatus).nullish(),
    })
    .nullish(),
});
export type Pod = z.infer<typeof Pod>;

/** apps/v1 Deployment. */
export const Deployment = z.looseObject({
  apiVersion: z.string().default("apps/v1"),
  kind: z.string().default("Deployment"),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      replicas: z.number().nullish(),
      paused: z.boolean().nullish(),
      progressDeadlineSeconds: z.number().nullish(),
      template: PodTemplate.nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      observedGeneration: z.number().nullish(),
      replicas: z.number().nullish(),
      updatedReplicas: z.number().nullish(),
      readyReplicas: z.number().nullish(),
      availableReplicas: z.number().nullish(),
      unavailableReplicas: z.number().nullish(),
      conditions: z.array(Condition).nullish(),
    })
    .nullish(),
});
export type Deployment = z.infer<typeof Deployment>;

/** apps/v1 StatefulSet. */
export const StatefulSet = z.looseObject({
  apiVersion: z.string().default("apps/v1"),
  kind: z.string().default("StatefulSet"),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      replicas: z.number().nullish(),
      template: PodTemplate.nullish(),
      updateStrategy: z.looseObject({ type: z.string().nullish(), rollingUpdate: z.looseObject({ partition: z.number().nullish() }).nullish() }).nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      observedGeneration: z.number().nullish(),
      replicas: z.number().nullish(),
      readyReplicas: z.number().nullish(),
      availableReplicas: z.number().nullish(),
      currentReplicas: z.number().nullish(),
      updatedReplicas: z.number().nullish(),
      currentRevision: z.string().nullish(),
      updateRevision: z.string().nullish(),
    })
    .nullish(),
});
export type StatefulSet = z.infer<typeof StatefulSet>;

/** apps/v1 ReplicaSet. */
export const ReplicaSet = z.looseObject({
  apiVersion: z.string().default("apps/v1"),
  kind: z.string().default("ReplicaSet"),
  metadata: ObjectMeta,
  spec: z.looseObject({ replicas: z.number().nullish() }).nullish(),
  status: z.looseObject({ replicas: z.number().nullish(), readyReplicas: z.number().nullish(), availableReplicas: z.number().nullish() }).nullish(),
});
export type ReplicaSet = z.infer<typeof ReplicaSet>;

/** batch/v1 Job. */
export const Job = z.looseObject({
  apiVersion: z.string().default("batch/v1"),
  kind: z.string().default("Job"),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      backoffLimit: z.number().nullish(),
      completions: z.number().nullish(),
      parallelism: z.number().nullish(),
      suspend: z.boolean().nullish(),
      template: PodTemplate.nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      active: z.number().nullish(),
      succeeded: z.number().nullish(),
      failed: z.number().nullish(),
      startTime: Timestamp,
      completionTime: Timestamp,
      conditions: z.array(Condition).nullish(),
    })
    .nullish(),
});
export type Job = z.infer<typeof Job>;

/** batch/v1 CronJob. */
export const CronJob = z.looseObject({
  apiVersion: z.string().default("batch/v1"),
  kind: z.string().default("CronJob"),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      schedule: z.string().optional(),
      suspend: z.boolean().nullish(),
      jobTemplate: z.looseObject({ spec: z.looseObject({ template: PodTemplate.nullish() }).nullish() }).nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      active: z.array(z.looseObject({ name: z.string().optional(), uid: z.string().optional() })).nullish(),
      lastScheduleTime: Timestamp,
      lastSuccessfulTime: Timestamp,
    })
    .nullish(),
});
export type CronJob = z.infer<typeof CronJob>;

/** autoscaling/v2 HorizontalPodAutoscaler. */
export const HorizontalPodAutoscaler = z.looseObject({
  apiVersion: z.string().default("autoscaling/v2"),
  kind: z.string().default("HorizontalPodAutoscaler"),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      minReplicas: z.number().nullish(),
      maxReplicas: z.number().nullish(),
      scaleTargetRef: z.looseObject({ kind: z.string().optional(), name: z.string().optional() }).nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      currentReplicas: z.number().nullish(),
      desiredReplicas: z.number().nullish(),
      conditions: z.array(Condition).nullish(),
    })
    .nullish(),
});
export type HorizontalPodAutoscaler = z.infer<typeof HorizontalPodAutoscaler>;

/** core/v1 Event. */
export const KubeEvent = z.looseObject({
  apiVersion: z.string().default("v1"),
  kind: z.string().default("Event"),
  metadata: ObjectMeta,
  involvedObject: z
    .looseObject({
      apiVersion: z.string().nullish(),
      kind: z.string().nullish(),
      name: z.string().nullish(),
      namespace: z.string().nullish(),
      uid: z.string().nullish(),
      fieldPath: z.string().nullish(),
    })
    .default({}),
  reason: z.string().nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
  count: z.number().nullish(),
  firstTimestamp: Timestamp,
  lastTimestamp: Timestamp,
  eventTime: Timestamp,
  series: z.looseObject({ count: z.number().nullish(), lastObservedTime: Timestamp }).nullish(),
  source: z.looseObject({ component: z.string().nullish(), host: z.string().nullish() }).nullish(),
});
export type KubeEvent = z.infer<typeof KubeEvent>;

/**
 * The last log lines of containers, keyed `<namespace>/<pod>/<container>`: the previous
 * (crashed) instance for restarting containers, the terminated one for failed Job pods.
 */
export type ContainerLogs = Record<string, string[]>;

/** Key of {@link ContainerLogs}. */
export function logKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

/** The objects of one cluster (or of one component in it) that health is computed from. */
export interface ClusterObjects {
  deployments: Deployment[];
  statefulSets: StatefulSet[];
  replicaSets: ReplicaSet[];
  pods: Pod[];
  jobs: Job[];
  cronJobs: CronJob[];
  hpas: HorizontalPodAutoscaler[];
  /** Warning events. */
  events: KubeEvent[];
  logs: ContainerLogs;
}

/** A point-in-time copy of what the observer (or a one-shot list) holds for one kubeconfig context. */
export interface ClusterSnapshot extends ClusterObjects {
  context: string;
}

/** An empty {@link ClusterObjects}. */
export function emptyObjects(): ClusterObjects {
  return { deployments: [], statefulSets: [], replicaSets: [], pods: [], jobs: [], cronJobs: [], hpas: [], events: [], logs: {} };
}

/** `<namespace>/<name>`: identifies an object within its kind. */
export function objectId(o: { metadata: ObjectMeta }): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

/** `items` sorted by namespace and name. */
export function byNamespaceName<T extends { metadata: ObjectMeta }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (objectId(a) < objectId(b) ? -1 : objectId(a) > objectId(b) ? 1 : 0));
}

/** `objects` with every list sorted by namespace and name (the logs as they are). */
export function sortedObjects(objects: ClusterObjects): ClusterObjects {
  return {
    deployments: byNamespaceName(objects.deployments),
    statefulSets: byNamespaceName(objects.statefulSets),
    replicaSets: byNamespaceName(objects.replicaSets),
    pods: byNamespaceName(objects.pods),
    jobs: byNamespaceName(objects.jobs),
    cronJobs: byNamespaceName(objects.cronJobs),
    hpas: byNamespaceName(objects.hpas),
    events: byNamespaceName(objects.events),
    logs: objects.logs,
  };
}
