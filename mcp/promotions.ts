/**
 * What the promotion tools (`ferry_promote`, `ferry_rollback`, `ferry_promotions`) share: the
 * caller's own GitHub client, where the platform repository and the clone cache are, and Ferry's
 * GitHub App id (the server's FERRY_APP_ID; the app's /mcp sets it from APP_ID): only check runs
 * that app made are read as Ferry's.
 */
import { homedir } from "node:os";
import { defaultCacheDir } from "../adapters/git/index.js";
import { FerryAppId } from "../adapters/github/checks.js";
import { RepoName } from "../renderers/model/index.js";
import type { GitHub } from "../adapters/github/types.js";
import { UsageError } from "../operations/errors.js";
import type { PlatformAccess } from "../operations/promotions.js";
import type { ToolContext } from "./tools/tool.js";

/** The platform repository argument. */
export const PlatformRepoArg = {
  platformRepo: RepoName.optional().describe("owner/name of the platform repository on GitHub; default: the server's FERRY_PLATFORM_REPO"),
};

/** The caller's client and the platform repository; usage errors when there is no token or no platform repository. */
export function promotionAccess(args: { readonly platformRepo?: string | undefined }, context: ToolContext): { github: GitHub } & PlatformAccess {
  if (!context.github)
    throw new UsageError("this tool acts on GitHub as you: start the server with GITHUB_TOKEN (stdio) or call it with a bearer token (HTTP)");
  const platformRepo = args.platformRepo ?? context.variables.FERRY_PLATFORM_REPO;
  if (!platformRepo) throw new UsageError("platformRepo: no platform repository given and the server has no FERRY_PLATFORM_REPO");
  const rawAppId = context.variables.FERRY_APP_ID?.trim() || undefined;
  const appId = rawAppId === undefined ? undefined : FerryAppId.safeParse(rawAppId);
  if (appId && !appId.success) throw new UsageError(`the server's FERRY_APP_ID ${appId.error.issues[0]?.message ?? "is not a number"}`);
  return { github: context.github(), platformRepo, cacheDir: defaultCacheDir(context.variables, homedir()), ...(appId ? { appId: appId.data } : {}) };
}
