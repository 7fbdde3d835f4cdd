/**
 * Drift between git and the clusters, per cluster: what each cluster is compared with (the
 * environment's one cluster with its whole folder, or each cluster of an environment on several
 * clusters with its own folder `<path>/<cluster>/...`), and what the reads add up to: findings,
 * notes, problems and, for environments on several clusters, each cluster's state and the
 * environment's aggregate (clean only when every cluster is). Pure: the callers read the clusters
 * (adapters/kube/live.ts).
 */
import { clustersOf } from "../../renderers/model/index.js";
import type { K8sObject } from "../../renderers/types.js";
import { clusterEnvironmentName } from "../status/cluster-environment.js";
import { objectsOfFiles, type EnvironmentFiles } from "./inputs.js";
import type { ClusterDriftState, DriftFinding, DriftNote, EnvironmentClustersDrift } from "./model.js";

/** One cluster to compare with git. */
export interface ClusterComparison {
  readonly environment: string;
  /** The cluster, for an environment on several clusters. */
  readonly cluster?: string;
  /** Its kubeconfig context; undefined: not compared. */
  readonly context?: string;
  /** The objects git holds for it. */
  readonly objects: readonly K8sObject[];
}

/** What reading one cluster gave. */
export type ClusterRead =
  | { readonly comparison: ClusterComparison; readonly findings: readonly DriftFinding[] }
  | { readonly comparison: ClusterComparison; readonly problem: string }
  | { readonly comparison: ClusterComparison; readonly note: string };

/** The clusters of an environment to compare: its one cluster with every object of its folder, or each of its clusters (wave order) with the objects of `<cluster>/`. */
export function clusterComparisons(files: EnvironmentFiles): ClusterComparison[] {
  const env = files.env;
  const clusters = clustersOf(env);
  if (clusters.length === 0)
    return [{ environment: env.name, ...(env.cluster ? { context: env.cluster.context } : {}), objects: objectsOfFiles(files.state.files) }];
  return clusters.map((c) => {
    const prefix = `${c.name}/`;
    const mine = new Map([...files.state.files].filter(([path]) => path.startsWith(prefix)));
    return { environment: env.name, cluster: c.name, context: c.context, objects: objectsOfFiles(mine) };
  });
}

/** A cluster as the report names it: `prod`, or `prod/eu-1` (its GitHub deployment environment). */
export function comparisonName(c: Pick<ClusterComparison, "environment" | "cluster">): string {
  return clusterEnvironmentName(c.environment, c.cluster);
}

const WORST: readonly ClusterDriftState[] = ["drift", "not read", "not compared", "clean"];

/** What the reads add up to, in the parts {@link driftReport} takes. */
export function clusterReadParts(reads: readonly ClusterRead[]): {
  clusters: { environment: string; findings: readonly DriftFinding[] }[];
  notes: DriftNote[];
  problems: string[];
  clusterStates: EnvironmentClustersDrift[];
} {
  const clusters: { environment: string; findings: readonly DriftFinding[] }[] = [];
  const notes: DriftNote[] = [];
  const problems: string[] = [];
  const byEnv = new Map<string, { name: string; state: ClusterDriftState; findings: number }[]>();
  for (const r of reads) {
    const { environment, cluster } = r.comparison;
    let state: ClusterDriftState;
    let count = 0;
    if ("findings" in r) {
      clusters.push({ environment, findings: r.findings });
      count = r.findings.length;
      state = count > 0 ? "drift" : "clean";
    } else if ("problem" in r) {
      problems.push(`${comparisonName(r.comparison)}: ${r.problem}`);
      state = "not read";
    } else {
      notes.push({ environment, message: cluster === undefined ? r.note : `${cluster}: ${r.note}` });
      state = "not compared";
    }
    if (cluster !== undefined) byEnv.set(environment, [...(byEnv.get(environment) ?? []), { name: cluster, state, findings: count }]);
  }
  const clusterStates = [...byEnv].map(([environment, rows]) => ({
    environment,
    state: WORST.find((s) => rows.some((r) => r.state === s)) ?? "clean",
    clusters: rows,
  }));
  return { clusters, notes, problems, clusterStates };
}
