/**
 * Judging a promotion pull request at one head commit: gather what the gates need at that sha
 * (reads.ts), decide (core/promotion/decision.ts, pure) and write the `Ferry / gates` check on
 * that sha. The merge a judgement allows is landing.ts's; promote.ts runs the two in turn.
 *
 * Who asked and which release come from Ferry's own sealed commits on the branch
 * ({@link branchIdentity}), never from the pull request's body, which anyone may edit.
 */
import { hasErrors } from "../../renderers/diagnostics.js";
import { catalogKey } from "../../renderers/apps.js";
import type { Environment } from "../../renderers/model/index.js";
import { renderRelease } from "../../core/render.js";
import type { RenderedComponent } from "../../core/render.js";
import { releaseId } from "../../renderers/release.js";
import type { Release } from "../../renderers/release.js";
import { pullRequestFiles } from "../../adapters/github/files.js";
import { getPullRequest } from "../../adapters/github/pulls.js";
import type { PullRequest } from "../../adapters/github/pulls.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { fullName, parseRepoRef } from "../../adapters/github/types.js";
import { verifyInto } from "../../core/signals/report.js";
import { releaseVerification } from "./verification-records.js";
import { readEnvironment, type EnvironmentSnapshot } from "../../adapters/git/environment.js";
import type { ResolvedTarget } from "../../adapters/github/gitops-targets.js";
import { serverUrlOf } from "../../adapters/github/gitops-targets.js";
import { GitopsError } from "../../adapters/git/errors.js";
import { projectOwner, releaseChanges } from "../../core/release/plan.js";
import { catalogFromReleases, parseReleaseFile } from "../../core/release/state.js";
import { approversToCheck, reviewersToCheck } from "../../core/promotion/gates/approvers.js";
import { decidePromotion } from "../../core/promotion/decision.js";
import type { PromotionDecision, PromotionFacts, RenderedRelease } from "../../core/promotion/decision.js";
import type { SourceCommit } from "../../core/history.js";
import type { BranchCommit, PromotionPaths, PullFacts, VerifiedPromotion } from "../../core/promotion/pr.js";
import { promotionPaths, verifyPromotion } from "../../core/promotion/pr.js";
import type { DirectoryChange } from "../../core/gitops/request.js";
import { parseBundleBranch } from "../../core/bundles/bundles.js";
import { gatesCheckReport } from "../../presentation/markdown/gates-check.js";
import { writeGatesCheck } from "./gates-check.js";
import type { PromotionContext } from "./context.js";
import {
  branchCommits,
  permissionOf,
  clusterProgress,
  permissionsOf,
  readComponentHistory,
  readLandedAt,
  readRelease,
  releaseFilePath,
  reviewsOf,
  sourceHealth,
  teamsOf,
} from "./reads.js";
import { clustersOf } from "../../renderers/model/index.js";
import { planPromotion } from "../../core/promotion/pipeline.js";
import { rollbackClusters, wavesOf } from "../../core/promotion/waves.js";
import type { EarlierWaves } from "../../core/promotion/gates/index.js";

/**
 * What the caller that just opened or updated the pull request knows already, so that the
 * evaluation reads and renders nothing twice.
 */
export interface KnownPromotion {
  /** The pull request as GitHub answered its creation (its head is the branch just written). @default read */
  readonly pull?: PullRequest;
  /** The release and target environment the branch was just written for. */
  readonly release: string;
  readonly env: string;
  /** The wave the branch was just written for, for a target promoted wave by wave. @default none */
  readonly wave?: number;
  /** The target environment as it was read, the release (as its source environment holds it) rendered for it, and the app commit it was cut from. */
  readonly snapshot: EnvironmentSnapshot<ResolvedTarget>;
  readonly frozen: Release;
  readonly rendered: RenderedRelease;
  readonly source: SourceCommit;
}

/** What a judgement read, for the decision and the writes after it. */
export interface GatheredPromotion {
  readonly pr: PullRequest;
  readonly facts: PromotionFacts;
  readonly target: ResolvedTarget;
  readonly snapshot: EnvironmentSnapshot<ResolvedTarget>;
  readonly paths: PromotionPaths;
  /** What the caller knew, when it is about this pull request's release and target. */
  readonly known: KnownPromotion | undefined;
}

/** Why a judgement stopped: `moved` when the head moved while it read (then it starts again). */
export type NotJudged = { readonly skipped: string; readonly moved?: true; readonly bundle?: true };

/** A pull request judged at one head commit: what was read, what was decided, and whether the check changed. */
export interface JudgedPromotion {
  readonly gathered: GatheredPromotion;
  readonly decision: PromotionDecision;
  /** False when the `Ferry / gates` check on that commit already said exactly this. */
  readonly checkChanged: boolean;
}

/** Renders a release for an environment against the components that environment runs. */
export function renderFor(ctx: PromotionContext, release: Release, env: Environment, snapshot: EnvironmentSnapshot<ResolvedTarget>): RenderedComponent {
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
 * The reads of a judgement, all at the head commit it starts from: the pull request and its
 * commits (who asked, which release: Ferry's own commits), the reviews and each reviewer's
 * permission and teams, then the component's facts ({@link gatherMember}).
 */
async function gatherPromotion(
  ctx: PromotionContext,
  repo: RepoRef,
  number: number,
  given: KnownPromotion | undefined,
): Promise<GatheredPromotion | NotJudged> {
  const { octokit, deps } = ctx;
  const pr = given?.pull ?? (await getPullRequest(octokit, repo, number));
  if (pr.state !== "open") return { skipped: `#${number} is ${pr.merged_at ? "merged" : "closed"}` };
  // A bundle's pull request is judged as a whole (bundle-judging.ts).
  if (parseBundleBranch(pr.head.ref)) return { skipped: `#${number} is a bundle's pull request`, bundle: true };
  const headSha = pr.head.sha;
  const commits = await branchCommits(ctx, repo, number);
  if (commits.at(-1)?.sha !== headSha) return movedWhile(number, headSha, "its commits");
  const who = await branchIdentity(ctx, repo, pr, commits);
  if ("reason" in who) return { skipped: who.reason };
  const known = given && given.release === who.release && given.env === who.to.name && given.wave === who.wave?.wave ? given : undefined;
  const target = await ctx.resolver.resolve(who.to);
  const snapshot = known?.snapshot ?? (await readEnvironment(deps.gitops, target, deps.cacheDir));
  const pull = await readPull(ctx, repo, pr, who.to, target, snapshot);
  const member = await gatherMember(ctx, who, pull, known);
  if ("skipped" in member) return member;
  return { pr, facts: member.facts, target, snapshot, paths: member.paths, known };
}

const movedWhile = (number: number, headSha: string, what: string): NotJudged => ({
  skipped: `the head of #${number} moved from ${headSha.slice(0, 7)} while Ferry read ${what}`,
  moved: true,
});

/** Reads {@link PullReads} of pull request `pr` into `to` at its head commit: its files, its reviews, and each reviewer's teams and permission. */
export async function readPull(
  ctx: PromotionContext,
  repo: RepoRef,
  pr: PullRequest,
  to: Environment,
  target: ResolvedTarget,
  snapshot: EnvironmentSnapshot<ResolvedTarget>,
): Promise<PullReads> {
  const { octokit } = ctx;
  const headSha = pr.head.sha;
  const reviews = await reviewsOf(octokit, repo, pr.number);
  return {
    number: pr.number,
    headRef: pr.head.ref,
    headSha,
    author: pr.user?.login ?? "ghost",
    target,
    snapshot,
    changedFiles: await pullRequestFiles(octokit, repo, pr.number),
    reviews,
    teams: to.approvals.teams.length > 0 ? await teamsOf(octokit, repo.owner, to.approvals.teams, approversToCheck(reviews, headSha)) : {},
    permissions: await permissionsOf(octokit, repo, reviewersToCheck(reviews, headSha)),
  };
}

/** What a judgement reads of the pull request once, at its head commit (a bundle's members share it). */
export interface PullReads {
  readonly number: number;
  readonly headRef: string;
  readonly headSha: string;
  readonly author: string;
  readonly target: ResolvedTarget;
  readonly snapshot: EnvironmentSnapshot<ResolvedTarget>;
  /** Every path the pull request changes (for a bundle member: without the other members' paths). */
  readonly changedFiles: readonly string[];
  readonly reviews: PromotionFacts["reviews"];
  readonly teams: PromotionFacts["teams"];
  readonly permissions: PromotionFacts["permissions"];
}

/**
 * The facts of one component's promotion on a pull request, at the head commit `pull` was read at:
 * the frozen release and files on the branch, the release as the source environment holds it and
 * which it runs (or, for a rollback, ran), the source's health, its verification there (where the
 * pipeline step into it has `verify`), when the release landed there, the role of whoever broke
 * glass on the head commit on the component's app repository, and for a pull request landing
 * wave N > 1, the earlier waves' clusters (the `wave` gate).
 */
export async function gatherMember(
  ctx: PromotionContext,
  who: VerifiedPromotion,
  pull: PullReads,
  known?: KnownPromotion,
): Promise<{ readonly facts: PromotionFacts; readonly paths: PromotionPaths } | NotJudged> {
  const { octokit, deps } = ctx;
  const { project, component, release, to, from, rollback } = who;
  const { target, snapshot, headSha } = pull;
  // One wave of a target on several clusters writes only its clusters' folders (its branch names the
  // wave); a rollback of a target in waves only the clusters that took the release it replaces.
  const key = catalogKey(project, component);
  const held = snapshot.state.components.get(key)?.clusters ?? new Map<string, string | undefined>();
  const waveClusters = who.wave?.clusters ?? (rollback ? rollbackClusters(clustersOf(to), held) : undefined);
  const paths = promotionPaths(to, project, component, waveClusters);
  const releaseFile = releaseFilePath(project, component, release);

  // The release as the environment it comes from holds it (its own branch, not the pull request's),
  // and which release that environment runs (a promotion) or ran (a rollback).
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
          releaseChanges(
            to,
            frozen,
            rendered.files,
            undefined,
            {
              owner: projectOwner(ctx.bundle.platform, project),
              ...(source ? { source: { repo: source.repo, ref: source.sha, serverUrl: serverUrlOf(target) } } : {}),
            },
            waveClusters,
          ),
        )
      : undefined;

  const inComponentDirs = (p: string) => paths.componentDirs.some((d) => p.startsWith(`${d}/`));
  // The branch at the head commit this judgement judges (not at whatever the branch name points to later).
  let atHead: ReadonlyMap<string, string>;
  try {
    atHead = await deps.gitops.readFiles({
      target: { ...target.git, branch: pull.headRef },
      paths: [...new Set([...paths.componentDirs, releaseFile, ...(expected ? [...expected.keys()].filter((p) => !inComponentDirs(p)) : [])])],
      commit: headSha,
      cacheDir: deps.cacheDir,
    });
  } catch (e) {
    if (e instanceof GitopsError && e.code === "not-found") return movedWhile(pull.number, headSha, "its files");
    throw e;
  }
  const releaseText = atHead.get(releaseFile);
  const onBranchRelease = releaseText === undefined ? undefined : parseReleaseFile(releaseText);
  const onBranch = new Map([...atHead].filter(([p]) => inComponentDirs(p) || expected?.has(p)));

  const health = rollback ? undefined : await sourceHealth(deps, { environment: from.name, project, component });
  const landed = rollback ? undefined : await readLandedAt(ctx, from, project, component, release);
  // Where the pipeline step into the source (the target, for a rollback) verifies: the release's record there.
  const verifiedIn = rollback ? to : from;
  const verification = verifyInto(ctx.bundle.platform, verifiedIn.name)
    ? await releaseVerification(octokit, source ? parseRepoRef(source.repo) : undefined, { environment: verifiedIn.name, project, component }, release)
    : undefined;
  // Who broke glass on the head commit: their role on the component's app repository (the one the
  // release was cut from), read now, as every command's permission is.
  const breakGlassPermission = who.breakGlass && source ? await permissionOf(octokit, parseRepoRef(source.repo), who.breakGlass.login) : undefined;
  const waves =
    rollback || !who.wave ? undefined : await earlierWaves(ctx, { project, component, release, to, from: from.name, wave: who.wave.wave, held, source });
  const facts: PromotionFacts = {
    promotion: who,
    platform: ctx.bundle.platform,
    platformSource: ctx.platformSource ?? fullName(deps.platformRepo),
    headRef: pull.headRef,
    headSha,
    author: pull.author,
    releaseFile,
    branchRelease: onBranchRelease ? { hash: releaseId(onBranchRelease.spec) } : undefined,
    allowedReleases,
    rendered,
    expected,
    onBranch: rendered && !hasErrors(rendered.diagnostics) ? onBranch : undefined,
    changedFiles: pull.changedFiles,
    reviews: pull.reviews,
    teams: pull.teams,
    permissions: pull.permissions,
    health,
    verification,
    landedAt: landed,
    ...(who.breakGlass ? { breakGlassPermission: breakGlassPermission ?? "none" } : {}),
    ...(waves ? { waves } : {}),
    ...(waveClusters ? { clusters: waveClusters } : {}),
    now: deps.clock(),
  };
  return { facts, paths };
}

/**
 * The earlier waves of a pull request landing wave `wave` of `to` (the `wave` gate), read at the
 * judgement: what each cluster's folder holds on the target's branch, and the health (and
 * verification, where the step has `verify`) of each cluster of an earlier wave that holds the
 * release. Nothing is read for the first wave.
 */
async function earlierWaves(
  ctx: PromotionContext,
  q: {
    readonly project: string;
    readonly component: string;
    readonly release: string;
    readonly to: Environment;
    readonly from: string;
    readonly wave: number;
    /** The release each cluster's folder holds on the target's branch. */
    readonly held: ReadonlyMap<string, string | undefined>;
    readonly source: SourceCommit | undefined;
  },
): Promise<EarlierWaves> {
  const first = wavesOf(clustersOf(q.to))[0]?.wave ?? q.wave;
  if (q.wave <= first) return { wave: q.wave, deployed: {}, health: {} };
  const plan = planPromotion(ctx.bundle.platform, { from: q.from, to: q.to.name });
  const { health, verification } = await clusterProgress(ctx, {
    project: q.project,
    component: q.component,
    release: q.release,
    env: q.to.name,
    clusters: clustersOf(q.to)
      .filter((c) => c.wave < q.wave)
      .map((c) => c.name),
    deployed: q.held,
    verify: plan.ok && plan.step.verify !== undefined,
    appRepo: q.source?.repo,
  });
  return {
    wave: q.wave,
    deployed: Object.fromEntries([...q.held].filter((e): e is [string, string] => e[1] !== undefined)),
    health: Object.fromEntries(health),
    ...(verification ? { verification: Object.fromEntries(verification) } : {}),
  };
}

/**
 * Judges a promotion pull request on its head commit and reports it as the `Ferry / gates` check
 * on that commit. Inputs, all at that head commit: who asked and which release (Ferry's own
 * sealed commits on the branch, never the body), the release as the source environment holds and
 * runs it (its content hash must be the id, and the branch must hold exactly Ferry's rendering of
 * it for the target with policies as they are now, and no commit Ferry did not make), reviews with
 * each reviewer's permission and teams, the source environment's health (the injected health
 * source), the pipeline step's soak and the target's change window. `moved` when the head moved
 * while it read: nothing was written then.
 */
export async function judgePromotion(
  ctx: PromotionContext,
  repo: RepoRef,
  number: number,
  known: KnownPromotion | undefined,
): Promise<JudgedPromotion | NotJudged> {
  const gathered = await gatherPromotion(ctx, repo, number, known);
  if ("skipped" in gathered) return gathered;
  const { octokit, deps } = ctx;
  const { pr, facts } = gathered;
  const decision = decidePromotion(facts);
  const written = await writeGatesCheck(octokit, repo, facts.headSha, gatesCheckReport(decision), pr.html_url, deps.clock(), await deps.appId());
  deps.logger
    .child({ repo: fullName(repo), pull: number })
    .info({ conclusion: decision.gates.conclusion, gates: decision.gates.gates.map((g) => `${g.name}:${g.state}`) }, "gates evaluated");
  return { gathered, decision, checkChanged: written.changed };
}
