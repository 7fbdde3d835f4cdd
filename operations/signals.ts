/**
 * Signals: the golden signals of one component in one environment (`ferry signals`,
 * ferry_signals). The release comes from the environment's GitOps history (or is given), the
 * signals from the built-in type's defaults, the platform and the release's ComponentType, the
 * values from the environment's Prometheus over `since`, the baseline from the previous release
 * over an equal window before the release landed (`flows/signals/release-report.ts`, the report the
 * portal shares, over `flows/signals/read.ts`, the reader the app's verification shares);
 * `core/signals/` judges them. An environment on several clusters is judged per cluster (each
 * cluster's folder's history, its own `prometheus`) and as a whole (the worst verdict). What is CLI-specific stays here: the arguments, the GitOps target
 * overrides, the clone cache.
 */
import { readFiles, readHistory } from "../adapters/git/read.js";
import { HISTORY_LIMIT } from "../adapters/git/environment.js";
import { prometheusFor, type PrometheusPort } from "../adapters/prometheus/client.js";
import { componentTargets, historyDir } from "../core/gitops/layout.js";
import { componentHistory, releaseLanding, type HistoryEntry } from "../core/history.js";
import { parseReleaseFile } from "../core/release/state.js";
import { aggregateClusterSignals, type EnvironmentSignalsReport, type SignalsReport } from "../core/signals/report.js";
import { clusterEnvironmentName } from "../core/status/cluster-environment.js";
import { prometheusOfEnvironment } from "../flows/signals/read.js";
import { readReleaseSignals } from "../flows/signals/release-report.js";
import { clusterAsEnvironment, clustersOf, durationSeconds, type Environment, type PrometheusEndpoint } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { ReleaseId, releasePath } from "../renderers/release.js";
import { UsageError } from "./errors.js";
import { cliTarget, type CliTarget } from "./gitops-target.js";
import type { EnvironmentVariables } from "./variables.js";

export interface SignalsInput {
  readonly platform: PlatformBundle;
  readonly project: string;
  readonly component: string;
  readonly env: string;
  /** The window each value is computed over (`${window}`) and the span of the series. @default 5m */
  readonly since?: string;
  /** The release to judge; default: the one the environment's GitOps history says runs there. */
  readonly release?: string;
  /** Overrides of the environment's GitOps target (`--gitops`, `--branch`, `--path`; the CLI only). */
  readonly target?: { readonly gitops?: string; readonly branch?: string; readonly path?: string };
  /** Clone cache. @default FERRY_CACHE_DIR, else ~/.cache/ferry */
  readonly cacheDir?: string;
  /** GITHUB_TOKEN, GITHUB_SERVER_URL and the endpoints' bearer token variables. */
  readonly variables: EnvironmentVariables;
  /** One cluster of an environment on several clusters (readClusterSignals). @default each cluster and the environment's aggregate */
  readonly cluster?: string;
}

export interface SignalsDeps {
  readonly readHistory: typeof readHistory;
  readonly readFiles: typeof readFiles;
  readonly prometheus: (endpoint: PrometheusEndpoint, variables: EnvironmentVariables) => PrometheusPort;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

const DEFAULT_DEPS: SignalsDeps = { readHistory, readFiles, prometheus: (e, v) => prometheusFor(e, v), now: () => Date.now() };

/** Reads and judges the component's signals; throws UsageError on an unknown environment, a bad `since` or no release, GitopsError when the history cannot be read. */
export async function readSignals(input: SignalsInput, deps: Partial<SignalsDeps> = {}): Promise<EnvironmentSignalsReport> {
  const d = { ...DEFAULT_DEPS, ...deps };
  const env = checkInput(input);
  const clusters = clustersOf(env);
  if (clusters.length === 0 || input.cluster !== undefined) return readClusterSignals(input, d);
  // An environment on several clusters: each cluster from its own folder's history and its own Prometheus, over one window.
  const now = d.now();
  const fixed = { ...d, now: () => now };
  const reports: SignalsReport[] = [];
  const unread: { cluster: string; reason: string }[] = [];
  for (const c of clusters) {
    try {
      reports.push(await readClusterSignals({ ...input, cluster: c.name }, fixed));
    } catch (e) {
      if (!(e instanceof NoReleaseError)) throw e;
      unread.push({ cluster: c.name, reason: e.message });
    }
  }
  if (reports.length === 0)
    throw new UsageError(
      `component: ${input.project}/${input.component} runs no release in ${env.name} (no cluster's GitOps history says one); name one with release`,
    );
  const window = durationSeconds(input.since ?? "5m");
  const to = Math.floor(now / 1000);
  return aggregateClusterSignals({
    component: `${input.project}/${input.component}`,
    environment: env.name,
    window: { from: to - window, to },
    clusters: reports,
    unread,
  });
}

/** No release to judge in the environment (or the cluster): its folder's history names none and none was given. */
export class NoReleaseError extends UsageError {}

/** The environment after checking the input (see {@link readSignals}). */
function checkInput(input: SignalsInput): Environment {
  const { platform } = input.platform;
  const env = platform.spec.environments.find((e) => e.name === input.env);
  if (!env)
    throw new UsageError(`env: unknown environment ${JSON.stringify(input.env)}; the platform has ${platform.spec.environments.map((e) => e.name).join(", ")}`);
  if (!platform.spec.projects.some((p) => p.name === input.project)) throw new UsageError(`component: unknown project ${JSON.stringify(input.project)}`);
  const since = input.since ?? "5m";
  const window = durationSeconds(since);
  if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(since) || window <= 0) throw new UsageError(`since: ${JSON.stringify(since)} is not a duration like 30s, 5m or 1h`);
  if (input.release !== undefined && !ReleaseId.safeParse(input.release).success)
    throw new UsageError(`release: ${JSON.stringify(input.release)} is not a release id`);
  if (input.cluster !== undefined && !clustersOf(env).some((c) => c.name === input.cluster))
    throw new UsageError(`cluster: ${env.name} has no cluster ${JSON.stringify(input.cluster)}`);
  return env;
}

/**
 * The signals in one cluster of the environment (`input.cluster`: its folder's history, its own
 * Prometheus), or in the environment itself without one; throws as {@link readSignals}.
 */
export async function readClusterSignals(input: SignalsInput, deps: Partial<SignalsDeps> = {}): Promise<SignalsReport> {
  const d = { ...DEFAULT_DEPS, ...deps };
  const { platform } = input.platform;
  const env = checkInput(input);
  const since = input.since ?? "5m";
  const target = cliTarget(env, input.target ?? {}, { env: input.variables });
  const cacheDir = input.cacheDir || undefined;
  const history = await environmentHistory(d.readHistory, target, env, input.project, input.component, cacheDir, input.cluster);
  const landing = releaseLanding(history, input.release);
  const release = input.release ?? landing?.release;
  if (release === undefined) {
    throw new NoReleaseError(
      `component: ${input.project}/${input.component} runs no release in ${clusterEnvironmentName(env.name, input.cluster)} (its GitOps history says none); name one with release`,
    );
  }

  // The release's own ComponentType (with its signals), frozen in the release file.
  const releaseFile = releasePath({ metadata: { project: input.project, component: input.component, name: release } });
  const files = await d.readFiles({ target, paths: [releaseFile], cacheDir }).then(
    (r) => r.files,
    () => new Map<string, string>(),
  );
  const text = files.get(releaseFile);
  const frozen = text === undefined ? undefined : parseReleaseFile(text);
  return readReleaseSignals({
    platform,
    environment: env,
    ...(input.cluster !== undefined ? { cluster: input.cluster } : {}),
    project: input.project,
    component: input.component,
    release,
    history,
    ...(frozen ? { frozen: { type: frozen.spec.component.spec.type, componentType: frozen.spec.componentType } } : {}),
    since,
    now: d.now() / 1000,
    prometheus: prometheusOfEnvironment(platform, clusterAsEnvironment(env, input.cluster), input.variables, d.prometheus),
    notes: frozen ? [] : [`${releaseFile} could not be read: only the platform's signals apply`],
  });
}

/**
 * Which releases `project/component` ran in `env` and when (newest first), from the commits that
 * changed its directory in the CLI's GitOps target: for `cluster`, that cluster's own folder.
 */
export async function environmentHistory(
  read: typeof readHistory,
  target: CliTarget,
  env: Environment,
  project: string,
  component: string,
  cacheDir: string | undefined,
  cluster?: string,
): Promise<readonly HistoryEntry[]> {
  const dir = cluster === undefined ? historyDir(env, project, component) : componentTargets(env, project, component).find((t) => t.cluster === cluster)?.dir;
  if (dir === undefined) return [];
  const entries = await read({ target, path: `${target.path}/${dir}`, limit: HISTORY_LIMIT, cacheDir });
  const commits = entries.map((e) => ({ sha: e.commit, date: e.committer.date, trailers: e.trailers, message: e.subject, repo: env.gitops.repo }));
  return componentHistory(commits, `${project}/${component}`).environments.get(env.name) ?? [];
}
