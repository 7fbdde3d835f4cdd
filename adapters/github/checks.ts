/**
 * Ferry's check runs: created in progress, completed with a conclusion, a summary and every
 * annotation (sent in batches of 50, the API's cap per request).
 *
 * A check run is Ferry's only when Ferry's own GitHub App made it: any app with `checks: write`
 * can create a run called `Ferry / gates`. Every read of a Ferry check goes through
 * {@link latestRunOf}, which asks GitHub for the runs of Ferry's app id only and checks each
 * run's `app.id` again, so another app's run of the same name is never read as Ferry's, nor updated.
 */
import { z } from "zod";
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

/** Ferry's GitHub App id as configured for a person's tools (`FERRY_APP_ID`, `--app-id`): a whole number. */
export const FerryAppId = z
  .string()
  .trim()
  .regex(/^[1-9]\d*$/, { error: (iss) => `must be the Ferry GitHub App's numeric id, got ${JSON.stringify(iss.input)}` })
  .transform(Number);

/** Ferry's check runs are called `Ferry / …` (`Ferry / gates`, `Ferry / release`, `Ferry / validate`, `Ferry / drift`). */
export function isFerryCheckName(name: string): boolean {
  return name.startsWith("Ferry /");
}

/** A check run as `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` lists it. */
export type ListedCheckRun = Awaited<ReturnType<GitHub["rest"]["checks"]["listForRef"]>>["data"]["check_runs"][number];

/** Whether the GitHub App `appId` made the run (GitHub's `app.id` of the run). */
export function madeBy(run: { readonly app?: { readonly id: number } | null }, appId: number): boolean {
  return run.app?.id === appId;
}

/**
 * The most recent run called `name` on `sha` that the GitHub App `appId` made, if any. GitHub is
 * asked for that app's runs only (`app_id`), and each run's `app.id` is checked again, so a run of
 * the same name by another app is never taken for it.
 */
export async function latestRunOf(octokit: GitHub, repo: RepoRef, sha: string, name: string, appId: number): Promise<ListedCheckRun | undefined> {
  const { data } = await octokit.rest.checks.listForRef({ ...repo, ref: sha, check_name: name, app_id: appId, filter: "latest", per_page: 100 });
  return data.check_runs.filter((r) => r.name === name && r.head_sha === sha && madeBy(r, appId)).sort((a, b) => b.id - a.id)[0];
}

/** Where a check run goes. */
export interface CheckTarget extends RepoRef {
  readonly head_sha: string;
  readonly name: string;
  /** Ferry's GitHub App id: only a run this app made is found (and taken over). */
  readonly appId: number;
}

/** The most recent check run called `name` on `head_sha` that Ferry's app made, if any. */
export async function findCheckRun(octokit: GitHub, target: CheckTarget): Promise<{ id: number; status: string } | undefined> {
  const latest = await latestRunOf(octokit, { owner: target.owner, repo: target.repo }, target.head_sha, target.name, target.appId);
  return latest ? { id: latest.id, status: latest.status } : undefined;
}

/** Creates a check run in progress (or takes over the latest one of that name on the commit that Ferry's app made). */
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

/** A check run written completed in one request (the `Ferry / gates` and `Ferry / drift` runs). */
export interface CompletedRun {
  readonly status: "completed";
  readonly conclusion: CheckReport["conclusion"];
  /** ISO time. */
  readonly completed_at: string;
  readonly details_url?: string;
  readonly output: { readonly title: string; readonly summary: string };
}

/** Creates a check run called `name` on `head_sha`, completed at once; its id. */
export async function createCompletedRun(
  octokit: GitHub,
  repo: RepoRef,
  name: string,
  head_sha: string,
  started_at: string,
  run: CompletedRun,
): Promise<number> {
  const { data } = await octokit.rest.checks.create({ ...repo, name, head_sha, started_at, ...run });
  return data.id;
}

/** Rewrites check run `id` (one Ferry's app made, see {@link latestRunOf}) as completed with `run`. */
export async function updateCompletedRun(octokit: GitHub, repo: RepoRef, id: number, run: CompletedRun): Promise<void> {
  await octokit.rest.checks.update({ ...repo, check_run_id: id, ...run });
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
