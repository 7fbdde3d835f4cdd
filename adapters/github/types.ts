/** Shapes shared by the GitHub I/O modules. */
import type { ProbotOctokit } from "probot";

/** An authenticated GitHub REST client (Probot's Octokit with Ferry's plugins configured). */
export type GitHub = ProbotOctokit;

/** `owner/name` split. */
export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** `owner/name` split (no check: the platform's schema checked it). */
export function parseRepoRef(full: string): RepoRef {
  const [owner = "", repo = ""] = full.split("/");
  return { owner, repo };
}

/** `owner/name` of a repository reference. */
export function fullName(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}

/** Case-insensitive repository equality (GitHub names are case-insensitive). */
export function sameRepo(a: RepoRef, b: RepoRef): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}
