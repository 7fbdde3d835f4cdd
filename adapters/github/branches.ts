/** Branches (git refs) on GitHub: a branch's head, whether one exists, and deleting one. */
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
