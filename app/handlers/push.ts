/** `push`: a push to an app repository's default branch that touches `.ferry/` cuts a release. */
import type { Context } from "probot";
import { parseRepoRef } from "../config.js";
import type { FlowServices } from "../../flows/services.js";
import { sameRepo } from "../../adapters/github/types.js";
import { RunContext } from "../../flows/run-context.js";
import { promoteReleased } from "../../flows/promotion/triggers.js";
import { runRelease } from "../../flows/release/run.js";
import { commitsTouchFerry, compareTouchesFerry } from "../../flows/release/triggers.js";

export async function onPush(context: Context<"push">, deps: FlowServices): Promise<void> {
  const p = context.payload;
  const repo = parseRepoRef(p.repository.full_name);
  const log = deps.logger.child({ delivery: context.id, event: "push", repo: p.repository.full_name });
  if (p.deleted) return log.debug("branch deleted: nothing to release");
  if (p.ref !== `refs/heads/${p.repository.default_branch}`) return log.debug({ ref: p.ref }, "not the default branch");
  if (sameRepo(repo, deps.platformRepo)) {
    // Its environments may name other clusters now (cluster status follows them).
    await deps.platformChanged?.(context.octokit);
    return log.debug("the platform repository is not an app repository");
  }
  let touched = commitsTouchFerry(p.commits, p.head_commit);
  if (touched === "unknown") touched = await compareTouchesFerry(context.octokit, repo, p.before, p.after);
  if (!touched) return log.debug("push does not touch .ferry/");
  // One platform read and one target resolver for the release and the promotions it opens.
  const delivery = new RunContext(context.octokit, deps);
  const outcome = await runRelease({ octokit: context.octokit, repo, sha: p.after, before: p.before, trigger: { kind: "push" } }, deps, delivery);
  await promoteReleased(delivery, { repo, sha: p.after }, outcome.results, deps);
}
