/**
 * A person's GitHub identity from their own token (the portal's OAuth sign-in, MCP over HTTP, the
 * CLI's GITHUB_TOKEN): who they are, and their role on a repository. Both come from GitHub, so a
 * person sees and does through Ferry only what GitHub lets them see and do.
 */
import type { CommitAuthor } from "../../core/gitops/request.js";
import { UserPermission } from "../../core/promotion/commands.js";
import { httpStatus } from "./errors.js";
import type { GitHub, RepoRef } from "./types.js";

/** The person a token belongs to. */
export interface Person {
  readonly login: string;
  /** Their account's id (in their noreply email). */
  readonly id?: number;
}

/** GitHub refused the token (401): unknown, revoked or expired. */
export class RejectedToken extends Error {
  constructor() {
    super("GitHub rejected the token (401 Bad credentials)");
    this.name = "RejectedToken";
  }
}

/** `GET /user`: the token's person; {@link RejectedToken} when GitHub answers 401. */
export async function personOf(octokit: GitHub): Promise<Person> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return { login: data.login, id: data.id };
  } catch (e) {
    if (httpStatus(e) === 401) throw new RejectedToken();
    throw e;
  }
}

const FLAG_ROLES: readonly (readonly [string, UserPermission])[] = [
  ["admin", "admin"],
  ["maintain", "maintain"],
  ["push", "write"],
  ["triage", "triage"],
  ["pull", "read"],
];

/**
 * The token's person's role on a repository, from `GET /repos/{owner}/{repo}` made with their own
 * token: `role_name` when GitHub sends it, else the highest of the `permissions` flags; `none`
 * when GitHub hides the repository from them (404).
 */
export async function roleOn(octokit: GitHub, repo: RepoRef): Promise<UserPermission> {
  try {
    const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
    const named = UserPermission.safeParse((data as { role_name?: unknown }).role_name);
    if (named.success) return named.data;
    const flags = (data.permissions ?? {}) as Readonly<Record<string, boolean | undefined>>;
    return FLAG_ROLES.find(([flag]) => flags[flag] === true)?.[1] ?? "none";
  } catch (e) {
    if (httpStatus(e) === 404 || httpStatus(e) === 403) return "none";
    throw e;
  }
}

/**
 * The git author of commits made as a GitHub account (a person, or an app's `<slug>[bot]` user):
 * its login, and GitHub's noreply email `<id>+<login>@users.noreply.github.com`
 * (`users.noreply.<host>` on GitHub Enterprise Server), which GitHub links to the account.
 */
export function commitAuthorOf(octokit: GitHub, account: { readonly login: string; readonly id?: number }): CommitAuthor {
  const api = new URL(octokit.request.endpoint.DEFAULTS.baseUrl);
  const host = api.hostname === "api.github.com" ? "github.com" : api.hostname;
  const local = account.id !== undefined ? `${account.id}+${account.login}` : account.login;
  return { name: account.login, email: `${local}@users.noreply.${host}` };
}

/** An account as `GET /users/{username}` gives it. */
export type GitHubUser = Awaited<ReturnType<GitHub["rest"]["users"]["getByUsername"]>>["data"];

/** `GET /users/{username}`: the account of a login (a person, or an app's `<slug>[bot]` user). */
export async function userByLogin(octokit: GitHub, username: string): Promise<GitHubUser> {
  const { data } = await octokit.rest.users.getByUsername({ username });
  return data;
}

/** A collaborator's permission as `GET /repos/{owner}/{repo}/collaborators/{username}/permission` gives it. */
export type CollaboratorPermission = Awaited<ReturnType<GitHub["rest"]["repos"]["getCollaboratorPermissionLevel"]>>["data"];

/**
 * `GET /repos/{owner}/{repo}/collaborators/{username}/permission` with the app's client: GitHub's
 * `role_name` and legacy `permission` of `username` on `repo` (a 404 is thrown, the caller says what it means).
 */
export async function collaboratorPermission(octokit: GitHub, repo: RepoRef, username: string): Promise<CollaboratorPermission> {
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
  return data;
}

/**
 * Whether `username` is an active member of the team `org/team_slug`
 * (`GET /orgs/{org}/teams/{team_slug}/memberships/{username}`). A 404 means "not a member"
 * (GitHub also answers 404 for teams it hides).
 */
export async function isActiveTeamMember(octokit: GitHub, org: string, team_slug: string, username: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug, username });
    return data.state === "active";
  } catch (e) {
    if (httpStatus(e) !== 404) throw e;
    return false;
  }
}
