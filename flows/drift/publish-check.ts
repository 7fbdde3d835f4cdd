/**
 * The `Ferry / drift` check run on a GitOps repository's branch head (Reconcile): one completed
 * run per head commit, updated in place when the drift changes and left alone when it did not,
 * so a pass every few minutes does not churn.
 */
import { clipCheckText, createCompletedRun, latestRunOf, updateCompletedRun } from "../../adapters/github/checks.js";
import { branchHead } from "../../adapters/github/branches.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { DriftReport } from "../../core/drift/model.js";
import { DRIFT_CHECK, driftConclusion } from "../../core/drift/report.js";
import { driftTitle, formatDriftMarkdown } from "../../presentation/markdown/drift-check.js";

/** Where the check goes and what it says. */
export interface DriftCheckInput {
  readonly repo: RepoRef;
  /** The GitOps branch whose head carries the check. */
  readonly branch: string;
  readonly report: DriftReport;
  readonly now: Date;
  /** Ferry's GitHub App id: only a run it made is updated, another app's run of the same name is left alone. */
  readonly appId: number;
}

/** What publishing did. */
export interface DriftCheckWrite {
  readonly id: number;
  readonly headSha: string;
  readonly conclusion: ReturnType<typeof driftConclusion>;
  /** False when the latest run on the head already said exactly this. */
  readonly changed: boolean;
}

/** Creates or updates the `Ferry / drift` run on the head of `branch`. */
export async function publishDriftCheck(octokit: GitHub, input: DriftCheckInput): Promise<DriftCheckWrite> {
  const { repo, report } = input;
  const headSha = await branchHead(octokit, repo, input.branch);
  const conclusion = driftConclusion(report);
  const output = { title: driftTitle(report).slice(0, 255), summary: clipCheckText(formatDriftMarkdown(report)) };
  const latest = await latestRunOf(octokit, repo, headSha, DRIFT_CHECK, input.appId);
  const fields = { status: "completed" as const, conclusion, completed_at: input.now.toISOString(), output };
  if (latest) {
    const same =
      latest.status === "completed" && latest.conclusion === conclusion && latest.output.title === output.title && latest.output.summary === output.summary;
    if (same) return { id: latest.id, headSha, conclusion, changed: false };
    await updateCompletedRun(octokit, repo, latest.id, fields);
    return { id: latest.id, headSha, conclusion, changed: true };
  }
  const created = await createCompletedRun(octokit, repo, DRIFT_CHECK, headSha, input.now.toISOString(), fields);
  return { id: created, headSha, conclusion, changed: true };
}
