/** Which kubeconfig context runs each environment (`environments[].cluster.context`, or each of `environments[].clusters`). */
import { findEnvironment } from "../../renderers/platform.js";
import { clusterEnvironmentName } from "../../core/status/cluster-environment.js";

/** The parts of a platform environment status reporting reads. */
export interface EnvironmentInfo {
  readonly name: string;
  /** @default false */
  readonly production?: boolean;
  /** @default no cluster: the environment is not observed */
  readonly cluster?: { readonly context: string } | undefined;
  /** An environment on several clusters: each one's name and context (in wave order). @default one `cluster` */
  readonly clusters?: readonly { readonly name: string; readonly context: string; readonly wave?: number }[] | undefined;
}

/** The environments, or a function giving the current ones (the platform repo can change). */
export type EnvironmentsSource = readonly EnvironmentInfo[] | (() => readonly EnvironmentInfo[]);

/** The environment named `name`, read from `source` now. */
export function environmentNamed(source: EnvironmentsSource, name: string): EnvironmentInfo | undefined {
  const list = typeof source === "function" ? source() : source;
  return findEnvironment(list, name);
}

/** The kubeconfig context of environment `name`, or undefined when it has none (or is unknown, or is on several clusters). */
export function contextOf(source: EnvironmentsSource, name: string): string | undefined {
  return environmentNamed(source, name)?.cluster?.context;
}

/** Where one environment (or one of its clusters) runs, as status back reads it. */
export interface ClusterTarget {
  /** The cluster's name; undefined for an environment on one cluster. */
  readonly cluster: string | undefined;
  readonly context: string;
  /** The name its health is tracked and its deployment statuses posted under: `<env>/<cluster>`, or `<env>`. */
  readonly tracked: string;
}

/** The clusters of `env` in wave order then name (one, unnamed, for an environment on one cluster; none without a cluster). */
export function clusterTargets(env: EnvironmentInfo): ClusterTarget[] {
  if (env.clusters && env.clusters.length > 0)
    return [...env.clusters]
      .sort((a, b) => (a.wave ?? 1) - (b.wave ?? 1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({ cluster: c.name, context: c.context, tracked: clusterEnvironmentName(env.name, c.name) }));
  return env.cluster ? [{ cluster: undefined, context: env.cluster.context, tracked: env.name }] : [];
}

/** Whether `env` is on several clusters. */
export function isMultiCluster(env: EnvironmentInfo | undefined): boolean {
  return (env?.clusters?.length ?? 0) > 0;
}
