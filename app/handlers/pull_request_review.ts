/** `pull_request_review` submitted or dismissed on a promotion pull request: its gates are evaluated again. */
import type { Context } from "probot";
import { parseRepoRef } from "../config.js";
import type { FlowServices } from "../../flows/services.js";
import { RunContext } from "../../flows/run-context.js";
import { gatesForPull } from "../../flows/promotion/triggers.js";
import { parseFerryBranch } from "../../core/promotion/pr.js";
import { parseBundleBranch } from "../../core/bundles/bundles.js";

const ACTIONS = new Set(["submitted", "dismissed"]);

export async function onPullRequestReview(context: Context<"pull_request_review">, deps: FlowServices): Promise<void> {
  const p = context.payload;
  const log = deps.logger.child({ delivery: context.id, event: `pull_request_review.${p.action}`, repo: p.repository.full_name, pull: p.pull_request.number });
  if (!ACTIONS.has(p.action)) return log.debug("review action does not change the gates");
  const ref = p.pull_request.head.ref;
  if (parseFerryBranch(ref)?.kind !== "promotion" && !parseBundleBranch(ref)) return log.debug("not a promotion pull request");
  const outcome = await gatesForPull(new RunContext(context.octokit, deps), parseRepoRef(p.repository.full_name), p.pull_request.number, deps);
  if (outcome.kind === "skipped") log.debug(outcome.reason);
}
