/**
 * The promotion flow's reads: frozen releases, a component's history across the GitOps
 * repositories, a promotion branch's source commit, the source environment's health, reviews,
 * team membership and the commenter's permission. Each function does one kind of read; the
 * decisions are in core/promotion.
 */
import type { Environment } from "../../renderers/model/index.js";
import type { Release } from "../../renderers/release.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { collaboratorPermission, isActiveTeamMember } from "../../adapters/github/people.js";
import { listPullCommits, listReviews } from "../../adapters/github/pulls.js";
import { readComponentHistory as readHistoryOf, readEnvironmentCommits } from "../../adapters/git/environment.js";
import type { ResolvedTarget } from "../../adapters/github/gitops-targets.js";
import { parseReleaseFile } from "../../core/release/state.js";
import type { UserPermission } from "../../core/promotion/commands.js";
import { UserPermission as UserPermissionSchema } from "../../core/promotion/commands.js";
import { Review } from "../../core/promotion/gates/index.js";
import { HealthReport } from "../../core/promotion/health.js";
import type { HealthQuery } from "../../core/promotion/health.js";
import type { ComponentHistory, SourceCommit } from "../../core/history.js";
import { componentHistory, parseSource } from "../../core/history.js";
import { parseCommitMessage, TRAILERS } from "../../core/gitops/trailers.js";
import { sealHolds } from "../../core/gitops/seal.js";
import type { BranchCommit } from "../../core/promotion/pr.js";
import type { PromotionContext, PromotionDeps } from "./context.js";
import { errorText, httpStatus } from "../errors.js";
import type { ClusterVerification } from "../../core/promotion/waves.js";
import { clusterEnvironmentName } from "../../core/status/cluster-environment.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import { releaseVerification } from "./verification-records.js";

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

/**
 * Which release each environment ran and when (`project/component`), from the trailers of the
 * commits that changed the component's directory in each environment's GitOps target.
 */
export function readComponentHistory(ctx: PromotionContext, project: string, component: string): Promise<ComponentHistory> {
  const resolve = (env: Environment) => ctx.resolver.resolve(env);
  return readHistoryOf(ctx.deps.gitops, resolve, ctx.bundle.platform.spec.environments, project, component, { cacheDir: ctx.deps.cacheDir });
}

/**
 * When `release` landed in `env`: the date of the commit that first put it there in the
 * environment's newest run of commits carrying it (later commits re-rendering the same release do
 * not restart the count); undefined when the environment does not run it now.
 */
export function landedAt(history: ComponentHistory, env: string, release: string): Date | undefined {
  let since: Date | undefined;
  for (const entry of history.environments.get(env) ?? []) {
    if (entry.release !== release) break;
    since = entry.date;
  }
  return since;
}

/**
 * When `release` landed in the environment `env` (see {@link landedAt}), from the trailers of the
 * commits that changed the component's directory in that environment's GitOps target.
 */
export async function readLandedAt(ctx: PromotionContext, env: Environment, project: string, component: string, release: string): Promise<Date | undefined> {
  const commits = await readEnvironmentCommits(ctx.deps.gitops, await ctx.resolver.resolve(env), project, component, { cacheDir: ctx.deps.cacheDir });
  return landedAt(componentHistory(commits, `${project}/${component}`), env.name, release);
}

/** The app commit a release was cut from: the newest history entry of that release naming one. */
export function sourceOf(history: ComponentHistory, release: string): SourceCommit | undefined {
  const entries = [...history.environments.values()].flat().filter((e) => e.release === release && e.source !== undefined);
  entries.sort((a, b) => b.date.getTime() - a.date.getTime());
  return entries[0]?.source;
}

/** A pull request's reviews, as the gates take them (malformed entries dropped). */
export async function reviewsOf(octokit: GitHub, repo: RepoRef, pull_number: number): Promise<Review[]> {
  const raw = await listReviews(octokit, repo, pull_number);
  return raw.flatMap((r) => {
    const parsed = Review.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

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
      if (await isActiveTeamMember(octokit, owner, team_slug, login)) member.push(team);
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
    const data = await collaboratorPermission(octokit, repo, username);
    const role = UserPermissionSchema.safeParse(data.role_name);
    if (role.success) return role.data;
    const legacy = UserPermissionSchema.safeParse(data.permission);
    return legacy.success ? legacy.data : "none";
  } catch (e) {
    if (httpStatus(e) === 404) return "none";
    throw e;
  }
}

/** The app commit a promotion branch's head says its release was cut from (`Ferry-Source`). */
export async function branchSource(ctx: PromotionContext, target: ResolvedTarget, branch: string, path: string): Promise<SourceCommit | undefined> {
  const [head] = await ctx.deps.gitops.readHistory({ target: { ...target.git, branch }, path, limit: 1, cacheDir: ctx.deps.cacheDir });
  const values = Object.entries(head?.trailers ?? {}).find(([k]) => k.toLowerCase() === TRAILERS.source.toLowerCase())?.[1] ?? [];
  return values[0] === undefined ? undefined : parseSource(values[0]);
}

/** The source environment's health, never failing: a broken health source reads as Unknown. */
export async function sourceHealth(deps: Pick<PromotionDeps, "health">, query: HealthQuery): Promise<HealthReport> {
  try {
    const report = HealthReport.safeParse(await deps.health.health(query));
    return report.success ? report.data : { status: "Unknown", detail: "the health source gave an unreadable report" };
  } catch (e) {
    return { status: "Unknown", detail: `the health source failed: ${errorText(e)}` };
  }
}

/** A cluster's verification of the release as the waves read it, from its record (none, or unreadable: not verified). */
function clusterVerification(read: Awaited<ReturnType<typeof releaseVerification>>): ClusterVerification {
  const r = read.record;
  if (read.unreadable || !r) return { signal: "none", ...(read.unreadable ? { detail: read.unreadable } : {}) };
  if (r.signal === "verified") return { signal: "verified", at: r.at };
  if (r.signal === "verify-failed") return { signal: "failed", ...(r.description ? { detail: r.description } : {}) };
  return { signal: "verifying" };
}

/**
 * How far a release got in the clusters of an environment on several clusters, for its waves
 * (core/promotion/waves.ts): each cluster of `clusters` whose folder holds the release, its health
 * (`HealthQuery.cluster`) and, with `verify`, its verification (the records of its own deployment
 * environment `<env>/<cluster>` on the app repository the release was cut from).
 */
export async function clusterProgress(
  ctx: PromotionContext,
  q: {
    readonly project: string;
    readonly component: string;
    readonly release: string;
    readonly env: string;
    readonly clusters: readonly string[];
    /** The release each cluster's folder holds. */
    readonly deployed: ReadonlyMap<string, string | undefined>;
    readonly verify: boolean;
    /** `owner/name` of the app repository the release was cut from; unknown: not verified. */
    readonly appRepo: string | undefined;
  },
): Promise<{ health: Map<string, HealthReport>; verification?: Map<string, ClusterVerification> }> {
  const health = new Map<string, HealthReport>();
  const verification = q.verify ? new Map<string, ClusterVerification>() : undefined;
  for (const cluster of q.clusters) {
    if (q.deployed.get(cluster) !== q.release) continue;
    health.set(cluster, await sourceHealth(ctx.deps, { environment: q.env, cluster, project: q.project, component: q.component }));
    if (!verification) continue;
    const environment = clusterEnvironmentName(q.env, cluster);
    const repo = q.appRepo ? parseRepoRef(q.appRepo) : undefined;
    verification.set(
      cluster,
      clusterVerification(await releaseVerification(ctx.octokit, repo, { environment, project: q.project, component: q.component }, q.release)),
    );
  }
  return { health, ...(verification ? { verification } : {}) };
}

/**
 * A pull request's commits (base..head, oldest first, at most 250 as GitHub lists them), with the
 * accounts GitHub ties them to, their trailers, and whether Ferry's seal holds on each.
 */
export async function branchCommits(ctx: PromotionContext, repo: RepoRef, pull_number: number): Promise<BranchCommit[]> {
  const raw = await listPullCommits(ctx.octokit, repo, pull_number);
  const key = await ctx.deps.sealKey?.();
  const loginOf = (u: unknown): string | undefined => {
    const login = (u as { login?: unknown } | null | undefined)?.login;
    return typeof login === "string" && login !== "" ? login : undefined;
  };
  return raw.map((c) => {
    const trailers = parseCommitMessage(c.commit.message).trailers;
    const who = c.commit.author;
    return {
      sha: c.sha,
      author: `${who?.name ?? "(unknown)"} <${who?.email ?? ""}>`,
      authorLogin: loginOf(c.author),
      committerLogin: loginOf(c.committer),
      trailers,
      sealed: key !== undefined && sealHolds(key, { tree: c.commit.tree.sha, parents: c.parents.map((p) => p.sha), trailers }),
    };
  });
}

/** Each login's role on a repository ({@link permissionOf}), by login. */
export async function permissionsOf(octokit: GitHub, repo: RepoRef, logins: readonly string[]): Promise<Record<string, UserPermission>> {
  const out: Record<string, UserPermission> = {};
  for (const login of logins) out[login] = await permissionOf(octokit, repo, login);
  return out;
}
