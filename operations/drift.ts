/**
 * Drift: what differs between the environments beyond their declared overrides, and between
 * git and the clusters. Reads each environment's GitOps target (like `ferry history`) and, for
 * environments with a cluster context, its cluster through the kubeconfig (like `ferry status`).
 */
import { readEnvironment } from "../adapters/git/environment.js";
import { defaultGitopsPort, type GitopsReader } from "../adapters/git/port.js";
import { GitopsError } from "../adapters/git/errors.js";
import { loadKubeConfig, type KubeConfigSource } from "../adapters/kube/kubeconfig.js";
import { readClusterDrift, readLiveObjects } from "../adapters/kube/live.js";
import { environmentsDrift } from "../core/drift/environments.js";
import { clusterComparisons, clusterReadParts, type ClusterComparison, type ClusterRead } from "../core/drift/clusters.js";
import { environmentManifests, type EnvironmentFiles } from "../core/drift/inputs.js";
import type { DriftReport } from "../core/drift/model.js";
import { driftReport } from "../core/drift/report.js";
import { catalogFromReleases } from "../core/release/state.js";
import { CelEngine } from "../renderers/cel.js";
import type { Environment } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { cliResolver } from "./gitops-target.js";
import type { EnvironmentVariables } from "./variables.js";
import { selectEnvironments } from "./workspace.js";

/** What to compare: the platform, which environments, where their GitOps targets and clusters are. */
export interface DriftInput {
  readonly platform: PlatformBundle;
  /** Environment names; none: all. */
  readonly envs: readonly string[];
  /** Overrides of every environment's GitOps target (`--gitops`, `--branch`, `--path`). */
  readonly target: { readonly gitops?: string; readonly branch?: string; readonly path?: string };
  /** Clone cache. @default FERRY_CACHE_DIR, else ~/.cache/ferry */
  readonly cacheDir?: string;
  /** A kubeconfig file; default: $KUBECONFIG, else ~/.kube/config, else in-cluster. */
  readonly kubeconfig?: string;
  /** GITHUB_TOKEN, GITHUB_SERVER_URL and KUBECONFIG. */
  readonly variables: EnvironmentVariables;
}

/** The clients drift uses, passed in so tests can point them elsewhere. */
export interface DriftDeps {
  readonly gitops: GitopsReader;
  readonly loadKubeConfig: typeof loadKubeConfig;
  readonly readLiveObjects: typeof readLiveObjects;
}

function defaultDeps(): DriftDeps {
  return { gitops: defaultGitopsPort(), loadKubeConfig, readLiveObjects };
}

/** The report, or why a GitOps target could not be read. */
export type DriftOutcome = { readonly ok: true; readonly report: DriftReport } | { readonly ok: false; readonly error: string };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function readEnvironmentFiles(envs: readonly Environment[], input: DriftInput, deps: DriftDeps): Promise<EnvironmentFiles[]> {
  const resolve = cliResolver(input.target, { env: input.variables });
  const snapshots = await Promise.all(envs.map(async (env) => readEnvironment(deps.gitops, await resolve(env), input.cacheDir || undefined)));
  return snapshots.map((s) => ({ env: s.target.env, state: s.state, releaseFiles: s.releaseFiles }));
}

async function readComparison(c: ClusterComparison, kubeConfig: KubeConfigSource, deps: DriftDeps): Promise<ClusterRead> {
  try {
    const options = { kubeConfig, read: deps.readLiveObjects, ...(c.cluster !== undefined ? { cluster: c.cluster } : {}) };
    return { comparison: c, findings: await readClusterDrift(c.environment, c.context as string, c.objects, options) };
  } catch (e) {
    return { comparison: c, problem: `unreachable (${message(e)})` };
  }
}

/** Reads every selected environment's GitOps target and cluster and compares them; unknown environments are usage errors. */
export async function driftOfEnvironments(input: DriftInput, deps: DriftDeps = defaultDeps()): Promise<DriftOutcome> {
  const envs = selectEnvironments(input.platform.platform.spec.environments, input.envs);
  let held: EnvironmentFiles[];
  try {
    held = await readEnvironmentFiles(envs, input, deps);
  } catch (e) {
    if (e instanceof GitopsError) return { ok: false, error: e.message };
    throw e;
  }
  const catalog = catalogFromReleases(held.map((h) => h.releaseFiles));
  const between = environmentsDrift(environmentManifests(held, { bundle: input.platform, catalog, cel: new CelEngine() }));

  const comparisons = held.flatMap(clusterComparisons);
  const observed = comparisons.filter((c) => c.context !== undefined);
  const problems: string[] = [];
  let kubeConfig: KubeConfigSource | undefined;
  if (observed.length > 0) {
    try {
      const source: KubeConfigSource = input.kubeconfig ? { kind: "file", path: input.kubeconfig } : { kind: "default" };
      kubeConfig = { kind: "config", config: deps.loadKubeConfig(source, { ...input.variables }) };
    } catch (e) {
      problems.push(`cannot load the kubeconfig${input.kubeconfig ? ` ${input.kubeconfig}` : ""}: ${message(e)}`);
    }
  }
  const config = kubeConfig;
  // In the platform's order, each environment's clusters in wave order; none for a cluster when the kubeconfig did not load (a problem above).
  const reads = (
    await Promise.all(
      comparisons.map(async (c): Promise<ClusterRead | undefined> => {
        if (c.context === undefined)
          return {
            comparison: c,
            note:
              c.cluster === undefined
                ? "no cluster context (environments[].cluster.context): git not compared with a cluster"
                : "no cluster context (environments[].clusters[].context): git not compared with the cluster",
          };
        return config ? readComparison(c, config, deps) : undefined;
      }),
    )
  ).filter((r): r is ClusterRead => r !== undefined);
  const parts = clusterReadParts(reads);
  return {
    ok: true,
    report: driftReport({
      environments: envs.map((e) => e.name),
      between,
      clusters: parts.clusters,
      notes: parts.notes,
      problems: [...problems, ...parts.problems],
      clusterStates: parts.clusterStates,
    }),
  };
}
