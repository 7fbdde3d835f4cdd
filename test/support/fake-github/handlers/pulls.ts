/** Pull requests: list, open, read, edit, files, commits, reviews, review requests and merge. */
import { commitJson, diffEntryJson, pullJson, reviewJson, type PullStats } from "../json.js";
import { HttpError, type GitHubModel, type PullRequestRecord } from "../model.js";
import { actor, bodyOf, created, invalid, mustNum, notFound, ok, repoOf, str, type Handler, type HandlerContext } from "./types.js";

async function findPull(ctx: HandlerContext): Promise<PullRequestRecord> {
  const repo = repoOf(ctx);
  const pr = ctx.model.pull(repo.fullName, mustNum(ctx, "pull_number"));
  if (!pr) throw notFound();
  await ctx.model.refreshPull(pr);
  return pr;
}

/** Commit count, line counts and mergeability of a pull request, from git. */
export async function pullStats(m: GitHubModel, pr: PullRequestRecord): Promise<PullStats> {
  const git = m.mustRepo(pr.repo).git;
  const mergeBase = await git.mergeBase(pr.base.sha, pr.head.sha);
  const files = await git.diff(mergeBase, pr.head.sha);
  const commits = await git.log(pr.head.sha, { exclude: pr.base.sha });
  const mergeable = pr.state === "open" ? (await git.mergeTree(pr.base.sha, pr.head.sha)) !== undefined : null;
  return {
    commits: pr.mergedAt ? Math.max(commits.length, 1) : commits.length,
    additions: files.reduce((n, f) => n + (f.additions ?? 0), 0),
    deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
    changedFiles: files.length,
    mergeable,
  };
}

async function fullPull(ctx: HandlerContext, pr: PullRequestRecord): Promise<Record<string, unknown>> {
  return pullJson(ctx.model, pr, await pullStats(ctx.model, pr));
}

const listPulls: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const state = str(ctx, "state") ?? "open";
  const head = str(ctx, "head");
  const base = str(ctx, "base");
  let list = m.pullsIn(repo.fullName).filter((p) => state === "all" || p.state === state);
  for (const p of list) await m.refreshPull(p);
  if (head !== undefined) {
    if (!head.includes(":")) {
      ctx.problem(`head filter "${head}" is not "owner:branch"; GitHub ignores it and lists every pull request`);
    } else {
      const [owner = "", ref = ""] = head.split(":", 2);
      list = list.filter((p) => m.mustRepo(p.head.repo).owner.toLowerCase() === owner.toLowerCase() && p.head.ref === ref);
    }
  }
  if (base !== undefined) list = list.filter((p) => p.base.ref === base);
  const sort = str(ctx, "sort") ?? "created";
  const direction = str(ctx, "direction") ?? (sort === "created" ? "desc" : "asc");
  const keyOf = (p: PullRequestRecord): number =>
    sort === "updated"
      ? Date.parse(p.updatedAt)
      : sort === "popularity"
        ? m.commentsOn(p.repo, p.number).length
        : sort === "long-running"
          ? -Date.parse(p.createdAt)
          : Date.parse(p.createdAt);
  list = [...list].sort((a, b) => keyOf(a) - keyOf(b) || a.number - b.number);
  if (direction === "desc") list.reverse();
  return ok(
    list.map((p) => pullJson(m, p)),
    {},
  );
};

const createPull: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const body = bodyOf<{
    title?: string;
    head: string;
    base: string;
    body?: string;
    draft?: boolean;
    maintainer_can_modify?: boolean;
    head_repo?: string;
    issue?: number;
  }>(ctx);
  if (body.title === undefined && body.issue === undefined) throw invalid("PullRequest", "title", "missing_field");
  if (body.issue !== undefined) throw new HttpError(422, "The fake does not convert issues into pull requests");
  const head = body.head_repo && !body.head.includes(":") ? `${body.head_repo.split("/")[0] ?? ""}:${body.head}` : body.head;
  const pr = await ctx.model.openPullRequest(
    repo.fullName,
    { head, base: body.base, title: body.title ?? "", body: body.body ?? null, draft: body.draft ?? false },
    actor(ctx),
  );
  pr.maintainerCanModify = body.maintainer_can_modify ?? true;
  return created(await fullPull(ctx, pr));
};

const getPull: Handler = async (ctx) => ok(await fullPull(ctx, await findPull(ctx)));

const updatePull: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const pr = await findPull(ctx);
  const body = bodyOf<{ title?: string; body?: string; state?: "open" | "closed"; base?: string; maintainer_can_modify?: boolean }>(ctx);
  if (body.base !== undefined && body.base !== pr.base.ref) {
    if (pr.state !== "open") throw invalid("PullRequest", "base", "invalid", "Cannot change the base branch of a closed pull request.");
    if (!(await repo.git.refSha(`refs/heads/${body.base}`))) throw invalid("PullRequest", "base", "invalid");
  }
  if (body.state === "open" && pr.state === "closed") {
    if (pr.mergedAt)
      throw new HttpError(422, "Validation Failed", [{ resource: "PullRequest", code: "custom", message: "Cannot reopen a merged pull request" }]);
    if (!(await ctx.model.headRepo(pr).git.refSha(`refs/heads/${pr.head.ref}`))) {
      throw new HttpError(422, "Validation Failed", [
        { resource: "PullRequest", code: "custom", message: "state cannot be changed. The head branch was deleted." },
      ]);
    }
  }
  const now = ctx.model.now();
  if (body.title !== undefined) pr.title = body.title;
  if (body.body !== undefined) pr.body = body.body;
  if (body.maintainer_can_modify !== undefined) pr.maintainerCanModify = body.maintainer_can_modify;
  if (body.base !== undefined) pr.base.ref = body.base;
  if (body.state === "closed" && pr.state === "open") {
    pr.state = "closed";
    pr.closedAt = now;
  } else if (body.state === "open" && pr.state === "closed") {
    pr.state = "open";
    pr.closedAt = null;
  }
  pr.updatedAt = now;
  await ctx.model.refreshPull(pr);
  return ok(await fullPull(ctx, pr));
};

const listFiles: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const pr = await findPull(ctx);
  const mergeBase = await repo.git.mergeBase(pr.base.sha, pr.head.sha);
  const files = await repo.git.diff(mergeBase, pr.head.sha);
  return ok(
    files.map((f) => diffEntryJson(ctx.model, repo, pr.head.sha, f)),
    {},
  );
};

const listPullCommits: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const pr = await findPull(ctx);
  const commits = (await repo.git.log(pr.head.sha, { exclude: pr.base.sha })).reverse();
  return ok(
    commits.map((c) => commitJson(ctx.model, repo, c)),
    {},
  );
};

const listReviews: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const n = mustNum(ctx, "pull_number");
  if (!ctx.model.pull(repo.fullName, n)) throw notFound();
  const reviews = ctx.model.state.reviews.filter((r) => r.repo === repo.fullName && r.pullNumber === n);
  return ok(
    reviews.map((r) => reviewJson(ctx.model, r)),
    {},
  );
};

const requestReviewers: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const pr = await findPull(ctx);
  const body = bodyOf<{ reviewers?: string[]; team_reviewers?: string[] }>(ctx);
  const reviewers = body.reviewers ?? [];
  const teams = body.team_reviewers ?? [];
  if (reviewers.some((r) => r.toLowerCase() === pr.user.toLowerCase())) {
    throw new HttpError(422, "Review cannot be requested from pull request author.");
  }
  const notCollaborator = reviewers.filter((r) => m.roleOf(repo, r) === "none" || !repo.collaborators.has(r.toLowerCase()));
  const unknownTeams = teams.filter((t) => !m.team(repo.owner, t));
  if (notCollaborator.length > 0 || unknownTeams.length > 0) {
    throw new HttpError(
      422,
      `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.fullName} repository.`,
    );
  }
  for (const r of reviewers) if (!pr.requestedReviewers.includes(m.user(r).login)) pr.requestedReviewers.push(m.user(r).login);
  for (const t of teams) if (!pr.requestedTeams.includes(t)) pr.requestedTeams.push(t);
  pr.updatedAt = m.now();
  return created(pullJson(m, pr));
};

const merge: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const pr = await findPull(ctx);
  const body = bodyOf<{ commit_title?: string; commit_message?: string; sha?: string; merge_method?: "merge" | "squash" | "rebase" }>(ctx);
  if (pr.state !== "open") throw new HttpError(405, "Pull Request is not mergeable");
  if (body.sha !== undefined && body.sha !== pr.head.sha) throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
  if (pr.draft) throw new HttpError(405, "Pull Request is still a draft");
  const method = body.merge_method ?? "merge";
  const baseSha = pr.base.sha;
  const headSha = pr.head.sha;
  const tree = await repo.git.mergeTree(baseSha, headSha);
  if (!tree) throw new HttpError(405, "Pull Request is not mergeable");
  const bot = m.user(actor(ctx));
  const now = m.now();
  const author = { name: bot.login, email: `${bot.id}+${bot.login}@users.noreply.github.localhost`, date: now };
  const committer = { name: "GitHub", email: "noreply@github.localhost", date: now };
  const head = m.headRepo(pr);
  let sha: string;
  if (method === "merge") {
    const title = body.commit_title ?? `Merge pull request #${pr.number} from ${head.owner}/${pr.head.ref}`;
    const message = body.commit_message ?? pr.title;
    sha = await repo.git.commitTree(tree, [baseSha, headSha], message ? `${title}\n\n${message}` : title, author, committer);
  } else if (method === "squash") {
    const commits = (await repo.git.log(headSha, { exclude: baseSha })).reverse();
    const title = body.commit_title ?? `${pr.title} (#${pr.number})`;
    const message = body.commit_message ?? commits.map((c) => `* ${c.message}`).join("\n\n");
    sha = await repo.git.commitTree(tree, [baseSha], message ? `${title}\n\n${message}` : title, author, committer);
  } else {
    if (!(await repo.git.isAncestor(baseSha, headSha))) throw new HttpError(405, "This branch can't be rebased");
    sha = headSha;
  }
  if (!(await repo.git.updateRef(`refs/heads/${pr.base.ref}`, sha, baseSha))) {
    throw new HttpError(409, "Base branch was modified. Review and try the merge again.");
  }
  pr.state = "closed";
  pr.closedAt = now;
  pr.mergedAt = now;
  pr.updatedAt = now;
  pr.mergedBy = bot.login;
  pr.mergeCommitSha = sha;
  if (repo.deleteBranchOnMerge && head === repo) await repo.git.deleteRef(`refs/heads/${pr.head.ref}`);
  ctx.after(() => m.notifyMerge(pr));
  return ok({ sha, merged: true, message: "Pull Request successfully merged" });
};

/** Handlers by contract key. */
export const pullHandlers: Readonly<Record<string, Handler>> = {
  "GET /repos/{owner}/{repo}/pulls": listPulls,
  "POST /repos/{owner}/{repo}/pulls": createPull,
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": getPull,
  "PATCH /repos/{owner}/{repo}/pulls/{pull_number}": updatePull,
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": listFiles,
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits": listPullCommits,
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews": listReviews,
  "POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers": requestReviewers,
  "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge": merge,
};
