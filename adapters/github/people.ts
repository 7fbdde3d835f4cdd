/**
 * A person's GitHub identity from their own token (the portal's OAuth sign-in, MCP over HTTP, the
 * CLI's GITHUB_TOKEN): who they are, and their role on a repository. Both come from GitHub, so a
 * person sees and does through Ferry only what GitHub lets them see and do.
 */
import type { CommitAuthor } from "../../core/gitops/request.js";
import { UserPermission } from "../../core/promotion/commands.js";
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

const statusOf = (e: unknown): number | undefined => {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
};

/** `GET /user`: the token's person; {@link RejectedToken} when GitHub answers 401. */
export async function personOf(octokit: GitHub): Promise<Person> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return { login: data.login, id: data.id };
  } catch (e) {
    if (statusOf(e) === 401) throw new RejectedToken();
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
    if (statusOf(e) === 404 || statusOf(e) === 403) return "none";
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
