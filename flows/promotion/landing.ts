/**
 * Landing a promotion: Ferry's merge of exactly the commit it judged (judging.ts) when every gate
 * holds and the target auto-merges, and telling people where a landed release could not be
 * promoted further. What a landing leads to (the next promotions) is promote.ts's
 * `releaseLanded`, which opens them.
 */
import { catalogKey } from "../../renderers/apps.js";
import { getPullRequest, mergePullRequest } from "../../adapters/github/pulls.js";
import { createCommitComment, createIssueComment } from "../../adapters/github/comments.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { deleteBranch } from "../../adapters/github/branches.js";
import type { PromotionDecision } from "../../core/promotion/decision.js";
import { mergeCommitFields } from "../../core/promotion/pr.js";
import type { PromotionContext } from "./context.js";
import { branchSource, readComponentHistory, sourceOf } from "./reads.js";
import { errorText, httpStatus } from "../errors.js";
import type { LandedRelease } from "./events.js";
import type { JudgedPromotion } from "./judging.js";

/**
 * What {@link mergeJudged} did: `landed` the release (Ferry's merge commit); `mergeError` when
 * GitHub refused the merge or the app commit is unknown; `moved` when the head moved after the
 * judgement (nothing merged: judge the new head).
 */
export type MergeOutcome = { readonly landed: LandedRelease & { readonly commit: string } } | { readonly mergeError: string } | { readonly moved: string };

/**
 * Squash-merges exactly the commit `judged` was judged at, with a commit whose trailers carry the
 * approvers, and deletes the merged branch. GitHub refuses (409) when the head is another commit
 * by now: then `moved`. Any other refusal is said once on the pull request (when the check
 * changed with this judgement, not on every periodic pass).
 */
export async function mergeJudged(
  ctx: PromotionContext,
  repo: RepoRef,
  judged: JudgedPromotion,
  merge: NonNullable<PromotionDecision["merge"]>,
): Promise<MergeOutcome> {
  const { octokit, deps } = ctx;
  const { pr, facts, target, snapshot, paths, known } = judged.gathered;
  const { project, component, release, to, from } = facts.promotion;
  const number = pr.number;
  const log = deps.logger.child({ repo: fullName(repo), pull: number });
  const source =
    known?.source ??
    facts.promotion.source ??
    (await branchSource(ctx, target, pr.head.ref, paths.componentDirs[0] ?? paths.releaseDir)) ??
    sourceOf(await readComponentHistory(ctx, project, component), release);
  if (!source) return { mergeError: `cannot tell which app commit release ${release} was cut from` };
  const current = snapshot.state.components.get(catalogKey(project, component))?.release;
  const wave = facts.promotion.wave;
  const subject = {
    project,
    component,
    release,
    source,
    from: from.name,
    to: to.name,
    ...(current ? { current } : {}),
    ...(wave ? { wave: { wave: wave.wave, clusters: [...wave.clusters] } } : {}),
  };
  let commit: string;
  try {
    // Only the commit judged: GitHub refuses (409) when the head is another one by now.
    const data = await mergePullRequest(octokit, repo, number, {
      sha: facts.headSha,
      merge_method: "squash",
      ...mergeCommitFields(subject, merge.approvedBy, merge.breakGlass),
    });
    commit = data.sha;
  } catch (e) {
    if (httpStatus(e) === 409) {
      const now = await getPullRequest(octokit, repo, number);
      if (now.head.sha !== facts.headSha) {
        log.info({ judged: facts.headSha, head: now.head.sha }, "the head moved before the merge: evaluating the new head");
        return { moved: `the head moved from ${facts.headSha.slice(0, 7)} to ${now.head.sha.slice(0, 7)} before the merge` };
      }
    }
    log.warn({ err: e }, "auto-merge refused");
    // Said once per change of the check, not on every periodic pass.
    if (judged.checkChanged) {
      await createIssueComment(
        octokit,
        { ...repo, issue_number: number },
        `Every gate holds, but GitHub refused Ferry's merge: ${errorText(e)}\n\nResolve it (a conflict: close this pull request, and \`/ferry promote ${to.name}\` opens a fresh one), or merge it yourself.`,
      );
    }
    return { mergeError: errorText(e) };
  }
  log.info({ commit }, "promotion merged");
  await deleteBranch(octokit, repo, pr.head.ref).catch((e: unknown) => log.warn({ err: e }, "could not delete the merged branch"));
  return {
    landed: {
      environment: to.name,
      project,
      component,
      release,
      gitops: repo,
      commit,
      pull: { repo, number, url: pr.html_url },
      promotion: true,
      source,
      ...(facts.promotion.wave && !facts.promotion.rollback
        ? { wave: { wave: facts.promotion.wave.wave, clusters: facts.promotion.wave.clusters, from: from.name } }
        : {}),
    },
  };
}

/** Tells people where a landed release could not be promoted: on its pull request, or its app commit. */
export async function reportRefusal(ctx: PromotionContext, landed: LandedRelease, to: string, reason: string): Promise<void> {
  const body = `Ferry could not promote \`${landed.project}/${landed.component}\` release \`${landed.release}\` from ${landed.environment} to ${to}: ${reason}`;
  if (landed.pull) {
    await createIssueComment(ctx.octokit, { ...landed.pull.repo, issue_number: landed.pull.number }, body);
  } else if (landed.source) {
    const [owner = "", repo = ""] = landed.source.repo.split("/");
    await createCommitComment(ctx.octokit, { owner, repo, commit_sha: landed.source.sha }, body);
  }
}
