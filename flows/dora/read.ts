/**
 * The facts DORA figures stand on in one environment (core/dora/figures.ts computes): each
 * component's history there, from the environment's GitOps commits (Ferry's trailers, read by
 * core/history.ts), and, with a GitHub client, the deployment statuses Ferry posted on the
 * component's app repository (flows/status/deployments.ts `readSignals`) and the app commits'
 * times. One reader for `ferry dora` and ferry_dora (operations/dora.ts, the person's token), the
 * portal's DORA page and the app's `/metrics` gauges (the app's installation client). What could
 * not be read is a note, and the figures that need it are not observed (null over a count of 0).
 */
import type { EnvironmentTarget, ResolveTarget } from "../../adapters/git/environment.js";
import type { GitopsReader } from "../../adapters/git/port.js";
import { commitTime } from "../../adapters/github/repos.js";
import { parseRepoRef, type GitHub, type RepoRef } from "../../adapters/github/types.js";
import { doraFigures, type DoraComponentFacts, type DoraFigures } from "../../core/dora/figures.js";
import { TRAILERS } from "../../core/gitops/trailers.js";
import { componentHistory, type GitOpsCommitInput } from "../../core/history.js";
import { verifyInto } from "../../core/signals/report.js";
import type { SignalRecord } from "../../core/status/deployment-signals.js";
import type { Environment, Platform } from "../../renderers/model/index.js";
import { errorText } from "../errors.js";
import { readSignals } from "../status/deployments.js";

/** Commits of the environment's history read at most. */
export const DORA_HISTORY_LIMIT = 5000;
/** Deployments per component read at most (GitHub's first page). */
export const DORA_DEPLOYMENTS_LIMIT = 100;

/** What the facts of one environment are read from. */
export interface DoraFactsInput {
  readonly platform: Platform;
  readonly env: Environment;
  /** The environment's GitOps commits (its path's history), any order. */
  readonly commits: readonly GitOpsCommitInput[];
  /** The window's start: the app commits' times are read for deployments from here on. */
  readonly since: Date;
  /** Which `project/component` names count. @default every one */
  readonly wanted?: (component: string) => boolean;
  /** Whether the caller may see a component. @default every component */
  readonly visible?: (project: string, component: string) => Promise<boolean>;
  /** The GitHub client reading deployment statuses and commit times; undefined: they are not observed. */
  readonly octokit: GitHub | undefined;
}

/** The GitHub reads, passed in so tests can point them elsewhere. */
export interface DoraFactsDeps {
  readonly readSignals: typeof readSignals;
  readonly commitTime: typeof commitTime;
}

const DEFAULT_DEPS: DoraFactsDeps = { readSignals, commitTime };

/** The facts of each component with a history in the environment (by name), and why some are missing (sorted). */
export interface DoraFacts {
  readonly components: readonly DoraComponentFacts[];
  readonly notes: readonly string[];
}

const COMPONENT = /^[a-z0-9-]+\/[a-z0-9-]+$/;

/** Reads the facts; never throws for GitHub: what it could not read is a note. */
export async function doraFacts(input: DoraFactsInput, deps: Partial<DoraFactsDeps> = {}): Promise<DoraFacts> {
  const d = { ...DEFAULT_DEPS, ...deps };
  const { env, commits, octokit } = input;
  const names = [
    ...new Set(
      commits.flatMap((c) =>
        Object.entries(c.trailers)
          .filter(([k]) => k.toLowerCase() === TRAILERS.component.toLowerCase())
          .flatMap(([, v]) => v.map((x) => x.trim())),
      ),
    ),
  ]
    .filter((c) => COMPONENT.test(c) && (input.wanted?.(c) ?? true))
    .sort();
  const notes: string[] = [];
  const verify = verifyInto(input.platform, env.name) !== undefined;
  const components: DoraComponentFacts[] = [];
  for (const name of names) {
    const [project, component] = name.split("/") as [string, string];
    if (input.visible && !(await input.visible(project, component))) continue;
    const read = componentHistory(commits, name);
    for (const i of read.ignored) notes.push(`${name}: commit ${i.commit.slice(0, 12)} was skipped: ${i.reason}`);
    const history = read.environments.get(env.name) ?? [];
    if (history.length === 0) continue;
    const appRepo = history.find((h) => h.source)?.source?.repo;
    let signals: SignalRecord[] | undefined;
    const times = new Map<string, Date>();
    if (octokit && !appRepo) notes.push(`${name}: no Ferry-Source trailer names its app repository: its deployment statuses were not read`);
    if (octokit && appRepo) {
      const repo: RepoRef = parseRepoRef(appRepo);
      try {
        signals = await d.readSignals(octokit, repo, { environment: env.name, project, component }, { maxDeployments: DORA_DEPLOYMENTS_LIMIT });
      } catch (e) {
        notes.push(`${name}: the deployment statuses of ${appRepo} could not be read (${errorText(e)}): not observed`);
      }
      // Lead time needs the statuses too: without them the commits' times are not asked for.
      const shas =
        signals === undefined
          ? []
          : [...new Set(history.filter((h) => h.date.getTime() >= input.since.getTime() && h.source).map((h) => h.source!.sha))].sort();
      for (const sha of shas) {
        try {
          times.set(sha, await d.commitTime(octokit, repo, sha));
        } catch (e) {
          notes.push(`${name}: the time of app commit ${appRepo}@${sha.slice(0, 12)} could not be read (${errorText(e)}): no lead time for it`);
        }
      }
    }
    components.push({ component: name, history, signals, appCommitTimes: times, verify });
  }
  return { components, notes: notes.sort() };
}

/** The environment's GitOps commits (its path's history, newest first, at most {@link DORA_HISTORY_LIMIT}). */
export async function environmentCommits(reader: GitopsReader, target: EnvironmentTarget, cacheDir: string | undefined): Promise<GitOpsCommitInput[]> {
  const entries = await reader.readHistory({ target: target.git, path: target.path, limit: DORA_HISTORY_LIMIT, cacheDir });
  return entries.map((e) => ({ sha: e.commit, date: e.date, trailers: e.trailers, message: e.subject, repo: target.env.gitops.repo }));
}

/** What reading an environment's facts with the app's clients needs. */
export interface DoraReads {
  readonly octokit: GitHub;
  readonly resolve: ResolveTarget;
  readonly gitops: GitopsReader;
  readonly cacheDir: string | undefined;
}

/** The facts of `env` over the window ending at `until`, read with the app's clients (the portal, `/metrics`). */
export async function readEnvironmentFacts(
  reads: DoraReads,
  platform: Platform,
  env: Environment,
  since: Date,
  visible?: (project: string, component: string) => Promise<boolean>,
  deps: Partial<DoraFactsDeps> = {},
): Promise<DoraFacts> {
  const commits = await environmentCommits(reads.gitops, await reads.resolve(env), reads.cacheDir);
  return doraFacts({ platform, env, commits, since, octokit: reads.octokit, ...(visible ? { visible } : {}) }, deps);
}

/** One row of the `/metrics` DORA gauges: an environment's figures, or one project's in it. */
export interface DoraGaugeRow {
  readonly environment: string;
  /** @default the whole environment */
  readonly project?: string;
  readonly figures: DoraFigures;
}

/**
 * Every environment's figures over the `windowSeconds` before `now`, and each project's in it
 * (projects in the platform's order, those with a deployment history there only). An environment
 * whose history cannot be read is left out (its gauges are absent, never 0) and named in `failed`.
 */
export async function doraGaugeRows(
  reads: DoraReads,
  platform: Platform,
  windowSeconds: number,
  now: number,
  deps: Partial<DoraFactsDeps> = {},
): Promise<{ rows: DoraGaugeRow[]; failed: { environment: string; error: string }[] }> {
  const until = new Date(Math.floor(now / 1000) * 1000);
  const since = new Date(until.getTime() - windowSeconds * 1000);
  const rows: DoraGaugeRow[] = [];
  const failed: { environment: string; error: string }[] = [];
  for (const env of platform.spec.environments) {
    let facts: DoraFacts;
    try {
      facts = await readEnvironmentFacts(reads, platform, env, since, undefined, deps);
    } catch (e) {
      failed.push({ environment: env.name, error: errorText(e) });
      continue;
    }
    const report = doraFigures({ environment: env.name, since, until, components: facts.components });
    rows.push({ environment: env.name, figures: report });
    for (const project of platform.spec.projects) {
      const components = facts.components.filter((c) => c.component.startsWith(`${project.name}/`));
      if (components.length === 0) continue;
      rows.push({ environment: env.name, project: project.name, figures: doraFigures({ environment: env.name, since, until, components }) });
    }
  }
  return { rows, failed };
}
