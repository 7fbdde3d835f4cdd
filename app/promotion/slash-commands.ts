/**
 * `/ferry` commands in pull request comments, the I/O side: which components a comment is about,
 * whether its author may give the command, and carrying it out. Parsing and permission rules are
 * in core/promotion/commands.ts, the pipeline's in core/promotion/pipeline.ts.
 *
 * Which components: on one of Ferry's pull requests in a GitOps repository, the component its
 * branch names; on an app repository's pull request, every component the repository declares at
 * the pull request's head commit. Permission is the commenter's role on the repository the
 * comment is in (GitHub's `role_name`), against the named environment's `commandPermission`
 * (`/ferry retry`: the pull request's environment; `/ferry status`: read).
 *
 * `promote` and `rollback` go through app/promotion/requests.ts, the code path the CLI and the MCP
 * tools share. A refused command changes nothing and gets a reply saying why; an accepted one gets a reaction
 * (rocket for promote and rollback, +1 otherwise) and a reply with the links.
 */
import type { Environment } from "../../renderers/model/index.js";
import type { Deps } from "../deps.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName, sameRepo } from "../../adapters/github/types.js";
import { findOpenPullRequest } from "../../adapters/github/pulls.js";
import { runPreview } from "../preview/run.js";
import { declaredComponents, readAppFiles } from "../release/inputs.js";
import { runRelease } from "../release/run.js";
import { parseRepoRef } from "../config.js";
import type { Actor, Command } from "../../core/promotion/commands.js";
import { authorize, parseCommand } from "../../core/promotion/commands.js";
import { DeliveryContext } from "../delivery.js";
import { promoteReleased } from "./triggers.js";
import type { ComponentHistory } from "../../core/history.js";
import { currentRelease } from "../../core/history.js";
import { formatUtc } from "../../core/time.js";
import type { PromotionContext } from "./context.js";
import { environmentNamed, promotionContext } from "./context.js";
import { errorText, PlatformUnavailable } from "./errors.js";
import { permissionOf, readComponentHistory } from "./reads.js";
import { pipelineOrder, previousEnvironments } from "../../core/promotion/pipeline.js";
import type { FerryPull, IdentifiedPromotion } from "../../core/promotion/pr.js";
import { ferryPullOf, parseFerryBranch, promotionBranch } from "../../core/promotion/pr.js";
import type { PromotionResult } from "./promote.js";
import { branchIdentity, ensurePromotion } from "./promote.js";
import { requestPromotion } from "./requests.js";

/** The comment a command came in. */
export interface CommandComment {
  readonly id: number;
  readonly body: string;
  readonly login: string;
  readonly url: string;
}

/** One comment to act on. */
export interface CommandRequest {
  readonly octokit: GitHub;
  /** The repository the comment is in. */
  readonly repo: RepoRef;
  /** The pull request it is on. */
  readonly number: number;
  readonly comment: CommandComment;
}

/** What became of a comment. */
export type CommandOutcome =
  | { readonly kind: "ignored"; readonly reason: string }
  | { readonly kind: "refused"; readonly reason: string; readonly reply: string }
  | { readonly kind: "accepted"; readonly reply: string; readonly reaction: "+1" | "rocket" };

/** What commands need of the app's dependencies. */
export type CommandDeps = Pick<
  Deps,
  "clock" | "gitops" | "cacheDir" | "logger" | "platformRepo" | "platforms" | "builtins" | "health" | "botLogin" | "onReleaseLanded" | "runtimeStatus"
>;

type PullData = Awaited<ReturnType<GitHub["rest"]["pulls"]["get"]>>["data"];

/** The components a comment is about, and the Ferry pull request it is on (if it is one). */
interface Subjects {
  readonly components: readonly { readonly project: string; readonly component: string }[];
  readonly ferry?: FerryPull;
  readonly promotion?: IdentifiedPromotion;
}

const quote = (line: string) => `> ${line}`;

async function subjectsOf(ctx: PromotionContext, repo: RepoRef, pr: PullData): Promise<Subjects | { readonly reason: string }> {
  const facts = { repo: fullName(repo), headRef: pr.head.ref, headRepo: pr.head.repo?.full_name, baseRef: pr.base.ref, author: pr.user, body: pr.body };
  if (parseFerryBranch(pr.head.ref)) {
    const bot = await ctx.deps.botLogin();
    const ours = ferryPullOf(facts, ctx.bundle.platform, bot);
    if ("reason" in ours) return { reason: `this pull request is not one of Ferry's (${ours.reason})` };
    // Which release and from where: the branch's commits Ferry made, never the (editable) body.
    const promotion = await branchIdentity(ctx, repo, pr);
    const { project, component } = ours.branch;
    return { components: [{ project, component }], ferry: ours, ...("reason" in promotion ? {} : { promotion }) };
  }
  if (sameRepo(repo, ctx.deps.platformRepo)) return { reason: "the platform repository declares no components" };
  const files = await readAppFiles(ctx.octokit, repo, pr.head.sha, []);
  const keys = [...declaredComponents(ctx.bundle, repo, files)].sort();
  if (keys.length === 0) return { reason: `${fullName(repo)} declares no components of projects that list it at ${pr.head.sha.slice(0, 7)}` };
  return { components: keys.map((k) => parseRepoRef(k)).map((r) => ({ project: r.owner, component: r.repo })) };
}

/** The repository web URL of a pull request URL. */
const repoUrlOf = (pullUrl: string) => pullUrl.replace(/\/pull\/\d+$/, "");

/** One line of a reply about one component's promotion or rollback. */
export function resultLine(component: string, result: PromotionResult): string {
  if ("reason" in result) return `\`${component}\`: ${result.status === "refused" ? "refused: " : ""}${result.reason}`;
  const link = `[#${result.number}](${result.url})`;
  const what =
    result.status === "opened"
      ? `opened ${link} with release \`${result.release}\``
      : result.status === "updated"
        ? `updated ${link} from release \`${result.previous ?? "(unknown)"}\` to \`${result.release}\``
        : `${link} already carries release \`${result.release}\`${result.status === "refreshed" ? " (brought up to date)" : ""}`;
  const g = result.gates;
  const gates =
    g.kind === "skipped"
      ? `gates not evaluated: ${g.reason}`
      : g.merged
        ? `every gate holds; merged as [${g.merged.commit.slice(0, 7)}](${repoUrlOf(result.url)}/commit/${g.merged.commit})`
        : `\`Ferry / gates\`: ${g.conclusion}${g.mergeError ? ` (merge refused: ${g.mergeError})` : ""}`;
  return `\`${component}\`: ${what}; ${gates}`;
}

const opened = (r: PromotionResult) => !("reason" in r);

async function promoteOrRollback(
  ctx: PromotionContext,
  command: Extract<Command, { verb: "promote" | "rollback" }>,
  subjects: Subjects,
  comment: CommandComment,
  actor: Actor,
): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  let ok = false;
  for (const { project, component } of subjects.components) {
    const name = `${project}/${component}`;
    const ask = { verb: command.verb, project, component, env: command.env, ...(command.release ? { release: command.release } : {}) };
    const outcome = await requestPromotion(ctx, ask, actor, { requestedBy: { login: comment.login, url: comment.url } });
    if (outcome.kind === "refused") {
      lines.push(`\`${name}\`: refused: ${outcome.reason}`);
      continue;
    }
    ok ||= opened(outcome.result);
    lines.push(resultLine(name, outcome.result));
  }
  return { lines, ok };
}

function historyTable(ctx: PromotionContext, history: ComponentHistory, open: ReadonlyMap<string, string>): string {
  const rows = pipelineOrder(ctx.bundle.platform).map((env) => {
    const now = currentRelease(history, env);
    const runs = now ? `\`${now.release}\`` : "nothing";
    const since = now ? formatUtc(now.date) : "";
    const commit = now ? (now.repo ? `${now.repo}@${now.commit.slice(0, 7)}` : now.commit.slice(0, 7)) : "";
    return `| ${env} | ${runs} | ${since} | ${commit} | ${open.get(env) ?? ""} |`;
  });
  return ["| environment | runs | since | commit | open promotion |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

async function status(ctx: PromotionContext, subjects: Subjects, runtime: CommandDeps["runtimeStatus"]): Promise<string[]> {
  const sections: string[] = [];
  for (const { project, component } of subjects.components) {
    const history = await readComponentHistory(ctx, project, component);
    const open = new Map<string, string>();
    for (const env of ctx.bundle.platform.spec.environments) {
      if (previousEnvironments(ctx.bundle.platform, env.name).length === 0) continue;
      const target = await ctx.resolver.resolve(env);
      const pr = await findOpenPullRequest(ctx.octokit, target.repo, promotionBranch(project, component, env.name), target.git.branch);
      if (pr) open.set(env.name, `[#${pr.number}](${pr.html_url})`);
    }
    const order = pipelineOrder(ctx.bundle.platform);
    const extra = runtime
      ? await runtime({ project, component, environments: order }).catch((e: unknown) => `_Cluster status unavailable: ${errorText(e)}_`)
      : undefined;
    sections.push([`**\`${project}/${component}\`**`, "", historyTable(ctx, history, open), ...(extra ? ["", extra] : [])].join("\n"));
  }
  return sections;
}

async function retry(
  ctx: PromotionContext,
  delivery: DeliveryContext,
  req: CommandRequest,
  pr: PullData,
  subjects: Subjects,
  deps: CommandDeps,
): Promise<{ lines: string[]; ok: boolean }> {
  const { octokit, repo } = req;
  if (subjects.promotion) {
    const p = subjects.promotion;
    const result = await ensurePromotion(ctx, { project: p.project, component: p.component, release: p.release, from: p.from.name, to: p.to.name });
    return { lines: [resultLine(`${p.project}/${p.component}`, result)], ok: opened(result) };
  }
  if (subjects.ferry) return { lines: ["a release pull request has no gates to evaluate again; merge it, or push to the app repository again"], ok: false };
  if (pr.merged && pr.merge_commit_sha) {
    const sha = pr.merge_commit_sha;
    try {
      const outcome = await runRelease({ octokit, repo, sha, trigger: { kind: "push" } }, deps, delivery);
      const next = await promoteReleased(delivery, { repo, sha }, outcome.results, deps);
      const promoted = next.filter((n) => opened(n.result)).map((n) => resultLine(`${n.to}`, n.result));
      return { lines: [`released ${sha.slice(0, 7)} again: \`Ferry / release\` ${outcome.state}`, ...promoted], ok: true };
    } catch (e) {
      return { lines: [`releasing ${sha.slice(0, 7)} again failed: ${errorText(e)}`], ok: true };
    }
  }
  if (pr.state === "open") {
    const head = pr.head.repo ? parseRepoRef(pr.head.repo.full_name) : repo;
    const outcome = await runPreview({ octokit, repo, headRepo: head, number: req.number, headSha: pr.head.sha, baseSha: pr.base.sha }, deps);
    return { lines: [`previewed ${pr.head.sha.slice(0, 7)} again: \`Ferry / validate\` ${outcome.conclusion}`], ok: true };
  }
  return { lines: ["the pull request was closed without merging: there is nothing to retry"], ok: false };
}

/** Carries out the `/ferry` command of a comment; see the module comment. Replies and reacts itself. */
export async function runCommand(req: CommandRequest, deps: CommandDeps): Promise<CommandOutcome> {
  const { octokit, repo, number, comment } = req;
  const parsed = parseCommand(comment.body);
  if (parsed.kind === "none") return { kind: "ignored", reason: "no /ferry command" };
  const log = deps.logger.child({ repo: fullName(repo), pull: number, comment: comment.id, user: comment.login });
  const reply = async (text: string) => {
    await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: text });
  };
  const refuse = async (line: string, reason: string): Promise<CommandOutcome> => {
    const text = `${quote(line)}\n\n@${comment.login} Ferry did not do this: ${reason}\n\nNothing was changed.`;
    await reply(text);
    log.info({ reason }, "command refused");
    return { kind: "refused", reason, reply: text };
  };
  if (parsed.kind === "error") return refuse(parsed.line, parsed.message);
  const { command, line } = parsed;

  const delivery = new DeliveryContext(octokit, deps);
  let ctx: PromotionContext;
  try {
    ctx = await promotionContext(delivery, deps);
  } catch (e) {
    if (e instanceof PlatformUnavailable) return refuse(line, `Ferry cannot read the platform: ${e.message}`);
    throw e;
  }
  const { data: pr } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
  const subjects = await subjectsOf(ctx, repo, pr);
  if ("reason" in subjects) return refuse(line, subjects.reason);

  const permission = await permissionOf(octokit, repo, comment.login);
  const env: Environment | undefined =
    command.verb === "promote" || command.verb === "rollback" ? environmentNamed(ctx, command.env) : command.verb === "retry" ? subjects.ferry?.env : undefined;
  const actor = { login: comment.login, permission };
  const auth = authorize(command, env, actor);
  if (!auth.allowed) return refuse(line, auth.reason);

  let lines: string[];
  let ok: boolean;
  if (command.verb === "promote" || command.verb === "rollback") ({ lines, ok } = await promoteOrRollback(ctx, command, subjects, comment, actor));
  else if (command.verb === "retry") ({ lines, ok } = await retry(ctx, delivery, req, pr, subjects, deps));
  else {
    lines = await status(ctx, subjects, deps.runtimeStatus);
    ok = true;
  }
  if (!ok) return refuse(line, lines.length === 1 ? lines[0]! : `\n${lines.map((l) => `- ${l}`).join("\n")}`);
  const reaction = command.verb === "promote" || command.verb === "rollback" ? "rocket" : "+1";
  await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: reaction });
  const text = `${quote(line)}\n\n@${comment.login} ${command.verb === "status" ? "what each environment runs:" : "done:"}\n\n${command.verb === "status" ? lines.join("\n\n") : lines.map((l) => `- ${l}`).join("\n")}`;
  await reply(text);
  log.info({ verb: command.verb }, "command done");
  return { kind: "accepted", reply: text, reaction };
}
