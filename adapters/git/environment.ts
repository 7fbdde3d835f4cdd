/**
 * Reading an environment from its GitOps target: what it holds now (its manifests and the
 * releases it runs), and the history of a component there. One reader for the app, the CLI, the
 * MCP server and the reconcile survey; each supplies its own resolver from environment to target
 * (the app asks GitHub for the clone URL, the CLI takes the platform's or the command line's).
 */
import { readPreviews } from "./previews.js";
import { clustersOf, type Environment } from "../../renderers/model/index.js";
import { releasePath } from "../../renderers/release.js";
import type { GitTarget } from "../../core/gitops/request.js";
import { componentTargets, historyDir } from "../../core/gitops/layout.js";
import { componentHistory, type ComponentHistory, type GitOpsCommitInput } from "../../core/history.js";
import { parseEnvironmentState, type EnvironmentState } from "../../core/release/state.js";
import type { ReconcileReads } from "../../core/reconcile/survey.js";
import type { GitopsReader } from "./port.js";

/** Where an environment lives: the branch of its GitOps repository, and its directory there. */
export interface EnvironmentTarget {
  readonly env: Environment;
  readonly git: GitTarget;
  /** `<env path>` inside the repository. */
  readonly path: string;
}

/** Finds an environment's target (the app's resolver asks GitHub; the CLI's reads the platform and its options). */
export type ResolveTarget<T extends EnvironmentTarget = EnvironmentTarget> = (env: Environment) => Promise<T>;

/** An environment's files (relative to its path) and the releases it runs, parsed. */
export interface EnvironmentSnapshot<T extends EnvironmentTarget = EnvironmentTarget> {
  readonly target: T;
  readonly state: EnvironmentState;
  /** `releases/<project>/<component>/<id>.yaml` of the releases it runs → text. */
  readonly releaseFiles: ReadonlyMap<string, string>;
}

/** Reads what an environment holds now: its manifests, and the release files of what it runs. */
export async function readEnvironment<T extends EnvironmentTarget>(
  reader: GitopsReader,
  target: T,
  cacheDir: string | undefined,
): Promise<EnvironmentSnapshot<T>> {
  const all = await reader.readFiles({ target: target.git, paths: [target.path], cacheDir });
  const prefix = `${target.path}/`;
  const files = new Map<string, string>();
  for (const [path, text] of all) if (path.startsWith(prefix)) files.set(path.slice(prefix.length), text);
  const state = parseEnvironmentState(files, target.env);
  const wanted = [...state.components.values()].flatMap((c) =>
    c.release === undefined ? [] : [releasePath({ metadata: { project: c.project, component: c.component, name: c.release } })],
  );
  const releaseFiles = wanted.length > 0 ? await reader.readFiles({ target: target.git, paths: wanted, cacheDir }) : new Map<string, string>();
  return { target, state, releaseFiles };
}

/** Commits read per environment for a component's history. */
export const HISTORY_LIMIT = 50;

/** The commits that changed `project/component`'s directory in one environment's GitOps target, newest first. */
export async function readEnvironmentCommits(
  reader: GitopsReader,
  target: EnvironmentTarget,
  project: string,
  component: string,
  opts: { readonly cacheDir: string | undefined; readonly limit?: number; readonly perCluster?: boolean },
): Promise<GitOpsCommitInput[]> {
  if (opts.perCluster && clustersOf(target.env).length > 0) {
    // Each cluster's folder in wave order: its commits, tagged with the cluster (a commit writing several folders is each one's).
    const out: GitOpsCommitInput[] = [];
    for (const c of clustersOf(target.env)) {
      const dir = componentTargets(target.env, project, component).find((t) => t.cluster === c.name)?.dir ?? "";
      const entries = await reader.readHistory({
        target: target.git,
        path: `${target.path}/${dir}`,
        limit: opts.limit ?? HISTORY_LIMIT,
        cacheDir: opts.cacheDir,
      });
      out.push(
        ...entries.map((e) => ({ sha: e.commit, date: e.date, trailers: e.trailers, message: e.subject, repo: target.env.gitops.repo, cluster: c.name })),
      );
    }
    return out;
  }
  const entries = await reader.readHistory({
    target: target.git,
    path: `${target.path}/${historyDir(target.env, project, component)}`,
    limit: opts.limit ?? HISTORY_LIMIT,
    cacheDir: opts.cacheDir,
  });
  return entries.map((e) => ({ sha: e.commit, date: e.date, trailers: e.trailers, message: e.subject, repo: target.env.gitops.repo }));
}

/**
 * Which release each of `envs` ran and when (`project/component`), from the trailers of the
 * commits that changed the component's directory in each environment's GitOps target.
 */
export async function readComponentHistory(
  reader: GitopsReader,
  resolve: ResolveTarget,
  envs: readonly Environment[],
  project: string,
  component: string,
  opts: { readonly cacheDir: string | undefined; readonly limit?: number; readonly perCluster?: boolean },
): Promise<ComponentHistory> {
  const commits: GitOpsCommitInput[] = [];
  // One at a time: environments often share a repository, and so its cached clone.
  for (const env of envs) commits.push(...(await readEnvironmentCommits(reader, await resolve(env), project, component, opts)));
  return componentHistory(commits, `${project}/${component}`);
}

/** The GitOps half of the reconcile survey's reads (core/reconcile/survey.ts): an environment's files and history, the previews. */
export function gitopsEnvironmentReads(
  reader: GitopsReader,
  resolve: ResolveTarget,
  cacheDir: string | undefined,
): Pick<ReconcileReads, "environmentFiles" | "environmentHistory" | "previews"> {
  return {
    previews: async (env, pricing) => readPreviews(reader, (await resolve(env)).git, pricing, cacheDir),
    environmentFiles: async (env, paths) => reader.readFiles({ target: (await resolve(env)).git, paths, cacheDir }),
    environmentHistory: async (env, path) => reader.readHistory({ target: (await resolve(env)).git, path, limit: HISTORY_LIMIT, cacheDir }),
  };
}
