/**
 * The `Ferry / gates` check run on a promotion pull request's head commit. One run per commit,
 * updated in place on every evaluation (its history keeps the sequence) and left alone when the
 * result did not change, so a periodic re-evaluation does not churn.
 */
import { clipCheckText, createCompletedRun, latestRunOf, updateCompletedRun } from "../../adapters/github/checks.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { GateConclusion } from "../../core/promotion/gates/index.js";
import { GATES_CHECK } from "../../core/promotion/gates/index.js";

/** The check on promotion pull requests (defined beside the gates, so the listing of promotions reads it too). */
export { GATES_CHECK };

/** What an evaluation reports. */
export interface GatesReport {
  readonly conclusion: GateConclusion;
  readonly title: string;
  readonly summary: string;
}

/** What writing the check did. */
export interface GatesCheckWrite {
  readonly id: number;
  /** False when the latest run on the commit already said exactly this. */
  readonly changed: boolean;
}

/**
 * Creates or updates the `Ferry / gates` run on `headSha`. Only a run Ferry's app (`appId`) made
 * is updated; a run of the same name by another app is left alone and Ferry writes its own beside it.
 */
export async function writeGatesCheck(
  octokit: GitHub,
  repo: RepoRef,
  headSha: string,
  report: GatesReport,
  detailsUrl: string,
  now: Date,
  appId: number,
): Promise<GatesCheckWrite> {
  const output = { title: report.title.slice(0, 255), summary: clipCheckText(report.summary) };
  const latest = await latestRunOf(octokit, repo, headSha, GATES_CHECK, appId);
  const fields = { status: "completed" as const, conclusion: report.conclusion, completed_at: now.toISOString(), details_url: detailsUrl, output };
  if (latest) {
    const same =
      latest.status === "completed" &&
      latest.conclusion === report.conclusion &&
      latest.output.title === output.title &&
      latest.output.summary === output.summary;
    if (same) return { id: latest.id, changed: false };
    await updateCompletedRun(octokit, repo, latest.id, fields);
    return { id: latest.id, changed: true };
  }
  const created = await createCompletedRun(octokit, repo, GATES_CHECK, headSha, now.toISOString(), fields);
  return { id: created, changed: true };
}
