/** `pull_request` opened, synchronize, reopened: a pull request touching `.ferry/` gets a preview. */
import type { Context } from "probot";
import { parseRepoRef } from "../config.js";
import type { Deps } from "../deps.js";
import { isFerryPath, pullRequestFiles } from "../github/files.js";
import { sameRepo } from "../github/types.js";
import { runPreview } from "../preview/run.js";

const ACTIONS = new Set(["opened", "synchronize", "reopened"]);

export async function onPullRequest(context: Context<"pull_request">, deps: Deps): Promise<void> {
  const p = context.payload;
  const log = deps.logger.child({ delivery: context.id, event: `pull_request.${p.action}`, repo: p.repository.full_name, pull: p.number });
  if (!ACTIONS.has(p.action)) return log.debug("action not previewed");
  const repo = parseRepoRef(p.repository.full_name);
  if (sameRepo(repo, deps.platformRepo)) return log.debug("the platform repository is not an app repository");
  const files = await pullRequestFiles(context.octokit, repo, p.number);
  if (!files.some(isFerryPath)) return log.debug("pull request does not touch .ferry/");
  // A fork's head repository may be gone (deleted fork): then it is read through the base.
  const head = p.pull_request.head.repo;
  const headRepo = head ? parseRepoRef(head.full_name) : repo;
  await runPreview({
    octokit: context.octokit, repo, headRepo, number: p.number,
    headSha: p.pull_request.head.sha, baseSha: p.pull_request.base.sha,
  }, deps);
}
