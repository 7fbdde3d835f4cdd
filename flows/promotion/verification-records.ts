/**
 * The verification records a promotion reads: the deployment statuses status back posted on a
 * component's deployments to an environment (`Verifying:` / `Verified:` / `Verification failed:`,
 * core/status/deployment-signals.ts), with their descriptions, which name the failed signal and
 * its numbers. The gates, the plans of a person's promotion or rollback, and the rollback on a
 * failed verification decide from them (core/promotion).
 */
import { deploymentPayload, listDeploymentStatuses, listDeploymentsTo } from "../../adapters/github/deployments.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { Platform } from "../../renderers/model/index.js";
import type { ComponentHistory } from "../../core/history.js";
import type { HealthQuery } from "../../core/promotion/health.js";
import type { FailedRelease } from "../../core/promotion/pipeline.js";
import { verifyInto } from "../../core/signals/report.js";
import { isVerificationSignal, signalOf, verificationFromSignals, type SignalRecord } from "../../core/status/deployment-signals.js";
import { errorText } from "../errors.js";

/** Options of {@link readVerificationRecords}. */
export interface VerificationReadOptions {
  /** Only the deployments of these releases. @default every release */
  readonly releases?: ReadonlySet<string>;
}

/**
 * The verification statuses of a component's deployments to an environment (the newest 100, as
 * GitHub lists them), newest first, each with its description.
 */
export async function readVerificationRecords(octokit: GitHub, repo: RepoRef, query: HealthQuery, opts: VerificationReadOptions = {}): Promise<SignalRecord[]> {
  const deployments = (await listDeploymentsTo(octokit, repo, query.environment))
    .map((d) => ({ id: d.id, payload: deploymentPayload(d.payload) }))
    .filter((d) => d.payload.project === query.project && d.payload.component === query.component && typeof d.payload.release === "string")
    .filter((d) => !opts.releases || opts.releases.has(d.payload.release as string))
    .sort((a, b) => b.id - a.id);
  const out: SignalRecord[] = [];
  for (const d of deployments) {
    for (const s of await listDeploymentStatuses(octokit, repo, d.id)) {
      const signal = signalOf(s.state, s.description);
      if (signal && isVerificationSignal(signal))
        out.push({
          release: String(d.payload.release),
          signal,
          at: new Date(s.created_at),
          id: s.id,
          ...(s.description ? { description: s.description } : {}),
        });
    }
  }
  return out.sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
}

/** What the gates get of a release's verification: its record, or why it could not be read. */
export async function releaseVerification(
  octokit: GitHub,
  repo: RepoRef | undefined,
  query: HealthQuery,
  release: string,
): Promise<{ readonly record?: ReturnType<typeof verificationFromSignals>; readonly unreadable?: string }> {
  if (!repo) return { unreadable: `which app repository release ${release} was cut from is not known` };
  try {
    const record = verificationFromSignals(await readVerificationRecords(octokit, repo, query, { releases: new Set([release]) }), release);
    return record ? { record } : {};
  } catch (e) {
    return { unreadable: `reading the deployment statuses of ${repo.owner}/${repo.repo} failed: ${errorText(e)}` };
  }
}

/**
 * The releases of `history` that failed verification in an environment whose incoming pipeline
 * step has `verify` (only there are they recorded). Throws when the records cannot be read: a
 * plan that cannot see them is refused by the caller.
 */
export async function failedReleases(octokit: GitHub, repo: RepoRef, platform: Platform, history: ComponentHistory): Promise<FailedRelease[]> {
  const [project, component] = history.component.split("/") as [string, string];
  const out: FailedRelease[] = [];
  for (const env of platform.spec.environments.map((e) => e.name).filter((e) => verifyInto(platform, e) !== undefined)) {
    const releases = new Set((history.environments.get(env) ?? []).flatMap((e) => (e.release ? [e.release] : [])));
    if (releases.size === 0) continue;
    const records = await readVerificationRecords(octokit, repo, { environment: env, project, component }, { releases });
    for (const release of [...releases].sort()) {
      const v = verificationFromSignals(records, release);
      if (v?.signal === "verify-failed") out.push({ release, environment: env, at: v.at, ...(v.description ? { description: v.description } : {}) });
    }
  }
  return out;
}
