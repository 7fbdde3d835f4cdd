/**
 * The app's resolver of GitOps targets: the clone URL from the GitHub API (so GitHub Enterprise
 * and test servers work alike) and the installation token to push with. The reads themselves are
 * adapters/git/environment.ts's.
 */
import type { Environment } from "../../renderers/model/index.js";
import { environmentPath } from "../../core/gitops/layout.js";
import type { EnvironmentTarget } from "../git/environment.js";
import { installationToken } from "./apps.js";
import { repositoryUrls } from "./repos.js";
import type { GitHub, RepoRef } from "./types.js";
import { fullName, parseRepoRef } from "./types.js";

/** An environment's GitOps target, resolved through GitHub. */
export interface ResolvedTarget extends EnvironmentTarget {
  readonly repo: RepoRef;
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
    this.#token ??= installationToken(this.#octokit);
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

/** `https://github.com` from a repository's web URL (`https://github.com/acme/gitops`). */
export function serverUrlOf(target: Pick<ResolvedTarget, "htmlUrl" | "repo">): string {
  const suffix = `/${fullName(target.repo)}`;
  const url = target.htmlUrl.replace(/\/+$/, "");
  return url.toLowerCase().endsWith(suffix.toLowerCase()) ? url.slice(0, -suffix.length) : new URL(url).origin;
}
