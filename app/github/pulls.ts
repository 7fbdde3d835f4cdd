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

/** Opens the pull request, or updates the open one from the same branch (title and body). */
export async function ensurePullRequest(octokit: GitHub, repo: RepoRef, spec: PullRequestSpec): Promise<OpenPullRequest> {
  const { data: open } = await octokit.rest.pulls.list({ ...repo, state: "open", head: `${repo.owner}:${spec.head}`, base: spec.base, per_page: 100 });
  const existing = open.find((p) => p.head.ref === spec.head && p.base.ref === spec.base);
  if (existing) {
    if (existing.title !== spec.title || (existing.body ?? "") !== spec.body) {
      await octokit.rest.pulls.update({ ...repo, pull_number: existing.number, title: spec.title, body: spec.body });
    }
    return { number: existing.number, url: existing.html_url, opened: false };
  }
  const { data } = await octokit.rest.pulls.create({ ...repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body });
  return { number: data.number, url: data.html_url, opened: true };
}
