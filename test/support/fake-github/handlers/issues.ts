/** Issue and pull request comments, their reactions, and labels. */
import { issueCommentJson, labelJson, reactionJson } from "../json.js";
import { HttpError, type IssueCommentRecord, type LabelRecord, type RepoRecord } from "../model.js";
import { actor, bodyOf, created, mustNum, mustStr, notFound, ok, repoOf, str, type Handler, type HandlerContext } from "./types.js";

/** GitHub's limit on comment bodies, in characters. */
export const MAX_COMMENT_LENGTH = 65536;

/** Refuses a comment body over GitHub's limit, as GitHub does (422). */
export function checkCommentLength(body: string, resource = "IssueComment"): void {
  if (body.length > MAX_COMMENT_LENGTH) {
    throw new HttpError(422, "Validation Failed", [
      { resource, code: "custom", field: "body", message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)` },
    ]);
  }
}

function issueNumber(ctx: HandlerContext, repo: RepoRecord): number {
  const n = mustNum(ctx, "issue_number");
  if (!ctx.model.hasIssue(repo, n)) throw notFound();
  return n;
}

function findComment(ctx: HandlerContext): IssueCommentRecord {
  const repo = repoOf(ctx);
  const id = mustNum(ctx, "comment_id");
  const c = ctx.model.state.comments.find((x) => x.id === id && x.repo === repo.fullName && !x.deleted);
  if (!c) throw notFound();
  return c;
}

const listComments: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const n = issueNumber(ctx, repo);
  const since = str(ctx, "since");
  const list = ctx.model.commentsOn(repo.fullName, n).filter((c) => since === undefined || new Date(c.updatedAt) >= new Date(since));
  return ok(
    list.map((c) => issueCommentJson(ctx.model, c)),
    {},
  );
};

const createComment: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const n = issueNumber(ctx, repo);
  const { body } = bodyOf<{ body: string }>(ctx);
  checkCommentLength(body);
  const c = ctx.model.addComment(repo.fullName, n, { user: actor(ctx), body });
  return created(issueCommentJson(ctx.model, c));
};

const getComment: Handler = async (ctx) => ok(issueCommentJson(ctx.model, findComment(ctx)));

const updateComment: Handler = async (ctx) => {
  const c = findComment(ctx);
  const { body } = bodyOf<{ body: string }>(ctx);
  checkCommentLength(body);
  if (c.user !== actor(ctx)) ctx.problem(`edited comment ${c.id} by ${c.user}, not by the app (GitHub allows it, Ferry should not)`);
  c.edits.push(c.body);
  c.body = body;
  c.updatedAt = ctx.model.now();
  return ok(issueCommentJson(ctx.model, c));
};

const deleteComment: Handler = async (ctx) => {
  const c = findComment(ctx);
  if (c.user !== actor(ctx)) ctx.problem(`deleted comment ${c.id} by ${c.user}, not by the app (GitHub allows it, Ferry should not)`);
  c.deleted = true;
  return { status: 204 };
};

const addReaction: Handler = async (ctx) => {
  const c = findComment(ctx);
  const { content } = bodyOf<{ content: string }>(ctx);
  const who = actor(ctx);
  const existing = c.reactions.find((r) => r.user === who && r.content === content);
  if (existing) return ok(reactionJson(ctx.model, existing));
  const r = { id: ctx.model.nextId("reaction"), user: who, content, createdAt: ctx.model.now() };
  c.reactions.push(r);
  return created(reactionJson(ctx.model, r));
};

function labelsOf(ctx: HandlerContext, repo: RepoRecord, n: number): { get: () => string[]; set: (l: string[]) => void } {
  const pr = ctx.model.pull(repo.fullName, n);
  const issue = repo.issues.get(n);
  return {
    get: () => pr?.labels ?? issue?.labels ?? [],
    set: (l) => {
      if (pr) pr.labels = l;
      else if (issue) issue.labels = l;
    },
  };
}

function ensureLabel(ctx: HandlerContext, repo: RepoRecord, name: string): LabelRecord {
  const key = name.toLowerCase();
  let label = repo.labels.get(key);
  if (!label) {
    label = { id: ctx.model.nextId("label"), name, color: "ededed", description: null };
    repo.labels.set(key, label);
  }
  return label;
}

function labelList(ctx: HandlerContext, repo: RepoRecord, names: readonly string[]): unknown[] {
  return names.map((n) => labelJson(ctx.model, repo, ensureLabel(ctx, repo, n)));
}

const addLabels: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const n = issueNumber(ctx, repo);
  const raw = ctx.body;
  const items: unknown[] = Array.isArray(raw)
    ? raw
    : typeof raw === "object" && raw !== null && Array.isArray((raw as { labels?: unknown }).labels)
      ? (raw as { labels: unknown[] }).labels
      : [];
  const names = items.map((i) => (typeof i === "string" ? i : String((i as { name?: unknown }).name ?? "")));
  if (names.some((x) => x.trim() === "")) throw new HttpError(422, "Validation Failed", [{ resource: "Label", field: "name", code: "missing_field" }]);
  const l = labelsOf(ctx, repo, n);
  const current = l.get();
  const next = [...current];
  for (const name of names) {
    const label = ensureLabel(ctx, repo, name);
    if (!next.some((x) => x.toLowerCase() === label.name.toLowerCase())) next.push(label.name);
  }
  l.set(next);
  return ok(labelList(ctx, repo, next));
};

const removeLabel: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const n = issueNumber(ctx, repo);
  const name = mustStr(ctx, "name");
  const l = labelsOf(ctx, repo, n);
  const current = l.get();
  if (!current.some((x) => x.toLowerCase() === name.toLowerCase())) throw notFound("Label does not exist");
  const next = current.filter((x) => x.toLowerCase() !== name.toLowerCase());
  l.set(next);
  return ok(labelList(ctx, repo, next));
};

/** Handlers by contract key. */
export const issueHandlers: Readonly<Record<string, Handler>> = {
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": listComments,
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": createComment,
  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}": getComment,
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": updateComment,
  "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}": deleteComment,
  "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions": addReaction,
  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels": addLabels,
  "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}": removeLabel,
};
