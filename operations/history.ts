/**
 * History: the releases a component ran in each environment, newest first, read from the commits
 * of each environment's GitOps target that touched the component (`ferry history`, ferry_history).
 */
import { readComponentHistory as readHistoryOf } from "../adapters/git/environment.js";
import { defaultGitopsPort, type GitopsReader } from "../adapters/git/port.js";
import type { ComponentHistory } from "../core/history.js";
import type { Environment } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { cliResolver } from "./gitops-target.js";
import type { EnvironmentVariables } from "./variables.js";
import { selectEnvironments } from "./workspace.js";

export interface HistoryInput {
  readonly platform: PlatformBundle;
  readonly project: string;
  readonly component: string;
  /** Environment names; none: all. */
  readonly envs: readonly string[];
  /** Overrides of every environment's GitOps target (`--gitops`, `--branch`, `--path`). */
  readonly target: { readonly gitops?: string; readonly branch?: string; readonly path?: string };
  /** Commits to read per environment. @default 50 */
  readonly limit?: number;
  /** Clone cache. @default FERRY_CACHE_DIR, else ~/.cache/ferry */
  readonly cacheDir?: string;
  /** GITHUB_TOKEN and GITHUB_SERVER_URL. */
  readonly variables: EnvironmentVariables;
}

export interface HistoryReport {
  /** The environments read, in the platform's order. */
  readonly environments: readonly Environment[];
  readonly history: ComponentHistory;
}

/** Reads each selected environment's GitOps history of the component; throws GitopsError when a target cannot be read, UsageError on unknown environments. */
export async function readComponentHistory(input: HistoryInput, reader: GitopsReader = defaultGitopsPort()): Promise<HistoryReport> {
  const envs = selectEnvironments(input.platform.platform.spec.environments, input.envs);
  const resolve = cliResolver(input.target, { env: input.variables });
  const history = await readHistoryOf(reader, resolve, envs, input.project, input.component, {
    cacheDir: input.cacheDir,
    limit: input.limit,
    // An environment on several clusters: which cluster ran which release since when, from each cluster's folder.
    perCluster: true,
  });
  return { environments: envs, history };
}
