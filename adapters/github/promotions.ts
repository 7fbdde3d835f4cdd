/**
 * The open promotion pull requests of the platform's GitOps repositories, each with the latest
 * `Ferry / gates` check Ferry's own app made on its head commit (core/promotion/listing.ts reads
 * them). Works with the app's installation client and with a person's token alike: only reads.
 */
import type { Environment } from "../../renderers/model/index.js";
import { GATES_CHECK } from "../../core/promotion/gates/index.js";
import { latestRunOf } from "./checks.js";
import type { GatesCheckRun, ListedPromotion } from "../../core/promotion/listing.js";
import { listedPromotion } from "../../core/promotion/listing.js";
import { PROMOTE_PREFIX } from "../../core/promotion/pr.js";
import type { GitHub, RepoRef } from "./types.js";
import { fullName, parseRepoRef as repoRef } from "./types.js";

/** Options of {@link listOpenPromotions}. */
export interface PromotionsQuery {
  /** Only pull requests into these environments. @default every environment */
  readonly envs?: readonly string[];
  /**
   * Ferry's GitHub App id: only a `Ferry / gates` run this app made is read. Undefined (a person's
   * token without FERRY_APP_ID): no run can be told to be Ferry's, so every pull request's gates
   * are reported unknown rather than read from a run any app could have made.
   */
  readonly appId: number | undefined;
}

/** Why the gates are unknown when Ferry's app id is not known. */
export const GATES_UNKNOWN_WITHOUT_APP_ID =
  "Ferry's GitHub App id is not configured (FERRY_APP_ID or --app-id), so no Ferry / gates check run can be told apart from one another app made";

/** The latest `Ferry / gates` run Ferry's app made on a commit, if any. */
async function latestGatesRun(octokit: GitHub, repo: RepoRef, sha: string, appId: number): Promise<GatesCheckRun | undefined> {
  const run = await latestRunOf(octokit, repo, sha, GATES_CHECK, appId);
  return run ? { conclusion: run.conclusion, title: run.output.title, summary: run.output.summary, url: run.html_url ?? undefined } : undefined;
}

/**
 * Open promotion pull requests into the platform's environments (or `query.envs`), ordered by
 * the environments' order in the platform, then by number; each repository and base branch is
 * listed once. A repository GitHub hides from the client (404) lists nothing.
 */
export async function listOpenPromotions(
  octokit: GitHub,
  platform: { readonly spec: { readonly environments: readonly Environment[] } },
  query: PromotionsQuery,
): Promise<ListedPromotion[]> {
  const envs = platform.spec.environments.filter((e) => !query.envs || query.envs.includes(e.name));
  const bases = new Map<string, { readonly repo: RepoRef; readonly branch: string }>();
  for (const env of envs) bases.set(`${env.gitops.repo.toLowerCase()}@${env.gitops.branch}`, { repo: repoRef(env.gitops.repo), branch: env.gitops.branch });
  const wanted = new Set(envs.map((e) => e.name));
  const out: ListedPromotion[] = [];
  for (const { repo, branch } of bases.values()) {
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: "open", base: branch, per_page: 100 }).catch((e: unknown) => {
      // A repository GitHub hides from the token's person: they see none of its pull requests.
      if ((e as { status?: unknown } | null)?.status === 404) return [];
      throw e;
    });
    for (const pr of pulls) {
      if (!pr.head.ref.startsWith(PROMOTE_PREFIX)) continue;
      const facts = {
        repo: fullName(repo),
        headRef: pr.head.ref,
        headRepo: pr.head.repo?.full_name,
        baseRef: pr.base.ref,
        author: pr.user,
        body: pr.body,
        number: pr.number,
        url: pr.html_url,
        title: pr.title,
        headSha: pr.head.sha,
      };
      const check =
        query.appId === undefined ? { unknown: GATES_UNKNOWN_WITHOUT_APP_ID } : { run: await latestGatesRun(octokit, repo, pr.head.sha, query.appId) };
      const listed = listedPromotion(facts, platform, check);
      if (listed && wanted.has(listed.to)) out.push(listed);
    }
  }
  const order = new Map(platform.spec.environments.map((e, i) => [e.name, i]));
  return out.sort((a, b) => (order.get(a.to) ?? 0) - (order.get(b.to) ?? 0) || a.repo.localeCompare(b.repo) || a.number - b.number);
}
