/**
 * Drift: what differs between environments beyond their declared overrides, and between git and
 * the clusters. The shapes every part of core/drift shares. Pure.
 */
import type { K8sObject } from "../../renderers/types.js";

/** Identifies an object: group (from apiVersion), kind, namespace and name; the version is ignored. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** The group of an apiVersion (`""` for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The reference of an object. */
export function refOf(obj: Pick<K8sObject, "apiVersion" | "kind" | "metadata">): ObjectRef {
  const ns = obj.metadata.namespace;
  return { apiVersion: obj.apiVersion, kind: obj.kind, ...(typeof ns === "string" && ns !== "" ? { namespace: ns } : {}), name: obj.metadata.name };
}

/** `<group>/<kind>/<namespace>/<name>`: equal for the same object whatever its version. */
export function refKey(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? "" : `${ref.namespace}/`}${ref.name}`;
}

/** One field where git and the cluster disagree; `undefined` means absent. */
export interface LiveFieldDiff {
  readonly path: string;
  readonly git: unknown;
  readonly live: unknown;
}

/** One field where two environments disagree other than their releases render them; `undefined` means absent. */
export interface EnvironmentFieldDiff {
  readonly path: string;
  /** Environment name → value in its GitOps files. */
  readonly git: Readonly<Record<string, unknown>>;
  /** Environment name → value the environment's release renders there (the declared difference). */
  readonly expected: Readonly<Record<string, unknown>>;
}

/** Which release each environment runs; `null` where the component is absent. */
export interface ReleaseRow {
  /** `project/component` */
  readonly component: string;
  readonly releases: Readonly<Record<string, string | null>>;
}

/** A component whose environments do not all run the same release. */
export interface ReleaseDrift {
  readonly kind: "release";
  readonly component: string;
  /** In environment order; `null` where the component is absent. */
  readonly releases: Readonly<Record<string, string | null>>;
}

/** Two environments running the same release whose manifests differ beyond what the release renders for each. */
export interface EnvironmentDrift {
  readonly kind: "environments";
  readonly component: string;
  /** The two environments compared, in environment order. */
  readonly environments: readonly [string, string];
  /** `Kind name` (namespaces differ between environments by design). */
  readonly object: string;
  /** Set when the object is in one environment's files only (and the release renders it in both or neither). */
  readonly onlyIn?: string;
  readonly fields: readonly EnvironmentFieldDiff[];
}

/** An object of git that the environment's cluster does not have. */
export interface MissingDrift {
  readonly kind: "missing";
  readonly environment: string;
  /** The cluster, for an environment on several clusters (`environments[].clusters`). */
  readonly cluster?: string;
  readonly object: ObjectRef;
}

/** An object whose live fields differ from the fields git sets. */
export interface ModifiedDrift {
  readonly kind: "modified";
  readonly environment: string;
  /** The cluster, for an environment on several clusters (`environments[].clusters`). */
  readonly cluster?: string;
  readonly object: ObjectRef;
  readonly fields: readonly LiveFieldDiff[];
}

/** A live object labelled as Ferry's (`app.kubernetes.io/managed-by: ferry`) that git no longer has. */
export interface OrphanDrift {
  readonly kind: "orphan";
  readonly environment: string;
  /** The cluster, for an environment on several clusters (`environments[].clusters`). */
  readonly cluster?: string;
  readonly object: ObjectRef;
}

export type DriftFinding = ReleaseDrift | EnvironmentDrift | MissingDrift | ModifiedDrift | OrphanDrift;

/** Something not compared, and why (no cluster context, a release that does not render). */
export interface DriftNote {
  readonly environment?: string;
  readonly component?: string;
  readonly message: string;
}

/** Everything `ferry drift` and the `Ferry / drift` check report. */
export interface DriftReport {
  /** The environments looked at, in the platform's order. */
  readonly environments: readonly string[];
  readonly releases: readonly ReleaseRow[];
  /** Sorted: releases, then environment differences, then per environment missing, modified, orphan. */
  readonly findings: readonly DriftFinding[];
  readonly notes: readonly DriftNote[];
  /** What could not be read (an unreachable cluster, a kubeconfig that does not load): drift unknown there. */
  readonly problems: readonly string[];
  /** Each environment on several clusters: each cluster's state and the environment's aggregate (absent when none is). */
  readonly clusters?: readonly EnvironmentClustersDrift[];
}

/** How one cluster compared with its folder: clean, drifted, not read (unreachable) or not compared (no context, no kubeconfig). */
export type ClusterDriftState = "clean" | "drift" | "not read" | "not compared";

/** An environment on several clusters: its aggregate (clean only when every cluster is) and each cluster's state. */
export interface EnvironmentClustersDrift {
  readonly environment: string;
  readonly state: ClusterDriftState;
  /** In wave order. */
  readonly clusters: readonly { readonly name: string; readonly state: ClusterDriftState; readonly findings: number }[];
}
