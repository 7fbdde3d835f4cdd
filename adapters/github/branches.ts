/** Branches (git refs) on GitHub: a branch's head, whether one exists, the ones under a prefix, and deleting one. */
import { httpStatus } from "./errors.js";
import type { GitHub, RepoRef } from "./types.js";

/** Deletes a branch; a branch that is already gone is fine. */
export async function deleteBranch(octokit: GitHub, repo: RepoRef, branch: string): Promise<boolean> {
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (e) {
    if (httpStatus(e) === 404 || httpStatus(e) === 422) return false;
    throw e;
  }
}

/** Whether a branch exists. */
export async function branchExists(octokit: GitHub, repo: RepoRef, branch: string): Promise<boolean> {
  try {
    await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (e) {
    if (httpStatus(e) === 404) return false;
    throw e;
  }
}

/** The commit at the head of a branch (`GET /repos/{owner}/{repo}/branches/{branch}`). */
export async function branchHead(octokit: GitHub, repo: RepoRef, branch: string): Promise<string> {
  const { data } = await octokit.rest.repos.getBranch({ ...repo, branch });
  return data.commit.sha;
}

/** The branches whose name starts with `prefix` (`GET /repos/{owner}/{repo}/git/matching-refs/heads/<prefix>`), sorted. */
export async function branchesStartingWith(octokit: GitHub, repo: RepoRef, prefix: string): Promise<string[]> {
  const { data } = await octokit.rest.git.listMatchingRefs({ ...repo, ref: `heads/${prefix}` });
  return data
    .map((r) => r.ref)
    .filter((r) => r.startsWith("refs/heads/"))
    .map((r) => r.slice("refs/heads/".length))
    .sort();
}
