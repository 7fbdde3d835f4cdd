/**
 * Components in a cluster: the ferry.dev/* labels that tie a rendered object to its project,
 * component and environment, the key they form, and picking one component's objects out of
 * everything read from a cluster: an environment's own, or a preview's (`ferry.dev/preview`).
 */
import { z } from "zod";
import { PREVIEW_LABEL_KEY } from "../preview-env/layout.js";
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
 * Whether labels are a preview's (`ferry.dev/preview`): a preview's objects and pods carry the
 * `from` environment's ferry.dev/* labels too, so whatever counts an environment's own leaves them out.
 */
export function isPreview(labels: Readonly<Record<string, string>> | null | undefined): boolean {
  return labels?.[PREVIEW_LABEL_KEY] !== undefined;
}

/**
 * Whether `o` belongs to the selection: a preview's (`namespace` given) is every object in its
 * namespace; an environment's (none) leaves out the objects of previews, which carry the `from`
 * environment's labels in their own namespace and are told apart by `ferry.dev/preview`.
 */
function inScope(o: { metadata: ObjectMeta }, namespace: string | undefined): boolean {
  return namespace === undefined ? !isPreview(o.metadata.labels) : o.metadata.namespace === namespace;
}

/** Warning events about any of `objects` (by uid, or kind, namespace and name), sorted. */
function eventsAbout(all: ClusterObjects, objects: readonly { metadata: ObjectMeta; kind: string }[]): ClusterObjects["events"] {
  const refs = new Set<string>();
  for (const o of objects) {
    if (o.metadata.uid) refs.add(`uid:${o.metadata.uid}`);
    refs.add(`ref:${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
  }
  return byNamespaceName(
    all.events.filter((e) => {
      const io = e.involvedObject;
      return (io.uid && refs.has(`uid:${io.uid}`)) || refs.has(`ref:${io.kind ?? ""}/${io.namespace ?? e.metadata.namespace ?? ""}/${io.name ?? ""}`);
    }),
  );
}

/**
 * The objects of one component: workloads, ReplicaSets, pods and HPAs carrying its labels,
 * Warning events about any of them (by uid, or kind, namespace and name), and the logs of its pods.
 * Without `namespace`, the environment's own (no preview's); with it, only those in `namespace`
 * (a preview's, whose objects carry the `from` environment's labels). Lists are sorted by namespace and name.
 */
export function selectComponent(all: ClusterObjects, key: ComponentKey, namespace?: string): ClusterObjects {
  const out = emptyObjects();
  const selected: { metadata: ObjectMeta; kind: string }[] = [];
  for (const kind of LABELLED) {
    const items = (all[kind] as { metadata: ObjectMeta; kind: string }[]).filter((o) => sameKey(keyOfLabels(o.metadata.labels), key) && inScope(o, namespace));
    (out[kind] as unknown[]) = byNamespaceName(items);
    selected.push(...items);
  }
  out.events = eventsAbout(all, selected);
  for (const p of out.pods) {
    const prefix = `${p.metadata.namespace ?? ""}/${p.metadata.name}/`;
    for (const [k, lines] of Object.entries(all.logs)) if (k.startsWith(prefix)) out.logs[k] = lines;
  }
  return out;
}

/** Warning events about any labelled object, an environment's or a preview's, sorted. */
export function componentEvents(all: ClusterObjects): ClusterObjects["events"] {
  return eventsAbout(
    all,
    LABELLED.flatMap((kind) => (all[kind] as { metadata: ObjectMeta; kind: string }[]).filter((o) => keyOfLabels(o.metadata.labels) !== undefined)),
  );
}

/** Every component key present on a labelled object of an environment's own (no preview's) in the snapshot, sorted. */
export function componentKeys(all: ClusterObjects): ComponentKey[] {
  const seen = new Map<string, ComponentKey>();
  for (const kind of LABELLED) {
    for (const o of all[kind] as { metadata: ObjectMeta }[]) {
      const k = inScope(o, undefined) ? keyOfLabels(o.metadata.labels) : undefined;
      if (k) seen.set(keyString(k), k);
    }
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}
