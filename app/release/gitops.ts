/**
 * The GitOps repositories as the app sees them: where an environment's target is (clone URL
 * from the GitHub API, so GitHub Enterprise and test servers work alike), the installation token
 * to push with, and the port through which files are read and commits published.
 */
import type { Environment } from "../../renderers/model/index.js";
import { releasePath } from "../../renderers/release.js";
import { parseRepoRef } from "../config.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { installationToken } from "../../adapters/github/apps.js";
import { repositoryUrls } from "../../adapters/github/repos.js";
import { environmentPath } from "../../core/gitops/layout.js";
import type { CommitAuthor, GitTarget as CoreGitTarget, PublishRequest } from "../../core/gitops/request.js";
import { parseEnvironmentState } from "../../core/release/state.js";
import type { EnvironmentState } from "../../core/release/state.js";

/** A branch of a GitOps repository with the installation token to use it. */
export interface GitTarget extends CoreGitTarget {
  readonly token: string;
}

/** What a publish did. */
export interface PublishOutcome {
  /** The commit the branch points at afterwards. */
  readonly commit: string;
  /** False when the content was already there (no commit made). */
  readonly changed: boolean;
  /** The branch written. */
  readonly branch: string;
}

/** One commit of a path's history, as {@link GitopsPort.readHistory} gives it. */
export interface HistoryCommit {
  readonly commit: string;
  readonly subject: string;
  /** Trailer values by key, as written (`Ferry-Release`, `Ferry-Approved-By`...). */
  readonly trailers: Readonly<Record<string, readonly string[]>>;
  /** Committer date, ISO 8601 UTC: when the change reached the branch. */
  readonly date: string;
}

/** The GitOps side of the app (implemented over isomorphic-git by adapters/git). */
export interface GitopsPort {
  /** Commits the changes (compare-and-swap on the ref, retried), or nothing when unchanged. */
  publish(request: PublishRequest & { readonly target: GitTarget; readonly cacheDir: string }): Promise<PublishOutcome>;
  /**
   * The files at or under `paths` (repository-relative files or directories) at the tip of the
   * target branch (or at `commit`), keyed by repository-relative path; an empty repository or branch gives none.
   */
  readFiles(request: {
    readonly target: GitTarget;
    readonly paths: readonly string[];
    readonly cacheDir: string;
    /** Read at this commit of the branch (its tip or an ancestor) instead of the tip. @default the tip */
    readonly commit?: string;
  }): Promise<ReadonlyMap<string, string>>;
  /** The commits of the target branch that changed `path`, newest first (at most `limit`, default 50). */
  readHistory(request: {
    readonly target: GitTarget;
    readonly path: string;
    readonly limit?: number;
    readonly cacheDir: string;
  }): Promise<readonly HistoryCommit[]>;
}

/**
 * `port` whose commits are authored by `author()` (Ferry's bot user, or the person a promotion is
 * made for), unless a request names its author; `author()` giving none leaves adapters/git's default.
 */
export function withCommitAuthor(port: GitopsPort, author: () => Promise<CommitAuthor | undefined>): GitopsPort {
  return {
    async publish(request) {
      const who = request.author ?? (await author());
      return port.publish(who ? { ...request, author: who } : request);
    },
    readFiles: (request) => port.readFiles(request),
    readHistory: (request) => port.readHistory(request),
  };
}

/** An environment's GitOps target, resolved. */
export interface ResolvedTarget {
  readonly env: Environment;
  readonly repo: RepoRef;
  readonly git: GitTarget;
  /** `<env path>` inside the repository. */
  readonly path: string;
  /** Web URL of the repository (links in checks and comments). */
  readonly htmlUrl: string;
}

/** Resolves environments' GitOps targets; one `GET /repos` per repository and one token per run. */
export class TargetResolver {
  readonly #octokit: GitHub;
  readonly #repos = new Map<string, Promise<{ clone_url: string; html_url: string }>>();
  #token: Promise<string> | undefined;

  constructor(octokit: GitHub) {
    this.#octokit = octokit;
  }

  /** The installation token (git over HTTPS as `x-access-token`). */
  token(): Promise<string> {
    this.#token ??= (async () => {
      return installationToken(this.#octokit);
    })();
    return this.#token;
  }

  async resolve(env: Environment): Promise<ResolvedTarget> {
    const repo = parseRepoRef(env.gitops.repo);
    const key = env.gitops.repo.toLowerCase();
    let info = this.#repos.get(key);
    if (!info) {
      info = repositoryUrls(this.#octokit, repo);
      this.#repos.set(key, info);
    }
    const { clone_url, html_url } = await info;
    // Only ever a remote: a local path here would make Ferry write to its own disk.
    if (!/^https?:\/\//i.test(clone_url)) throw new Error(`GitHub gave ${env.gitops.repo} the clone URL ${JSON.stringify(clone_url)}, which is not http(s)`);
    return { env, repo, git: { url: clone_url, branch: env.gitops.branch, token: await this.token() }, path: environmentPath(env), htmlUrl: html_url };
  }
}

/** An environment's files (relative to its path) and the releases it runs, parsed. */
export interface EnvironmentSnapshot {
  readonly target: ResolvedTarget;
  readonly state: EnvironmentState;
  /** `releases/<project>/<component>/<id>.yaml` of the releases it runs → text. */
  readonly releaseFiles: ReadonlyMap<string, string>;
}

/** Reads what an environment holds now: its manifests, and the release files of what it runs. */
export async function readEnvironment(port: GitopsPort, target: ResolvedTarget, cacheDir: string): Promise<EnvironmentSnapshot> {
  const all = await port.readFiles({ target: target.git, paths: [target.path], cacheDir });
  const prefix = `${target.path}/`;
  const files = new Map<string, string>();
  for (const [path, text] of all) if (path.startsWith(prefix)) files.set(path.slice(prefix.length), text);
  const state = parseEnvironmentState(files);
  const wanted = [...state.components.values()].flatMap((c) =>
    c.release === undefined ? [] : [releasePath({ metadata: { project: c.project, component: c.component, name: c.release } })],
  );
  const releaseFiles = wanted.length > 0 ? await port.readFiles({ target: target.git, paths: wanted, cacheDir }) : new Map<string, string>();
  return { target, state, releaseFiles };
}
