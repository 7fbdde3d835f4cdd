/**
 * History: the releases a component ran in each environment, newest first, read from the commits
 * of each environment's GitOps target that touched the component (`ferry history`, ferry_history).
 */
import { readHistory } from "../adapters/git/read.js";
import { componentDir } from "../core/gitops/layout.js";
import { componentHistory, type ComponentHistory } from "../core/history.js";
import type { Environment } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { cliTarget } from "./gitops-target.js";
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
export async function readComponentHistory(input: HistoryInput, read: typeof readHistory = readHistory): Promise<HistoryReport> {
  const envs = selectEnvironments(input.platform.platform.spec.environments, input.envs);
  const commits = [];
  for (const env of envs) {
    const target = cliTarget(env, input.target, { env: input.variables });
    const entries = await read({
      target,
      path: `${target.path}/${componentDir(input.project, input.component)}`,
      limit: input.limit ?? 50,
      cacheDir: input.cacheDir,
    });
    commits.push(...entries.map((e) => ({ sha: e.commit, date: e.committer.date, trailers: e.trailers, message: e.subject, repo: env.gitops.repo })));
  }
  return { environments: envs, history: componentHistory(commits, `${input.project}/${input.component}`) };
}
