/**
 * Judging a bundle's pull request at one head commit, as a whole: the bundle and each member's
 * release come from Ferry's sealed commit on the branch (core/bundles/bundles.ts `verifyBundle`);
 * each member is judged as a promotion of its own (judging.ts `gatherMember`, then
 * core/promotion/decision.ts) against the pull request's files without the other members' paths,
 * and every gate of every member must hold. The `Ferry / gates` check shows each member's rows.
 * Landing it is one squash merge of exactly that commit, whose trailers name every release.
 */
import { getPullRequest, mergePullRequest } from "../../adapters/github/pulls.js";
import type { PullRequest } from "../../adapters/github/pulls.js";
import { createIssueComment } from "../../adapters/github/comments.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { deleteBranch } from "../../adapters/github/branches.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import { catalogKey } from "../../renderers/apps.js";
import { autoMergeAllowed } from "../../core/promotion/gates/index.js";
import { decidePromotion } from "../../core/promotion/decision.js";
import type { PromotionDecision } from "../../core/promotion/decision.js";
import { foreignChanges, promotionPaths } from "../../core/promotion/pr.js";
import type { BundleItem, VerifiedBundle } from "../../core/bundles/bundles.js";
import { bundleMergeFields, verifyBundle } from "../../core/bundles/bundles.js";
import { bundleGatesCheckReport } from "../../presentation/markdown/bundle.js";
import { errorText, httpStatus } from "../errors.js";
import type { PromotionContext } from "./context.js";
import type { LandedRelease } from "./events.js";
import { writeGatesCheck } from "./gates-check.js";
import { gatherMember, readPull } from "./judging.js";
import type { NotJudged } from "./judging.js";
import { branchCommits } from "./reads.js";

/** A bundle's pull request judged at one head commit. */
export interface JudgedBundle {
  readonly pr: PullRequest;
  readonly headSha: string;
  readonly bundle: VerifiedBundle;
  /** One per member, in the bundle's order. */
  readonly decisions: readonly PromotionDecision[];
  /** Set when Ferry merges: every gate of every member holds and the target auto-merges; whose approvals the commit names. */
  readonly merge: { readonly approvedBy: readonly string[] } | undefined;
  readonly conclusion: string;
  readonly checkChanged: boolean;
}

/** Judges a bundle's pull request on its head commit and writes the `Ferry / gates` check there (see the module comment). */
export async function judgeBundle(ctx: PromotionContext, repo: RepoRef, number: number): Promise<JudgedBundle | NotJudged> {
  const { octokit, deps } = ctx;
  const pr = await getPullRequest(octokit, repo, number);
  if (pr.state !== "open") return { skipped: `#${number} is ${pr.merged_at ? "merged" : "closed"}` };
  const headSha = pr.head.sha;
  const commits = await branchCommits(ctx, repo, number);
  if (commits.at(-1)?.sha !== headSha) return { skipped: `the head of #${number} moved from ${headSha.slice(0, 7)} while Ferry read its commits`, moved: true };
  const bundle = verifyBundle(
    { repo: fullName(repo), headRef: pr.head.ref, headRepo: pr.head.repo?.full_name, baseRef: pr.base.ref, author: pr.user, body: pr.body },
    commits,
    ctx.bundle.platform,
    await deps.botLogin(),
  );
  if ("reason" in bundle) return { skipped: bundle.reason };
  const { to } = bundle;
  const target = await ctx.resolver.resolve(to);
  const snapshot = await readEnvironment(deps.gitops, target, deps.cacheDir);
  const pull = await readPull(ctx, repo, pr, to, target, snapshot);
  const pathsOf = bundle.members.map((m) => promotionPaths(to, m.project, m.component));
  const decisions: PromotionDecision[] = [];
  for (const [i, who] of bundle.members.entries()) {
    // What the other members write is theirs: each member is judged on the rest of the pull request's files.
    const others = pathsOf.filter((_, j) => j !== i);
    const changedFiles = others.reduce<readonly string[]>((files, paths) => files.filter((f) => foreignChanges([f], paths).length > 0), pull.changedFiles);
    const member = await gatherMember(ctx, who, { ...pull, changedFiles });
    if ("skipped" in member) return member;
    decisions.push(decidePromotion(member.facts));
  }
  const report = bundleGatesCheckReport(
    { bundle: bundle.bundle.name, from: bundle.from.name, to: to.name },
    bundle.members.map((m, i) => ({ component: `${m.project}/${m.component}`, gates: decisions[i]!.gates })),
  );
  const written = await writeGatesCheck(octokit, repo, headSha, report, pr.html_url, deps.clock(), await deps.appId());
  const all = decisions.flatMap((d) => d.gates.gates);
  const merge =
    decisions.every((d) => d.merge) && autoMergeAllowed(to, { gates: all })
      ? { approvedBy: [...new Set(decisions.flatMap((d) => d.merge?.approvedBy ?? []))].sort() }
      : undefined;
  deps.logger.child({ repo: fullName(repo), pull: number }).info({ bundle: bundle.bundle.name, conclusion: report.conclusion }, "bundle gates evaluated");
  return { pr, headSha, bundle, decisions, merge, conclusion: report.conclusion, checkChanged: written.changed };
}

/** What {@link mergeBundle} did: every member `landed` in one commit, or why not (`moved`: judge the new head). */
export type BundleMergeOutcome =
  { readonly landed: readonly (LandedRelease & { readonly commit: string })[] } | { readonly mergeError: string } | { readonly moved: string };

/** Squash-merges exactly the judged commit of a bundle's pull request: one commit naming every member's release and the approvers. */
export async function mergeBundle(ctx: PromotionContext, repo: RepoRef, judged: JudgedBundle): Promise<BundleMergeOutcome> {
  const { octokit, deps } = ctx;
  const { pr, headSha, bundle } = judged;
  const log = deps.logger.child({ repo: fullName(repo), pull: pr.number });
  const target = await ctx.resolver.resolve(bundle.to);
  const snapshot = await readEnvironment(deps.gitops, target, deps.cacheDir);
  const items: BundleItem[] = [];
  for (const m of bundle.members) {
    if (!m.source) return { mergeError: `cannot tell which app commit release ${m.release} of ${m.project}/${m.component} was cut from` };
    const current = snapshot.state.components.get(catalogKey(m.project, m.component))?.release;
    items.push({ project: m.project, component: m.component, release: m.release, source: m.source, ...(current ? { current } : {}) });
  }
  let commit: string;
  try {
    const data = await mergePullRequest(octokit, repo, pr.number, {
      sha: headSha,
      merge_method: "squash",
      ...bundleMergeFields({ bundle: bundle.bundle.name, from: bundle.from.name, to: bundle.to.name, items }, judged.merge?.approvedBy ?? []),
    });
    commit = data.sha;
  } catch (e) {
    if (httpStatus(e) === 409) {
      const now = await getPullRequest(octokit, repo, pr.number);
      if (now.head.sha !== headSha) return { moved: `the head moved from ${headSha.slice(0, 7)} to ${now.head.sha.slice(0, 7)} before the merge` };
    }
    log.warn({ err: e }, "auto-merge of the bundle refused");
    if (judged.checkChanged)
      await createIssueComment(
        octokit,
        { ...repo, issue_number: pr.number },
        `Every gate of every component holds, but GitHub refused Ferry's merge: ${errorText(e)}`,
      );
    return { mergeError: errorText(e) };
  }
  log.info({ commit, bundle: bundle.bundle.name }, "bundle merged");
  await deleteBranch(octokit, repo, pr.head.ref).catch((e: unknown) => log.warn({ err: e }, "could not delete the merged branch"));
  return {
    landed: items.map((i) => ({
      environment: bundle.to.name,
      project: i.project,
      component: i.component,
      release: i.release,
      gitops: repo,
      commit,
      pull: { repo, number: pr.number, url: pr.html_url },
      source: i.source,
    })),
  };
}
