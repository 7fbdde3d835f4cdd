/**
 * Components in a cluster: the ferry.dev/* labels that tie a rendered object to its project,
 * component and environment, the key they form, and picking one component's objects out of
 * everything read from a cluster.
 */
import { z } from "zod";
import { byNamespaceName, emptyObjects, type ClusterObjects, type ObjectMeta } from "./cluster-objects.js";

/** Label naming the project of a rendered object. */
export const LABEL_PROJECT = "ferry.dev/project";
/** Label naming the component of a rendered object (its existence selects Ferry's objects). */
export const LABEL_COMPONENT = "ferry.dev/component";
/** Label naming the environment of a rendered object. */
export const LABEL_ENVIRONMENT = "ferry.dev/environment";
/** Label carrying the release id an object (and its pods) were rendered from. */
export const LABEL_RELEASE = "ferry.dev/release";

/** Identifies one component in one environment (from the ferry.dev/* labels). */
export const ComponentKey = z.object({
  project: z.string().min(1),
  component: z.string().min(1),
  environment: z.string().min(1),
});
export type ComponentKey = z.infer<typeof ComponentKey>;

/** `project/component/environment`: a stable string form of a key (for maps and sorting). */
export function keyString(k: ComponentKey): string {
  return `${k.project}/${k.component}/${k.environment}`;
}

/** The component key of a labelled object, or undefined when a ferry.dev/* label is missing. */
export function keyOfLabels(labels: Record<string, string> | null | undefined): ComponentKey | undefined {
  const project = labels?.[LABEL_PROJECT];
  const component = labels?.[LABEL_COMPONENT];
  const environment = labels?.[LABEL_ENVIRONMENT];
  return project && component && environment ? { project, component, environment } : undefined;
}

const LABELLED = ["deployments", "statefulSets", "replicaSets", "pods", "jobs", "cronJobs", "hpas"] as const;

function sameKey(a: ComponentKey | undefined, b: ComponentKey): boolean {
  return a !== undefined && a.project === b.project && a.component === b.component && a.environment === b.environment;
}

/**
 * The objects of one component: workloads, ReplicaSets, pods and HPAs carrying its labels,
 * Warning events about any of them (by uid, or kind, namespace and name), and the logs of its pods.
 * Lists are sorted by namespace and name.
 */
export function selectComponent(all: ClusterObjects, key: ComponentKey): ClusterObjects {
  const out = emptyObjects();
  const refs = new Set<string>();
  for (const kind of LABELLED) {
    const items = (all[kind] as { metadata: ObjectMeta; kind: string }[]).filter((o) => sameKey(keyOfLabels(o.metadata.labels), key));
    (out[kind] as unknown[]) = byNamespaceName(items);
    for (const o of items) {
      if (o.metadata.uid) refs.add(`uid:${o.metadata.uid}`);
      refs.add(`ref:${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    }
  }
  out.events = byNamespaceName(
    all.events.filter((e) => {
      const io = e.involvedObject;
      return (io.uid && refs.has(`uid:${io.uid}`)) || refs.has(`ref:${io.kind ?? ""}/${io.namespace ?? e.metadata.namespace ?? ""}/${io.name ?? ""}`);
    }),
  );
  for (const p of out.pods) {
    const prefix = `${p.metadata.namespace ?? ""}/${p.metadata.name}/`;
    for (const [k, lines] of Object.entries(all.logs)) if (k.startsWith(prefix)) out.logs[k] = lines;
  }
  return out;
}

/**
 * Only the objects of `objects` in `namespace` (and the logs of its pods): a preview environment's
 * share of a component whose objects carry the `from` environment's labels in another namespace.
 */
export function inNamespace(objects: ClusterObjects, namespace: string): ClusterObjects {
  const out = emptyObjects();
  for (const kind of Object.keys(out) as (keyof ClusterObjects)[]) {
    if (kind === "logs") continue;
    (out[kind] as { metadata: ObjectMeta }[]) = (objects[kind] as { metadata: ObjectMeta }[]).filter((o) => o.metadata.namespace === namespace);
  }
  for (const [k, lines] of Object.entries(objects.logs)) if (k.startsWith(`${namespace}/`)) out.logs[k] = lines;
  return out;
}

/** Every component key present on a labelled object of the snapshot, sorted. */
export function componentKeys(all: ClusterObjects): ComponentKey[] {
  const seen = new Map<string, ComponentKey>();
  for (const kind of LABELLED) {
    for (const o of all[kind] as { metadata: ObjectMeta }[]) {
      const k = keyOfLabels(o.metadata.labels);
      if (k) seen.set(keyString(k), k);
    }
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}
