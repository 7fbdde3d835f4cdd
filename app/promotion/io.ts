/**
 * The promotion flow's reads: the platform, frozen releases, a component's history across the
 * GitOps repositories, reviews, team membership and the commenter's permission. Each function
 * does one kind of I/O; the decisions stay in the pure modules next to this one.
 */
import { CelEngine } from "../../renderers/cel.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { formatDiagnostic } from "../../renderers/diagnostics.js";
import type { Environment } from "../../renderers/model/index.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import type { Release } from "../../renderers/release.js";
import type { Deps } from "../deps.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { TargetResolver } from "../release/gitops.js";
import type { ResolvedTarget } from "../release/gitops.js";
import { loadPlatform } from "../release/inputs.js";
import { parseReleaseFile } from "../../core/release/state.js";
import type { UserPermission } from "../../core/promotion/commands.js";
import { UserPermission as UserPermissionSchema } from "../../core/promotion/commands.js";
import { Review } from "../../core/promotion/gates.js";
import type { ComponentHistory, GitOpsCommitInput, SourceCommit } from "../../core/history.js";
import { componentHistory } from "../../core/history.js";

/** What the promotion flow needs of the app's dependencies. */
export type PromotionDeps = Pick<
  Deps,
  "clock" | "gitops" | "cacheDir" | "logger" | "platformRepo" | "builtins" | "health" | "botLogin" | "onReleaseLanded" | "watchRollout"
>;

/** One promotion run's shared state: the client, the platform as read now, resolved targets. */
export interface PromotionContext {
  readonly octokit: GitHub;
  readonly bundle: PlatformBundle;
  /** `owner/name@sha` the platform was read at. */
  readonly platformSource: string | undefined;
  readonly resolver: TargetResolver;
  readonly cel: CelEngine;
  readonly deps: PromotionDeps;
}

/** The platform repository could not be read or has errors; the message lists them. */
export class PlatformUnavailable extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(`the platform has ${errors.length} error(s): ${errors.slice(0, 5).map(formatDiagnostic).join("; ")}${errors.length > 5 ? "; …" : ""}`);
    this.name = "PlatformUnavailable";
    this.diagnostics = diagnostics;
  }
}

/** Reads the platform and sets up a run; throws {@link PlatformUnavailable}. */
export async function promotionContext(octokit: GitHub, deps: PromotionDeps): Promise<PromotionContext> {
  const platform = await loadPlatform(octokit, deps.platformRepo, deps.builtins);
  if (!platform.bundle) throw new PlatformUnavailable(platform.diagnostics);
  return { octokit, bundle: platform.bundle, platformSource: platform.source, resolver: new TargetResolver(octokit), cel: new CelEngine(), deps };
}

/** The platform's environment called `name`. */
export function environmentNamed(ctx: Pick<PromotionContext, "bundle">, name: string): Environment | undefined {
  return ctx.bundle.platform.spec.environments.find((e) => e.name === name);
}

/** `https://github.com` from a repository's web URL (`https://github.com/acme/gitops`). */
export function serverUrlOf(target: Pick<ResolvedTarget, "htmlUrl" | "repo">): string {
  const suffix = `/${fullName(target.repo)}`;
  const url = target.htmlUrl.replace(/\/+$/, "");
  return url.toLowerCase().endsWith(suffix.toLowerCase()) ? url.slice(0, -suffix.length) : new URL(url).origin;
}

/** `releases/<project>/<component>/<id>.yaml` */
export function releaseFilePath(project: string, component: string, id: string): string {
  return `releases/${project}/${component}/${id}.yaml`;
}

/** The frozen release `id` from a GitOps branch (undefined when missing or not a valid release of that component). */
export async function readRelease(
  ctx: PromotionContext,
  target: ResolvedTarget,
  project: string,
  component: string,
  id: string,
  branch?: string,
): Promise<Release | undefined> {
  const path = releaseFilePath(project, component, id);
  const git = branch ? { ...target.git, branch } : target.git;
  const text = (await ctx.deps.gitops.readFiles({ target: git, paths: [path], cacheDir: ctx.deps.cacheDir })).get(path);
  const release = text === undefined ? undefined : parseReleaseFile(text);
  const m = release?.metadata;
  return m && m.project === project && m.component === component && m.name === id ? release : undefined;
}

/** Commits Ferry reads per environment for the history. */
const HISTORY_LIMIT = 50;

/**
 * Which release each environment ran and when (`project/component`), from the trailers of the
 * commits that changed the component's directory in each environment's GitOps target.
 */
export async function readComponentHistory(ctx: PromotionContext, project: string, component: string): Promise<ComponentHistory> {
  const commits: GitOpsCommitInput[] = [];
  // One at a time: environments often share a repository, and so its cached clone.
  for (const env of ctx.bundle.platform.spec.environments) {
    const target = await ctx.resolver.resolve(env);
    const entries = await ctx.deps.gitops.readHistory({
      target: target.git,
      path: `${target.path}/${project}/${component}`,
      limit: HISTORY_LIMIT,
      cacheDir: ctx.deps.cacheDir,
    });
    for (const e of entries) commits.push({ sha: e.commit, date: e.date, trailers: e.trailers, message: e.subject, repo: fullName(target.repo) });
  }
  return componentHistory(commits, `${project}/${component}`);
}

/** The app commit a release was cut from: the newest history entry of that release naming one. */
export function sourceOf(history: ComponentHistory, release: string): SourceCommit | undefined {
  const entries = [...history.environments.values()].flat().filter((e) => e.release === release && e.source !== undefined);
  entries.sort((a, b) => b.date.getTime() - a.date.getTime());
  return entries[0]?.source;
}

/** A pull request's reviews, as the gates take them (malformed entries dropped). */
export async function reviewsOf(octokit: GitHub, repo: RepoRef, pull_number: number): Promise<Review[]> {
  const raw = await octokit.paginate(octokit.rest.pulls.listReviews, { ...repo, pull_number, per_page: 100 });
  return raw.flatMap((r) => {
    const parsed = Review.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

const httpStatus = (e: unknown): number | undefined => {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : undefined;
};

/**
 * For each login, the teams of `teams` (`slug` or `org/slug`; a bare slug is in `org`) they are an
 * active member of. A 404 means "not a member" (GitHub also answers 404 for teams it hides).
 */
export async function teamsOf(octokit: GitHub, org: string, teams: readonly string[], logins: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const login of logins) {
    const member: string[] = [];
    for (const team of teams) {
      const slash = team.lastIndexOf("/");
      const owner = slash < 0 ? org : team.slice(0, slash);
      const team_slug = team.slice(slash + 1);
      try {
        const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org: owner, team_slug, username: login });
        if (data.state === "active") member.push(team);
      } catch (e) {
        if (httpStatus(e) !== 404) throw e;
      }
    }
    out[login] = member;
  }
  return out;
}

/**
 * The commenter's role on a repository: GitHub's `role_name` (which tells maintain and triage
 * apart), or the legacy `permission` for a custom role; `none` when GitHub says they have no access.
 */
export async function permissionOf(octokit: GitHub, repo: RepoRef, username: string): Promise<UserPermission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
    const role = UserPermissionSchema.safeParse(data.role_name);
    if (role.success) return role.data;
    const legacy = UserPermissionSchema.safeParse(data.permission);
    return legacy.success ? legacy.data : "none";
  } catch (e) {
    if (httpStatus(e) === 404) return "none";
    throw e;
  }
}

/** Deletes a branch; a branch that is already gone is fine. */
export async function deleteBranch(octokit: GitHub, repo: RepoRef, branch: string): Promise<boolean> {
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (e) {
    if (httpStatus(e) === 404 || httpStatus(e) === 422) return false;
    throw e;
  }
}

/** Whether a branch exists. */
export async function branchExists(octokit: GitHub, repo: RepoRef, branch: string): Promise<boolean> {
  try {
    await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (e) {
    if (httpStatus(e) === 404) return false;
    throw e;
  }
}

/** The message of an error, first line. */
export function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
}
