/** ferry_history: `ferry history` (operations/history.ts): the releases a component ran in each environment, from the GitOps repositories. */
import { z } from "zod";
import { GitopsError } from "../../adapters/git/errors.js";
import type { HistoryEntry } from "../../core/history.js";
import { UsageError } from "../../operations/errors.js";
import { readComponentHistory } from "../../operations/history.js";
import { componentSight } from "../components.js";
import { EnvArg, PlatformArg, platformBundle } from "../workspace.js";
import { ComponentName } from "./get-component.js";
import type { EnvironmentVariables } from "../../operations/variables.js";
import { REMOTE_READ, defineTool, serverSide, type ToolContext } from "./tool.js";

export const GitopsArgs = {
  gitops: serverSide(
    z.string().optional().describe("GitOps repository instead of each environment's gitops.repo: an HTTP(S) URL or a local path"),
    "each environment's GitOps repository is the one the platform names",
  ),
  branch: serverSide(
    z.string().optional().describe("branch instead of each environment's gitops.branch"),
    "each environment's branch is the one the platform names",
  ),
  path: serverSide(
    z.string().optional().describe("directory instead of each environment's gitops.path"),
    "each environment's directory is the one the platform names",
  ),
};

/**
 * The variables GitOps repositories are read with. The caller's token (GITHUB_TOKEN) goes only to
 * GitHub: to the repositories the platform names (`owner/name` on GITHUB_SERVER_URL, else
 * github.com), or to a `gitops` override on that same host; any other override is read without it,
 * so a call cannot hand the token to a host it chose.
 */
export function gitopsVariables(gitops: string | undefined, context: ToolContext): EnvironmentVariables {
  if (gitops === undefined) return context.variables;
  const { GITHUB_TOKEN, ...rest } = context.variables;
  if (GITHUB_TOKEN !== undefined && sameOrigin(gitops, context.variables.GITHUB_SERVER_URL ?? "https://github.com")) return context.variables;
  return rest;
}

function sameOrigin(url: string, server: string): boolean {
  try {
    const a = new URL(url);
    return (a.protocol === "https:" || a.protocol === "http:") && a.origin === new URL(server).origin;
  } catch {
    return false;
  }
}

const EntryOut = z.object({
  environment: z.string(),
  cluster: z
    .string()
    .optional()
    .describe("an environment on several clusters: the cluster that ran the release from this commit on (read from its own folder)"),
  release: z.string().nullable().describe("null: the component was removed"),
  date: z.string().describe("ISO 8601"),
  commit: z.string(),
  repo: z.string().nullable(),
  source: z.object({ repo: z.string(), sha: z.string() }).nullable().describe("the app commit the release was cut from"),
  promotedFrom: z.string().nullable(),
  approvedBy: z.array(z.string()),
});

function entry(e: HistoryEntry) {
  return {
    environment: e.environment,
    ...(e.cluster !== undefined ? { cluster: e.cluster } : {}),
    release: e.release ?? null,
    date: e.date.toISOString(),
    commit: e.commit,
    repo: e.repo ?? null,
    source: e.source ? { repo: e.source.repo, sha: e.source.sha } : null,
    promotedFrom: e.promotedFrom ?? null,
    approvedBy: [...e.approvedBy],
  };
}

export const historyTool = defineTool({
  name: "ferry_history",
  title: "Release history of a component",
  description:
    "Reads the commits of each environment's GitOps repository that touched the component and lists, newest first per environment, " +
    "the releases it ran, since when, from which app commit, promoted from where and approved by whom (as `ferry history`).",
  input: {
    component: ComponentName,
    ...PlatformArg,
    ...EnvArg,
    ...GitopsArgs,
    limit: z.number().int().min(1).max(500).optional().describe("commits to read per environment; default 50"),
  },
  output: {
    component: z.string(),
    environments: z.record(z.string(), z.array(EntryOut)).describe("per environment, newest first"),
    ignored: z.array(z.object({ commit: z.string(), reason: z.string() })),
  },
  annotations: REMOTE_READ,
  writes: false,
  async run({ component, env, gitops, branch, path, limit, ...args }, context) {
    const bundle = platformBundle(args, context);
    const [project = "", name = ""] = component.split("/");
    if (!(await (await componentSight(bundle, context))(project, name))) throw new UsageError(`component: no component ${component} you can see`);
    let report;
    try {
      report = await readComponentHistory({
        platform: bundle,
        project,
        component: name,
        envs: env ?? [],
        target: { gitops, branch, path },
        limit,
        cacheDir: context.variables.FERRY_CACHE_DIR,
        variables: gitopsVariables(gitops, context),
      });
    } catch (e) {
      if (e instanceof GitopsError) throw new UsageError(`gitops: ${e.message}`);
      throw e;
    }
    const environments = Object.fromEntries(report.environments.map((e) => [e.name, (report.history.environments.get(e.name) ?? []).map(entry)]));
    return { structured: { component, environments, ignored: [...report.history.ignored] } };
  },
});
