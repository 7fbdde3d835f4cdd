/** Pull requests Ferry opens in GitOps repositories: at most one open per branch, updated in place. */
import type { GitHub, RepoRef } from "./types.js";

/** A pull request Ferry wants open. */
export interface PullRequestSpec {
  /** Branch in the same repository. */
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
}

/** The pull request as it is now. */
export interface OpenPullRequest {
  readonly number: number;
  readonly url: string;
  /** Whether this call opened it (false: an open one was found and, if needed, updated). */
  readonly opened: boolean;
}

/** The fields of an open pull request Ferry looks at. */
export interface ListedPullRequest {
  readonly number: number;
  readonly html_url: string;
  readonly title: string;
  readonly body: string | null;
  readonly user: { readonly login: string; readonly type?: string } | null;
  readonly head: { readonly ref: string; readonly sha: string; readonly repo: { readonly full_name: string } | null };
  readonly base: { readonly ref: string };
}

/** The open pull request from `head` (a branch of `repo` itself) into `base`, if any. */
export async function findOpenPullRequest(octokit: GitHub, repo: RepoRef, head: string, base: string): Promise<ListedPullRequest | undefined> {
  const { data: open } = await octokit.rest.pulls.list({ ...repo, state: "open", head: `${repo.owner}:${head}`, base, per_page: 100 });
  return open.find((p) => p.head.ref === head && p.base.ref === base);
}

/** Opens the pull request, or updates the open one from the same branch (title and body). */
export async function ensurePullRequest(octokit: GitHub, repo: RepoRef, spec: PullRequestSpec): Promise<OpenPullRequest> {
  const existing = await findOpenPullRequest(octokit, repo, spec.head, spec.base);
  if (existing) {
    if (existing.title !== spec.title || (existing.body ?? "") !== spec.body) {
      await octokit.rest.pulls.update({ ...repo, pull_number: existing.number, title: spec.title, body: spec.body });
    }
    return { number: existing.number, url: existing.html_url, opened: false };
  }
  const { data } = await octokit.rest.pulls.create({ ...repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body });
  return { number: data.number, url: data.html_url, opened: true };
}

/**
 * The merged pull request that brought `sha` into `repo`'s history (GitHub's "pull requests
 * associated with a commit"), if there is one; undefined for a direct push.
 */
export async function mergedPullRequestOf(octokit: GitHub, repo: RepoRef, sha: string): Promise<{ readonly number: number } | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha, per_page: 100 });
  const merged = data.filter((p) => p.merged_at !== null).sort((a, b) => a.number - b.number);
  return merged[0] ? { number: merged[0].number } : undefined;
}
