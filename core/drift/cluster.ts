/**
 * Drift between git and one environment's cluster: objects of git the cluster lacks, objects
 * whose live fields differ from the fields git sets, and live objects labelled as Ferry's that
 * git no longer has. Pure: the caller reads the cluster (adapters/kube/live.ts).
 */
import type { K8sObject } from "../../renderers/types.js";
import { LABELS } from "../gitops/layout.js";
import { PREVIEW_LABEL_KEY } from "../preview-env/layout.js";
import { liveFieldDiffs } from "./fields.js";
import type { DriftFinding, ObjectRef } from "./model.js";
import { refKey, refOf } from "./model.js";

/** The label every object Ferry renders carries (the Namespaces too). */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/** A kind to look for objects of. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * The kinds Ferry's built-in types and traits render, looked through for orphans besides the
 * kinds git holds (a kind whose last object left git still counts).
 */
export const FERRY_KINDS: readonly KindRef[] = [
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "v1", kind: "Namespace" },
  { apiVersion: "v1", kind: "PersistentVolumeClaim" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "v1", kind: "ServiceAccount" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
  { apiVersion: "batch/v1", kind: "CronJob" },
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress" },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
];

/**
 * The label selector of an environment's objects that Ferry manages: not a preview's, which carry
 * the `from` environment's labels and `ferry.dev/preview` (its folder is not the environment's git).
 */
export function ferryObjectsSelector(environment: string): string {
  return `${MANAGED_BY_LABEL}=ferry,${LABELS.environment}=${environment},!${PREVIEW_LABEL_KEY}`;
}

/** The kinds to look for orphans of: git's kinds and {@link FERRY_KINDS}, each once, sorted. */
export function kindsToScan(git: readonly K8sObject[]): KindRef[] {
  const out = new Map<string, KindRef>();
  for (const k of [...FERRY_KINDS, ...git.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind }))]) out.set(`${k.apiVersion} ${k.kind}`, k);
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

/** What was read from one cluster. */
export interface LiveObjects {
  /** refKey → the live object, for every git object the cluster has. */
  readonly objects: ReadonlyMap<string, K8sObject>;
  /** Every object found with {@link ferryObjectsSelector}, of the kinds looked through. */
  readonly labelled: readonly K8sObject[];
}

function controlled(obj: K8sObject): boolean {
  const owners = obj.metadata.ownerReferences;
  return Array.isArray(owners) && owners.some((o) => (o as { controller?: unknown }).controller === true);
}

function byRef(a: { object: ObjectRef }, b: { object: ObjectRef }): number {
  const ka = refKey(a.object);
  const kb = refKey(b.object);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The drift of one environment: per git object missing or modified, then orphans (labelled live
 * objects git does not have; objects a controller owns, such as a CronJob's Jobs, are not orphans).
 */
export function clusterDrift(environment: string, git: readonly K8sObject[], live: LiveObjects, cluster?: string): DriftFinding[] {
  const out: DriftFinding[] = [];
  const where = cluster === undefined ? { environment } : { environment, cluster };
  const known = new Set<string>();
  for (const obj of git) {
    const ref = refOf(obj);
    const key = refKey(ref);
    known.add(key);
    const found = live.objects.get(key);
    if (!found) {
      out.push({ kind: "missing", ...where, object: ref });
      continue;
    }
    const fields = liveFieldDiffs(obj, found);
    if (fields.length > 0) out.push({ kind: "modified", ...where, object: ref, fields });
  }
  const orphans = new Map<string, ObjectRef>();
  for (const obj of live.labelled) {
    const ref = refOf(obj);
    if (!known.has(refKey(ref)) && !controlled(obj)) orphans.set(refKey(ref), ref);
  }
  for (const ref of orphans.values()) out.push({ kind: "orphan", ...where, object: ref });
  const order = { missing: 0, modified: 1, orphan: 2 } as Record<string, number>;
  return out.sort((a, b) => (order[a.kind] ?? 0) - (order[b.kind] ?? 0) || byRef(a as { object: ObjectRef }, b as { object: ObjectRef }));
}
