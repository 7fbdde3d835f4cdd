/**
 * `/ferry` commands in pull request comments, the I/O side: which components a comment is about,
 * whether its author may give the command, and carrying it out. Parsing and permission rules are
 * in core/promotion/commands.ts, the pipeline's in core/promotion/pipeline.ts.
 *
 * Which components: on one of Ferry's pull requests in a GitOps repository, the component its
 * branch names; on an app repository's pull request, every component the repository declares at
 * the pull request's head commit.
 *
 * Permission (GitHub's `role_name`, against the named environment's `commandPermission`; `/ferry
 * status` needs read): `promote`, `rollback` and `status` are judged on each component's app
 * repository (`appRepositoryOf`), as the portal and the MCP tools judge them, whichever repository
 * the comment is in. A promotion or rollback any component of which the commenter may not ask for
 * is refused as a whole, before anything is read or written; `/ferry status` leaves out every
 * component whose app repository the commenter cannot read, saying only that some are not shown.
 * `/ferry retry` repeats Ferry's own work on the pull request it is on (evaluate the gates again,
 * release or preview again) and is judged on the repository the comment is in.
 *
 * `promote` and `rollback` go through flows/promotion/requests.ts, the code path the CLI and the MCP
 * tools share. A refused command changes nothing and gets a reply saying why; an accepted one gets a reaction
 * (rocket for promote and rollback, +1 otherwise) and a reply with the links.
 */
import type { Environment } from "../../renderers/model/index.js";
import type { FlowServices } from "../services.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName, sameRepo } from "../../adapters/github/types.js";
import { findOpenPullRequest, getPullRequest } from "../../adapters/github/pulls.js";
import type { PullRequest } from "../../adapters/github/pulls.js";
import { createIssueComment, reactToIssueComment } from "../../adapters/github/comments.js";
import { runPreview } from "../preview/run.js";
import { declaredComponents, readAppFiles } from "../release/inputs.js";
import { runRelease } from "../release/run.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import type { Actor, Command, UserPermission } from "../../core/promotion/commands.js";
import { authorize, parseCommand, PERMISSION_RANK, permits } from "../../core/promotion/commands.js";
import { RunContext } from "../run-context.js";
import { promoteReleased } from "./triggers.js";
import type { ComponentHistory } from "../../core/history.js";
import { currentRelease } from "../../core/history.js";
import { formatUtc } from "../../core/time.js";
import type { PromotionContext } from "./context.js";
import { environmentNamed, promotionContext } from "./context.js";
import { errorText, PlatformUnavailable } from "../errors.js";
import { permissionOf, readComponentHistory } from "./reads.js";
import { pipelineOrder, previousEnvironments } from "../../core/promotion/pipeline.js";
import type { FerryPull, IdentifiedPromotion } from "../../core/promotion/pr.js";
import { ferryPullOf, parseFerryBranch, promotionBranch } from "../../core/promotion/pr.js";
import { wavesOf } from "../../core/promotion/waves.js";
import { clustersOf } from "../../renderers/model/index.js";
import type { PromotionResult } from "./promote.js";
import { resultLine } from "./result-line.js";
import { ensurePromotion } from "./promote.js";
import { branchIdentity } from "./judging.js";
import { appRepositoryOf, requestPromotion } from "./requests.js";

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
  FlowServices,
  "clock" | "gitops" | "cacheDir" | "logger" | "platformRepo" | "platforms" | "builtins" | "health" | "botLogin" | "appId" | "onReleaseLanded" | "runtimeStatus"
>;

type PullData = PullRequest;

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

/** A component a comment is about, and the commenter as judged on its app repository. */
interface JudgedComponent {
  readonly project: string;
  readonly component: string;
  readonly actor: Actor;
}

/**
 * The commenter's role on each component's app repository (`appRepositoryOf`: what the portal
 * and the MCP tools judge on). When the app repository cannot be told (a project of several
 * repositories whose component was never released), the lowest of their roles on the project's
 * repositories. The actor names the repository only when it is not the one the comment is in.
 */
async function judgeComponents(ctx: PromotionContext, commented: RepoRef, login: string, subjects: Subjects): Promise<JudgedComponent[]> {
  const roles = new Map<string, Promise<UserPermission>>();
  const roleOn = (repo: RepoRef) => {
    const key = fullName(repo).toLowerCase();
    if (!roles.has(key)) roles.set(key, permissionOf(ctx.octokit, repo, login));
    return roles.get(key)!;
  };
  const out: JudgedComponent[] = [];
  for (const { project, component } of subjects.components) {
    const app = await appRepositoryOf(ctx, project, component);
    const declared = ctx.bundle.platform.spec.projects.find((p) => p.name === project)?.repos ?? [];
    let judged: { readonly repo: RepoRef; readonly permission: UserPermission } | undefined;
    for (const repo of app ? [app] : declared.map((r) => parseRepoRef(r))) {
      const permission = await roleOn(repo);
      if (!judged || PERMISSION_RANK[permission] < PERMISSION_RANK[judged.permission]) judged = { repo, permission };
    }
    const where = judged ? (sameRepo(judged.repo, commented) ? undefined : fullName(judged.repo)) : `${project}/${component}`;
    out.push({ project, component, actor: { login, permission: judged?.permission ?? "none", ...(where ? { repo: where } : {}) } });
  }
  return out;
}

const opened = (r: PromotionResult) => !("reason" in r);

async function promoteOrRollback(
  ctx: PromotionContext,
  command: Extract<Command, { verb: "promote" | "rollback" }>,
  judged: readonly JudgedComponent[],
  comment: CommandComment,
): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  let ok = false;
  for (const { project, component, actor } of judged) {
    const name = `${project}/${component}`;
    const ask = {
      verb: command.verb,
      project,
      component,
      env: command.env,
      ...(command.release ? { release: command.release } : {}),
      ...(command.verb === "promote" && command.breakGlass !== undefined ? { breakGlass: command.breakGlass } : {}),
    };
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

/** What a person who cannot read some components' app repositories is told of them: only that they exist. */
export const HIDDEN_COMPONENTS = "_Some components of this pull request are not shown: you cannot read their app repositories._";

async function status(ctx: PromotionContext, shown: readonly JudgedComponent[], runtime: CommandDeps["runtimeStatus"]): Promise<string[]> {
  const sections: string[] = [];
  for (const { project, component } of shown) {
    const history = await readComponentHistory(ctx, project, component);
    const open = new Map<string, string>();
    for (const env of ctx.bundle.platform.spec.environments) {
      if (previousEnvironments(ctx.bundle.platform, env.name).length === 0) continue;
      const target = await ctx.resolver.resolve(env);
      // An environment in waves: its open promotion is one wave's.
      const waves = wavesOf(clustersOf(env));
      const branches =
        waves.length > 1 ? waves.map((w) => promotionBranch(project, component, env.name, w.wave)) : [promotionBranch(project, component, env.name)];
      for (const branch of branches) {
        const pr = await findOpenPullRequest(ctx.octokit, target.repo, branch, target.git.branch);
        if (pr) open.set(env.name, `[#${pr.number}](${pr.html_url})`);
      }
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
  delivery: RunContext,
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
    const head = pr.head.repo ? parseRepoRef(pr.head.repo.full_name) : undefined;
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
    await createIssueComment(octokit, { ...repo, issue_number: number }, text);
  };
  const refuse = async (line: string, reason: string): Promise<CommandOutcome> => {
    const text = `${quote(line)}\n\n@${comment.login} Ferry did not do this: ${reason}\n\nNothing was changed.`;
    await reply(text);
    log.info({ reason }, "command refused");
    return { kind: "refused", reason, reply: text };
  };
  if (parsed.kind === "error") return refuse(parsed.line, parsed.message);
  const { command, line } = parsed;

  const delivery = new RunContext(octokit, deps);
  let ctx: PromotionContext;
  try {
    ctx = await promotionContext(delivery, deps);
  } catch (e) {
    if (e instanceof PlatformUnavailable) return refuse(line, `Ferry cannot read the platform: ${e.message}`);
    throw e;
  }
  const pr = await getPullRequest(octokit, repo, number);
  const subjects = await subjectsOf(ctx, repo, pr);
  if ("reason" in subjects) return refuse(line, subjects.reason);

  let lines: string[];
  let ok: boolean;
  if (command.verb === "retry") {
    const actor = { login: comment.login, permission: await permissionOf(octokit, repo, comment.login) };
    const auth = authorize(command, subjects.ferry?.env, actor);
    if (!auth.allowed) return refuse(line, auth.reason);
    ({ lines, ok } = await retry(ctx, delivery, req, pr, subjects, deps));
  } else {
    const env: Environment | undefined = command.verb === "status" ? undefined : environmentNamed(ctx, command.env);
    if (command.verb !== "status" && !env) return refuse(line, `there is no environment ${JSON.stringify(command.env)} in the platform`);
    const judged = await judgeComponents(ctx, repo, comment.login, subjects);
    const refusals = judged.flatMap((j) => {
      const auth = authorize(command, env, j.actor);
      return auth.allowed ? [] : [{ name: `${j.project}/${j.component}`, reason: auth.reason }];
    });
    if (command.verb === "status") {
      const shown = judged.filter((j) => permits(j.actor.permission, "read"));
      if (shown.length === 0) {
        const reason =
          judged.length === 1 ? refusals[0]!.reason : `@${comment.login} cannot read the app repository of any component this pull request is about`;
        return refuse(line, reason);
      }
      lines = await status(ctx, shown, deps.runtimeStatus);
      if (shown.length < judged.length) lines.push(HIDDEN_COMPONENTS);
      ok = true;
    } else {
      // All or nothing: a command any component of which the commenter may not give changes nothing.
      if (refusals.length > 0) {
        return refuse(line, judged.length === 1 ? refusals[0]!.reason : `\n${refusals.map((r) => `- \`${r.name}\`: ${r.reason}`).join("\n")}`);
      }
      ({ lines, ok } = await promoteOrRollback(ctx, command, judged, comment));
    }
  }
  if (!ok) return refuse(line, lines.length === 1 ? lines[0]! : `\n${lines.map((l) => `- ${l}`).join("\n")}`);
  const reaction = command.verb === "promote" || command.verb === "rollback" ? "rocket" : "+1";
  await reactToIssueComment(octokit, repo, comment.id, reaction);
  const text = `${quote(line)}\n\n@${comment.login} ${command.verb === "status" ? "what each environment runs:" : "done:"}\n\n${command.verb === "status" ? lines.join("\n\n") : lines.map((l) => `- ${l}`).join("\n")}`;
  await reply(text);
  log.info({ verb: command.verb }, "command done");
  return { kind: "accepted", reply: text, reaction };
}
