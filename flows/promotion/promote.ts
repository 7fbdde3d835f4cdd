/**
 * Promoting a release: open or update its promotion pull request, evaluate the pull request's
 * `Ferry / gates` check (and merge it when every gate holds and the environment auto-merges),
 * and, when a release lands in an environment, promote it to the next ones. These three call
 * each other (a merge is a landing, a landing opens promotions, opening one evaluates its
 * gates), so they live together. An evaluation gathers what it needs (reads), decides in
 * core/promotion/decision.ts (pure) and acts on the decision (writes).
 *
 * A release is never re-read from the app repository: the frozen inputs in
 * `releases/<project>/<component>/<id>.yaml` of the source environment's GitOps repository are
 * rendered for the target environment, once per promotion: opening a pull request hands its
 * rendering to the evaluation that follows. The pull request's branch is
 * `ferry/promote/<project>/<component>/<target>`: at most one open per component and target; a
 * newer release (or a rollback) updates it and says so.
 */
import { formatDiagnostic, hasErrors } from "../../renderers/diagnostics.js";
import { catalogKey } from "../../renderers/apps.js";
import type { Environment } from "../../renderers/model/index.js";
import { renderRelease } from "../../core/render.js";
import type { RenderedComponent } from "../../core/render.js";
import { releaseId } from "../../renderers/release.js";
import type { Release } from "../../renderers/release.js";
import { pullRequestFiles } from "../../adapters/github/files.js";
import { createPullRequest, findOpenPullRequest, getPullRequest, mergePullRequest, updatePullRequest } from "../../adapters/github/pulls.js";
import type { PullRequest } from "../../adapters/github/pulls.js";
import { createCommitComment, createIssueComment } from "../../adapters/github/comments.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { readEnvironment, type EnvironmentSnapshot } from "../../adapters/git/environment.js";
import type { ResolvedTarget } from "../../adapters/github/gitops-targets.js";
import { projectOwner, releaseChanges } from "../../core/release/plan.js";
import { catalogFromReleases, deployedFiles, parseReleaseFile } from "../../core/release/state.js";
import { approversToCheck, reviewersToCheck } from "../../core/promotion/gates/approvers.js";
import { PR_BODY_LIMIT } from "../../core/promotion/body.js";
import { asRollback, promotionPullRequest, withRequester } from "../../presentation/markdown/promotion-body.js";
import { decidePromotion } from "../../core/promotion/decision.js";
import { gatesCheckReport } from "../../presentation/markdown/gates-check.js";
import type { PromotionDecision, PromotionFacts, RenderedRelease } from "../../core/promotion/decision.js";
import type { GateConclusion, GatesResult } from "../../core/promotion/gates/index.js";
import type { ComponentHistory, SourceCommit } from "../../core/history.js";
import { nextEnvironments, pipelineOrder, planPromotion } from "../../core/promotion/pipeline.js";
import type { BranchCommit, PromotionPaths, PullFacts, VerifiedPromotion } from "../../core/promotion/pr.js";
import { mergeCommitFields, promotionBranch, promotionCommits, promotionPaths, updatedFrom, verifyPromotion } from "../../core/promotion/pr.js";
import type { DirectoryChange } from "../../core/gitops/request.js";
import { commitSeal } from "../../core/gitops/seal.js";
import type { SealedCommit } from "../../core/gitops/seal.js";
import { TRAILERS } from "../../core/gitops/trailers.js";
import { GitopsError } from "../../adapters/git/errors.js";
import { deleteBranch } from "../../adapters/github/branches.js";
import { GATES_CHECK, writeGatesCheck } from "./gates-check.js";
import type { PromotionContext } from "./context.js";
import { environmentNamed } from "./context.js";
import { serverUrlOf } from "../../adapters/github/gitops-targets.js";
import { errorText, httpStatus } from "../errors.js";
import type { LandedRelease } from "./events.js";
import {
  branchCommits,
  branchSource,
  permissionsOf,
  readComponentHistory,
  readLandedAt,
  readRelease,
  releaseFilePath,
  reviewsOf,
  sourceHealth,
  sourceOf,
  teamsOf,
} from "./reads.js";

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
  /** Whether to evaluate the gates once the pull request is open (only a GitHub App may write the check). @default true */
  readonly evaluateGates?: boolean;
}

/** What {@link evaluatePromotion} did. */
export type GatesOutcome =
  | { readonly kind: "skipped"; readonly reason: string }
  | {
      readonly kind: "evaluated";
      readonly conclusion: GateConclusion;
      readonly gates: GatesResult;
      /** Set when Ferry merged the pull request: the merge commit and the promotions that followed. */
      readonly merged?: { readonly commit: string; readonly next: readonly NextPromotion[] };
      /** Set when every gate held but GitHub refused the merge. */
      readonly mergeError?: string;
    };

/** What {@link ensurePromotion} did. */
export type PromotionResult =
  | {
      /** `opened` a new pull request; `updated` it to another release; `refreshed` its branch or body for the same release; `unchanged`. */
      readonly status: "opened" | "updated" | "refreshed" | "unchanged";
      readonly number: number;
      readonly url: string;
      readonly release: string;
      /** The release the pull request carried before, when it was open already. */
      readonly previous: string | undefined;
      readonly gates: GatesOutcome;
    }
  /** `in-place`: the target runs the release already; `refused`: it cannot be promoted (why). */
  | { readonly status: "in-place" | "refused"; readonly reason: string };

/** A promotion opened because a release landed. */
export interface NextPromotion {
  readonly to: string;
  readonly result: PromotionResult;
}

const refused = (reason: string): PromotionResult => ({ status: "refused", reason });

function listed(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

type PullData = PullRequest;

/** Renders a release for an environment against the components that environment runs. */
function renderFor(ctx: PromotionContext, release: Release, env: Environment, snapshot: EnvironmentSnapshot<ResolvedTarget>): RenderedComponent {
  const catalog = new Map(catalogFromReleases([snapshot.releaseFiles]));
  catalog.set(catalogKey(release.metadata.project, release.metadata.component), release.spec.component);
  return renderRelease(release, env, ctx.bundle, catalog, ctx.cel);
}

function factsOf(
  repo: RepoRef,
  pr: {
    readonly head: { readonly ref: string; readonly repo: { readonly full_name: string } | null };
    readonly base: { readonly ref: string };
    readonly user: { readonly login: string; readonly type?: string } | null;
    readonly body: string | null;
  },
): PullFacts {
  return { repo: fullName(repo), headRef: pr.head.ref, headRepo: pr.head.repo?.full_name, baseRef: pr.base.ref, author: pr.user, body: pr.body };
}

/**
 * Opens the promotion pull request of `req.release` into `req.to`, or updates the open one (to
 * another release, or its branch and body for the same), then evaluates its gates. Refuses (and
 * changes nothing) a promotion the pipeline does not allow, a release whose frozen inputs are
 * missing, and one that does not render for the target without errors.
 */
export async function ensurePromotion(ctx: PromotionContext, req: PromotionRequest): Promise<PromotionResult> {
  const { octokit, deps } = ctx;
  const { project, component, release: id, to: toName } = req;
  const name = `${project}/${component}`;
  const rollback = req.from === toName;
  const to = environmentNamed(ctx, toName);
  const from = environmentNamed(ctx, req.from);
  if (!to || !from) return refused(`the platform has no environment ${JSON.stringify(to ? req.from : toName)}`);
  if (!rollback) {
    const plan = planPromotion(ctx.bundle.platform, { from: from.name, to: to.name });
    if (!plan.ok) return refused(plan.reason);
  }
  const target = await ctx.resolver.resolve(to);
  const snapshot = await readEnvironment(deps.gitops, target, deps.cacheDir);
  const current = snapshot.state.components.get(catalogKey(project, component))?.release;
  if (current === id) return { status: "in-place", reason: `${to.name} already runs release ${id} of ${name}` };
  const sourceTarget = rollback ? target : await ctx.resolver.resolve(from);
  const release = await readRelease(ctx, sourceTarget, project, component, id);
  if (!release)
    return refused(`release ${id} of ${name} is not in ${fullName(sourceTarget.repo)} (${releaseFilePath(project, component, id)} is missing or unreadable)`);
  const history = req.history ?? (await readComponentHistory(ctx, project, component));
  const source = sourceOf(history, id);
  if (!source) return refused(`no environment's history says which app commit release ${id} of ${name} was cut from`);
  const rendered = renderFor(ctx, release, to, snapshot);
  if (hasErrors(rendered.diagnostics)) {
    const errors = rendered.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    return refused(`release ${id} of ${name} does not render for ${to.name} without errors: ${listed(errors)}`);
  }

  const branch = promotionBranch(project, component, to.name);
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
  };
  let pr = promotionPullRequest({
    subject,
    before: deployedFiles(snapshot.state, project, component),
    after: rendered.files,
    pricing: ctx.bundle.platform.spec.pricing,
    diagnostics: rendered.diagnostics,
    history,
    historyOrder: pipelineOrder(ctx.bundle.platform),
    serverUrl: serverUrlOf(target),
    maxLength: PR_BODY_LIMIT - 1024,
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
    changes: releaseChanges(to, release, rendered.files, undefined, {
      owner: projectOwner(ctx.bundle.platform, project),
      source: { repo: source.repo, ref: source.sha, serverUrl: serverUrlOf(target) },
    }),
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
  let created: PullData | undefined;
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
  const gates: GatesOutcome =
    req.evaluateGates === false
      ? { kind: "skipped", reason: `the ${GATES_CHECK} check is the Ferry app's to write` }
      : await evaluatePromotion(ctx, target.repo, number, {
          ...(created ? { pull: created } : {}),
          release: id,
          env: to.name,
          snapshot,
          frozen: release,
          rendered,
          source,
        });
  return { status, number, url, release: id, previous: previousRelease, gates };
}

/**
 * What the caller that just opened or updated the pull request knows already, so that the
 * evaluation reads and renders nothing twice.
 */
export interface KnownPromotion {
  /** The pull request as GitHub answered its creation (its head is the branch just written). @default read */
  readonly pull?: PullData;
  /** The release and target environment the branch was just written for. */
  readonly release: string;
  readonly env: string;
  /** The target environment as it was read, the release (as its source environment holds it) rendered for it, and the app commit it was cut from. */
  readonly snapshot: EnvironmentSnapshot<ResolvedTarget>;
  readonly frozen: Release;
  readonly rendered: RenderedRelease;
  readonly source: SourceCommit;
}

/** What an evaluation read, for the decision and the writes after it. */
interface GatheredPromotion {
  readonly pr: PullData;
  readonly facts: PromotionFacts;
  readonly target: ResolvedTarget;
  readonly snapshot: EnvironmentSnapshot<ResolvedTarget>;
  readonly paths: PromotionPaths;
  /** What the caller knew, when it is about this pull request's release and target. */
  readonly known: KnownPromotion | undefined;
}

/** Why an evaluation stopped: `moved` when the head moved while it read (then it starts again). */
type NotGathered = { readonly skipped: string; readonly moved?: true };

/** A pull request identified by {@link verifyPromotion}: what GitHub says about it, and its branch's commits. */
export async function branchIdentity(
  ctx: PromotionContext,
  repo: RepoRef,
  pr: Parameters<typeof factsOf>[1] & { readonly number: number },
  commits?: readonly BranchCommit[],
): Promise<VerifiedPromotion | { readonly reason: string }> {
  const read = commits ?? (await branchCommits(ctx, repo, pr.number));
  return verifyPromotion(factsOf(repo, pr), read, ctx.bundle.platform, await ctx.deps.botLogin());
}

/** Every file `changes` write, by repository path (the component's folder, which a change replaces as a whole, is compared as a whole by the gates). */
function changedFilesOf(changes: readonly DirectoryChange[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of changes) for (const [name, text] of c.files) out.set(`${c.dir}/${name}`, typeof text === "string" ? text : new TextDecoder().decode(text));
  return out;
}

/**
 * The reads of an evaluation, all at the head commit it starts from: the pull request and its
 * commits (who asked, which release: Ferry's own commits), the frozen release and files on the
 * branch at that commit, the release as the source environment holds it and which it runs, the
 * reviews and each reviewer's permission and teams, the source's health and when the release
 * landed there.
 */
async function gatherPromotion(
  ctx: PromotionContext,
  repo: RepoRef,
  number: number,
  given: KnownPromotion | undefined,
): Promise<GatheredPromotion | NotGathered> {
  const { octokit, deps } = ctx;
  const pr = given?.pull ?? (await getPullRequest(octokit, repo, number));
  if (pr.state !== "open") return { skipped: `#${number} is ${pr.merged_at ? "merged" : "closed"}` };
  const headSha = pr.head.sha;
  const commits = await branchCommits(ctx, repo, number);
  const moved = (what: string): NotGathered => ({ skipped: `the head of #${number} moved from ${headSha.slice(0, 7)} while Ferry read ${what}`, moved: true });
  if (commits.at(-1)?.sha !== headSha) return moved("its commits");
  const who = await branchIdentity(ctx, repo, pr, commits);
  if ("reason" in who) return { skipped: who.reason };
  const { project, component, release, to, from, rollback } = who;
  const known = given && given.release === release && given.env === to.name ? given : undefined;
  const target = await ctx.resolver.resolve(to);
  const paths = promotionPaths(to, project, component);
  const releaseFile = releaseFilePath(project, component, release);
  const snapshot = known?.snapshot ?? (await readEnvironment(deps.gitops, target, deps.cacheDir));

  // The release as the environment it comes from holds it (its own branch, not the pull request's),
  // and which release that environment runs (a promotion) or ran (a rollback).
  const key = catalogKey(project, component);
  const sourceTarget = rollback ? target : await ctx.resolver.resolve(from);
  let allowedReleases: string[];
  if (rollback) {
    const history = await readComponentHistory(ctx, project, component);
    allowedReleases = [...new Set((history.environments.get(to.name) ?? []).flatMap((e) => (e.release ? [e.release] : [])))];
  } else {
    const runs = (await readEnvironment(deps.gitops, sourceTarget, deps.cacheDir)).state.components.get(key)?.release;
    allowedReleases = runs ? [runs] : [];
  }
  const frozen = known?.frozen ?? (await readRelease(ctx, sourceTarget, project, component, release));
  const rendered: RenderedRelease | undefined = known?.rendered ?? (frozen ? renderFor(ctx, frozen, to, snapshot) : undefined);
  const source = known?.source ?? who.source;
  const expected =
    frozen && rendered && !hasErrors(rendered.diagnostics)
      ? changedFilesOf(
          releaseChanges(to, frozen, rendered.files, undefined, {
            owner: projectOwner(ctx.bundle.platform, project),
            ...(source ? { source: { repo: source.repo, ref: source.sha, serverUrl: serverUrlOf(target) } } : {}),
          }),
        )
      : undefined;

  // The branch at the head commit this evaluation judges (not at whatever the branch name points to later).
  let atHead: ReadonlyMap<string, string>;
  try {
    atHead = await deps.gitops.readFiles({
      target: { ...target.git, branch: pr.head.ref },
      paths: [...new Set([paths.componentDir, releaseFile, ...(expected ? [...expected.keys()].filter((p) => !p.startsWith(`${paths.componentDir}/`)) : [])])],
      commit: headSha,
      cacheDir: deps.cacheDir,
    });
  } catch (e) {
    if (e instanceof GitopsError && e.code === "not-found") return moved("its files");
    throw e;
  }
  const releaseText = atHead.get(releaseFile);
  const onBranchRelease = releaseText === undefined ? undefined : parseReleaseFile(releaseText);
  const onBranch = new Map([...atHead].filter(([p]) => p.startsWith(`${paths.componentDir}/`) || expected?.has(p)));

  const changedFiles = await pullRequestFiles(octokit, repo, number);
  const reviews = await reviewsOf(octokit, repo, number);
  const teams = to.approvals.teams.length > 0 ? await teamsOf(octokit, repo.owner, to.approvals.teams, approversToCheck(reviews, headSha)) : {};
  const permissions = await permissionsOf(octokit, repo, reviewersToCheck(reviews, headSha));
  const health = rollback ? undefined : await sourceHealth(deps, { environment: from.name, project, component });
  const landed = rollback ? undefined : await readLandedAt(ctx, from, project, component, release);
  const facts: PromotionFacts = {
    promotion: who,
    platform: ctx.bundle.platform,
    platformSource: ctx.platformSource ?? fullName(deps.platformRepo),
    headRef: pr.head.ref,
    headSha,
    author: pr.user?.login ?? "ghost",
    releaseFile,
    branchRelease: onBranchRelease ? { hash: releaseId(onBranchRelease.spec) } : undefined,
    allowedReleases,
    rendered,
    expected,
    onBranch: rendered && !hasErrors(rendered.diagnostics) ? onBranch : undefined,
    changedFiles,
    reviews,
    teams,
    permissions,
    health,
    landedAt: landed,
    now: deps.clock(),
  };
  return { pr, facts, target, snapshot, paths, known };
}

/** The writes of an evaluation: the `Ferry / gates` check, and the merge (then the landing) when decided. */
async function actOnPromotion(
  ctx: PromotionContext,
  repo: RepoRef,
  gathered: GatheredPromotion,
  decision: PromotionDecision,
): Promise<GatesOutcome | { readonly moved: string }> {
  const { octokit, deps } = ctx;
  const { pr, facts, target, snapshot, paths } = gathered;
  const { project, component, release, to, from } = facts.promotion;
  const number = pr.number;
  const log = deps.logger.child({ repo: fullName(repo), pull: number });
  const written = await writeGatesCheck(octokit, repo, facts.headSha, gatesCheckReport(decision), pr.html_url, deps.clock(), await deps.appId());
  log.info({ conclusion: decision.gates.conclusion, gates: decision.gates.gates.map((g) => `${g.name}:${g.state}`) }, "gates evaluated");
  const evaluated = { kind: "evaluated" as const, conclusion: decision.gates.conclusion, gates: decision.gates };
  if (!decision.merge) return evaluated;

  const source =
    gathered.known?.source ??
    facts.promotion.source ??
    (await branchSource(ctx, target, pr.head.ref, paths.componentDir)) ??
    sourceOf(await readComponentHistory(ctx, project, component), release);
  if (!source) return { ...evaluated, mergeError: `cannot tell which app commit release ${release} was cut from` };
  const current = snapshot.state.components.get(catalogKey(project, component))?.release;
  const subject = { project, component, release, source, from: from.name, to: to.name, ...(current ? { current } : {}) };
  let commit: string;
  try {
    // Only the commit judged: GitHub refuses (409) when the head is another one by now.
    const data = await mergePullRequest(octokit, repo, number, {
      sha: facts.headSha,
      merge_method: "squash",
      ...mergeCommitFields(subject, decision.merge.approvedBy),
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
    if (written.changed) {
      await createIssueComment(
        octokit,
        { ...repo, issue_number: number },
        `Every gate holds, but GitHub refused Ferry's merge: ${errorText(e)}\n\nResolve it (a conflict: close this pull request, and \`/ferry promote ${to.name}\` opens a fresh one), or merge it yourself.`,
      );
    }
    return { ...evaluated, mergeError: errorText(e) };
  }
  log.info({ commit }, "promotion merged");
  await deleteBranch(octokit, repo, pr.head.ref).catch((e: unknown) => log.warn({ err: e }, "could not delete the merged branch"));
  const next = await releaseLanded(ctx, {
    environment: to.name,
    project,
    component,
    release,
    gitops: repo,
    commit,
    pull: { repo, number, url: pr.html_url },
    source,
  });
  return { ...evaluated, merged: { commit, next } };
}

/** Evaluations of one pull request in a row when its head keeps moving under them. */
const EVALUATION_ATTEMPTS = 3;

/**
 * Evaluates the gates of a promotion pull request on its head commit and reports them as the
 * `Ferry / gates` check. Inputs, all at that head commit: who asked and which release (Ferry's own
 * sealed commits on the branch, never the body), the release as the source environment holds and
 * runs it (its content hash must be the id, and the branch must hold exactly Ferry's rendering of
 * it for the target with policies as they are now, and no commit Ferry did not make), reviews with
 * each reviewer's permission and teams, the source environment's health (the injected health
 * source), the pipeline step's soak and the target's change window. When every gate holds and the
 * target has `autoMerge`, Ferry squash-merges exactly that commit with a commit whose trailers
 * carry the approvers, then promotes onwards. When the head moves while Ferry reads or merges,
 * it evaluates the new head (at most {@link EVALUATION_ATTEMPTS} times in a row; the push's own
 * `synchronize` event evaluates it again anyway).
 */
export async function evaluatePromotion(ctx: PromotionContext, repo: RepoRef, number: number, known?: KnownPromotion): Promise<GatesOutcome> {
  let reason = "";
  for (let attempt = 1; attempt <= EVALUATION_ATTEMPTS; attempt++) {
    const gathered = await gatherPromotion(ctx, repo, number, attempt === 1 ? known : undefined);
    if ("skipped" in gathered) {
      if (!gathered.moved) return { kind: "skipped", reason: gathered.skipped };
      reason = gathered.skipped;
      continue;
    }
    const outcome = await actOnPromotion(ctx, repo, gathered, decidePromotion(gathered.facts));
    if (!("moved" in outcome)) return outcome;
    reason = outcome.moved;
  }
  return { kind: "skipped", reason: `${reason} (${EVALUATION_ATTEMPTS} times in a row); its next push or review evaluates it` };
}

/** Tells people where a landed release could not be promoted: on its pull request, or its app commit. */
async function reportRefusal(ctx: PromotionContext, landed: LandedRelease, to: string, reason: string): Promise<void> {
  const body = `Ferry could not promote \`${landed.project}/${landed.component}\` release \`${landed.release}\` from ${landed.environment} to ${to}: ${reason}`;
  if (landed.pull) {
    await createIssueComment(ctx.octokit, { ...landed.pull.repo, issue_number: landed.pull.number }, body);
  } else if (landed.source) {
    const [owner = "", repo = ""] = landed.source.repo.split("/");
    await createCommitComment(ctx.octokit, { owner, repo, commit_sha: landed.source.sha }, body);
  }
}

/**
 * A release landed in an environment: open (or update) its promotion into each next environment
 * of the pipeline, then tell `onReleaseLanded`. Every next environment is tried; failures are
 * thrown together at the end. When `watchRollout` watches the environment's cluster, the
 * promotions wait: it calls back with `{ healthy: true }` once the release is Healthy there
 * (which then only opens the promotions).
 */
export async function releaseLanded(ctx: PromotionContext, landed: LandedRelease, opts: { readonly healthy?: boolean } = {}): Promise<NextPromotion[]> {
  const { deps } = ctx;
  const log = deps.logger.child({ component: `${landed.project}/${landed.component}`, release: landed.release, env: landed.environment });
  const out: NextPromotion[] = [];
  const failures: string[] = [];
  const watched =
    !opts.healthy && deps.watchRollout
      ? await deps.watchRollout(landed, ctx.octokit, ctx.bundle.platform).catch((e: unknown) => {
          log.error({ err: e }, "watching the rollout failed: promoting at once");
          return false;
        })
      : false;
  for (const to of watched ? [] : nextEnvironments(ctx.bundle.platform, landed.environment)) {
    try {
      const result = await ensurePromotion(ctx, {
        project: landed.project,
        component: landed.component,
        release: landed.release,
        from: landed.environment,
        to,
      });
      out.push({ to, result });
      if (result.status === "refused") {
        log.warn({ to, reason: result.reason }, "promotion refused");
        await reportRefusal(ctx, landed, to, result.reason);
      }
    } catch (e) {
      log.error({ err: e, to }, "promotion failed");
      failures.push(`${to}: ${errorText(e)}`);
    }
  }
  if (deps.onReleaseLanded && !opts.healthy) {
    await deps.onReleaseLanded(landed, ctx.octokit).catch((e: unknown) => {
      log.error({ err: e }, "onReleaseLanded failed");
      failures.push(`onReleaseLanded: ${errorText(e)}`);
    });
  }
  if (failures.length > 0)
    throw new Error(`promoting ${landed.project}/${landed.component} ${landed.release} from ${landed.environment} failed: ${failures.join("; ")}`);
  return out;
}
