/**
 * What starts a promotion step, one function per trigger (called by the handlers and the
 * schedule): a release committed straight to an environment, a merged Ferry pull request, a
 * promotion pull request to (re-)evaluate, and the periodic pass over every open one. Each takes
 * the delivery's context, so the platform the delivery read is the one it promotes with.
 */
import { catalogKey } from "../../renderers/apps.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { repoInstallationId } from "../../adapters/github/apps.js";
import { getPullRequest, listOpenPullRequests } from "../../adapters/github/pulls.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import type { ItemResult } from "../../core/release/results.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import { RunContext } from "../run-context.js";
import { deleteBranch } from "../../adapters/github/branches.js";
import { GATES_CHECK, writeGatesCheck } from "./gates-check.js";
import type { PromotionDeps } from "./context.js";
import { promotionContext } from "./context.js";
import { errorText, PlatformUnavailable } from "../errors.js";
import { ferryPullOf, PROMOTE_PREFIX } from "../../core/promotion/pr.js";
import type { GatesOutcome, NextPromotion, PromotionResult } from "./promote.js";
import { ensurePromotion, evaluatePromotion, releaseLanded } from "./promote.js";
import { branchIdentity } from "./judging.js";
import { BUNDLE_PREFIX, parseBundleBranch, verifyBundle } from "../../core/bundles/bundles.js";
import { branchCommits } from "./reads.js";
import type { PromotionContext } from "./context.js";

/**
 * After a release run: every release committed straight to an environment has landed there, so
 * its promotions to the next environments open. Releases that went to a pull request land when it
 * is merged ({@link landedFromMergedPull}).
 */
export async function promoteReleased(
  delivery: RunContext,
  app: { readonly repo: RepoRef; readonly sha: string },
  results: readonly ItemResult[],
  deps: PromotionDeps,
): Promise<NextPromotion[]> {
  const committed = results.flatMap((r) => (r.status === "committed" && r.item.kind === "publish" ? [{ commit: r.commit, item: r.item }] : []));
  if (committed.length === 0) return [];
  const ctx = await promotionContext(delivery, deps);
  const out: NextPromotion[] = [];
  const failures: string[] = [];
  for (const { commit, item } of committed) {
    const { project, component, name } = item.app.release.metadata;
    try {
      out.push(
        ...(await releaseLanded(ctx, {
          environment: item.env.name,
          project,
          component,
          release: name,
          gitops: parseRepoRef(item.env.gitops.repo),
          commit,
          source: { repo: fullName(app.repo), sha: app.sha },
        })),
      );
    } catch (e) {
      failures.push(errorText(e));
    }
  }
  if (failures.length > 0) throw new Error(failures.join("; "));
  return out;
}

/** What a merged pull request led to. */
export type MergedOutcome = { readonly skipped: string } | { readonly environment: string; readonly release: string; readonly next: readonly NextPromotion[] };

/**
 * A Ferry pull request (promotion or release) was merged, by a person or by Ferry: the release its
 * environment now runs has landed there. Which release that is comes from the environment itself
 * (its manifests' `ferry.dev/release` label), not from the pull request. The merged branch is deleted.
 */
export async function landedFromMergedPull(delivery: RunContext, repo: RepoRef, number: number, deps: PromotionDeps): Promise<MergedOutcome> {
  const { octokit } = delivery;
  const pr = await getPullRequest(octokit, repo, number);
  if (!pr.merged) return { skipped: `#${number} was closed without merging` };
  const ctx = await promotionContext(delivery, deps);
  if (parseBundleBranch(pr.head.ref)) return bundleLanded(ctx, repo, pr);
  const ours = ferryPullOf(
    { repo: fullName(repo), headRef: pr.head.ref, headRepo: pr.head.repo?.full_name, baseRef: pr.base.ref, author: pr.user, body: pr.body },
    ctx.bundle.platform,
    await deps.botLogin(),
  );
  if ("reason" in ours) return { skipped: ours.reason };
  const { project, component } = ours.branch;
  const snapshot = await readEnvironment(deps.gitops, await ctx.resolver.resolve(ours.env), deps.cacheDir);
  const release = snapshot.state.components.get(catalogKey(project, component))?.release;
  if (!release) return { skipped: `${ours.env.name} runs no release of ${project}/${component} now` };
  await deleteBranch(octokit, repo, pr.head.ref);
  const next = await releaseLanded(ctx, {
    environment: ours.env.name,
    project,
    component,
    release,
    gitops: repo,
    ...(pr.merge_commit_sha ? { commit: pr.merge_commit_sha } : {}),
    pull: { repo, number, url: pr.html_url },
    ...(ours.branch.kind === "promotion" ? { promotion: true } : {}),
  });
  return { environment: ours.env.name, release, next };
}

/**
 * A bundle's pull request was merged: each member the environment runs now has landed there (what
 * it runs comes from the environment itself; which members, from Ferry's commits on the branch).
 */
async function bundleLanded(ctx: PromotionContext, repo: RepoRef, pr: Awaited<ReturnType<typeof getPullRequest>>): Promise<MergedOutcome> {
  const commits = await branchCommits(ctx, repo, pr.number);
  const bundle = verifyBundle(
    { repo: fullName(repo), headRef: pr.head.ref, headRepo: pr.head.repo?.full_name, baseRef: pr.base.ref, author: pr.user, body: pr.body },
    commits,
    ctx.bundle.platform,
    await ctx.deps.botLogin(),
  );
  if ("reason" in bundle) return { skipped: bundle.reason };
  const snapshot = await readEnvironment(ctx.deps.gitops, await ctx.resolver.resolve(bundle.to), ctx.deps.cacheDir);
  await deleteBranch(ctx.octokit, repo, pr.head.ref);
  const next: NextPromotion[] = [];
  const releases: string[] = [];
  for (const m of bundle.members) {
    const release = snapshot.state.components.get(catalogKey(m.project, m.component))?.release;
    if (!release) continue;
    releases.push(release);
    next.push(
      ...(await releaseLanded(ctx, {
        environment: bundle.to.name,
        project: m.project,
        component: m.component,
        release,
        gitops: repo,
        ...(pr.merge_commit_sha ? { commit: pr.merge_commit_sha } : {}),
        pull: { repo, number: pr.number, url: pr.html_url },
      })),
    );
  }
  if (releases.length === 0) return { skipped: `${bundle.to.name} runs no component of bundle ${bundle.bundle.name} now` };
  return { environment: bundle.to.name, release: releases.join(","), next };
}

/**
 * Evaluates a promotion pull request's gates (opened, pushed, reviewed, `/ferry retry`). When the
 * platform cannot be read, the check fails saying so.
 */
export async function gatesForPull(delivery: RunContext, repo: RepoRef, number: number, deps: PromotionDeps): Promise<GatesOutcome> {
  const { octokit } = delivery;
  try {
    return await evaluatePromotion(await promotionContext(delivery, deps), repo, number);
  } catch (e) {
    if (!(e instanceof PlatformUnavailable)) throw e;
    const pr = await getPullRequest(octokit, repo, number);
    if (pr.state === "open") {
      await writeGatesCheck(
        octokit,
        repo,
        pr.head.sha,
        {
          conclusion: "failure",
          title: "The platform has errors",
          summary: `Ferry cannot evaluate the gates: ${e.message}\n\nFix the platform repository \`${fullName(deps.platformRepo)}\`; the gates are evaluated again on the next review, push or \`/ferry retry\`.`,
        },
        pr.html_url,
        deps.clock(),
        await deps.appId(),
      );
    }
    return { kind: "skipped", reason: e.message };
  }
}

/**
 * A person edited a promotion pull request (title, body): nothing Ferry decides on is read from
 * there, and Ferry puts its own title and body back (`ensurePromotion` for the promotion its
 * branch's commits name: idempotent, and it evaluates the gates again).
 */
export async function restorePromotion(
  delivery: RunContext,
  repo: RepoRef,
  number: number,
  deps: PromotionDeps,
): Promise<PromotionResult | { readonly skipped: string }> {
  const ctx = await promotionContext(delivery, deps);
  const pr = await getPullRequest(delivery.octokit, repo, number);
  if (pr.state !== "open") return { skipped: `#${number} is ${pr.merged_at ? "merged" : "closed"}` };
  const who = await branchIdentity(ctx, repo, pr);
  if ("reason" in who) return { skipped: who.reason };
  return ensurePromotion(ctx, { project: who.project, component: who.component, release: who.release, from: who.from.name, to: who.to.name });
}

/** What one periodic pass did. */
export interface SweepResult {
  /** `owner/name#number` → what its evaluation gave (`failed: ...` when it threw). */
  readonly pulls: ReadonlyMap<string, string>;
}

/**
 * Re-evaluates the gates of every open promotion pull request in the platform's GitOps
 * repositories (soak times end and change windows open without any event). One pull request
 * failing does not stop the others.
 */
export async function reevaluateOpenPromotions(octokit: GitHub, deps: PromotionDeps): Promise<SweepResult> {
  const ctx = await promotionContext(new RunContext(octokit, deps), deps);
  const repos = new Map(ctx.bundle.platform.spec.environments.map((e) => [e.gitops.repo.toLowerCase(), parseRepoRef(e.gitops.repo)]));
  const pulls = new Map<string, string>();
  for (const repo of repos.values()) {
    const open = await listOpenPullRequests(octokit, repo);
    for (const pr of open.filter((p) => p.head.ref.startsWith(PROMOTE_PREFIX) || p.head.ref.startsWith(BUNDLE_PREFIX)).sort((a, b) => a.number - b.number)) {
      const key = `${fullName(repo)}#${pr.number}`;
      try {
        const outcome = await evaluatePromotion(ctx, repo, pr.number);
        pulls.set(key, outcome.kind === "skipped" ? `skipped: ${outcome.reason}` : outcome.merged ? `${outcome.conclusion}, merged` : outcome.conclusion);
      } catch (e) {
        deps.logger.error({ err: e, pull: key }, "re-evaluating the gates failed");
        pulls.set(key, `failed: ${errorText(e)}`);
      }
    }
  }
  return { pulls };
}

/**
 * The scheduled task: authenticates as the installation of the platform repository (through the
 * app's JWT client) and runs {@link reevaluateOpenPromotions}; errors are logged, never thrown.
 */
export function scheduledGates(auth: (installationId?: number) => Promise<GitHub>, deps: PromotionDeps): () => Promise<void> {
  return async () => {
    try {
      const app = await auth();
      const result = await reevaluateOpenPromotions(await auth(await repoInstallationId(app, deps.platformRepo)), deps);
      deps.logger.debug({ pulls: Object.fromEntries(result.pulls) }, `${GATES_CHECK}: periodic pass done`);
    } catch (e) {
      deps.logger.error({ err: e }, `${GATES_CHECK}: periodic pass failed`);
    }
  };
}
