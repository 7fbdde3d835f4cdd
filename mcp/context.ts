/**
 * The caller's context for a server: without a token, everything on the caller's disk; with one
 * (HTTP's bearer token, or GITHUB_TOKEN over stdio), the token's person and only the repositories
 * GitHub lets them see.
 */
import { tokenClient } from "../adapters/github/client.js";
import { personOf } from "../adapters/github/people.js";
import type { GitHub } from "../adapters/github/types.js";
import type { EnvironmentVariables } from "../operations/variables.js";
import { EVERYTHING, personAccess } from "./access.js";
import type { ToolContext, Transport, WorkspaceDefaults } from "./tools/tool.js";

/**
 * The GitHub REST API base URL: `$GITHUB_API_URL`; else, on GitHub Enterprise Server
 * (`$GITHUB_SERVER_URL` other than github.com), `<server>/api/v3`; else https://api.github.com.
 */
export function githubApiUrl(variables: EnvironmentVariables): string {
  if (variables.GITHUB_API_URL) return variables.GITHUB_API_URL.replace(/\/+$/, "");
  const server = variables.GITHUB_SERVER_URL?.replace(/\/+$/, "");
  if (server && !/^https?:\/\/github\.com$/i.test(server)) return `${server}/api/v3`;
  return "https://api.github.com";
}

/** How a context reaches GitHub; tests pass their own. */
export type ClientFor = (token: string) => GitHub;

export function defaultClientFor(variables: EnvironmentVariables): ClientFor {
  const baseUrl = githubApiUrl(variables);
  return (token) => tokenClient({ token, baseUrl });
}

/** A context without a person: local use over stdio, everything visible. */
export function localContext(defaults: WorkspaceDefaults, variables: EnvironmentVariables): ToolContext {
  return { transport: "stdio", defaults, variables, access: EVERYTHING };
}

/**
 * The context of a token's person (asks GitHub who they are; `RejectedToken` when GitHub answers
 * 401). `transport`: `http` for a remote caller (mcp/http.ts), whose arguments never name the
 * server's files or addresses.
 */
export async function personContext(
  token: string,
  defaults: WorkspaceDefaults,
  variables: EnvironmentVariables,
  clientFor: ClientFor = defaultClientFor(variables),
  transport: Transport = "stdio",
): Promise<ToolContext> {
  const github = clientFor(token);
  const person = await personOf(github);
  // The tools read GitOps repositories with the caller's own token, never the server's.
  return { transport, defaults, variables: { ...variables, GITHUB_TOKEN: token }, person, github: () => github, access: personAccess(github) };
}
