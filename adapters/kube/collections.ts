/**
 * The collections Ferry reads back from a cluster: which ones (Deployments, StatefulSets,
 * ReplicaSets, Pods, Jobs, CronJobs, HPAs and Warning Events), the path and selectors of their
 * requests, and listing one of them into objects parsed with the core schemas.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { z } from "zod";
import {
  CronJob,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  KubeEvent,
  Pod,
  ReplicaSet,
  StatefulSet,
  type ClusterObjects,
  type ObjectMeta,
} from "../../core/status/cluster-objects.js";
import { LABEL_COMPONENT, LABEL_ENVIRONMENT, LABEL_PROJECT } from "../../core/status/components.js";
import { kubeGet } from "./client.js";

/** Which components to select: any combination of project, component and environment. */
export const ComponentSelector = z.object({
  project: z.string().min(1).optional(),
  component: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
});
export type ComponentSelector = z.infer<typeof ComponentSelector>;

/** The label selector for a {@link ComponentSelector}: `ferry.dev/component` exists (or equals), plus the given labels. */
export function labelSelectorFor(selector: ComponentSelector = {}): string {
  const s = ComponentSelector.parse(selector);
  return [
    s.component === undefined ? LABEL_COMPONENT : `${LABEL_COMPONENT}=${s.component}`,
    ...(s.environment === undefined ? [] : [`${LABEL_ENVIRONMENT}=${s.environment}`]),
    ...(s.project === undefined ? [] : [`${LABEL_PROJECT}=${s.project}`]),
  ].join(",");
}

/** A collection Ferry lists and watches. */
export interface ObservedResource {
  /** Field of {@link ClusterObjects} the objects go to. */
  field: Exclude<keyof ClusterObjects, "logs">;
  apiVersion: string;
  kind: string;
  /** `/api/v1` or `/apis/<group>/<version>`. */
  base: string;
  resource: string;
  /** Validates an object (list items lack apiVersion and kind; the schema defaults them). */
  schema: z.ZodType<{ metadata: { name: string; namespace?: string | undefined; resourceVersion?: string | undefined } }>;
  /** Selected by Ferry's labels (true) or by `type=Warning` (events). */
  labelled: boolean;
}

/** Every collection Ferry reads: the observer lists and watches each, `ferry status` lists each once. */
export const OBSERVED: readonly ObservedResource[] = [
  { field: "deployments", apiVersion: "apps/v1", kind: "Deployment", base: "/apis/apps/v1", resource: "deployments", schema: Deployment, labelled: true },
  { field: "statefulSets", apiVersion: "apps/v1", kind: "StatefulSet", base: "/apis/apps/v1", resource: "statefulsets", schema: StatefulSet, labelled: true },
  { field: "replicaSets", apiVersion: "apps/v1", kind: "ReplicaSet", base: "/apis/apps/v1", resource: "replicasets", schema: ReplicaSet, labelled: true },
  { field: "pods", apiVersion: "v1", kind: "Pod", base: "/api/v1", resource: "pods", schema: Pod, labelled: true },
  { field: "jobs", apiVersion: "batch/v1", kind: "Job", base: "/apis/batch/v1", resource: "jobs", schema: Job, labelled: true },
  { field: "cronJobs", apiVersion: "batch/v1", kind: "CronJob", base: "/apis/batch/v1", resource: "cronjobs", schema: CronJob, labelled: true },
  {
    field: "hpas",
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    base: "/apis/autoscaling/v2",
    resource: "horizontalpodautoscalers",
    schema: HorizontalPodAutoscaler,
    labelled: true,
  },
  { field: "events", apiVersion: "v1", kind: "Event", base: "/api/v1", resource: "events", schema: KubeEvent, labelled: false },
];

/** The collection path of a resource, cluster-wide or in one namespace. */
export function collectionPath(r: ObservedResource, namespace?: string): string {
  return namespace === undefined ? `${r.base}/${r.resource}` : `${r.base}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
}

/** Label and field selectors of the list and watch requests for a resource. */
export function selectorsFor(r: ObservedResource, labelSelector: string): { labelSelector?: string; fieldSelector?: string } {
  return r.labelled ? { labelSelector } : { fieldSelector: "type=Warning" };
}

/** An object read from an observed collection, its kind filled in. */
export type ObservedObject = { metadata: ObjectMeta; kind?: string };

/** Parses raw objects with the resource's schema; returns the good ones and one message per bad one. */
export function parseObjects(resource: ObservedResource, raw: unknown[]): { items: ObservedObject[]; problems: string[] } {
  const items: ObservedObject[] = [];
  const problems: string[] = [];
  for (const r of raw) {
    const parsed = resource.schema.safeParse(r);
    if (parsed.success) {
      items.push(parsed.data as ObservedObject);
      continue;
    }
    const meta = (r as { metadata?: { namespace?: unknown; name?: unknown } } | null)?.metadata;
    const issue = parsed.error.issues[0];
    problems.push(
      `${resource.kind} ${String(meta?.namespace ?? "")}/${String(meta?.name ?? "?")}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`,
    );
  }
  return { items, problems };
}

/** Lists one collection (following `continue` pages); returns the items and the list's resourceVersion. */
export async function listCollection(
  kc: KubeConfig,
  resource: ObservedResource,
  namespace: string | undefined,
  labelSelector: string,
  signal?: AbortSignal,
): Promise<{ items: ObservedObject[]; resourceVersion: string; problems: string[] }> {
  const items: ObservedObject[] = [];
  const problems: string[] = [];
  let resourceVersion = "";
  let cont: string | undefined;
  do {
    const text = await kubeGet(kc, collectionPath(resource, namespace), { ...selectorsFor(resource, labelSelector), limit: "500", continue: cont }, signal);
    const list = JSON.parse(text) as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
    if (resourceVersion === "") resourceVersion = list.metadata?.resourceVersion ?? "";
    const parsed = parseObjects(resource, list.items ?? []);
    items.push(...parsed.items);
    problems.push(...parsed.problems);
    cont = list.metadata?.continue || undefined;
  } while (cont !== undefined);
  return { items, resourceVersion, problems };
}
