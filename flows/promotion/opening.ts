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
import { createPullRequest, findOpenPullRequest, lastMergedPullRequest, updatePullRequest } from "../../adapters/github/pulls.js";
import type { PullRequest } from "../../adapters/github/pulls.js";
import { createIssueComment, upsertComment } from "../../adapters/github/comments.js";
import { commentMarker } from "../../core/comments/markers.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { fullName, parseRepoRef } from "../../adapters/github/types.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import { serverUrlOf } from "../../adapters/github/gitops-targets.js";
import { deleteBranch } from "../../adapters/github/branches.js";
import { projectOwner, releaseChanges } from "../../core/release/plan.js";
import { deployedFiles } from "../../core/release/state.js";
import { PR_BODY_LIMIT } from "../../core/promotion/body.js";
import { asRollback, promotionPullRequest, withRequester } from "../../presentation/markdown/promotion-body.js";
import type { ComponentHistory } from "../../core/history.js";
import type { RollbackReason } from "../../core/promotion/rollback-on-failure.js";
import { pipelineOrder, planPromotion } from "../../core/promotion/pipeline.js";
import { promotionBranch, promotionCommits, updatedFrom } from "../../core/promotion/pr.js";
import { commitSeal } from "../../core/gitops/seal.js";
import type { SealedCommit } from "../../core/gitops/seal.js";
import { TRAILERS } from "../../core/gitops/trailers.js";
import type { PromotionContext } from "./context.js";
import { environmentNamed } from "./context.js";
import { readComponentHistory, readRelease, releaseFilePath, sourceHealth, sourceOf } from "./reads.js";
import { clustersOf } from "../../renderers/model/index.js";
import type { Environment, PipelineStep } from "../../renderers/model/index.js";
import { planWaves, wavesOf } from "../../core/promotion/waves.js";
import type { ClusterVerification, Wave, WaveDecision } from "../../core/promotion/waves.js";
import { clusterEnvironmentName } from "../../core/status/cluster-environment.js";
import { releaseVerification } from "./verification-records.js";
import { bundleRefusal, governingBundle } from "../../core/bundles/bundles.js";
import type { HealthReport } from "../../core/promotion/health.js";
import { branchIdentity, renderFor } from "./judging.js";
import type { KnownPromotion } from "./judging.js";

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
  // previous is through. A rollback renders every cluster's folder: the clusters that never took the
  // release hold the release it goes back to already, so it changes only those that took it.
  let wave: Wave | undefined;
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
  const rendered = renderFor(ctx, release, to, snapshot);
  if (hasErrors(rendered.diagnostics)) {
    const errors = rendered.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    return refused(`release ${id} of ${name} does not render for ${to.name} without errors: ${listed(errors)}`);
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
    before: inWave(deployedFiles(snapshot.state, project, component), wave),
    after: inWave(rendered.files, wave),
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
      wave?.clusters,
    ),
    message: commit.message,
    trailers: requester ? { ...commit.trailers, [TRAILERS.requestedBy]: requester.login } : commit.trailers,
    ...(key ? { seal: (c: SealedCommit) => commitSeal(key, c) } : {}),
    ...(existing && newRequester ? { always: true } : {}),
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
  deps.logger.info({ component: name, release: id, from: from.name, to: to.name, pull: number, status }, "promotion pull request");
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

/** The files of a rendering (`<cluster>/<project>/...`) in one wave's clusters; all of them without a wave. */
function inWave(files: ReadonlyMap<string, string>, wave: Wave | undefined): ReadonlyMap<string, string> {
  if (!wave) return files;
  return new Map([...files].filter(([p]) => wave.clusters.some((c) => p.startsWith(`${c}/`))));
}

/** A cluster's verification of the release as planWaves reads it, from its record (none, or unreadable: not verified). */
function clusterVerification(read: Awaited<ReturnType<typeof releaseVerification>>): ClusterVerification {
  const r = read.record;
  if (read.unreadable || !r) return { signal: "none", ...(read.unreadable ? { detail: read.unreadable } : {}) };
  if (r.signal === "verified") return { signal: "verified", at: r.at };
  if (r.signal === "verify-failed") return { signal: "failed", ...(r.description ? { detail: r.description } : {}) };
  return { signal: "verifying" };
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
  const health = new Map<string, HealthReport>();
  const verification = q.step?.verify ? new Map<string, ClusterVerification>() : undefined;
  for (const c of clusters) {
    if (q.deployed.get(c.name) !== q.release) continue;
    health.set(c.name, await sourceHealth(ctx.deps, { environment: q.env.name, cluster: c.name, project: q.project, component: q.component }));
    if (!verification) continue;
    // The cluster's own deployment environment (`<env>/<cluster>`) holds its verification records.
    const environment = clusterEnvironmentName(q.env.name, c.name);
    const read = await releaseVerification(ctx.octokit, parseRepoRef(q.appRepo), { environment, project: q.project, component: q.component }, q.release);
    verification.set(c.name, clusterVerification(read));
  }
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
