/**
 * How the commands that act on GitHub as a person (`ferry promote`, `rollback`, `promotions`)
 * find it: the token (`--token`, else `GITHUB_TOKEN`; the person is the token's), the REST API
 * (`--api-url`, else `GITHUB_API_URL`, else https://api.github.com), the platform repository
 * (`--platform-repo`, else `FERRY_PLATFORM_REPO`) and Ferry's GitHub App id (`--app-id`, else
 * `FERRY_APP_ID`): only check runs that app made are read as Ferry's.
 */
import { homedir } from "node:os";
import { defaultCacheDir } from "../adapters/git/index.js";
import { tokenClient } from "../adapters/github/client.js";
import type { GitHub } from "../adapters/github/types.js";
import { FerryAppId } from "../adapters/github/checks.js";
import type { CliIo } from "./io.js";

export const GITHUB_OPTIONS = {
  "platform-repo": { type: "string" },
  token: { type: "string" },
  "api-url": { type: "string" },
  "cache-dir": { type: "string" },
  "app-id": { type: "string" },
} as const;

export const GITHUB_OPTIONS_HELP = `  --platform-repo REPO   platform repository, owner/name (default $FERRY_PLATFORM_REPO)
  --token TOKEN          your GitHub token (default $GITHUB_TOKEN); Ferry acts as its person
  --api-url URL          REST API URL (default $GITHUB_API_URL, else https://api.github.com;
                         GitHub Enterprise: https://HOST/api/v3)
  --cache-dir DIR        clone cache (default FERRY_CACHE_DIR, else ~/.cache/ferry)
  --app-id ID            Ferry's GitHub App id (default $FERRY_APP_ID): only check runs that app
                         made count as Ferry's; without it the gates are reported unknown`;

/** The person's client and where the platform is. */
export interface GitHubAccess {
  readonly octokit: GitHub;
  readonly platformRepo: string;
  readonly cacheDir: string;
  /** Ferry's GitHub App id; undefined when not configured. */
  readonly appId: number | undefined;
}

/** Where GitHub and the platform are, as the options and environment say. */
export interface GitHubSettings {
  readonly token: string;
  /** The REST API URL, without a trailing slash. */
  readonly apiUrl: string;
  readonly platformRepo: string;
  readonly cacheDir: string;
  /** Ferry's GitHub App id (`--app-id`, else FERRY_APP_ID); undefined when not configured. */
  readonly appId: number | undefined;
}

/** Options the GitHub commands read. */
type GitHubValues = {
  readonly "platform-repo"?: string;
  readonly token?: string;
  readonly "api-url"?: string;
  readonly "cache-dir"?: string;
  readonly "app-id"?: string;
};

/** Reads the options and environment; every problem is collected into `problems`. */
export function githubSettings(values: GitHubValues, io: CliIo, problems: string[]): GitHubSettings | undefined {
  const platformRepo = values["platform-repo"] ?? io.env.FERRY_PLATFORM_REPO;
  if (!platformRepo) problems.push("--platform-repo OWNER/NAME is required (or FERRY_PLATFORM_REPO)");
  else if (!/^[^/\s]+\/[^/\s]+$/.test(platformRepo)) problems.push(`--platform-repo must be OWNER/NAME, got ${JSON.stringify(platformRepo)}`);
  const token = values.token ?? io.env.GITHUB_TOKEN;
  if (!token) problems.push("a token is required: --token or GITHUB_TOKEN");
  const apiUrl = values["api-url"] ?? io.env.GITHUB_API_URL ?? "https://api.github.com";
  if (!URL.canParse(apiUrl)) problems.push(`--api-url must be a URL, got ${JSON.stringify(apiUrl)}`);
  const rawAppId = values["app-id"] ?? (io.env.FERRY_APP_ID?.trim() || undefined);
  const appId = rawAppId === undefined ? undefined : FerryAppId.safeParse(rawAppId);
  if (appId && !appId.success)
    problems.push(`${values["app-id"] !== undefined ? "--app-id" : "FERRY_APP_ID"} ${appId.error.issues[0]?.message ?? "is not a number"}`);
  if (!platformRepo || !token || !URL.canParse(apiUrl) || (appId && !appId.success)) return undefined;
  return {
    token,
    apiUrl: apiUrl.replace(/\/+$/, ""),
    platformRepo,
    cacheDir: values["cache-dir"] ?? defaultCacheDir(io.env, homedir()),
    appId: appId?.data,
  };
}

/** The person's client and where the platform is; every problem is collected into `problems`. */
export function githubAccess(values: GitHubValues, io: CliIo, problems: string[]): GitHubAccess | undefined {
  const settings = githubSettings(values, io, problems);
  if (!settings) return undefined;
  return {
    octokit: tokenClient({ token: settings.token, baseUrl: settings.apiUrl }),
    platformRepo: settings.platformRepo,
    cacheDir: settings.cacheDir,
    appId: settings.appId,
  };
}
