/** `issue_comment` created on a pull request: a `/ferry` command (promote, rollback, status, retry). */
import type { Context } from "probot";
import { parseRepoRef } from "../config.js";
import type { FlowServices } from "../../flows/services.js";
import { findCommandLine } from "../../core/promotion/commands.js";
import { runCommand } from "../../flows/promotion/slash-commands.js";

export async function onIssueComment(context: Context<"issue_comment">, deps: FlowServices): Promise<void> {
  const p = context.payload;
  const log = deps.logger.child({ delivery: context.id, event: `issue_comment.${p.action}`, repo: p.repository.full_name, issue: p.issue.number });
  if (p.action !== "created") return log.debug("only new comments carry commands");
  if (!p.issue.pull_request) return log.debug("not a pull request");
  const user = p.comment.user;
  // Bots (Ferry's own replies included) never give commands.
  if (!user || user.type === "Bot" || user.login.toLowerCase() === (await deps.botLogin())?.toLowerCase()) return log.debug("comment by a bot");
  if (findCommandLine(p.comment.body) === undefined) return log.debug("no /ferry command");
  const outcome = await runCommand(
    {
      octokit: context.octokit,
      repo: parseRepoRef(p.repository.full_name),
      number: p.issue.number,
      comment: { id: p.comment.id, body: p.comment.body, login: user.login, url: p.comment.html_url },
    },
    deps,
  );
  if (outcome.kind === "ignored") log.debug(outcome.reason);
}
