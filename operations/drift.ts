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
import { environmentManifests, objectsOfFiles, type EnvironmentFiles } from "../core/drift/inputs.js";
import type { DriftFinding, DriftNote, DriftReport } from "../core/drift/model.js";
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

async function environmentClusterDrift(
  files: EnvironmentFiles,
  kubeConfig: KubeConfigSource,
  deps: DriftDeps,
): Promise<{ findings: DriftFinding[] } | { problem: string }> {
  const context = files.env.cluster?.context as string;
  try {
    return { findings: await readClusterDrift(files.env.name, context, objectsOfFiles(files.state.files), { kubeConfig, read: deps.readLiveObjects }) };
  } catch (e) {
    return { problem: `${files.env.name}: unreachable (${message(e)})` };
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

  const notes: DriftNote[] = [];
  const problems: string[] = [];
  const clusters: { environment: string; findings: DriftFinding[] }[] = [];
  const observed = held.filter((h) => h.env.cluster?.context !== undefined);
  for (const h of held)
    if (h.env.cluster?.context === undefined)
      notes.push({ environment: h.env.name, message: "no cluster context (environments[].cluster.context): git not compared with a cluster" });
  if (observed.length > 0) {
    let kubeConfig: KubeConfigSource | undefined;
    try {
      const source: KubeConfigSource = input.kubeconfig ? { kind: "file", path: input.kubeconfig } : { kind: "default" };
      kubeConfig = { kind: "config", config: deps.loadKubeConfig(source, { ...input.variables }) };
    } catch (e) {
      problems.push(`cannot load the kubeconfig${input.kubeconfig ? ` ${input.kubeconfig}` : ""}: ${message(e)}`);
    }
    if (kubeConfig) {
      const results = await Promise.all(observed.map((h) => environmentClusterDrift(h, kubeConfig, deps)));
      results.forEach((r, i) => {
        if ("problem" in r) problems.push(r.problem);
        else clusters.push({ environment: observed[i]?.env.name ?? "", findings: r.findings });
      });
    }
  }
  return { ok: true, report: driftReport({ environments: envs.map((e) => e.name), between, clusters, notes, problems }) };
}
