/**
 * The layout of a GitOps repository as Ferry writes and reads it back. Pure.
 *
 * ```
 * releases/<project>/<component>/<id>.yaml      frozen release inputs (renderers/release.ts `releasePath`)
 * <environment path>/                           `gitops.path`, default `environments/<env>`
 *   <project>/namespace.yaml                    the project's Namespace in the environment
 *   <project>/<component>/<kind>-<name>.yaml    one file per rendered object
 * <environment path>/<cluster>/...              an environment on several clusters (`clusters`):
 *                                               the same, once per cluster
 * previews/pr-<number>/<project>/...            the preview environments (`previews`), at the root of the
 *                                               `from` environment's branch, never per cluster: all of
 *                                               `previews/` runs on one cluster, {@link previewCluster}
 * ```
 *
 * {@link componentTargets} is the one place that decides which folders a component is rendered into.
 *
 * A release or removal that waits for approval is committed to the branch
 * `ferry/release/<env>/<project>/<component>`. Objects carry the `ferry.dev/*` labels below; the
 * commits carry the `Ferry-*` trailers of core/gitops/trailers.ts.
 *
 * The release file's path stays beside the Release model in renderers/release.ts: the renderer's
 * own diagnostics point into it, and renderers sit below core.
 */
import type { Environment } from "../../renderers/model/index.js";
import { namespaceFor } from "../../renderers/model/index.js";
import type { K8sObject } from "../../renderers/types.js";

/**
 * The `ferry.dev/*` labels. The renderer stamps the same keys on every object it renders
 * (renderers/compile/context.ts `LABEL`, renderers/compile/network.ts); a test keeps them equal.
 */
export const LABELS = {
  /** `"true"` on the namespaces (and applier objects) Ferry manages. */
  managed: "ferry.dev/managed",
  project: "ferry.dev/project",
  /** Its presence selects Ferry's objects in a cluster. */
  component: "ferry.dev/component",
  environment: "ferry.dev/environment",
  /** The release id an object (and its pods) were rendered from. */
  release: "ferry.dev/release",
} as const;

/** The part of an environment that says where its manifests go (a Platform environment fits). */
export interface EnvironmentLocation {
  readonly name: string;
  readonly gitops: { readonly path?: string };
  /** An environment on several clusters: one folder per cluster (`wave`: the wave a promotion reaches it in). */
  readonly clusters?: readonly { readonly name: string; readonly wave?: number }[];
}

/** One folder a component is rendered into in its environment, paths relative to the environment's directory. */
export interface ComponentTarget {
  /** The cluster, for an environment on several clusters; absent for one on a single cluster. */
  readonly cluster?: string;
  /** `<project>/<component>`, or `<cluster>/<project>/<component>`. */
  readonly dir: string;
  /** `<project>/namespace.yaml`, or `<cluster>/<project>/namespace.yaml`. */
  readonly namespaceFile: string;
}

/** One folder of an environment's directory that holds a whole rendering of it: the directory itself, or one cluster's folder. */
export interface EnvironmentFolder {
  /** The cluster, for an environment on several clusters. */
  readonly cluster?: string;
  /** `""`, or `<cluster>/`: what paths inside this folder start with, relative to the environment's directory. */
  readonly prefix: string;
}

/** The directory itself for an environment on one cluster; one folder per cluster (sorted by name) for an environment on several. */
export function environmentFolders(env: EnvironmentLocation): EnvironmentFolder[] {
  const clusters = [...new Set((env.clusters ?? []).map((c) => c.name))].sort();
  return clusters.length === 0 ? [{ prefix: "" }] : clusters.map((cluster) => ({ cluster, prefix: `${cluster}/` }));
}

/**
 * The folders of an environment one component is rendered into: one, `<project>/<component>`, for an
 * environment on one cluster (as it always was); one per cluster, `<cluster>/<project>/<component>`,
 * for an environment on several.
 */
export function componentTargets(env: EnvironmentLocation, project: string, component: string): ComponentTarget[] {
  return environmentFolders(env).map(({ cluster, prefix }) => ({
    ...(cluster !== undefined ? { cluster } : {}),
    dir: `${prefix}${componentDir(project, component)}`,
    namespaceFile: `${prefix}${namespaceFile(project)}`,
  }));
}

/**
 * The folder whose commits are a component's history in an environment: its directory, or for an
 * environment on several clusters the first cluster of its first wave (by name within the wave):
 * a promotion in waves reaches it first, and every release commit writes all of them.
 */
export function historyDir(env: EnvironmentLocation, project: string, component: string): string {
  const wave = (name: string | undefined) => env.clusters?.find((c) => c.name === name)?.wave ?? 1;
  const [first] = componentTargets(env, project, component).sort((a, b) => wave(a.cluster) - wave(b.cluster));
  return first ? first.dir : componentDir(project, component);
}

/**
 * The cluster of an environment on several that runs its previews (when it is a `previews.from`):
 * the first cluster of its first wave (by name within the wave), where a change reaches first;
 * undefined for an environment on one cluster (its cluster runs them). A preview is rendered once,
 * with this cluster's per-cluster overrides, into `previews/pr-<number>/` without a cluster folder,
 * and the appliers (`ferry bootstrap`) apply `previews/` to this cluster only.
 */
export function previewCluster(env: EnvironmentLocation): string | undefined {
  const clusters = [...(env.clusters ?? [])];
  if (clusters.length === 0) return undefined;
  const wave = (c: { readonly wave?: number }) => c.wave ?? 1;
  return clusters.sort((a, b) => wave(a) - wave(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0]!.name;
}

/** `environments/<env>`: an environment's directory unless its `gitops.path` says otherwise, and in `ferry render --out`. */
export function defaultEnvironmentPath(name: string): string {
  return `environments/${name}`;
}

/** Where an environment's manifests go in its GitOps repository. */
export function environmentPath(env: EnvironmentLocation): string {
  return env.gitops.path ?? defaultEnvironmentPath(env.name);
}

/** Directory of a component inside an environment's directory. */
export function componentDir(project: string, component: string): string {
  return `${project}/${component}`;
}

/** `<kind>-<name>.yaml`, lowercase: the file of one rendered object inside its component's directory. */
export function objectFileName(obj: K8sObject): string {
  return `${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/** Path of the project's Namespace file inside an environment's directory. */
export function namespaceFile(project: string): string {
  return `${project}/namespace.yaml`;
}

/** The Namespace a project's components share in an environment (a Ferry-managed "cell"). */
export function namespaceObject(env: Environment, project: string): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespaceFor(env, project),
      labels: {
        "app.kubernetes.io/managed-by": "ferry",
        [LABELS.managed]: "true",
        [LABELS.project]: project,
        [LABELS.environment]: env.name,
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  };
}

/** The branch of a release pull request. */
export function releaseBranch(env: string, project: string, component: string): string {
  return `ferry/release/${env}/${project}/${component}`;
}
