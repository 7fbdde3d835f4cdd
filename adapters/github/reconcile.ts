/**
 * The GitHub reads of the reconcile pass (core/reconcile/survey.ts asks, the app and
 * `ferry reconcile --dry-run` both answer with these): app repositories' heads, check runs,
 * Ferry pull requests, deployments in progress, the App's webhook deliveries, the rate limit and
 * the platform (adapters/github/platform-loader.ts).
 */
import { getPullRequest } from "./pulls.js";
import { GATES_CHECK } from "../../core/promotion/gates/index.js";
import { deploymentPayload } from "./deployments.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { FileMap } from "../../renderers/load.js";
import { parsePromotionBody } from "../../core/promotion/body.js";
import { parseFerryBranch, PROMOTE_PREFIX } from "../../core/promotion/pr.js";
import type { FerryPull, OpenPromotion, RecordedDelivery, RunningDeployment } from "../../core/reconcile/plan.js";
import type { ReconcileReads } from "../../core/reconcile/survey.js";
import { isFerryCheckName, latestRunOf, madeBy } from "./checks.js";
import { listHookDeliveries } from "./hook-deliveries.js";
import { defaultBranch, readFolder, resolveCommit } from "./files.js";
import { readRateBudget } from "./rate-limit.js";
import type { RateBudget } from "./rate-limit.js";
import type { GitHub, RepoRef } from "./types.js";
import { fullName, parseRepoRef as repoRef } from "./types.js";

/** Whether a pass may go on, from the rate limit left. */
export type BudgetCheck = { readonly ok: true; readonly budget: RateBudget } | { readonly ok: false; readonly budget: RateBudget; readonly reason: string };

/** Reads `GET /rate_limit`: a pass does not start (or go on) with fewer than `minimum` requests left. */
export async function checkBudget(octokit: GitHub, minimum: number): Promise<BudgetCheck> {
  const budget = await readRateBudget(octokit);
  if (budget.remaining >= minimum) return { ok: true, budget };
  return {
    ok: false,
    budget,
    reason: `only ${budget.remaining} of ${budget.limit} GitHub API requests left (a pass needs ${minimum}); the budget resets at ${budget.reset.toISOString()}`,
  };
}

/** The release a Ferry pull request carries: the promotion body's marker, or the release title's id. */
function carriedRelease(pr: { readonly title: string; readonly body: string | null }): string | undefined {
  return parsePromotionBody(pr.body)?.release ?? / ([0-9a-f]{12}) to \S+$/.exec(pr.title)?.[1];
}

/** The Ferry pull requests of a branch, open and closed. */
async function pullsOf(octokit: GitHub, repo: RepoRef, branch: string): Promise<FerryPull[]> {
  const { data } = await octokit.rest.pulls.list({ ...repo, state: "all", head: `${repo.owner}:${branch}`, per_page: 100 });
  return data
    .filter((p) => p.head.ref === branch)
    .map((p) => ({ number: p.number, state: p.state === "open" ? "open" : "closed", merged: p.merged_at !== null, release: carriedRelease(p) }));
}

/** Open promotion pull requests of the GitOps repositories, with whether their head has a `Ferry / gates` check Ferry's app (`appId`) made. */
async function readOpenPromotions(octokit: GitHub, repo: RepoRef, appId: number): Promise<OpenPromotion[]> {
  const out: OpenPromotion[] = [];
  const open = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: "open", per_page: 100 });
  for (const pr of open.filter((p) => p.head.ref.startsWith(PROMOTE_PREFIX))) {
    const branch = parseFerryBranch(pr.head.ref);
    if (branch?.kind !== "promotion") continue;
    const gates = await latestRunOf(octokit, repo, pr.head.sha, GATES_CHECK, appId);
    out.push({
      repo: fullName(repo),
      number: pr.number,
      headSha: pr.head.sha,
      project: branch.project,
      component: branch.component,
      environment: branch.env,
      release: parsePromotionBody(pr.body)?.release,
      hasGatesCheck: gates !== undefined,
    });
  }
  return out;
}

/**
 * The pull request a status comment URL (`https://<host>/<owner>/<repo>/pull/<n>#issuecomment-<id>`,
 * the `log_url` Ferry gives the deployment statuses of a rollout reported on a pull request) points
 * into, or undefined for anything else (a commit comment, no URL).
 */
export function pullOfStatusComment(url: string | null | undefined): { readonly repo: string; readonly number: number; readonly url: string } | undefined {
  const m = url ? /^(.*\/([^/]+)\/([^/]+)\/pull\/(\d+))#issuecomment-\d+$/.exec(url) : null;
  return m ? { repo: `${m[2]}/${m[3]}`, number: Number(m[4]), url: m[1]! } : undefined;
}

/** Ferry's deployments of an app repository whose newest status is `in_progress` (the newest deployment per component and environment). */
async function readRunningDeployments(octokit: GitHub, repo: RepoRef): Promise<RunningDeployment[]> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, task: "deploy", per_page: 100 });
  const newest = new Map<string, (typeof data)[number] & { readonly fields: Record<string, unknown> }>();
  for (const d of [...data].sort((a, b) => b.id - a.id)) {
    const fields = deploymentPayload(d.payload);
    if (typeof fields.project !== "string" || typeof fields.component !== "string" || typeof fields.release !== "string") continue;
    const key = `${d.environment} ${fields.project}/${fields.component}`;
    if (!newest.has(key)) newest.set(key, { ...d, fields });
  }
  const out: RunningDeployment[] = [];
  for (const d of newest.values()) {
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: d.id, per_page: 1 });
    if (statuses[0]?.state !== "in_progress") continue;
    const pull = pullOfStatusComment(statuses[0].log_url);
    out.push({
      repo: fullName(repo),
      id: d.id,
      sha: d.sha,
      environment: d.environment,
      project: String(d.fields.project),
      component: String(d.fields.component),
      release: String(d.fields.release),
      gitops: typeof d.fields.gitops === "string" ? d.fields.gitops : undefined,
      ...(pull ? { pull } : {}),
    });
  }
  return out;
}

/** Where {@link githubReconcileReads} reads from. */
export interface GitHubReconcileSources {
  /** Reads the GitOps repositories (pull requests, check runs). */
  readonly octokit: GitHub;
  /** The client for an app repository, or undefined when it cannot be read (not installed). */
  readonly clientFor: (repo: RepoRef) => Promise<GitHub | undefined>;
  /** The App's own (JWT) client, for the webhook deliveries. @default deliveries are not read */
  readonly app?: GitHub;
  /** Read the in-progress Ferry deployments. @default true */
  readonly deployments?: boolean;
  /**
   * Ferry's GitHub App id: a `Ferry / …` check run counts only when this app made it. Undefined (a
   * person's token without FERRY_APP_ID): open promotions' gates checks cannot be told apart from
   * another app's, so none are listed (`ferry reconcile --dry-run` says so), and no `Ferry / …` run counts as a build check.
   */
  readonly appId: number | undefined;
}

/** The GitHub half of {@link ReconcileReads}. */
export function githubReconcileReads(sources: GitHubReconcileSources): Omit<ReconcileReads, "environmentFiles" | "environmentHistory" | "previews"> {
  const client = async (full: string): Promise<GitHub> => {
    const octokit = await sources.clientFor(repoRef(full));
    if (!octokit) throw new Error(`listed by the platform but the app cannot read it (not installed there)`);
    return octokit;
  };
  const app = sources.app;
  const appId = sources.appId;
  return {
    async appHead(full) {
      const octokit = await client(full);
      const repo = repoRef(full);
      const sha = await resolveCommit(octokit, repo, await defaultBranch(octokit, repo));
      const diagnostics: Diagnostic[] = [];
      const files: FileMap = (await readFolder(octokit, repo, sha, ".ferry", diagnostics)).files;
      return { sha, files };
    },
    async succeededChecks(full, sha) {
      const octokit = await client(full);
      const runs = await octokit.paginate(octokit.rest.checks.listForRef, { ...repoRef(full), ref: sha, filter: "latest", per_page: 100 });
      // Build checks come from any app (CI); a run named like one of Ferry's counts only when Ferry's app made it.
      const trusted = (r: (typeof runs)[number]) => !isFerryCheckName(r.name) || (appId !== undefined && madeBy(r, appId));
      return runs.filter((r) => r.status === "completed" && r.conclusion === "success" && trusted(r)).map((r) => r.name);
    },
    ferryPulls: (repo, branch) => pullsOf(sources.octokit, repoRef(repo), branch),
    async pullState(full, number) {
      try {
        return (await getPullRequest(await client(full), repoRef(full), number)).state === "open" ? "open" : "closed";
      } catch (e) {
        if ((e as { status?: unknown }).status === 404) return "gone";
        throw e;
      }
    },
    openPromotions: async (repo) => (appId === undefined ? [] : readOpenPromotions(sources.octokit, repoRef(repo), appId)),
    ...(sources.deployments === false ? {} : { runningDeployments: async (full: string) => readRunningDeployments(await client(full), repoRef(full)) }),
    ...(app
      ? {
          deliveries: async (since: Date): Promise<RecordedDelivery[]> =>
            (await listHookDeliveries(app, since)).map((d) => ({
              id: d.id,
              guid: d.guid,
              event: d.event,
              action: d.action,
              deliveredAt: new Date(d.delivered_at),
              statusCode: d.status_code,
              status: d.status,
            })),
        }
      : {}),
  };
}
