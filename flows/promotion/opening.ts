/**
 * Opening a promotion: the pull request that carries a release (or a rollback) into an
 * environment, opened or updated on its branch `ferry/promote/<project>/<component>/<target>` (at
 * most one open per component and target; a newer release or a rollback updates it and says so).
 *
 * A release is never re-read from the app repository: the frozen inputs in
 * `releases/<project>/<component>/<id>.yaml` of the source environment's GitOps repository are
 * rendered for the target environment, once per promotion: the opening hands its rendering to
 * the judgement that follows (promote.ts `ensurePromotion` runs the two in turn).
 */
import { formatDiagnostic, hasErrors } from "../../renderers/diagnostics.js";
import { catalogKey } from "../../renderers/apps.js";
import { closePullRequest, createPullRequest, findOpenPullRequest, lastMergedPullRequest, updatePullRequest } from "../../adapters/github/pulls.js";
import type { PullRequest } from "../../adapters/github/pulls.js";
import { createIssueComment, upsertComment } from "../../adapters/github/comments.js";
import { commentMarker } from "../../core/comments/markers.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import { serverUrlOf } from "../../adapters/github/gitops-targets.js";
import { branchesStartingWith, deleteBranch } from "../../adapters/github/branches.js";
import { projectOwner, releaseChanges } from "../../core/release/plan.js";
import { deployedFiles } from "../../core/release/state.js";
import { PR_BODY_LIMIT } from "../../core/promotion/body.js";
import { asRollback, promotionPullRequest, withRequester } from "../../presentation/markdown/promotion-body.js";
import type { ComponentHistory } from "../../core/history.js";
import type { RollbackReason } from "../../core/promotion/rollback-on-failure.js";
import { pipelineOrder, planPromotion } from "../../core/promotion/pipeline.js";
import { promotionBranch, promotionCommits, rollbackSupersedes, updatedFrom, waveBranchPrefix } from "../../core/promotion/pr.js";
import { commitSeal } from "../../core/gitops/seal.js";
import type { SealedCommit } from "../../core/gitops/seal.js";
import { TRAILERS } from "../../core/gitops/trailers.js";
import { breakGlassTrailer } from "../../core/promotion/freezes.js";
import type { BreakGlass } from "../../core/promotion/freezes.js";
import { breakGlassNote } from "../../presentation/markdown/break-glass.js";
import type { PromotionContext } from "./context.js";
import { environmentNamed } from "./context.js";
import { clusterProgress, readComponentHistory, readRelease, releaseFilePath, sourceOf } from "./reads.js";
import { clustersOf } from "../../renderers/model/index.js";
import type { Environment, PipelineStep } from "../../renderers/model/index.js";
import { planWaves, rollbackClusters, wavesOf } from "../../core/promotion/waves.js";
import type { Wave, WaveDecision } from "../../core/promotion/waves.js";
import { bundleRefusal, governingBundle } from "../../core/bundles/bundles.js";
import { branchIdentity, renderFor } from "./judging.js";
import type { KnownPromotion } from "./judging.js";
import { tellOpened } from "./notifications.js";

/** One promotion (or rollback) to open or update. */
export interface PromotionRequest {
  readonly project: string;
  readonly component: string;
  /** The release id to carry. */
  readonly release: string;
  /** The source environment; the target itself for a rollback. */
  readonly from: string;
  readonly to: string;
  /** Who asked with a `/ferry` command (they cannot approve it). @default nobody: Ferry promotes on its own */
  readonly requestedBy?: { readonly login: string; readonly url?: string };
  /** The component's history, when the caller read it already. @default read from the GitOps repositories */
  readonly history?: ComponentHistory;
  /** Whether to evaluate the gates once the pull request is open (only a GitHub App may write the check; promote.ts reads it). @default true */
  readonly evaluateGates?: boolean;
  /** Why Ferry opens it (a rollback on a failed verification), shown in the body. @default none */
  readonly why?: RollbackReason;
  /**
   * A person (authorized: flows/promotion/requests.ts) breaks glass on a freeze of the target: Ferry's
   * commit on the branch carries `Ferry-Break-Glass` (a new commit even with nothing else to change),
   * and a comment on the pull request records it. @default none
   */
  readonly breakGlass?: BreakGlass;
}

/** A promotion pull request {@link openPromotion} opened or updated. */
export interface OpenedPull {
  /** `opened` a new pull request; `updated` it to another release; `refreshed` its branch or body for the same release; `unchanged`. */
  readonly status: "opened" | "updated" | "refreshed" | "unchanged";
  readonly number: number;
  readonly url: string;
  readonly release: string;
  /** The release the pull request carried before, when it was open already. */
  readonly previous: string | undefined;
}

/**
 * `in-place`: the target runs the release already; `refused`: it cannot be promoted (why);
 * `waiting`: the target's next wave waits on a cluster of the previous one (core/promotion/waves.ts);
 * `stopped`: the wave-by-wave rollout stopped at `cluster`. Nothing was changed.
 */
export interface NotOpened {
  readonly status: "in-place" | "refused" | "waiting" | "stopped";
  readonly reason: string;
  /** The cluster a `waiting` or `stopped` rollout names. */
  readonly cluster?: string;
}

/** What {@link openPromotion} did: the pull request, its repository, and what judging it needs without reading again. */
export type Opening = { readonly opened: OpenedPull; readonly repo: RepoRef; readonly known: KnownPromotion } | NotOpened;

const refused = (reason: string): NotOpened => ({ status: "refused", reason });

function listed(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/**
 * Opens the promotion pull request of `req.release` into `req.to`, or updates the open one (to
 * another release, or its branch and body for the same). Refuses (and changes nothing) a
 * promotion the pipeline does not allow, a release whose frozen inputs are missing, and one that
 * does not render for the target without errors.
 */
export async function openPromotion(ctx: PromotionContext, req: PromotionRequest): Promise<Opening> {
  const { octokit, deps } = ctx;
  const { project, component, release: id, to: toName } = req;
  const name = `${project}/${component}`;
  const rollback = req.from === toName;
  const to = environmentNamed(ctx, toName);
  const from = environmentNamed(ctx, req.from);
  if (!to || !from) return refused(`the platform has no environment ${JSON.stringify(to ? req.from : toName)}`);
  let step: PipelineStep | undefined;
  if (!rollback) {
    const plan = planPromotion(ctx.bundle.platform, { from: from.name, to: to.name });
    if (!plan.ok) return refused(plan.reason);
    step = plan.step;
    // From its bundle's `from` on, a component moves only with its bundle (bundle-opening.ts).
    const bundle = governingBundle(ctx.bundle.platform, project, component, from.name);
    if (bundle) return refused(bundleRefusal(bundle, name, to.name));
  }
  const target = await ctx.resolver.resolve(to);
  const snapshot = await readEnvironment(deps.gitops, target, deps.cacheDir);
  const deployed = snapshot.state.components.get(catalogKey(project, component));
  const current = deployed?.release;
  if (current === id) return { status: "in-place", reason: `${to.name} already runs release ${id} of ${name}` };
  const sourceTarget = rollback ? target : await ctx.resolver.resolve(from);
  const release = await readRelease(ctx, sourceTarget, project, component, id);
  if (!release)
    return refused(`release ${id} of ${name} is not in ${fullName(sourceTarget.repo)} (${releaseFilePath(project, component, id)} is missing or unreadable)`);
  const history = req.history ?? (await readComponentHistory(ctx, project, component));
  const source = sourceOf(history, id);
  if (!source) return refused(`no environment's history says which app commit release ${id} of ${name} was cut from`);
  // A target on several clusters in several waves: one pull request per wave, the next only once the
  // previous is through. A rollback writes only the clusters that took the release it replaces
  // (rollbackClusters): the folders of the waves the rollout never reached are left as they are.
  let wave: Wave | undefined;
  const written = rollback ? rollbackClusters(clustersOf(to), deployed?.clusters ?? new Map()) : undefined;
  if (!rollback && wavesOf(clustersOf(to)).length > 1) {
    const next = await nextWave(ctx, { project, component, release: id, env: to, step, deployed: deployed?.clusters ?? new Map(), appRepo: source.repo });
    if (next.kind === "done") return { status: "in-place", reason: `every cluster of ${to.name} holds release ${id} of ${name}` };
    if (next.kind === "wait") return { status: "waiting", reason: next.reason, cluster: next.cluster };
    if (next.kind === "stop") {
      await reportStoppedRollout(ctx, target.repo, target.git.branch, { project, component, env: to.name, release: id, stop: next });
      return { status: "stopped", reason: next.reason, cluster: next.cluster };
    }
    wave = next.wave;
  }
  const clusters = wave?.clusters ?? written;
  const rendered = renderFor(ctx, release, to, snapshot);
  if (hasErrors(rendered.diagnostics)) {
    const errors = rendered.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    return refused(`release ${id} of ${name} does not render for ${to.name} without errors: ${listed(errors)}`);
  }

  // A rollback supersedes the wave-by-wave rollout it stops: its open wave pull requests are closed
  // and their branches deleted (git refuses `…/<env>` while a `…/<env>/wave-<n>` exists).
  if (rollback && wavesOf(clustersOf(to)).length > 1) {
    await supersedeWaves(ctx, target.repo, target.git.branch, { project, component, env: to.name, release: id, requestedBy: req.requestedBy?.login });
  }
  const branch = promotionBranch(project, component, to.name, wave?.wave);
  const existing = await findOpenPullRequest(octokit, target.repo, branch, target.git.branch);
  // A branch left from a closed pull request would carry its old commits into the new one.
  if (!existing) await deleteBranch(octokit, target.repo, branch);
  // What the open pull request carries, as its branch's commits say (its body is anyone's to edit).
  const before = existing ? await branchIdentity(ctx, target.repo, existing) : undefined;
  const previousRelease = before && !("reason" in before) ? before.release : undefined;
  const was = updatedFrom(existing ? { release: previousRelease, body: existing.body } : undefined, id);
  const subject = {
    project,
    component,
    release: id,
    source,
    from: from.name,
    to: to.name,
    ...(current ? { current } : {}),
    ...(was ? { updatedFrom: was } : {}),
    ...(wave ? { wave: { wave: wave.wave, clusters: [...wave.clusters] } } : {}),
  };
  let pr = promotionPullRequest({
    subject,
    before: inClusters(deployedFiles(snapshot.state, project, component), clusters),
    after: inClusters(rendered.files, clusters),
    pricing: ctx.bundle.platform.spec.pricing,
    diagnostics: rendered.diagnostics,
    history,
    historyOrder: pipelineOrder(ctx.bundle.platform),
    serverUrl: serverUrlOf(target),
    maxLength: PR_BODY_LIMIT - 1024,
    ...(req.why ? { why: req.why } : {}),
  });
  if (rollback) pr = asRollback(pr, { project, component, env: to.name, release: id });
  // Who asked stays on the pull request while it carries the release they asked for.
  const asked = before && !("reason" in before) && previousRelease === id ? before.requesters : [];
  const requester = req.requestedBy ?? (asked[0] ? { login: asked[0] } : undefined);
  const body = requester ? withRequester(pr.body, requester.login, requester.url) : pr.body;

  // Who asked is kept where only Ferry writes: a sealed trailer of Ferry's commit on the branch (a
  // new requester of the same release gets a commit of its own, even with nothing else to change).
  const commit = promotionCommits(subject);
  const key = await deps.sealKey?.();
  const newRequester = req.requestedBy !== undefined && !asked.some((l) => l.toLowerCase() === req.requestedBy!.login.toLowerCase());
  const published = await deps.gitops.publish({
    target: target.git,
    changes: releaseChanges(
      to,
      release,
      rendered.files,
      undefined,
      {
        owner: projectOwner(ctx.bundle.platform, project),
        source: { repo: source.repo, ref: source.sha, serverUrl: serverUrlOf(target) },
      },
      clusters,
    ),
    message: commit.message,
    trailers: {
      ...commit.trailers,
      ...(requester ? { [TRAILERS.requestedBy]: requester.login } : {}),
      ...(req.breakGlass ? { [TRAILERS.breakGlass]: breakGlassTrailer(req.breakGlass) } : {}),
    },
    ...(key ? { seal: (c: SealedCommit) => commitSeal(key, c) } : {}),
    ...(existing && (newRequester || req.breakGlass) ? { always: true } : {}),
    branch: { name: branch, from: target.git.branch },
    cacheDir: deps.cacheDir,
  });
  let number: number;
  let url: string;
  let status: "opened" | "updated" | "refreshed" | "unchanged";
  let created: PullRequest | undefined;
  if (existing) {
    number = existing.number;
    url = existing.html_url;
    const edited = existing.title !== pr.title || (existing.body ?? "") !== body;
    if (edited) await updatePullRequest(octokit, target.repo, number, { title: pr.title, body });
    status = previousRelease !== id ? "updated" : published.changed || edited ? "refreshed" : "unchanged";
    if (status === "updated") {
      await createIssueComment(
        octokit,
        { ...target.repo, issue_number: number },
        `Ferry updated this pull request from release \`${previousRelease ?? "(unknown)"}\` to \`${id}\` (${rollback ? `a rollback of ${to.name}` : `now in ${from.name}`}, cut from ${source.repo}@${source.sha.slice(0, 7)}). Approvals given before this update no longer count.`,
      );
    }
  } else {
    const data = await createPullRequest(octokit, target.repo, { head: branch, base: target.git.branch, title: pr.title, body });
    number = data.number;
    url = data.html_url;
    status = "opened";
    created = data;
  }
  if (req.breakGlass) {
    await createIssueComment(octokit, { ...target.repo, issue_number: number }, breakGlassNote(req.breakGlass, to.name, published.commit));
    if (status === "unchanged") status = "refreshed";
  }
  deps.logger.info({ component: name, release: id, from: from.name, to: to.name, pull: number, status }, "promotion pull request");
  if (status === "opened" || status === "updated") {
    const why = rollback ? `from release ${current ?? "(none)"}${req.why ? ` after release ${req.why.failed.release} failed verification` : ""}` : undefined;
    tellOpened(ctx, { project, component, to: to.name, release: id, rollback }, { repo: fullName(target.repo), number, url, commit: published.commit }, why);
  }
  return {
    opened: { status, number, url, release: id, previous: previousRelease },
    repo: target.repo,
    known: {
      ...(created ? { pull: created } : {}),
      release: id,
      env: to.name,
      ...(wave ? { wave: wave.wave } : {}),
      snapshot,
      frozen: release,
      rendered,
      source,
    },
  };
}

/** The files of a rendering (`<cluster>/<project>/...`) in some clusters (one wave's, or a rollback's); all of them without. */
function inClusters(files: ReadonlyMap<string, string>, clusters: readonly string[] | undefined): ReadonlyMap<string, string> {
  if (!clusters) return files;
  return new Map([...files].filter(([p]) => clusters.some((c) => p.startsWith(`${c}/`))));
}

/**
 * Stops the wave-by-wave rollout of a component into `env` for its rollback: every wave branch
 * there (core/promotion/pr.ts `rollbackSupersedes`) has its open pull request told why and closed,
 * and is deleted. Redoing it finds nothing: the branches are gone.
 */
async function supersedeWaves(
  ctx: PromotionContext,
  repo: RepoRef,
  base: string,
  r: { readonly project: string; readonly component: string; readonly env: string; readonly release: string; readonly requestedBy: string | undefined },
): Promise<void> {
  const listed = await branchesStartingWith(ctx.octokit, repo, waveBranchPrefix(r.project, r.component, r.env));
  for (const { branch, wave } of rollbackSupersedes(r, listed)) {
    const open = await findOpenPullRequest(ctx.octokit, repo, branch, base);
    if (open) {
      const asked = r.requestedBy ? `, as @${r.requestedBy} asked` : "";
      const key = `waves-superseded/${r.env}/${r.project}/${r.component}`;
      const text = [
        commentMarker(key),
        `### ⏹️ Stopped: rolling back to \`${r.release}\``,
        "",
        `Ferry rolls \`${r.project}/${r.component}\` in ${r.env} back to \`${r.release}\`${asked}. The rollback supersedes the wave-by-wave rollout: this pull request (wave ${wave}) is closed and its branch deleted; the rollback's pull request comes from \`${promotionBranch(r.project, r.component, r.env)}\`.`,
      ].join("\n");
      // One comment, kept: a redo after a failure between telling and closing says it once.
      await upsertComment(ctx.octokit, { ...repo, issue_number: open.number }, key, [text]);
      await closePullRequest(ctx.octokit, repo, open.number);
    }
    await deleteBranch(ctx.octokit, repo, branch);
    ctx.deps.logger.info({ component: `${r.project}/${r.component}`, env: r.env, wave, pull: open?.number, to: r.release }, "rollback supersedes a wave");
  }
}

/** The comment that says a wave-by-wave rollout stopped (one per component and environment, kept up to date). */
function stoppedKey(env: string, project: string, component: string): string {
  return `waves-stopped/${env}/${project}/${component}`;
}

/**
 * Says on the pull request of the wave the rollout stopped at (its last merged one) which cluster
 * stopped it and why; the same comment is kept, so every periodic pass that finds it stopped
 * changes nothing more.
 */
async function reportStoppedRollout(
  ctx: PromotionContext,
  repo: RepoRef,
  base: string,
  s: {
    readonly project: string;
    readonly component: string;
    readonly env: string;
    readonly release: string;
    readonly stop: Extract<WaveDecision, { kind: "stop" }>;
  },
): Promise<void> {
  const pull = await lastMergedPullRequest(ctx.octokit, repo, promotionBranch(s.project, s.component, s.env, s.stop.wave.wave), base);
  const key = stoppedKey(s.env, s.project, s.component);
  const text = [
    commentMarker(key),
    `### ⛔ The rollout of \`${s.release}\` into ${s.env} stopped at wave ${s.stop.wave.wave}: ${s.stop.cluster}`,
    "",
    `\`${s.project}/${s.component}\`: ${s.stop.reason}. No further wave opens while it does; fix ${s.stop.cluster}, or roll back with \`/ferry rollback ${s.env}\`.`,
  ].join("\n");
  if (pull) await upsertComment(ctx.octokit, { ...repo, issue_number: pull.number }, key, [text]);
  ctx.deps.logger.warn({ component: `${s.project}/${s.component}`, env: s.env, cluster: s.stop.cluster, pull: pull?.number }, s.stop.reason);
}

/**
 * The next wave of a promotion into an environment on several clusters (core/promotion/waves.ts
 * `planWaves`): what each cluster's folder holds, each cluster's health (`HealthQuery.cluster`),
 * and the step's `waves.soak`.
 */
async function nextWave(
  ctx: PromotionContext,
  q: {
    readonly project: string;
    readonly component: string;
    readonly release: string;
    readonly env: Environment;
    readonly step: PipelineStep | undefined;
    readonly deployed: ReadonlyMap<string, string | undefined>;
    /** `owner/name` of the app repository the release was cut from (its deployments hold the verification records). */
    readonly appRepo: string;
  },
): Promise<WaveDecision> {
  const clusters = clustersOf(q.env);
  const { health, verification } = await clusterProgress(ctx, {
    ...q,
    env: q.env.name,
    clusters: clusters.map((c) => c.name),
    verify: q.step?.verify !== undefined,
  });
  return planWaves({
    clusters,
    release: q.release,
    deployed: q.deployed,
    health,
    ...(verification ? { verification } : {}),
    ...(q.step?.waves?.soak ? { soak: q.step.waves.soak } : {}),
    now: ctx.deps.clock(),
  });
}
