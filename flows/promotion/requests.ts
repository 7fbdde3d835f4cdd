/**
 * A person asks for a promotion or a rollback of one component: the one code path behind
 * `/ferry promote|rollback` (flows/promotion/slash-commands.ts), `ferry promote|rollback` and the
 * MCP tools `ferry_promote|ferry_rollback` (through operations/promotions.ts).
 *
 * The caller establishes who acts and their role (the app from its installation with
 * `permissionOf`, the CLI and the MCP server from the person's own token with `roleOn`); this
 * module refuses what the commands refuse, with the same messages (core/promotion/commands.ts
 * `authorize`, core/promotion/pipeline.ts `planPromote` / `planRollback`, never to a release that
 * failed verification), and otherwise opens or updates the same pull request (`ensurePromotion`:
 * same branch, title, body, files). A promotion that breaks glass on a freeze needs maintain on the
 * app repository and a freeze covering the target now; Ferry's commit on the branch then carries
 * `Ferry-Break-Glass` (the `freeze` gate reads it there). Ferry's own rollback on a failed verification
 * (rollback-on-failure.ts) takes the same path after the permission check ({@link carryOutPromotion}).
 */
import { z } from "zod";
import { DnsLabel } from "../../renderers/model/index.js";
import { ReleaseId } from "../../renderers/release.js";
import type { Builtins } from "../../renderers/platform.js";
import type { Logger } from "probot";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { Actor } from "../../core/promotion/commands.js";
import { authorize, Command } from "../../core/promotion/commands.js";
import { freezesCovering } from "../../core/promotion/freezes.js";
import type { BreakGlass } from "../../core/promotion/freezes.js";
import { notObservedHealth } from "../../core/promotion/health.js";
import { planPromote, planRollback, type VerificationFacts } from "../../core/promotion/pipeline.js";
import type { ComponentHistory } from "../../core/history.js";
import { loadBuiltins } from "../../templates/index.js";
import { fullName, parseRepoRef } from "../../adapters/github/types.js";
import { RunContext } from "../run-context.js";
import { PlatformCache } from "../../adapters/github/platform-loader.js";
import type { CommitAuthor } from "../../core/gitops/request.js";
import { defaultGitopsPort, withCommitAuthor, type GitopsPort } from "../../adapters/git/port.js";
import type { PromotionContext, PromotionDeps } from "./context.js";
import { environmentNamed, promotionContext } from "./context.js";
import type { PromotionResult } from "./promote.js";
import { ensureBundlePromotion, ensurePromotion } from "./promote.js";
import { bundledAt, bundleNamed, bundleRefusal, governingBundle } from "../../core/bundles/bundles.js";
import { membersIn } from "./bundle-opening.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import type { PromotionRequest } from "./opening.js";
import { readComponentHistory } from "./reads.js";
import { failedReleases } from "./verification-records.js";
import { errorText } from "../errors.js";

export { PlatformUnavailable } from "../errors.js";

/** What a person asks for: `promote` into `env`, or `rollback` of `env`, optionally to a named release. */
export const PromotionAsk = z.strictObject({
  verb: z.enum(["promote", "rollback"]),
  project: DnsLabel,
  component: DnsLabel,
  env: DnsLabel,
  release: ReleaseId.optional(),
  /** Break glass on a freeze of `env` (a promotion only; needs maintain on the app repository): why. @default none */
  breakGlass: z.string().optional(),
});
export type PromotionAsk = z.infer<typeof PromotionAsk>;

/** How the pull request names who asked (they cannot approve it). */
export interface Requester {
  readonly login: string;
  /** Where they asked (the `/ferry` comment). @default no link */
  readonly url?: string;
}

/** Options of {@link requestPromotion}. */
export interface AskOptions {
  readonly requestedBy: Requester;
  /**
   * Whether to evaluate the gates after opening (writes the `Ferry / gates` check, may merge):
   * only a GitHub App may write check runs, so callers acting with a person's token pass false.
   * @default true
   */
  readonly evaluateGates?: boolean;
}

/** What became of a request: refused (by permission or by the pipeline: nothing changed), or what {@link ensurePromotion} did. */
export type AskOutcome =
  { readonly kind: "refused"; readonly stage: "permission" | "plan"; readonly reason: string } | { readonly kind: "done"; readonly result: PromotionResult };

/**
 * Refuses what `/ferry promote|rollback` refuses for `actor`, else opens or updates the
 * promotion (or rollback) pull request as that command does. Nothing is read or written before
 * the permission check passes.
 */
export async function requestPromotion(ctx: PromotionContext, ask: PromotionAsk, actor: Actor, opts: AskOptions): Promise<AskOutcome> {
  const parsed = Command.safeParse({
    verb: ask.verb,
    env: ask.env,
    ...(ask.release ? { release: ask.release } : {}),
    ...(ask.breakGlass !== undefined ? { breakGlass: ask.breakGlass } : {}),
  });
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`).join("; ");
    return { kind: "refused", stage: "plan", reason };
  }
  const command = parsed.data;
  const env = environmentNamed(ctx, ask.env);
  const auth = authorize(command, env, actor);
  if (!auth.allowed) return { kind: "refused", stage: "permission", reason: auth.reason };
  if (command.verb !== "promote" || command.breakGlass === undefined) return carryOutPromotion(ctx, { ...ask, breakGlass: undefined }, opts);
  // Glass is broken only on a freeze there is: a break-glass outside one would record nothing true.
  if (freezesCovering(ctx.bundle.platform.spec.freezes, ask.env, ctx.deps.clock()).length === 0)
    return { kind: "refused", stage: "plan", reason: `no freeze covers ${ask.env} now: promote without --break-glass` };
  return carryOutPromotion(ctx, ask, { ...opts, breakGlass: { login: actor.login, reason: command.breakGlass } });
}

/** Options of {@link carryOutPromotion}. */
export interface CarryOutOptions extends Omit<AskOptions, "requestedBy"> {
  /** Who asked. @default nobody: Ferry acts on its own (the rollback on a failed verification) */
  readonly requestedBy?: Requester;
  /** Why the pull request is opened, shown in its body (a failed verification). @default none */
  readonly why?: PromotionRequest["why"];
  /** The releases that failed verification, when the caller read them already. @default read where the platform verifies */
  readonly verification?: VerificationFacts;
  /** Who breaks glass on a freeze of the target, and why (authorized by {@link requestPromotion}). @default none */
  readonly breakGlass?: BreakGlass;
}

/**
 * Plans a promotion or rollback the pipeline and the history allow (`planPromote` /
 * `planRollback`, never to a release that failed verification) and opens or updates its pull
 * request (`ensurePromotion`). The caller has authorized it: {@link requestPromotion} for a
 * person, Ferry itself for a rollback on a failed verification.
 */
export async function carryOutPromotion(ctx: PromotionContext, ask: PromotionAsk, opts: CarryOutOptions): Promise<AskOutcome> {
  const { project, component } = ask;
  // A rollback in an environment a component's bundle governs puts back the bundle's previous set, as one pull request.
  const bundle = ask.verb === "rollback" ? governingBundle(ctx.bundle.platform, project, component, ask.env) : undefined;
  if (bundle) return rollBackBundle(ctx, bundle.name, ask.env, { ...opts, ...(ask.release ? { release: ask.release } : {}) });
  const history = await readComponentHistory(ctx, project, component);
  const verification = opts.verification ?? (await verificationFacts(ctx, project, component, history));
  if ("unreadable" in verification) return { kind: "refused", stage: "plan", reason: verification.unreadable };
  const plan =
    ask.verb === "promote"
      ? planPromote(ctx.bundle.platform, history, { to: ask.env, ...(ask.release ? { release: ask.release } : {}) }, verification)
      : planRollback(history, ask.env, ask.release, verification);
  if (!plan.ok) return { kind: "refused", stage: "plan", reason: plan.reason };
  if ("from" in plan) {
    const governing = governingBundle(ctx.bundle.platform, project, component, plan.from.name);
    if (governing) return { kind: "refused", stage: "plan", reason: bundleRefusal(governing, `${project}/${component}`, ask.env) };
  }
  const result = await ensurePromotion(ctx, {
    project,
    component,
    release: plan.release,
    from: "from" in plan ? plan.from.name : ask.env,
    to: ask.env,
    ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}),
    ...(opts.why ? { why: opts.why } : {}),
    ...(opts.breakGlass && ask.verb === "promote" ? { breakGlass: opts.breakGlass } : {}),
    history,
    ...(opts.evaluateGates === false ? { evaluateGates: false } : {}),
  });
  return { kind: "done", result };
}

/**
 * Rolls a bundle back in `env`: every member the environment runs goes back to the release it ran
 * before (`planRollback` of each, never to a release that failed verification), as one pull
 * request (promote.ts `ensureBundlePromotion`). A bundle rolls back as a set: naming one release is refused.
 * The caller has authorized it ({@link requestPromotion} on one of its components, or the bundle's operation).
 */
export async function rollBackBundle(
  ctx: PromotionContext,
  name: string,
  env: string,
  opts: CarryOutOptions & { readonly release?: string },
): Promise<AskOutcome> {
  const bundle = bundleNamed(ctx.bundle.platform, name);
  if (!bundle) return { kind: "refused", stage: "plan", reason: `the platform has no bundle ${JSON.stringify(name)}` };
  if (opts.release !== undefined)
    return { kind: "refused", stage: "plan", reason: `bundle ${name} rolls back in ${env} as a set, to what each component ran before; name no release` };
  if (!bundledAt(ctx.bundle.platform, bundle, env))
    return { kind: "refused", stage: "plan", reason: `bundle ${name} moves together only from ${bundle.from} on; ${env} is before it` };
  const to = environmentNamed(ctx, env);
  if (!to) return { kind: "refused", stage: "plan", reason: `the platform has no environment ${JSON.stringify(env)}` };
  const snapshot = await readEnvironment(ctx.deps.gitops, await ctx.resolver.resolve(to), ctx.deps.cacheDir);
  const releases = new Map<string, string>();
  const refusals: string[] = [];
  for (const m of membersIn(bundle, snapshot.state.components.keys())) {
    const history = await readComponentHistory(ctx, m.project, m.component);
    const verification = await verificationFacts(ctx, m.project, m.component, history);
    if ("unreadable" in verification) return { kind: "refused", stage: "plan", reason: verification.unreadable };
    const plan = planRollback(history, env, undefined, verification);
    if (plan.ok) releases.set(`${m.project}/${m.component}`, plan.release);
    else refusals.push(`${m.project}/${m.component}: ${plan.reason}`);
  }
  if (refusals.length > 0) return { kind: "refused", stage: "plan", reason: `bundle ${name} cannot roll back in ${env}: ${refusals.join("; ")}` };
  if (releases.size === 0) return { kind: "refused", stage: "plan", reason: `${env} runs no component of bundle ${name}; there is nothing to roll back` };
  const result = await ensureBundlePromotion(ctx, {
    bundle: name,
    from: env,
    to: env,
    releases,
    ...(opts.requestedBy ? { requestedBy: { login: opts.requestedBy.login } } : {}),
    ...(opts.evaluateGates === false ? { evaluateGates: false } : {}),
  });
  return { kind: "done", result };
}

/**
 * The releases of the component that failed verification, for the plans: read only where the
 * platform verifies (a step with `verify`), from the component's app repository. A plan that
 * cannot see them is refused (`unreadable`).
 */
async function verificationFacts(
  ctx: PromotionContext,
  project: string,
  component: string,
  history: ComponentHistory,
): Promise<VerificationFacts | { readonly unreadable: string }> {
  if (!ctx.bundle.platform.spec.pipeline.some((s) => s.verify)) return {};
  const repo = await appRepositoryOf(ctx, project, component);
  if (!repo)
    return {
      unreadable: `which app repository ${project}/${component} is deployed from is not known, so whether a release failed verification cannot be read`,
    };
  try {
    return { failed: await failedReleases(ctx.octokit, repo, ctx.bundle.platform, history) };
  } catch (e) {
    return {
      unreadable: `whether a release of ${project}/${component} failed verification cannot be read (${fullName(repo)}'s deployment statuses: ${errorText(e)})`,
    };
  }
}

/**
 * The app repository a component is declared in: the project's only repository, else the
 * repository of the app commit its newest release was cut from (the history's `Ferry-Source`
 * trailers); undefined when neither tells (an unknown project, or a component never released).
 */
export async function appRepositoryOf(ctx: PromotionContext, project: string, component: string): Promise<RepoRef | undefined> {
  const declared = ctx.bundle.platform.spec.projects.find((p) => p.name === project);
  if (!declared) return undefined;
  if (declared.repos.length === 1) return parseRepoRef(declared.repos[0]!);
  const history = await readComponentHistory(ctx, project, component);
  const sourced = [...history.environments.values()].flat().filter((e) => e.source !== undefined);
  sourced.sort((a, b) => b.date.getTime() - a.date.getTime());
  const repo = sourced[0]?.source?.repo;
  return repo && declared.repos.some((r) => r.toLowerCase() === repo.toLowerCase()) ? parseRepoRef(repo) : undefined;
}

/** A logger that drops everything: a person's request through the CLI or MCP reports through its result. */
function silentLogger(): Logger {
  const noop = () => undefined;
  const logger = { level: "silent", trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => logger };
  return logger as unknown as Logger;
}

/** Where a person's promotion context reads the platform and keeps its clones. */
export interface PersonContextOptions {
  /** The platform repository. */
  readonly platformRepo: RepoRef;
  /** Clone cache of the GitOps repositories. */
  readonly cacheDir: string;
  /** @default the isomorphic-git port of adapters/git */
  readonly gitops?: GitopsPort;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** @default loaded from templates/ */
  readonly builtins?: Builtins;
  /** @default a logger that drops everything */
  readonly logger?: Logger;
  /** Who the promotion commits are by (the person; commitAuthorOf in adapters/github/people.ts). @default adapters/git's */
  readonly author?: CommitAuthor;
}

/**
 * The promotion context of a person's client (the CLI's or the MCP server's token): the platform
 * read from the platform repository with that client, GitOps repositories cloned and pushed with
 * its token. Throws `PlatformUnavailable` when the platform has errors.
 */
export async function personPromotionContext(octokit: GitHub, opts: PersonContextOptions): Promise<PromotionContext> {
  const deps: PromotionDeps = {
    clock: opts.clock ?? (() => new Date()),
    gitops: opts.author ? withCommitAuthor(opts.gitops ?? defaultGitopsPort(), async () => opts.author) : (opts.gitops ?? defaultGitopsPort()),
    cacheDir: opts.cacheDir,
    logger: opts.logger ?? silentLogger(),
    platformRepo: opts.platformRepo,
    platforms: new PlatformCache(1),
    builtins: opts.builtins ?? loadBuiltins(),
    health: notObservedHealth,
    // Unknown to a person's token: Ferry's own pull requests are told by their author being a bot.
    botLogin: async () => undefined,
    // A person's token writes no check run (the gates are the Ferry app's to evaluate).
    appId: async () => {
      throw new Error("a person's token does not write Ferry's check runs");
    },
  };
  return promotionContext(new RunContext(octokit, deps), deps);
}
