/** Where the CLI publishes or reads an environment: the platform's target, or overrides. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { githubRepoUrl } from "../core/gitops/bootstrap.js";
import { environmentPath } from "../core/gitops/layout.js";
import type { EnvironmentTarget, ResolveTarget } from "../adapters/git/environment.js";
import type { Environment } from "../renderers/model/index.js";
import type { EnvironmentVariables } from "./variables.js";

export interface CliTarget {
  readonly url: string;
  readonly branch: string;
  readonly path: string;
  readonly token?: string;
}

/** Where a target's variables come from; the CLI's io fits. */
export interface TargetContext {
  readonly env: EnvironmentVariables;
}

export const TARGET_OPTIONS = {
  gitops: { type: "string" },
  branch: { type: "string" },
  path: { type: "string" },
  "cache-dir": { type: "string" },
} as const;

export const TARGET_OPTIONS_HELP = `  --gitops URL|PATH    GitOps repository instead of the environment's gitops.repo: an HTTP(S)
                       URL (token from GITHUB_TOKEN) or a local path
  --branch NAME        branch instead of the environment's gitops.branch
  --path DIR           directory instead of the environment's gitops.path
  --cache-dir DIR      clone cache (default FERRY_CACHE_DIR, else ~/.cache/ferry)`;

/** The GitHub web host repositories live on: `$GITHUB_SERVER_URL` on GitHub Enterprise, else github.com. */
export function githubServer(context: TargetContext): string {
  return context.env.GITHUB_SERVER_URL ?? "https://github.com";
}

/**
 * The environment's target with command-line overrides. `owner/name` repositories become
 * `https://github.com/owner/name.git`, or `$GITHUB_SERVER_URL/owner/name.git` on GitHub Enterprise.
 */
export function cliTarget(env: Environment, values: { gitops?: string; branch?: string; path?: string }, context: TargetContext): CliTarget {
  const url = values.gitops ?? githubRepoUrl(env.gitops.repo, githubServer(context));
  const token = context.env.GITHUB_TOKEN || undefined;
  return { url, branch: values.branch ?? env.gitops.branch, path: values.path ?? environmentPath(env), token };
}

/** The CLI's resolver for adapters/git's environment reads: {@link cliTarget} for each environment. */
export function cliResolver(values: { gitops?: string; branch?: string; path?: string }, context: TargetContext): ResolveTarget {
  return async (env): Promise<EnvironmentTarget> => {
    const { path, ...git } = cliTarget(env, values, context);
    return { env, git, path };
  };
}

/** `<sha>` of a git checkout's HEAD, read from its files (no git process), or undefined. */
export function headCommit(dir: string): string | undefined {
  const gitdir = join(dir, ".git");
  const headFile = join(gitdir, "HEAD");
  if (!existsSync(headFile)) return undefined;
  const head = readFileSync(headFile, "utf8").trim();
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  const loose = join(gitdir, ...ref.split("/"));
  if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
  const packed = join(gitdir, "packed-refs");
  if (!existsSync(packed)) return undefined;
  const line = readFileSync(packed, "utf8")
    .split("\n")
    .find((l) => l.endsWith(` ${ref}`));
  return line?.split(" ")[0];
}
