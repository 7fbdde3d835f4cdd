/**
 * Ferry's check runs: created in progress, completed with a conclusion, a summary and every
 * annotation (sent in batches of 50, the API's cap per request).
 */
import type { Annotation } from "../../core/checks/annotations.js";
import { batches } from "../../core/checks/annotations.js";
import type { GitHub, RepoRef } from "./types.js";

/** The check on an app commit reporting the release of its components. */
export const RELEASE_CHECK = "Ferry / release";
/** The check on an app pull request's head reporting validation and policies. */
export const VALIDATE_CHECK = "Ferry / validate";

/** The longest `summary` or `text` the checks API accepts. */
export const CHECK_TEXT_LIMIT = 65_535;

/** Output of a completed check run. */
export interface CheckReport {
  readonly conclusion: "success" | "failure" | "neutral" | "cancelled" | "skipped" | "action_required";
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
  readonly annotations?: readonly Annotation[];
}

/** Clips text to the API's limit on a line boundary, saying so. */
export function clipCheckText(text: string, limit = CHECK_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  const note = "\n\n… (shortened: the full report did not fit in a check run)";
  const cut = text.lastIndexOf("\n", limit - note.length);
  return `${text.slice(0, cut > 0 ? cut : limit - note.length)}${note}`;
}

/** Where a check run goes. */
export interface CheckTarget extends RepoRef {
  readonly head_sha: string;
  readonly name: string;
}

/** The most recent check run called `name` on `head_sha`, if any. */
export async function findCheckRun(octokit: GitHub, target: CheckTarget): Promise<{ id: number; status: string } | undefined> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.head_sha,
    check_name: target.name,
    filter: "latest",
    per_page: 100,
  });
  const runs = data.check_runs.filter((r) => r.name === target.name && r.head_sha === target.head_sha);
  const latest = runs.sort((a, b) => b.id - a.id)[0];
  return latest ? { id: latest.id, status: latest.status } : undefined;
}

/** Creates a check run in progress (or takes over the latest one of that name on the commit). */
export async function startCheckRun(
  octokit: GitHub,
  target: CheckTarget,
  now: Date,
  output: { title: string; summary: string },
  opts: { reuse?: boolean } = {},
): Promise<number> {
  const existing = opts.reuse ? (await findCheckRun(octokit, target))?.id : undefined;
  if (existing !== undefined) {
    await octokit.rest.checks.update({ owner: target.owner, repo: target.repo, check_run_id: existing, status: "in_progress", output });
    return existing;
  }
  const { data } = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: target.name,
    head_sha: target.head_sha,
    status: "in_progress",
    started_at: now.toISOString(),
    output,
  });
  return data.id;
}

/** Updates a check run that stays in progress (e.g. waiting for a build check). */
export async function updateCheckRun(octokit: GitHub, repo: RepoRef, id: number, output: { title: string; summary: string; text?: string }): Promise<void> {
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: id,
    status: "in_progress",
    output: { title: output.title, summary: clipCheckText(output.summary), ...(output.text ? { text: clipCheckText(output.text) } : {}) },
  });
}

/**
 * Completes a check run. Annotations beyond the first 50 are appended by earlier updates, so the
 * run is only marked completed once all of them are in.
 */
export async function completeCheckRun(octokit: GitHub, repo: RepoRef, id: number, now: Date, report: CheckReport): Promise<void> {
  const output = {
    title: report.title.slice(0, 255),
    summary: clipCheckText(report.summary),
    ...(report.text ? { text: clipCheckText(report.text) } : {}),
  };
  const parts = batches(report.annotations ?? []);
  for (const batch of parts.slice(0, -1)) {
    await octokit.rest.checks.update({ ...repo, check_run_id: id, output: { ...output, annotations: batch } });
  }
  const last = parts[parts.length - 1];
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: id,
    status: "completed",
    conclusion: report.conclusion,
    completed_at: now.toISOString(),
    output: { ...output, ...(last ? { annotations: last } : {}) },
  });
}

/** A failure already reported on its check run (so it is not reported twice). */
export class ReportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportedError";
  }
}

/**
 * Runs `work` for a check run in progress. An unexpected error (GitHub or git unreachable, a bug)
 * completes the check as failed with the reason, so no check is left spinning, and is rethrown so
 * the delivery counts as failed and can be redelivered.
 */
export async function failCheckOnError<T>(octokit: GitHub, repo: RepoRef, id: number, clock: () => Date, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof ReportedError)) {
      const reason = e instanceof Error ? e.message : String(e);
      await completeCheckRun(octokit, repo, id, clock(), {
        conclusion: "failure",
        title: "Ferry could not finish",
        summary: `Ferry stopped before it could finish: ${reason.split("\n")[0]}\n\nNothing more was changed; redeliver the event (or push again) once the cause is fixed.`,
      }).catch(() => undefined);
    }
    throw e;
  }
}
