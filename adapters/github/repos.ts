/** A repository's addresses and comparing two of its commits. */
import type { GitHub, RepoRef } from "./types.js";

/** Where a repository is reached: by git, and on the web. */
export interface RepositoryUrls {
  readonly clone_url: string;
  readonly html_url: string;
}

/** `GET /repos/{owner}/{repo}`: its clone and web URLs. */
export async function repositoryUrls(octokit: GitHub, repo: RepoRef): Promise<RepositoryUrls> {
  const { data } = await octokit.rest.repos.get({ ...repo });
  return { clone_url: data.clone_url, html_url: data.html_url };
}

/** A file as the compare API lists it. */
export interface ComparedFile {
  readonly filename: string;
  readonly previous_filename?: string;
}

/** The files changed between `before` and `after` (`GET /repos/{owner}/{repo}/compare/{before}...{after}`, first page: GitHub lists at most 300). */
export async function comparedFiles(octokit: GitHub, repo: RepoRef, before: string, after: string): Promise<ComparedFile[]> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${before}...${after}`, per_page: 100 });
  return data.files ?? [];
}

/** `GET /repos/{owner}/{repo}/git/commits/{sha}`: when the commit was committed (its committer date). */
export async function commitTime(octokit: GitHub, repo: RepoRef, sha: string): Promise<Date> {
  const { data } = await octokit.rest.git.getCommit({ ...repo, commit_sha: sha });
  return new Date(data.committer.date);
}
