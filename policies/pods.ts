/**
 * Finding pods and containers inside rendered Kubernetes objects.
 *
 * Every workload kind keeps its pod spec at a different depth; container policies look at all of
 * them through these helpers so a CronJob's containers are checked exactly like a Deployment's.
 */
import type { K8sObject } from "../renderers/types.js";
import { asArray, asRecord, asString, get } from "./json.js";
import type { JsonRecord } from "./json.js";

/** Kinds that carry a pod spec, with the path to it. */
export const POD_SPEC_PATHS = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
} as const satisfies Record<string, readonly string[]>;

export type PodKind = keyof typeof POD_SPEC_PATHS;

/** Kinds whose pod spec container policies check. */
export const POD_KINDS: readonly PodKind[] = Object.keys(POD_SPEC_PATHS) as PodKind[];

/** Long-running kinds a Service can route traffic to. */
export const SERVING_KINDS: readonly PodKind[] = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"];

export function isPodKind(kind: string): kind is PodKind {
  return Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, kind);
}

/** The pod spec of a workload (or bare Pod) and where it sits in the object. */
export interface PodSpecRef {
  readonly object: K8sObject;
  readonly spec: JsonRecord;
  /** Path of the pod spec inside the object, e.g. `spec.template.spec`. */
  readonly path: readonly string[];
  /** Labels the pods get (the template's labels; a Pod's own labels). */
  readonly labels: Readonly<Record<string, string>>;
}

/** The pod spec of `obj`, or undefined when its kind has none (or it is missing). */
export function podSpecOf(obj: K8sObject): PodSpecRef | undefined {
  if (!isPodKind(obj.kind)) return undefined;
  const path = POD_SPEC_PATHS[obj.kind];
  const spec = asRecord(get(obj, path));
  if (!spec) return undefined;
  const metaPath = [...path.slice(0, -1), "metadata", "labels"];
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(get(obj, metaPath)) ?? {})) {
    if (typeof v === "string") labels[k] = v;
  }
  return { object: obj, spec, path, labels };
}

export type ContainerList = "initContainers" | "containers" | "ephemeralContainers";

/** One container of a pod spec. */
export interface ContainerRef {
  readonly pod: PodSpecRef;
  readonly list: ContainerList;
  readonly index: number;
  readonly name: string;
  readonly container: JsonRecord;
  /** Path of the container inside the object, e.g. `["spec","template","spec","containers",0]`. */
  readonly path: readonly (string | number)[];
}

/**
 * Containers of a pod spec, init containers first. Ephemeral containers are only included when
 * asked for: they have no resources or probes, but they do have images.
 */
export function containersOf(pod: PodSpecRef, lists: readonly ContainerList[] = ["initContainers", "containers"]): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of lists) {
    asArray(pod.spec[list]).forEach((raw, index) => {
      const container = asRecord(raw);
      if (!container) return;
      out.push({
        pod,
        list,
        index,
        name: asString(container.name) ?? `#${index}`,
        container,
        path: [...pod.path, list, index],
      });
    });
  }
  return out;
}

/** Every pod spec among `objects`, in order. */
export function podSpecs(objects: readonly K8sObject[], kinds: readonly PodKind[] = POD_KINDS): PodSpecRef[] {
  return objects
    .filter((o) => (kinds as readonly string[]).includes(o.kind))
    .map(podSpecOf)
    .filter((p): p is PodSpecRef => p !== undefined);
}

/** A parsed image reference. */
export interface ImageReference {
  /** Registry and repository, e.g. `ghcr.io/acme/api` or `nginx`. */
  readonly name: string;
  readonly tag?: string;
  /** `sha256:...` when pinned by digest. */
  readonly digest?: string;
}

/**
 * Splits `registry[:port]/repo:tag@digest`. A `:` only starts a tag after the last `/`, so a
 * registry port (`localhost:5000/app`) is not mistaken for one.
 */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const rest = at >= 0 ? image.slice(0, at) : image;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  const hasTag = colon > slash;
  const name = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  return { name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Whether every `selector` entry is among `labels` (an empty selector selects nothing here). */
export function selects(selector: Readonly<Record<string, unknown>>, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
