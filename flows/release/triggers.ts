/**
 * Deciding whether an event concerns Ferry, cheaply, before any real work. Pure, except for the
 * fallbacks that ask GitHub when a payload does not say enough.
 */
import type { Component } from "../../renderers/model/index.js";
import { loadAppComponents } from "../../renderers/load.js";
import type { FileMap } from "../../renderers/load.js";
import { isFerryPath } from "../../adapters/github/files.js";
import { isFerryCheckName } from "../../adapters/github/checks.js";
import { comparedFiles } from "../../adapters/github/repos.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";

/** The fields of a push payload's commit that matter here. */
export interface PushedCommit {
  readonly added?: readonly string[] | null;
  readonly modified?: readonly string[] | null;
  readonly removed?: readonly string[] | null;
}

/** GitHub lists at most this many commits in a push payload. */
export const PUSH_COMMIT_CAP = 2048;
/** The compare API lists at most this many files. */
export const COMPARE_FILE_CAP = 300;

/**
 * Whether the pushed commits touch `.ferry/` (a file added, modified or removed): `true`,
 * `false`, or `"unknown"` when the payload's list may be incomplete.
 */
export function commitsTouchFerry(commits: readonly PushedCommit[], headCommit: unknown): boolean | "unknown" {
  if (commits.length === 0) return headCommit ? "unknown" : false;
  const touched = commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some(isFerryPath));
  if (touched) return true;
  return commits.length >= PUSH_COMMIT_CAP ? "unknown" : false;
}

/** Asks the compare API whether `before...after` touches `.ferry/` (a new branch always does). */
export async function compareTouchesFerry(octokit: GitHub, repo: RepoRef, before: string, after: string): Promise<boolean> {
  if (/^0+$/.test(before)) return true;
  const files = await comparedFiles(octokit, repo, before, after);
  if (files.length >= COMPARE_FILE_CAP) return true;
  return files.some((f) => isFerryPath(f.filename) || (f.previous_filename !== undefined && isFerryPath(f.previous_filename)));
}

/** Components (parsed leniently, without the platform) that wait for the check `name`. */
export function componentsWaitingFor(files: FileMap, name: string): Component[] {
  return loadAppComponents("", files, [])
    .map((c) => c.value)
    .filter((c) => c.spec.build?.waitForCheck === name);
}

/** Ferry's own check runs never trigger a release. */
export function isFerryCheck(name: string): boolean {
  return isFerryCheckName(name);
}
