/**
 * `ferry reconcile --dry-run`: the reconcile pass's plan (core/reconcile/survey.ts) gathered with
 * a token, reported and never carried out (the app's pass, flows/reconcile/pass.ts, carries it out).
 */
import { z } from "zod";
import { RepoName } from "../renderers/model/common.js";
import type { Builtins } from "../renderers/platform.js";
import type { ReconcileReport } from "../core/reconcile/report.js";
import { surveyReconcile } from "../core/reconcile/survey.js";
import { gitopsEnvironmentReads } from "../adapters/git/environment.js";
import { defaultGitopsPort } from "../adapters/git/port.js";
import { environmentPath } from "../core/gitops/layout.js";
import { tokenClient } from "../adapters/github/client.js";
import { checkBudget, githubReconcileReads } from "../adapters/github/reconcile.js";
import { loadPlatform } from "../adapters/github/platform-loader.js";
import { repositoryUrls } from "../adapters/github/repos.js";
import { parseRepoRef as repoRef } from "../adapters/github/types.js";
import { loadBuiltins } from "../templates/index.js";

/** Input of {@link reconcileDryRun}: what `ferry reconcile --dry-run` is given. */
export const DryRunInput = z.object({
  /** A token that can read the platform, app and GitOps repositories. */
  token: z.string().min(1, { error: "a token is needed (--token or GITHUB_TOKEN)" }),
  /** `owner/name` of the platform repository. */
  platformRepo: RepoName,
  /** REST API base URL. */
  apiUrl: z.url({ error: (iss) => `--api-url must be a URL, got ${JSON.stringify(iss.input)}` }).default("https://api.github.com"),
  /** Clone cache of the GitOps repositories. */
  cacheDir: z.string().min(1),
  /** The pass stops when fewer GitHub API requests than this are left. */
  minRateRemaining: z.number().int().min(0).default(50),
  /** Ferry's GitHub App id: a `Ferry / …` check run counts only when it made it. @default unknown: open promotions' gates checks are not checked */
  appId: z.number().int().positive().optional(),
});
export type DryRunInput = z.input<typeof DryRunInput>;

/** What the dry run depends on besides its input (tests pass their own clock). */
export interface DryRunDeps {
  readonly now: () => Date;
  readonly builtins: () => Builtins;
}

const DRY_RUN_DEPS: DryRunDeps = { now: () => new Date(), builtins: loadBuiltins };

/**
 * Plans a reconcile pass with a token and reports what the app's pass would do, changing
 * nothing. Webhook deliveries need the App's own credentials: they are not checked here.
 */
export async function reconcileDryRun(raw: DryRunInput, deps: DryRunDeps = DRY_RUN_DEPS): Promise<ReconcileReport> {
  const input = DryRunInput.parse(raw);
  const startedAt = deps.now();
  const octokit = tokenClient({ token: input.token, baseUrl: input.apiUrl.replace(/\/+$/, "") });
  const stopped = (why: string, problems: readonly string[] = []): ReconcileReport => ({
    startedAt,
    dryRun: true,
    stopped: why,
    repairs: [],
    deferred: [],
    problems,
  });
  const budget = await checkBudget(octokit, input.minRateRemaining);
  if (!budget.ok) return stopped(budget.reason);
  const platform = await loadPlatform(octokit, repoRef(input.platformRepo), deps.builtins());
  if (!platform.bundle) {
    return stopped(
      `the platform ${input.platformRepo} has errors`,
      platform.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.file}: ${d.message}`),
    );
  }
  const cloneUrls = new Map<string, Promise<string>>();
  const environmentReads = gitopsEnvironmentReads(
    defaultGitopsPort(),
    async (env) => {
      const key = env.gitops.repo.toLowerCase();
      let url = cloneUrls.get(key);
      if (!url) {
        url = repositoryUrls(octokit, repoRef(env.gitops.repo)).then((urls) => urls.clone_url);
        cloneUrls.set(key, url);
      }
      return { env, git: { url: await url, branch: env.gitops.branch, token: input.token }, path: environmentPath(env) };
    },
    input.cacheDir,
  );
  const survey = await surveyReconcile(
    platform.bundle,
    { ...environmentReads, ...githubReconcileReads({ octokit, clientFor: async () => octokit, appId: input.appId }) },
    startedAt,
  );
  const { repairs, deferred } = survey.plan;
  return {
    startedAt,
    dryRun: true,
    repairs: repairs.map((repair) => ({ repair, outcome: "planned", detail: repair.reason })),
    deferred,
    problems: [
      ...survey.problems,
      ...(input.appId === undefined
        ? [
            "gates checks: not checked (Ferry's GitHub App id is not configured: set FERRY_APP_ID or --app-id; a Ferry / gates run counts only when Ferry's app made it)",
          ]
        : []),
      "webhook deliveries: not checked (listing them needs the App's own credentials; the app's pass redelivers failed ones)",
    ],
  };
}
