/**
 * The rollback on a failed verification (`onFailure: rollback` on the pipeline step into the
 * environment): status back tells `onVerificationFailed`, and this opens the rollback pull
 * request to the last release verified in that environment through the same path as a person's
 * rollback (requests.ts `carryOutPromotion`: `planRollback`, then `ensurePromotion`, whose gates
 * merge it where the environment auto-merges), its body quoting the failed signals with their
 * numbers and links. When no verified release exists Ferry says so (a comment on the pull request
 * the failed release came from, else on its app commit) and changes nothing. The decision is
 * core/promotion/rollback-on-failure.ts.
 */
import { upsertComment, upsertCommitComment } from "../../adapters/github/comments.js";
import { mergedPullRequestOf } from "../../adapters/github/pulls.js";
import type { GitHub } from "../../adapters/github/types.js";
import { fullName, parseRepoRef } from "../../adapters/github/types.js";
import { commentMarker } from "../../core/comments/markers.js";
import { planRollbackOnFailure, type FailedVerification } from "../../core/promotion/rollback-on-failure.js";
import type { ComponentHistory } from "../../core/history.js";
import { RunContext } from "../run-context.js";
import { errorText } from "../errors.js";
import type { PromotionContext, PromotionDeps } from "./context.js";
import { promotionContext } from "./context.js";
import { readComponentHistory } from "./reads.js";
import { appRepositoryOf, carryOutPromotion, type AskOutcome } from "./requests.js";
import { readVerificationRecords } from "./verification-records.js";

export type { FailedVerification } from "../../core/promotion/rollback-on-failure.js";

/** What {@link rollbackOnFailure} did: opened (or updated) the rollback, or nothing and why (`told`: a comment said so). */
export type RollbackOnFailureOutcome =
  | { readonly kind: "rollback"; readonly release: string; readonly outcome: AskOutcome }
  | { readonly kind: "none"; readonly reason: string; readonly told?: string };

/** The comment that says why Ferry did not roll back (one per component and environment, kept up to date). */
function noRollbackKey(failed: FailedVerification): string {
  return `rollback/${failed.environment}/${failed.project}/${failed.component}`;
}

/**
 * Says on the pull request the failed release came from (else its app commit) why Ferry changes
 * nothing; returns where, or undefined when the history names no app commit.
 */
async function tell(ctx: PromotionContext, history: ComponentHistory, failed: FailedVerification, reason: string): Promise<string | undefined> {
  const entry = (history.environments.get(failed.environment) ?? []).find((e) => e.release === failed.release && e.source);
  if (!entry?.source) return undefined;
  const repo = parseRepoRef(entry.source.repo);
  const text = [
    commentMarker(noRollbackKey(failed)),
    `### ❌ Release \`${failed.release}\` failed verification in ${failed.environment}; Ferry did not roll back`,
    "",
    `\`${failed.project}/${failed.component}\`: ${reason}.`,
    ...(failed.commentUrl ? ["", `The signals: [rollout status](${failed.commentUrl}).`] : []),
  ].join("\n");
  const pull = await mergedPullRequestOf(ctx.octokit, repo, entry.source.sha);
  if (pull) {
    await upsertComment(ctx.octokit, { ...repo, issue_number: pull.number }, noRollbackKey(failed), [text]);
    return `${fullName(repo)}#${pull.number}`;
  }
  await upsertCommitComment(ctx.octokit, { ...repo, commit_sha: entry.source.sha }, noRollbackKey(failed), [text]);
  return `${fullName(repo)}@${entry.source.sha.slice(0, 7)}`;
}

/**
 * Rolls `failed.environment` back to the last release verified there, when the pipeline step into
 * it says `onFailure: rollback` and it still runs the failed release (see the module comment).
 * Never throws for a decision; GitHub or git errors propagate.
 */
export async function rollbackOnFailure(ctx: PromotionContext, failed: FailedVerification): Promise<RollbackOnFailureOutcome> {
  const { project, component, environment: env } = failed;
  const log = ctx.deps.logger.child({ component: `${project}/${component}`, release: failed.release, env });
  const step = ctx.bundle.platform.spec.pipeline.find((s) => s.to.includes(env) && s.verify);
  if (step?.onFailure !== "rollback") {
    log.debug("verification failed; the step into the environment does not roll back");
    return { kind: "none", reason: `the pipeline step into ${env} does not say \`onFailure: rollback\`` };
  }
  const history = await readComponentHistory(ctx, project, component);
  const repo = await appRepositoryOf(ctx, project, component);
  let decision: ReturnType<typeof planRollbackOnFailure>;
  if (!repo) {
    decision = {
      kind: "none",
      reason: `which app repository ${project}/${component} is deployed from is not known, so no verified release can be found`,
      tell: true,
    };
  } else {
    try {
      const records = await readVerificationRecords(ctx.octokit, repo, { environment: env, project, component });
      decision = planRollbackOnFailure(ctx.bundle.platform, history, failed, records);
    } catch (e) {
      decision = {
        kind: "none",
        reason: `the verification records of ${fullName(repo)} cannot be read (${errorText(e)}), so no verified release can be found`,
        tell: true,
      };
    }
  }
  if (decision.kind === "none") {
    const told = decision.tell ? await tell(ctx, history, failed, decision.reason) : undefined;
    log.warn({ told }, `no rollback on the failed verification: ${decision.reason}`);
    return { kind: "none", reason: decision.reason, ...(told ? { told } : {}) };
  }
  const outcome = await carryOutPromotion(
    ctx,
    { verb: "rollback", project, component, env, release: decision.release },
    { why: decision.reason, verification: { failed: decision.failed } },
  );
  if (outcome.kind === "refused") log.warn({ to: decision.release, reason: outcome.reason }, "the rollback on the failed verification was refused");
  else log.info({ to: decision.release, status: outcome.result.status }, "rollback on the failed verification");
  return { kind: "rollback", release: decision.release, outcome };
}

/** The `onVerificationFailed` service: {@link rollbackOnFailure} in a promotion context of the given client. */
export function verificationFailedHandler(deps: PromotionDeps): (failed: FailedVerification, octokit: GitHub) => Promise<void> {
  return async (failed, octokit) => {
    await rollbackOnFailure(await promotionContext(new RunContext(octokit, deps), deps), failed);
  };
}
