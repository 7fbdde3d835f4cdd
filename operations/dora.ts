/**
 * DORA figures of one environment (`ferry dora`, ferry_dora): the environment's GitOps history
 * (every commit of its GitOps target's path, Ferry's trailers read by core/history.ts) and, with a
 * GitHub token, the deployment statuses Ferry posted on each component's app repository
 * (flows/status/deployments.ts `readSignals`) and the app commits' times; core/dora/figures.ts
 * computes. Without a token (or when GitHub cannot be read) the figures that need the statuses are
 * reported not observed: null over a count of 0, with a note, never 0.
 */
import { readHistory } from "../adapters/git/read.js";
import { tokenClient } from "../adapters/github/client.js";
import { commitTime } from "../adapters/github/repos.js";
import type { GitHub } from "../adapters/github/types.js";
import { doraFigures, type DoraReport } from "../core/dora/figures.js";
import type { GitOpsCommitInput } from "../core/history.js";
import { DORA_DEPLOYMENTS_LIMIT, DORA_HISTORY_LIMIT, doraFacts } from "../flows/dora/read.js";
import { readSignals } from "../flows/status/deployments.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { UsageError } from "./errors.js";
import { cliTarget } from "./gitops-target.js";
import type { EnvironmentVariables } from "./variables.js";

export interface DoraInput {
  readonly platform: PlatformBundle;
  /** Only this project's components. */
  readonly project?: string;
  /** Only this component, `project/component`. */
  readonly component?: string;
  /** @default the first production environment */
  readonly env?: string;
  /** How far back: `30d`, `12h`, `2w`. @default 30d */
  readonly since?: string;
  /** Overrides of the environment's GitOps target (`--gitops`, `--branch`, `--path`; the CLI only). */
  readonly target?: { readonly gitops?: string; readonly branch?: string; readonly path?: string };
  /** Clone cache. @default FERRY_CACHE_DIR, else ~/.cache/ferry */
  readonly cacheDir?: string;
  /** GITHUB_TOKEN, GITHUB_API_URL, GITHUB_SERVER_URL. */
  readonly variables: EnvironmentVariables;
  /** Whether the caller may see a component (MCP over HTTP: the caller's GitHub identity). @default every component */
  readonly visible?: (project: string, component: string) => Promise<boolean>;
}

/** The figures and what could not be observed. */
export interface DoraResult extends DoraReport {
  /** Why some figures stand on fewer facts than the history has (statuses or commit times not read), sorted. */
  readonly notes: readonly string[];
}

export interface DoraDeps {
  readonly readHistory: typeof readHistory;
  /** A GitHub client for the token; undefined without one. */
  readonly github: (variables: EnvironmentVariables) => GitHub | undefined;
  readonly readSignals: typeof readSignals;
  readonly commitTime: typeof commitTime;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

const DEFAULT_DEPS: DoraDeps = {
  readHistory,
  github: (v) =>
    v.GITHUB_TOKEN ? tokenClient({ token: v.GITHUB_TOKEN, baseUrl: (v.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "") }) : undefined,
  readSignals,
  commitTime,
  now: () => Date.now(),
};

export { DORA_DEPLOYMENTS_LIMIT, DORA_HISTORY_LIMIT };

const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30d` -> seconds; throws UsageError on anything else. */
export function sinceSeconds(since: string): number {
  const m = /^(\d+)([mhdw])$/.exec(since);
  const n = m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : 0;
  if (!m || n <= 0) throw new UsageError(`since: ${JSON.stringify(since)} is not a duration like 30d, 12h, 2w or 90m`);
  return n;
}

/** Computes the figures; throws UsageError on bad input, GitopsError when the history cannot be read. */
export async function readDora(input: DoraInput, deps: Partial<DoraDeps> = {}): Promise<DoraResult> {
  const d = { ...DEFAULT_DEPS, ...deps };
  const { platform } = input.platform;
  const envs = platform.spec.environments;
  const problems: string[] = [];
  const env = input.env === undefined ? envs.find((e) => e.production) : envs.find((e) => e.name === input.env);
  if (!env)
    problems.push(
      input.env === undefined
        ? `env: the platform has no production environment; name one (${envs.map((e) => e.name).join(", ")})`
        : `env: unknown environment ${JSON.stringify(input.env)}; the platform has ${envs.map((e) => e.name).join(", ")}`,
    );
  const componentMatch = input.component === undefined ? undefined : /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(input.component);
  if (input.component !== undefined && !componentMatch) problems.push(`component: ${JSON.stringify(input.component)} is not PROJECT/COMPONENT`);
  for (const p of [input.project, componentMatch?.[1]]) {
    if (p !== undefined && !platform.spec.projects.some((x) => x.name === p)) problems.push(`project: unknown project ${JSON.stringify(p)}`);
  }
  if (input.project !== undefined && componentMatch && componentMatch[1] !== input.project)
    problems.push(`component: ${input.component} is not in project ${input.project}`);
  let window = 0;
  try {
    window = sinceSeconds(input.since ?? "30d");
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0 || !env) throw new UsageError([...new Set(problems)].join("; "));

  const until = new Date(Math.floor(d.now() / 1000) * 1000);
  const since = new Date(until.getTime() - window * 1000);
  const target = cliTarget(env, input.target ?? {}, { env: input.variables });
  const entries = await d.readHistory({ target, path: target.path, limit: DORA_HISTORY_LIMIT, cacheDir: input.cacheDir || undefined });
  const commits: GitOpsCommitInput[] = entries.map((e) => ({
    sha: e.commit,
    date: e.committer.date,
    trailers: e.trailers,
    message: e.subject,
    repo: env.gitops.repo,
  }));
  const wanted = (c: string) => (input.component === undefined || c === input.component) && (input.project === undefined || c.startsWith(`${input.project}/`));
  const octokit = d.github(input.variables);
  const facts = await doraFacts(
    { platform, env, commits, since, wanted, octokit, ...(input.visible ? { visible: input.visible } : {}) },
    { readSignals: d.readSignals, commitTime: d.commitTime },
  );
  const notes = [...facts.notes];
  if (!octokit)
    notes.push("no GitHub token (GITHUB_TOKEN): the deployment statuses were not read, so lead time, change failure rate and time to restore are not observed");
  const components = facts.components;
  return { ...doraFigures({ environment: env.name, since, until, components }), notes: notes.sort() };
}
