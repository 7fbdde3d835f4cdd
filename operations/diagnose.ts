/**
 * Diagnose: the likely causes of one component's trouble in one environment, with their evidence
 * (`ferry diagnose`, ferry_diagnose). What is CLI-specific stays here: the component's and each
 * dependency's signals (`readSignals` over `since`, which spans the release landing when it landed
 * within it), the release and its landing time from the environment's GitOps history (the CLI's
 * target), the dependencies the release declares (its frozen Component), the kubeconfig; the
 * gathering and ranking is flows/diagnosis/evidence.ts, which the status comment and the portal share.
 */
import { readFiles, readHistory } from "../adapters/git/read.js";
import { loadKubeConfig, type KubeConfigSource } from "../adapters/kube/kubeconfig.js";
import { snapshotCluster } from "../adapters/kube/snapshot.js";
import { podLogReader, type PodLogReader } from "../adapters/kube/pod-logs.js";
import type { CausesDiagnosis } from "../core/diagnosis/model.js";
import { releaseLanding } from "../core/history.js";
import { parseReleaseFile } from "../core/release/state.js";
import { gatherEvidence, type ClusterRead } from "../flows/diagnosis/evidence.js";
import { aggregateClusterDiagnoses } from "../core/diagnosis/clusters.js";
import { clusterEnvironmentName } from "../core/status/cluster-environment.js";
import { clusterAsEnvironment, clustersOf, type Dependency, type Environment } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { releasePath } from "../renderers/release.js";
import { UsageError } from "./errors.js";
import { cliTarget } from "./gitops-target.js";
import { environmentHistory, NoReleaseError, readClusterSignals } from "./signals.js";
import type { EnvironmentVariables } from "./variables.js";

export interface DiagnoseInput {
  readonly platform: PlatformBundle;
  readonly project: string;
  readonly component: string;
  readonly env: string;
  /** The window each signal is read over and the span of its series; make it reach back before the release landed. @default 30m */
  readonly since?: string;
  /** Overrides of the environment's GitOps target (`--gitops`, `--branch`, `--path`; the CLI only). */
  readonly target?: { readonly gitops?: string; readonly branch?: string; readonly path?: string };
  /** Clone cache. @default FERRY_CACHE_DIR, else ~/.cache/ferry */
  readonly cacheDir?: string;
  /** A kubeconfig file. @default $KUBECONFIG, else ~/.kube/config, else in-cluster */
  readonly kubeconfig?: string;
  /** GITHUB_TOKEN, KUBECONFIG and the Prometheus endpoints' token variables. */
  readonly variables: EnvironmentVariables;
  /** One cluster of an environment on several clusters. @default each cluster, and the environment's aggregate */
  readonly cluster?: string;
  /** Whether the caller may see a dependency (the MCP server's access); one they may not is left out, unnamed. @default every one */
  readonly sees?: (project: string, component: string) => boolean | Promise<boolean>;
}

export interface DiagnoseDeps {
  readonly readSignals: typeof readClusterSignals;
  readonly readHistory: typeof readHistory;
  readonly readFiles: typeof readFiles;
  readonly loadKubeConfig: typeof loadKubeConfig;
  readonly snapshotCluster: typeof snapshotCluster;
  /** The reader of a context's pod logs. */
  readonly podLogReader: typeof podLogReader;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

const DEFAULT_DEPS: DiagnoseDeps = {
  readSignals: readClusterSignals,
  readHistory,
  readFiles,
  loadKubeConfig,
  snapshotCluster,
  podLogReader,
  now: () => Date.now(),
};

/** The diagnosis as `ferry diagnose --json` and ferry_diagnose give it. */
export interface DiagnoseReport extends CausesDiagnosis {
  /** `<project>/<component>` */
  readonly component: string;
  readonly environment: string;
  /** One cluster of an environment on several clusters: whose diagnosis this is. */
  readonly cluster?: string;
  /** The span the signals were read over (unix seconds). */
  readonly window: { readonly from: number; readonly to: number };
  /** An environment on several clusters: each cluster's diagnosis (wave order); the causes above are theirs, each naming its cluster. */
  readonly clusters?: readonly DiagnoseReport[];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The cluster's snapshot of the environment, or why it was not read. */
async function readCluster(
  input: DiagnoseInput,
  where: string,
  context: string | undefined,
  kubeConfig: () => KubeConfigSource,
  d: DiagnoseDeps,
): Promise<ClusterRead> {
  if (context === undefined) return { note: `${where} has no cluster context (environments[].cluster.context): pods, events and logs not observed` };
  try {
    return { snapshot: await d.snapshotCluster(context, { environment: input.env }, { kubeConfig: kubeConfig(), env: { ...input.variables } }) };
  } catch (e) {
    return { note: `cluster context ${JSON.stringify(context)} not read (${message(e)}): pods, events and logs not observed` };
  }
}

/**
 * Reads the evidence and ranks the causes; throws UsageError on an unknown environment, cluster or
 * project, a bad `since` or no release. An environment on several clusters is diagnosed in each
 * cluster (its own Prometheus, folder and context), and as a whole: every cluster's causes, each
 * naming its cluster (core/diagnosis/clusters.ts), with each cluster's own report in `clusters`.
 */
export async function diagnoseComponent(input: DiagnoseInput, deps: Partial<DiagnoseDeps> = {}): Promise<DiagnoseReport> {
  const d = { ...DEFAULT_DEPS, ...deps };
  const { platform } = input.platform;
  const env = platform.spec.environments.find((e) => e.name === input.env);
  if (!env)
    throw new UsageError(`env: unknown environment ${JSON.stringify(input.env)}; the platform has ${platform.spec.environments.map((e) => e.name).join(", ")}`);
  const clusters = clustersOf(env);
  if (input.cluster !== undefined && !clusters.some((c) => c.name === input.cluster))
    throw new UsageError(`cluster: ${env.name} has no cluster ${JSON.stringify(input.cluster)}`);
  if (clusters.length === 0 || input.cluster !== undefined) return diagnoseIn(input, env, input.cluster, d);
  // One window for every cluster.
  const now = d.now();
  const fixed = { ...d, now: () => now };
  const reports: DiagnoseReport[] = [];
  const unread: { cluster: string; reason: string }[] = [];
  let none: unknown;
  for (const c of clusters) {
    try {
      reports.push(await diagnoseIn(input, env, c.name, fixed));
    } catch (e) {
      if (!(e instanceof NoReleaseError)) throw e;
      none ??= e;
      unread.push({ cluster: c.name, reason: e.message });
    }
  }
  if (reports.length === 0) throw none;
  const diagnosis = aggregateClusterDiagnoses(
    env.name,
    reports.map((r) => ({ cluster: r.cluster ?? "", diagnosis: r })),
    unread,
  );
  return { component: `${input.project}/${input.component}`, environment: env.name, window: reports[0]!.window, ...diagnosis, clusters: reports };
}

/** The diagnosis in one cluster of the environment (`cluster`), or in the environment on one cluster. */
async function diagnoseIn(input: DiagnoseInput, env: Environment, cluster: string | undefined, d: DiagnoseDeps): Promise<DiagnoseReport> {
  const since = input.since ?? "30m";
  const where = clusterEnvironmentName(env.name, cluster);
  const signalsOf = (project: string, component: string) =>
    d.readSignals({
      platform: input.platform,
      project,
      component,
      env: env.name,
      ...(cluster !== undefined ? { cluster } : {}),
      since,
      ...(input.target ? { target: input.target } : {}),
      ...(input.cacheDir !== undefined ? { cacheDir: input.cacheDir } : {}),
      variables: input.variables,
    });
  const own = await signalsOf(input.project, input.component);
  const notes: string[] = [];

  // The landing time and the dependencies, from the environment's GitOps history and the frozen release.
  const target = cliTarget(env, input.target ?? {}, { env: input.variables });
  const cacheDir = input.cacheDir || undefined;
  let landedAt: number | undefined;
  let dependencies: Dependency[] | undefined;
  let dependenciesUnknown: string | undefined;
  try {
    const history = await environmentHistory(d.readHistory, target, env, input.project, input.component, cacheDir, cluster);
    const landing = releaseLanding(history, own.release);
    if (landing) landedAt = Math.floor(landing.date.getTime() / 1000);
    else notes.push(`release ${own.release} was not found in ${where}'s GitOps history: no landing time`);
    const file = releasePath({ metadata: { project: input.project, component: input.component, name: own.release } });
    const frozen = parseReleaseFile((await d.readFiles({ target, paths: [file], cacheDir })).files.get(file) ?? "");
    if (frozen) dependencies = frozen.spec.component.spec.dependencies;
    else dependenciesUnknown = `${file} could not be read`;
  } catch (e) {
    notes.push(`the GitOps history could not be read (${message(e)}): no landing time`);
    dependenciesUnknown = `the GitOps history could not be read`;
  }

  const kubeConfig = (): KubeConfigSource => ({
    kind: "config",
    config: d.loadKubeConfig(input.kubeconfig ? { kind: "file", path: input.kubeconfig } : { kind: "default" }, { ...input.variables }),
  });
  const context = clusterAsEnvironment(env, cluster).cluster?.context;
  let podLogs: PodLogReader | undefined;
  try {
    podLogs = context !== undefined ? d.podLogReader(context, kubeConfig(), { ...input.variables }) : undefined;
  } catch {
    podLogs = undefined; // the cluster read says why
  }
  const diagnosis = await gatherEvidence(
    {
      key: { project: input.project, component: input.component, environment: env.name },
      report: own,
      ...(landedAt !== undefined ? { landedAt } : {}),
      notes: [...own.notes, ...notes],
    },
    {
      dependencies: async () => {
        if (dependencies === undefined) throw new Error(dependenciesUnknown ?? "not read");
        return dependencies;
      },
      signalsOf,
      cluster: () => readCluster(input, where, context, kubeConfig, d),
      podLogs,
      sees: input.sees ?? (() => true),
      now: d.now,
    },
  );
  return {
    component: `${input.project}/${input.component}`,
    environment: env.name,
    ...(cluster !== undefined ? { cluster } : {}),
    window: own.window,
    ...diagnosis,
  };
}
