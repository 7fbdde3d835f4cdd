/**
 * Right-sizing from observed usage (`ferry cost --usage`). Pure.
 *
 * Usage comes from `metrics.k8s.io` PodMetrics (metrics-server's last window per pod), matched to
 * components by the `ferry.dev/project`, `ferry.dev/component` and `ferry.dev/environment` labels
 * of the pods (a preview's pods, labelled `ferry.dev/preview`, are not the environment's). For each container of a component's workload (the Deployment or StatefulSet named
 * after it) and each of CPU and memory, the usage compared is the highest among the component's
 * pods, the request the one rendered from the app's `.ferry/`.
 *
 * The rule: usage under 50% of the request is over-provisioned, over 90% under-provisioned; for
 * both the suggested request is usage / 0.7 (the request at which that usage is 70% of it),
 * rounded up to a step of 10m CPU or 16Mi memory (at least one step). In between, the request
 * stays. The monthly delta is (suggested − request) × the replicas the cost counts (the
 * autoscaler's minReplicas) × the price: negative is a saving, positive the cost of the risk
 * removed. Containers without a request, or without usage, are not judged.
 */
import { z } from "zod";
import type { Pricing } from "../renderers/model/index.js";
import type { K8sObject } from "../renderers/types.js";
import { estimateCost, parseQuantity } from "./cost.js";
import type { RenderedObjects } from "./cost.js";
import { isPreview, LABEL_COMPONENT, LABEL_ENVIRONMENT, LABEL_PROJECT } from "./status/components.js";

/** metrics.k8s.io/v1beta1 PodMetrics, as listed (items lack apiVersion and kind). */
export const PodMetrics = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
  containers: z.array(z.looseObject({ name: z.string(), usage: z.looseObject({ cpu: z.string().optional(), memory: z.string().optional() }) })).default([]),
});
export type PodMetrics = z.infer<typeof PodMetrics>;

/** One pod's observed usage with the labels of the pod it measures. */
export interface PodUsage {
  readonly namespace: string;
  readonly pod: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Per container: CPU in cores, memory in bytes. */
  readonly containers: readonly { readonly name: string; readonly cpu: number; readonly memory: number }[];
}

/** The usage of a PodMetrics joined with its pod's labels; quantities that do not parse count as 0. */
export function podUsage(metrics: PodMetrics, labels: Readonly<Record<string, string>>): PodUsage {
  const q = (v: string | undefined) => (v === undefined ? 0 : (parseQuantity(v) ?? 0));
  return {
    namespace: metrics.metadata.namespace ?? "",
    pod: metrics.metadata.name,
    labels,
    containers: metrics.containers.map((c) => ({ name: c.name, cpu: q(c.usage.cpu), memory: q(c.usage.memory) })),
  };
}

export const OVER_PROVISIONED_BELOW = 0.5;
export const UNDER_PROVISIONED_ABOVE = 0.9;
export const TARGET_UTILIZATION = 0.7;
/** Rounding steps of the suggestion: 10m CPU, 16Mi memory. */
export const STEP = { cpu: 0.01, memory: 16 * 2 ** 20 } as const;

export type Verdict = "over-provisioned" | "under-provisioned" | "ok";

/** One container resource of one component, judged. */
export interface UsageSuggestion {
  readonly environment: string;
  readonly project: string;
  readonly component: string;
  readonly container: string;
  readonly resource: "cpu" | "memory";
  /** Cores or bytes, per pod. */
  readonly request: number;
  /** The highest usage among `pods` (cores or bytes). */
  readonly usage: number;
  /** usage / request. */
  readonly ratio: number;
  /** Pods measured. */
  readonly pods: number;
  readonly verdict: Verdict;
  /** The request to set (the request itself when `ok`). */
  readonly suggested: number;
  /** Replicas the monthly figure counts. */
  readonly replicas: number;
  /** (suggested − request) × replicas × price. */
  readonly monthlyDelta: number;
}

/** The suggested request for `usage`: usage / 0.7 rounded up to the step, at least one step. */
export function suggestRequest(resource: "cpu" | "memory", usage: number): number {
  const step = STEP[resource];
  // Rounding before ceil keeps 0.35 / 0.7 = 0.5000000001 at 0.5.
  const steps = Math.ceil(Number((usage / TARGET_UTILIZATION / step).toFixed(6)));
  const n = Math.max(1, steps);
  return resource === "cpu" ? Number((n * step).toFixed(2)) : n * step;
}

function verdictOf(ratio: number): Verdict {
  if (ratio < OVER_PROVISIONED_BELOW) return "over-provisioned";
  if (ratio > UNDER_PROVISIONED_ABOVE) return "under-provisioned";
  return "ok";
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

function workloadOf(c: RenderedObjects): K8sObject | undefined {
  return c.objects.find((o) => (o.kind === "Deployment" || o.kind === "StatefulSet") && o.metadata.name === c.component);
}

function requestsOf(workload: K8sObject): { name: string; cpu: number | undefined; memory: number | undefined }[] {
  const spec = obj(obj(obj(workload.spec)?.template)?.spec);
  const containers = Array.isArray(spec?.containers) ? spec.containers : [];
  return containers.flatMap((raw) => {
    const c = obj(raw);
    if (!c || typeof c.name !== "string") return [];
    const requests = obj(obj(c.resources)?.requests);
    const read = (v: unknown) => (typeof v === "string" || typeof v === "number" ? parseQuantity(v) : undefined);
    return [{ name: c.name, cpu: read(requests?.cpu), memory: read(requests?.memory) }];
  });
}

/** Judges every container resource of `components` (one environment) that has a request and observed usage; sorted by project, component, container, resource. */
export function suggestRequests(environment: string, components: readonly RenderedObjects[], pods: readonly PodUsage[], pricing: Pricing): UsageSuggestion[] {
  const out: UsageSuggestion[] = [];
  for (const c of components) {
    const workload = workloadOf(c);
    if (!workload) continue;
    const own = pods.filter(
      (p) =>
        p.labels[LABEL_PROJECT] === c.project &&
        p.labels[LABEL_COMPONENT] === c.component &&
        p.labels[LABEL_ENVIRONMENT] === environment &&
        !isPreview(p.labels),
    );
    if (own.length === 0) continue;
    const line = estimateCost([workload, ...c.objects.filter((o) => o.kind === "HorizontalPodAutoscaler")], pricing).lines.find(
      (l) => l.resource === `${workload.kind}/${workload.metadata.name}`,
    );
    const replicas = line?.replicas ?? 1;
    for (const container of requestsOf(workload)) {
      for (const resource of ["cpu", "memory"] as const) {
        const request = container[resource];
        const measured = own.flatMap((p) => p.containers.filter((x) => x.name === container.name).map((x) => x[resource]));
        if (request === undefined || request <= 0 || measured.length === 0) continue;
        const usage = Math.max(...measured);
        const ratio = usage / request;
        const verdict = verdictOf(ratio);
        const suggested = verdict === "ok" ? request : suggestRequest(resource, usage);
        const unitPrice = resource === "cpu" ? pricing.cpu : pricing.memory / 2 ** 30;
        out.push({
          environment,
          project: c.project,
          component: c.component,
          container: container.name,
          resource,
          request,
          usage,
          ratio,
          pods: own.length,
          verdict,
          suggested,
          replicas,
          monthlyDelta: (suggested - request) * replicas * unitPrice,
        });
      }
    }
  }
  const key = (s: UsageSuggestion) => `${s.project}\u0000${s.component}\u0000${s.container}\u0000${s.resource}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
