/**
 * Release on a build check: when a check run or workflow run succeeds on the tip of an app
 * repository's default branch, components whose `build.waitForCheck` names it are released.
 */
import { RunContext } from "../run-context.js";
import { completeCheckRun, findCheckRun, RELEASE_CHECK } from "../../adapters/github/checks.js";
import { readFolder, resolveCommit } from "../../adapters/github/files.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { runRelease, type ReleaseDeps } from "./run.js";
import type { ReleaseOutcome } from "./run.js";
import { componentsWaitingFor } from "./triggers.js";

/** A successful build check on a commit. */
export interface CheckSuccess {
  readonly octokit: GitHub;
  readonly repo: RepoRef;
  readonly sha: string;
  /** The check run's or workflow's name. */
  readonly name: string;
  readonly defaultBranch: string;
}

/** Why nothing was released, or the release's outcome. */
export type CheckReleaseResult = { readonly skipped: string } | { readonly outcome: ReleaseOutcome };

export async function releaseOnCheck(
  ev: CheckSuccess,
  deps: ReleaseDeps,
  delivery: RunContext = new RunContext(ev.octokit, deps),
): Promise<CheckReleaseResult> {
  // Only the branch tip is released: a late success on an older commit must not roll back.
  const tip = await resolveCommit(ev.octokit, ev.repo, ev.defaultBranch);
  if (tip !== ev.sha) {
    const skipped = `${ev.sha.slice(0, 12)} is no longer the tip of ${ev.defaultBranch} (${tip.slice(0, 12)})`;
    // A release that waited for this build on an older commit will never happen: say so.
    const waiting = await findCheckRun(ev.octokit, { ...ev.repo, head_sha: ev.sha, name: RELEASE_CHECK, appId: await deps.appId() });
    if (waiting && waiting.status !== "completed") {
      await completeCheckRun(ev.octokit, ev.repo, waiting.id, deps.clock(), {
        conclusion: "neutral",
        title: "Superseded by a newer commit",
        summary: `\`${ev.name}\` succeeded on this commit after ${ev.defaultBranch} had moved on to \`${tip}\`; that commit is released instead.`,
      });
    }
    return { skipped };
  }
  const { files } = await readFolder(ev.octokit, ev.repo, ev.sha, ".ferry", []);
  if (componentsWaitingFor(files, ev.name).length === 0) return { skipped: `no component waits for ${JSON.stringify(ev.name)}` };
  const outcome = await runRelease({ octokit: ev.octokit, repo: ev.repo, sha: ev.sha, trigger: { kind: "check", name: ev.name } }, deps, delivery);
  return { outcome };
}
