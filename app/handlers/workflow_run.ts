/** `workflow_run` completed: a successful build workflow may release components waiting for it. */
import type { Context } from "probot";
import { parseRepoRef } from "../config.js";
import type { FlowServices } from "../../flows/services.js";
import { sameRepo } from "../../adapters/github/types.js";
import { RunContext } from "../../flows/run-context.js";
import { promoteReleased } from "../../flows/promotion/triggers.js";
import { releaseOnCheck } from "../../flows/release/on-check.js";

export async function onWorkflowRun(context: Context<"workflow_run">, deps: FlowServices): Promise<void> {
  const p = context.payload;
  const run = p.workflow_run;
  const log = deps.logger.child({ delivery: context.id, event: `workflow_run.${p.action}`, repo: p.repository.full_name, workflow: run.name });
  if (p.action !== "completed") return log.debug("workflow not completed");
  if (run.conclusion !== "success") return log.debug({ conclusion: run.conclusion }, "workflow did not succeed");
  const repo = parseRepoRef(p.repository.full_name);
  if (sameRepo(repo, deps.platformRepo)) return log.debug("the platform repository is not an app repository");
  // A fork's workflow runs on its own code: it can never release.
  if (run.head_repository?.full_name?.toLowerCase() !== p.repository.full_name.toLowerCase()) return log.debug("workflow ran on a fork");
  if (run.head_branch !== p.repository.default_branch) return log.debug({ branch: run.head_branch }, "not on the default branch");
  const delivery = new RunContext(context.octokit, deps);
  const result = await releaseOnCheck(
    { octokit: context.octokit, repo, sha: run.head_sha, name: run.name ?? "", defaultBranch: p.repository.default_branch },
    deps,
    delivery,
  );
  if ("skipped" in result) return log.debug(result.skipped);
  await promoteReleased(delivery, { repo, sha: run.head_sha }, result.outcome.results, deps);
}
