/**
 * Promotions as a person with their own GitHub token (`ferry promote|rollback|promotions`, the MCP
 * tools `ferry_promote|ferry_rollback|ferry_promotions`): who the token's person is and their role
 * on the component's app repository come from GitHub; asking goes through the same code path as
 * `/ferry promote|rollback` (flows/promotion/requests.ts), so the same things are refused with the
 * same reasons and the same pull requests are opened. The pull request is opened with the
 * person's token; the `Ferry / gates` check stays the Ferry app's to write.
 */
import { z } from "zod";
import { DnsLabel, RepoName } from "../renderers/model/index.js";
import { ReleaseId } from "../renderers/release.js";
import type { Builtins } from "../renderers/platform.js";
import type { GitHub } from "../adapters/github/types.js";
import { fullName } from "../adapters/github/types.js";
import { commitAuthorOf, personOf, roleOn } from "../adapters/github/people.js";
import { listOpenPromotions } from "../adapters/github/promotions.js";
import { loadPlatform } from "../adapters/github/platform-loader.js";
import { authorize, PERMISSION_RANK, UserPermission } from "../core/promotion/commands.js";
import { bundleNamed } from "../core/bundles/bundles.js";
import { readEnvironment } from "../adapters/git/environment.js";
import { environmentNamed } from "../flows/promotion/context.js";
import { membersIn } from "../flows/promotion/bundle-opening.js";
import type { ListedPromotion } from "../core/promotion/listing.js";
import { loadBuiltins } from "../templates/index.js";
import type { GitopsPort } from "../adapters/git/port.js";
import { appRepositoryOf, personPromotionContext, PlatformUnavailable, requestPromotion, rollBackBundle } from "../flows/promotion/requests.js";
import { UsageError } from "./errors.js";

/** Where the platform is and where clones are kept. */
export const PlatformAccess = z.strictObject({
  /** `owner/name` of the platform repository. */
  platformRepo: RepoName,
  /** Clone cache of the GitOps repositories. */
  cacheDir: z.string().min(1),
  /**
   * Ferry's GitHub App id: only check runs this app made are read as Ferry's. @default unknown:
   * the listing reports every pull request's gates as unknown instead of trusting a run any app could have made
   */
  appId: z.number().int().positive().optional(),
});
export type PlatformAccess = z.infer<typeof PlatformAccess>;

/** `project/component` */
export const ComponentName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
  error: (iss) => `must be PROJECT/COMPONENT, got ${JSON.stringify(iss.input)}`,
});

/** What a person asks for: `ferry promote shop/api --to prod`, `ferry rollback shop/api --env prod`. */
export const PersonAsk = z.strictObject({
  verb: z.enum(["promote", "rollback"]),
  component: ComponentName,
  /** The environment promoted into, or rolled back. */
  env: DnsLabel,
  /** The release to carry. @default promote: the release the source environment runs; rollback: the one `env` ran before */
  release: ReleaseId.optional(),
  /** Break glass on a freeze of `env` (promote only; needs maintain on the app repository): why. @default none */
  breakGlass: z.string().optional(),
});
export type PersonAsk = z.input<typeof PersonAsk>;

/** What became of a person's request, as `--json` and the MCP tools give it. */
export const PersonAskResult = z.strictObject({
  /** The token's person and their role on the component's app repository (undefined when it could not be told). */
  person: z.string(),
  role: UserPermission.optional(),
  appRepo: z.string().optional(),
  verb: z.enum(["promote", "rollback"]),
  component: z.string(),
  env: z.string(),
  /**
   * `refused`, `in-place`, `waiting` (a target's next wave waits on a cluster of the previous one) and
   * `stopped` (a wave-by-wave rollout stopped at a cluster) changed nothing; the others name the pull request.
   */
  status: z.enum(["refused", "in-place", "waiting", "stopped", "opened", "updated", "refreshed", "unchanged"]),
  reason: z.string().optional(),
  pull: z.strictObject({ number: z.number().int(), url: z.string() }).optional(),
  release: z.string().optional(),
  previous: z.string().optional(),
  /** Whether the gates were evaluated, and why not. */
  gates: z.string().optional(),
});
export type PersonAskResult = z.infer<typeof PersonAskResult>;

/** What asking depends on besides the client (tests pass their own clock and GitOps port). */
export interface PersonAskDeps {
  readonly clock?: () => Date;
  readonly gitops?: GitopsPort;
  readonly builtins?: Builtins;
}

/**
 * Asks for a promotion or rollback as the person `octokit`'s token belongs to. Refuses (changing
 * nothing) what `/ferry promote|rollback` by that person would refuse; otherwise opens or updates
 * the same pull request, with the person's token. Throws `RejectedToken` when GitHub rejects the token.
 */
export async function askAsPerson(octokit: GitHub, raw: PersonAsk, access: PlatformAccess, deps: PersonAskDeps = {}): Promise<PersonAskResult> {
  const ask = PersonAsk.parse(raw);
  const { platformRepo, cacheDir } = PlatformAccess.parse(access);
  const [project = "", component = ""] = ask.component.split("/");
  const person = await personOf(octokit);
  const base = { person: person.login, verb: ask.verb, component: ask.component, env: ask.env };
  const refused = (reason: string, extra: Partial<PersonAskResult> = {}): PersonAskResult => ({ ...base, ...extra, status: "refused", reason });
  const [owner = "", repo = ""] = platformRepo.split("/");
  let ctx;
  try {
    // The promotion commits are the person's own: their login and GitHub noreply email.
    ctx = await personPromotionContext(octokit, { platformRepo: { owner, repo }, cacheDir, ...deps, author: commitAuthorOf(octokit, person) });
  } catch (e) {
    if (e instanceof PlatformUnavailable) return refused(`Ferry cannot read the platform: ${e.message}`);
    throw e;
  }
  const appRepo = await appRepositoryOf(ctx, project, component);
  if (!appRepo) return refused(`the platform has no project ${JSON.stringify(project)} with a repository that declares ${ask.component}`);
  const role = await roleOn(octokit, appRepo);
  const known = { role, appRepo: fullName(appRepo) };
  const outcome = await requestPromotion(
    ctx,
    {
      verb: ask.verb,
      project,
      component,
      env: ask.env,
      ...(ask.release ? { release: ask.release } : {}),
      ...(ask.breakGlass !== undefined ? { breakGlass: ask.breakGlass } : {}),
    },
    { login: person.login, permission: role },
    { requestedBy: { login: person.login }, evaluateGates: false },
  );
  if (outcome.kind === "refused") return refused(outcome.reason, known);
  const r = outcome.result;
  if ("reason" in r) return { ...base, ...known, status: r.status, reason: r.reason };
  return {
    ...base,
    ...known,
    status: r.status,
    pull: { number: r.number, url: r.url },
    release: r.release,
    ...(r.previous && r.previous !== r.release ? { previous: r.previous } : {}),
    gates: r.gates.kind === "skipped" ? `not evaluated: ${r.gates.reason}` : r.gates.conclusion,
  };
}

/** What a person asks of a bundle: `ferry rollback --bundle NAME --env ENV`. */
export const BundleAsk = z.strictObject({
  verb: z.literal("rollback"),
  bundle: DnsLabel,
  env: DnsLabel,
});
export type BundleAsk = z.input<typeof BundleAsk>;

/**
 * Rolls a bundle back as the person `octokit`'s token belongs to (`ferry rollback --bundle`, and for
 * the portal's Roll back of a bundle): every member goes back to what it ran before, as one pull
 * request (flows/promotion/requests.ts `rollBackBundle`). The person's role must reach the
 * environment's `commandPermission` on the app repository of every member (the lowest counts).
 * The result names the bundle where a component's would be.
 */
export async function askBundleAsPerson(octokit: GitHub, raw: BundleAsk, access: PlatformAccess, deps: PersonAskDeps = {}): Promise<PersonAskResult> {
  const ask = BundleAsk.parse(raw);
  const { platformRepo, cacheDir } = PlatformAccess.parse(access);
  const person = await personOf(octokit);
  const base = { person: person.login, verb: ask.verb, component: `bundle ${ask.bundle}`, env: ask.env };
  const refused = (reason: string, extra: Partial<PersonAskResult> = {}): PersonAskResult => ({ ...base, ...extra, status: "refused", reason });
  const [owner = "", repo = ""] = platformRepo.split("/");
  let ctx;
  try {
    ctx = await personPromotionContext(octokit, { platformRepo: { owner, repo }, cacheDir, ...deps, author: commitAuthorOf(octokit, person) });
  } catch (e) {
    if (e instanceof PlatformUnavailable) return refused(`Ferry cannot read the platform: ${e.message}`);
    throw e;
  }
  const bundle = bundleNamed(ctx.bundle.platform, ask.bundle);
  if (!bundle) return refused(`the platform has no bundle ${JSON.stringify(ask.bundle)}`);
  const envDef = environmentNamed(ctx, ask.env);
  if (!envDef) return refused(`the platform has no environment ${JSON.stringify(ask.env)}`);
  const snapshot = await readEnvironment(ctx.deps.gitops, await ctx.resolver.resolve(envDef), ctx.deps.cacheDir);
  const members = membersIn(bundle, snapshot.state.components.keys());
  let role: UserPermission | undefined;
  for (const m of members) {
    const appRepo = await appRepositoryOf(ctx, m.project, m.component);
    const r = appRepo ? await roleOn(octokit, appRepo) : "none";
    if (role === undefined || PERMISSION_RANK[r] < PERMISSION_RANK[role]) role = r;
  }
  const auth = authorize({ verb: "rollback", env: ask.env }, envDef, { login: person.login, permission: role ?? "none" });
  if (!auth.allowed) return refused(auth.reason, role ? { role } : {});
  const outcome = await rollBackBundle(ctx, bundle.name, ask.env, { requestedBy: { login: person.login }, evaluateGates: false });
  if (outcome.kind === "refused") return refused(outcome.reason, role ? { role } : {});
  const r = outcome.result;
  if ("reason" in r) return { ...base, ...(role ? { role } : {}), status: r.status, reason: r.reason };
  return {
    ...base,
    ...(role ? { role } : {}),
    status: r.status,
    pull: { number: r.number, url: r.url },
    release: r.release,
    gates: r.gates.kind === "skipped" ? `not evaluated: ${r.gates.reason}` : r.gates.conclusion,
  };
}

/** `ferry promotions` / `ferry_promotions`: which environments. */
export const PromotionsInput = z.strictObject({
  /** Only pull requests into these environments. @default all */
  envs: z.array(DnsLabel).default([]),
});
export type PromotionsInput = z.input<typeof PromotionsInput>;

/**
 * The open promotion pull requests of the platform's GitOps repositories, with each gate's state
 * as Ferry's own `Ferry / gates` run reports it (core/promotion/listing.ts); without `access.appId`
 * the gates are reported unknown.
 */
export async function listPromotions(
  octokit: GitHub,
  raw: PromotionsInput,
  access: Pick<PlatformAccess, "platformRepo" | "appId">,
  deps: Pick<PersonAskDeps, "builtins"> = {},
): Promise<ListedPromotion[]> {
  const { envs } = PromotionsInput.parse(raw);
  const [owner = "", repo = ""] = RepoName.parse(access.platformRepo).split("/");
  const platform = await loadPlatform(octokit, { owner, repo }, deps.builtins ?? loadBuiltins());
  if (!platform.bundle) throw new PlatformUnavailable(platform.diagnostics);
  const known = platform.bundle.platform.spec.environments.map((e) => e.name);
  const unknown = envs.filter((e) => !known.includes(e));
  if (unknown.length > 0)
    throw new UsageError(`no environment ${unknown.map((e) => JSON.stringify(e)).join(", ")} in the platform (it has ${known.join(", ")})`);
  return listOpenPromotions(octokit, platform.bundle.platform, { appId: access.appId, ...(envs.length > 0 ? { envs } : {}) });
}
