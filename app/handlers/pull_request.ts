/**
 * `pull_request`: a pull request touching an app repository's `.ferry/` gets a preview (opened,
 * synchronize, reopened), and where the platform has previews its preview environment (also on
 * `ferry:preview` labeled / unlabeled; removed on closed); Ferry's promotion pull requests get their gates evaluated (same
 * actions) and, when a person edits one, Ferry's own title and body back; a merged Ferry pull
 * request lands its release and promotes it onwards.
 */
import type { Context } from "probot";
import { parseRepoRef } from "../config.js";
import type { FlowServices } from "../../flows/services.js";
import { isFerryPath, pullRequestFiles } from "../../adapters/github/files.js";
import { sameRepo } from "../../adapters/github/types.js";
import { runPreview } from "../../flows/preview/run.js";
import { RunContext } from "../../flows/run-context.js";
import { gatesForPull, landedFromMergedPull, restorePromotion } from "../../flows/promotion/triggers.js";
import { parseFerryBranch } from "../../core/promotion/pr.js";
import { parseBundleBranch } from "../../core/bundles/bundles.js";
import { PREVIEW_LABEL } from "../../renderers/model/index.js";

const ACTIONS = new Set(["opened", "synchronize", "reopened"]);
/** Actions that only concern the preview environment: the label added or removed, the pull request closed. */
const PREVIEW_ENV_ACTIONS = new Set(["labeled", "unlabeled", "closed"]);

export async function onPullRequest(context: Context<"pull_request">, deps: FlowServices): Promise<void> {
  const p = context.payload;
  const log = deps.logger.child({ delivery: context.id, event: `pull_request.${p.action}`, repo: p.repository.full_name, pull: p.number });
  const repo = parseRepoRef(p.repository.full_name);
  const ferry = parseFerryBranch(p.pull_request.head.ref);
  if (parseBundleBranch(p.pull_request.head.ref)) {
    // A bundle's pull request: merged, its members landed; otherwise its gates as a whole (a person's edit of its body decides nothing).
    if (p.action === "closed") {
      if (!p.pull_request.merged) return log.debug("bundle pull request closed without merging");
      const merged = await landedFromMergedPull(new RunContext(context.octokit, deps), repo, p.number, deps);
      if ("skipped" in merged) log.debug(merged.skipped);
      return;
    }
    if (!ACTIONS.has(p.action)) return log.debug("nothing to evaluate");
    const gates = await gatesForPull(new RunContext(context.octokit, deps), repo, p.number, deps);
    if (gates.kind === "skipped") log.debug(gates.reason);
    return;
  }
  if (ferry) {
    if (p.action === "closed") {
      if (!p.pull_request.merged) return log.debug("Ferry pull request closed without merging");
      const merged = await landedFromMergedPull(new RunContext(context.octokit, deps), repo, p.number, deps);
      if ("skipped" in merged) log.debug(merged.skipped);
      return;
    }
    if (ferry.kind === "promotion" && p.action === "edited") {
      // Ferry's own edits come back as `edited` too: only a person's are put right.
      if ((p.sender?.login ?? "").toLowerCase() === ((await deps.botLogin()) ?? "").toLowerCase()) return log.debug("Ferry's own edit");
      const restored = await restorePromotion(new RunContext(context.octokit, deps), repo, p.number, deps);
      if ("skipped" in restored) log.debug(restored.skipped);
      else log.info({ status: restored.status }, "promotion pull request edited by a person: Ferry's title and body put back");
      return;
    }
    if (ferry.kind !== "promotion" || !ACTIONS.has(p.action)) return log.debug("nothing to evaluate");
    const gates = await gatesForPull(new RunContext(context.octokit, deps), repo, p.number, deps);
    if (gates.kind === "skipped") log.debug(gates.reason);
    return;
  }
  if (!ACTIONS.has(p.action) && !PREVIEW_ENV_ACTIONS.has(p.action)) return log.debug("action not previewed");
  if ((p.action === "labeled" || p.action === "unlabeled") && ("label" in p ? p.label?.name : undefined) !== PREVIEW_LABEL)
    return log.debug(`label other than ${PREVIEW_LABEL}`);
  if (sameRepo(repo, deps.platformRepo)) return log.debug("the platform repository is not an app repository");
  const files = await pullRequestFiles(context.octokit, repo, p.number);
  if (!files.some(isFerryPath)) return log.debug("pull request does not touch .ferry/");
  // A fork's head repository may be gone (deleted fork): then it is read through the base, and previewed as a fork's.
  const head = p.pull_request.head.repo;
  const headRepo = head ? parseRepoRef(head.full_name) : undefined;
  await runPreview(
    {
      octokit: context.octokit,
      repo,
      headRepo,
      number: p.number,
      headSha: p.pull_request.head.sha,
      baseSha: p.pull_request.base.sha,
      labels: (p.pull_request.labels ?? []).map((l) => l.name),
      ...(p.action === "closed" ? { removePreview: p.pull_request.merged ? "the pull request was merged" : "the pull request was closed" } : {}),
    },
    deps,
  );
}
