/** Promotion branches on GitHub: whether one exists, and deleting one. */
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { httpStatus } from "./errors.js";

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
