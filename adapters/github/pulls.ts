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

/** The newest merged pull request from `head` (a branch of `repo` itself) into `base`, if any. */
export async function lastMergedPullRequest(octokit: GitHub, repo: RepoRef, head: string, base: string): Promise<ListedPullRequest | undefined> {
  const { data: closed } = await octokit.rest.pulls.list({ ...repo, state: "closed", head: `${repo.owner}:${head}`, base, per_page: 100 });
  return closed.find((p) => p.head.ref === head && p.base.ref === base && p.merged_at !== null);
}

/** Opens the pull request, or updates the open one from the same branch (title and body). */
export async function ensurePullRequest(octokit: GitHub, repo: RepoRef, spec: PullRequestSpec): Promise<OpenPullRequest> {
  const existing = await findOpenPullRequest(octokit, repo, spec.head, spec.base);
  if (existing) {
    if (existing.title !== spec.title || (existing.body ?? "") !== spec.body) await updatePullRequest(octokit, repo, existing.number, spec);
    return { number: existing.number, url: existing.html_url, opened: false };
  }
  const data = await createPullRequest(octokit, repo, spec);
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

/** A pull request as `GET /repos/{owner}/{repo}/pulls/{pull_number}` gives it. */
export type PullRequest = Awaited<ReturnType<GitHub["rest"]["pulls"]["get"]>>["data"];

/** A pull request as `POST /repos/{owner}/{repo}/pulls` gives it back. */
export type CreatedPullRequest = Awaited<ReturnType<GitHub["rest"]["pulls"]["create"]>>["data"];

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}`. */
export async function getPullRequest(octokit: GitHub, repo: RepoRef, pull_number: number): Promise<PullRequest> {
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number });
  return data;
}

/** Every open pull request of a repository (`GET /repos/{owner}/{repo}/pulls?state=open`, all pages). */
export async function listOpenPullRequests(octokit: GitHub, repo: RepoRef): Promise<ListedPullRequest[]> {
  return octokit.paginate(octokit.rest.pulls.list, { ...repo, state: "open", per_page: 100 });
}

/** Opens a pull request from `head` (a branch of `repo`) into `base`. */
export async function createPullRequest(octokit: GitHub, repo: RepoRef, spec: PullRequestSpec): Promise<CreatedPullRequest> {
  const { data } = await octokit.rest.pulls.create({ ...repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body });
  return data;
}

/** Sets a pull request's title and body. */
export async function updatePullRequest(
  octokit: GitHub,
  repo: RepoRef,
  pull_number: number,
  text: { readonly title: string; readonly body: string },
): Promise<void> {
  await octokit.rest.pulls.update({ ...repo, pull_number, title: text.title, body: text.body });
}

/** Closes a pull request without merging it (`PATCH /repos/{owner}/{repo}/pulls/{pull_number}` with `state: closed`). */
export async function closePullRequest(octokit: GitHub, repo: RepoRef, pull_number: number): Promise<void> {
  await octokit.rest.pulls.update({ ...repo, pull_number, state: "closed" });
}

/** How a pull request is merged. */
export interface MergeSpec {
  /** The head commit judged: GitHub refuses (409) when the head is another one by now. */
  readonly sha: string;
  readonly merge_method: "merge" | "squash" | "rebase";
  readonly commit_title?: string;
  readonly commit_message?: string;
}

/** Merges a pull request (`PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge`); the merge commit's sha. GitHub's refusal is thrown. */
export async function mergePullRequest(octokit: GitHub, repo: RepoRef, pull_number: number, spec: MergeSpec): Promise<{ readonly sha: string }> {
  const { data } = await octokit.rest.pulls.merge({ ...repo, pull_number, ...spec });
  return data;
}

/** A pull request's reviews, as GitHub lists them (every page). */
export async function listReviews(octokit: GitHub, repo: RepoRef, pull_number: number): Promise<unknown[]> {
  return octokit.paginate(octokit.rest.pulls.listReviews, { ...repo, pull_number, per_page: 100 });
}

/** A commit of a pull request as `GET /repos/{owner}/{repo}/pulls/{pull_number}/commits` lists it. */
export type PullCommit = Awaited<ReturnType<GitHub["rest"]["pulls"]["listCommits"]>>["data"][number];

/** A pull request's commits (base..head, oldest first, at most 250 as GitHub lists them). */
export async function listPullCommits(octokit: GitHub, repo: RepoRef, pull_number: number): Promise<PullCommit[]> {
  return octokit.paginate(octokit.rest.pulls.listCommits, { ...repo, pull_number, per_page: 100 });
}
