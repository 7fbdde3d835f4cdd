/**
 * Upserting a (possibly multi-part) comment on an issue, a pull request or a commit, found by its
 * hidden marker: existing parts are edited (only when their text changed), missing ones created,
 * parts no longer needed deleted. Running it twice with the same text changes nothing.
 */
import type { GitHub, RepoRef } from "./types.js";
import { markerPart } from "../../core/comments/markers.js";

/** The issue or pull request a comment belongs to. */
export interface IssueRef extends RepoRef {
  readonly issue_number: number;
}

/** The commit a commit comment belongs to. */
export interface CommitRef extends RepoRef {
  readonly commit_sha: string;
}

/** The fields of a listed comment Ferry looks at. */
export interface ListedComment {
  readonly id: number;
  readonly body?: string | null;
  readonly html_url?: string;
  readonly user?: { readonly login: string; readonly type?: string } | null;
  readonly performed_via_github_app?: { readonly id: number } | null;
}

/** Options of {@link upsertComment}. */
export interface UpsertOptions {
  /** Whether a comment was written by Ferry (others are never edited). @default the author is a bot */
  readonly isOurs?: (comment: ListedComment) => boolean;
}

/** What an upsert did. */
export interface UpsertResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly deleted: number;
  /** URL of the first part. */
  readonly url: string | undefined;
}

/** Ferry's own comments: written by a bot account (the app's installation). */
export function writtenByBot(comment: ListedComment): boolean {
  return comment.user?.type === "Bot";
}

/** Where comments live: an issue or pull request's conversation, or a commit's comments. */
interface CommentThread {
  list(): Promise<ListedComment[]>;
  create(body: string): Promise<{ html_url?: string }>;
  update(id: number, body: string): Promise<{ html_url?: string }>;
  remove(id: number): Promise<void>;
}

function issueThread(octokit: GitHub, issue: IssueRef): CommentThread {
  const repo = { owner: issue.owner, repo: issue.repo };
  return {
    list: async () => (await octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 })) as ListedComment[],
    create: async (body) => (await octokit.rest.issues.createComment({ ...issue, body })).data,
    update: async (comment_id, body) => (await octokit.rest.issues.updateComment({ ...repo, comment_id, body })).data,
    remove: async (comment_id) => void (await octokit.rest.issues.deleteComment({ ...repo, comment_id })),
  };
}

function commitThread(octokit: GitHub, commit: CommitRef): CommentThread {
  const repo = { owner: commit.owner, repo: commit.repo };
  return {
    list: async () => (await octokit.paginate(octokit.rest.repos.listCommentsForCommit, { ...commit, per_page: 100 })) as ListedComment[],
    create: async (body) => (await octokit.rest.repos.createCommitComment({ ...commit, body })).data,
    update: async (comment_id, body) => (await octokit.rest.repos.updateCommitComment({ ...repo, comment_id, body })).data,
    remove: async (comment_id) => void (await octokit.rest.repos.deleteCommitComment({ ...repo, comment_id })),
  };
}

/**
 * Makes the comment `key` on `issue` read `parts` (each already starting with its marker line,
 * see {@link commentMarker}). Duplicated parts (two replicas racing) are reduced to the oldest.
 */
export function upsertComment(octokit: GitHub, issue: IssueRef, key: string, parts: readonly string[], opts: UpsertOptions = {}): Promise<UpsertResult> {
  return upsertIn(issueThread(octokit, issue), key, parts, opts);
}

/** {@link upsertComment} for a commit's comments (a release pushed straight to the default branch, with no pull request). */
export function upsertCommitComment(
  octokit: GitHub,
  commit: CommitRef,
  key: string,
  parts: readonly string[],
  opts: UpsertOptions = {},
): Promise<UpsertResult> {
  return upsertIn(commitThread(octokit, commit), key, parts, opts);
}

async function upsertIn(thread: CommentThread, key: string, parts: readonly string[], opts: UpsertOptions): Promise<UpsertResult> {
  if (parts.length === 0) throw new Error("upsertComment needs at least one part");
  const isOurs = opts.isOurs ?? writtenByBot;
  const listed = await thread.list();
  const existing = new Map<number, ListedComment>();
  const surplus: ListedComment[] = [];
  for (const c of [...listed].sort((a, b) => a.id - b.id)) {
    const part = markerPart(c.body, key);
    if (part === undefined || !isOurs(c)) continue;
    if (existing.has(part) || part > parts.length) surplus.push(c);
    else existing.set(part, c);
  }
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  let url: string | undefined;
  for (const [i, body] of parts.entries()) {
    const current = existing.get(i + 1);
    if (current && current.body === body) {
      unchanged++;
      url ??= current.html_url;
    } else if (current) {
      const data = await thread.update(current.id, body);
      updated++;
      url ??= data.html_url;
    } else {
      const data = await thread.create(body);
      created++;
      url ??= data.html_url;
    }
  }
  for (const c of surplus) await thread.remove(c.id);
  return { created, updated, unchanged, deleted: surplus.length, url };
}

/** Posts a new comment on an issue or pull request (for a reply that is never edited later). */
export async function createIssueComment(octokit: GitHub, issue: IssueRef, body: string): Promise<void> {
  await octokit.rest.issues.createComment({ ...issue, body });
}

/** Posts a new comment on a commit. */
export async function createCommitComment(octokit: GitHub, commit: CommitRef, body: string): Promise<void> {
  await octokit.rest.repos.createCommitComment({ ...commit, body });
}

/** A reaction GitHub lets one put on a comment. */
export type CommentReaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** Reacts to a comment on an issue or pull request. */
export async function reactToIssueComment(octokit: GitHub, repo: RepoRef, comment_id: number, content: CommentReaction): Promise<void> {
  await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id, content });
}
