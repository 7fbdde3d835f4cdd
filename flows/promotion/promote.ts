/**
 * Promoting a release, step after step: open its pull request (opening.ts), judge it at its head
 * commit and write the `Ferry / gates` check (judging.ts), merge exactly that commit when every
 * gate holds and the environment auto-merges (landing.ts), and, once a release landed, promote
 * it to the next environments. The steps form a ring (opening one judges it, a judgement may
 * merge, a merge is a landing, a landing opens promotions), so the three entry points that close
 * the ring, and the results that nest along it, live here; each step's file imports none of them.
 */
import type { GateConclusion, GatesResult } from "../../core/promotion/gates/index.js";
import { nextEnvironments } from "../../core/promotion/pipeline.js";
import type { RepoRef } from "../../adapters/github/types.js";
import { GATES_CHECK } from "./gates-check.js";
import type { PromotionContext } from "./context.js";
import { errorText } from "../errors.js";
import type { LandedRelease } from "./events.js";
import { openPromotion } from "./opening.js";
import type { NotOpened, OpenedPull, PromotionRequest } from "./opening.js";
import { judgePromotion } from "./judging.js";
import type { KnownPromotion } from "./judging.js";
import { mergeJudged, reportRefusal } from "./landing.js";
import { tellLanded } from "./notifications.js";
import { governingBundle } from "../../core/bundles/bundles.js";
import { openBundle } from "./bundle-opening.js";
import type { BundleRequest } from "./bundle-opening.js";
import { judgeBundle, mergeBundle } from "./bundle-judging.js";

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

/** What {@link ensurePromotion} did: the pull request and its gates, or why nothing was opened. */
export type PromotionResult = (OpenedPull & { readonly gates: GatesOutcome }) | NotOpened;

/** A promotion opened because a release landed. */
export interface NextPromotion {
  readonly to: string;
  readonly result: PromotionResult;
}

/**
 * Opens the promotion pull request of `req.release` into `req.to`, or updates the open one
 * (opening.ts `openPromotion`, which says what it refuses), then evaluates its gates with what the
 * opening read and rendered.
 */
export async function ensurePromotion(ctx: PromotionContext, req: PromotionRequest): Promise<PromotionResult> {
  const opening = await openPromotion(ctx, req);
  if ("reason" in opening) return opening;
  const { opened, repo, known } = opening;
  const gates: GatesOutcome =
    req.evaluateGates === false
      ? { kind: "skipped", reason: `the ${GATES_CHECK} check is the Ferry app's to write` }
      : await evaluatePromotion(ctx, repo, opened.number, known);
  return { ...opened, gates };
}

/** Evaluations of one pull request in a row when its head keeps moving under them. */
const EVALUATION_ATTEMPTS = 3;

/**
 * Evaluates the gates of a promotion pull request on its head commit and reports them as the
 * `Ferry / gates` check (judging.ts `judgePromotion`, which says what it reads). When every gate
 * holds and the target has `autoMerge`, Ferry squash-merges exactly that commit (landing.ts
 * `mergeJudged`), then promotes onwards ({@link releaseLanded}). When the head moves while Ferry
 * reads or merges, it evaluates the new head (at most {@link EVALUATION_ATTEMPTS} times in a row;
 * the push's own `synchronize` event evaluates it again anyway).
 */
export async function evaluatePromotion(ctx: PromotionContext, repo: RepoRef, number: number, known?: KnownPromotion): Promise<GatesOutcome> {
  let reason = "";
  for (let attempt = 1; attempt <= EVALUATION_ATTEMPTS; attempt++) {
    const judged = await judgePromotion(ctx, repo, number, attempt === 1 ? known : undefined);
    if ("skipped" in judged && judged.bundle) return evaluateBundle(ctx, repo, number);
    if ("skipped" in judged) {
      if (!judged.moved) return { kind: "skipped", reason: judged.skipped };
      reason = judged.skipped;
      continue;
    }
    const { decision } = judged;
    const evaluated = { kind: "evaluated" as const, conclusion: decision.gates.conclusion, gates: decision.gates };
    if (!decision.merge) return evaluated;
    const merge = await mergeJudged(ctx, repo, judged, decision.merge);
    if ("moved" in merge) {
      reason = merge.moved;
      continue;
    }
    if ("mergeError" in merge) return { ...evaluated, mergeError: merge.mergeError };
    const next = await releaseLanded(ctx, merge.landed);
    return { ...evaluated, merged: { commit: merge.landed.commit, next } };
  }
  return { kind: "skipped", reason: `${reason} (${EVALUATION_ATTEMPTS} times in a row); its next push or review evaluates it` };
}

/**
 * Opens or updates a bundle's pull request into `req.to` (bundle-opening.ts `openBundle`), then
 * evaluates its gates as a whole ({@link evaluateBundle}).
 */
export async function ensureBundlePromotion(ctx: PromotionContext, req: BundleRequest): Promise<PromotionResult> {
  const opening = await openBundle(ctx, req);
  if ("reason" in opening) return opening;
  const gates: GatesOutcome =
    req.evaluateGates === false
      ? { kind: "skipped", reason: `the ${GATES_CHECK} check is the Ferry app's to write` }
      : await evaluateBundle(ctx, opening.repo, opening.opened.number);
  return { ...opening.opened, gates };
}

/**
 * Evaluates a bundle's pull request on its head commit (bundle-judging.ts `judgeBundle`: every
 * gate of every member), merges exactly that commit when all hold and the target auto-merges, and
 * then every member has landed ({@link releaseLanded}, which moves the bundle onwards).
 */
export async function evaluateBundle(ctx: PromotionContext, repo: RepoRef, number: number): Promise<GatesOutcome> {
  let reason = "";
  for (let attempt = 1; attempt <= EVALUATION_ATTEMPTS; attempt++) {
    const judged = await judgeBundle(ctx, repo, number);
    if ("skipped" in judged) {
      if (!judged.moved) return { kind: "skipped", reason: judged.skipped };
      reason = judged.skipped;
      continue;
    }
    const all = judged.decisions.flatMap((d) => d.gates.gates);
    const gates: GatesResult = {
      conclusion: judged.conclusion as GateConclusion,
      gates: all,
      release: judged.bundle.members.map((m) => m.release).join(","),
      from: judged.bundle.from.name,
      to: judged.bundle.to.name,
    };
    const evaluated = { kind: "evaluated" as const, conclusion: gates.conclusion, gates };
    if (!judged.merge) return evaluated;
    const merge = await mergeBundle(ctx, repo, judged);
    if ("moved" in merge) {
      reason = merge.moved;
      continue;
    }
    if ("mergeError" in merge) return { ...evaluated, mergeError: merge.mergeError };
    const next: NextPromotion[] = [];
    for (const landed of merge.landed) next.push(...(await releaseLanded(ctx, landed)));
    return { ...evaluated, merged: { commit: merge.landed[0]?.commit ?? "", next } };
  }
  return { kind: "skipped", reason: `${reason} (${EVALUATION_ATTEMPTS} times in a row); its next push or review evaluates it` };
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
  // Told first, beside everything else: a notification never waits for (nor delays) the promotions.
  if (!opts.healthy) tellLanded(ctx, landed);
  const watched =
    !opts.healthy && deps.watchRollout
      ? await deps.watchRollout(landed, ctx.octokit, ctx.bundle.platform).catch((e: unknown) => {
          log.error({ err: e }, "watching the rollout failed: promoting at once");
          return false;
        })
      : false;
  // A wave of a promotion into an environment on several clusters landed: the next wave of the same
  // environment follows (once the one that landed is through its soak: opening.ts), and the
  // environments after it only once every wave holds the release.
  let onwards = !watched;
  if (landed.wave && !watched) {
    const to = landed.environment;
    try {
      const result = await ensurePromotion(ctx, { project: landed.project, component: landed.component, release: landed.release, from: landed.wave.from, to });
      out.push({ to, result });
      onwards = result.status === "in-place";
      if (!onwards) log.info({ status: result.status, wave: landed.wave.wave }, "the next wave of the rollout");
    } catch (e) {
      log.error({ err: e, to }, "opening the next wave failed");
      failures.push(`${to}: ${errorText(e)}`);
      onwards = false;
    }
  }
  // A component of a bundle moves on from the bundle's `from` only with its bundle, as one pull request.
  const bundle = governingBundle(ctx.bundle.platform, landed.project, landed.component, landed.environment);
  for (const to of onwards ? nextEnvironments(ctx.bundle.platform, landed.environment) : []) {
    if (bundle) {
      try {
        const result = await ensureBundlePromotion(ctx, { bundle: bundle.name, from: landed.environment, to });
        out.push({ to, result });
        if (result.status === "refused") await reportRefusal(ctx, landed, to, result.reason);
        else if (result.status === "waiting") log.info({ to, bundle: bundle.name, reason: result.reason }, "the bundle waits");
      } catch (e) {
        log.error({ err: e, to, bundle: bundle.name }, "bundle promotion failed");
        failures.push(`${to}: ${errorText(e)}`);
      }
      continue;
    }
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
