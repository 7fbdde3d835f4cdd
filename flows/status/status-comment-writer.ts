/**
 * Writes one rollout's status comment on its pull request, or on its commit when it has none (a
 * direct push): one comment per pull request (commit) and environment/component, found by its hidden marker (`<!-- ferry:status:<env>:<project>/<component> -->`),
 * edited only when its content (everything but the "Last update" time) changes.
 */
import { upsertComment, upsertCommitComment } from "../../adapters/github/comments.js";
import type { GitHub } from "../../adapters/github/types.js";
import { commentMarker } from "../../core/comments/markers.js";
import { splitMarkdown } from "../../presentation/markdown/split.js";
import { renderStatusComment, statusCommentKey, type StatusCommentInput } from "../../presentation/markdown/status-comment.js";
import { parseRepoRef } from "../../adapters/github/types.js";

/** What gets the comment: a pull request (`owner/name` and number) or a commit (`owner/name` and sha). */
export type CommentTarget = { readonly repo: string; readonly number: number } | { readonly repo: string; readonly sha: string };

/** Keeps the status comment of one rollout up to date. */
export class StatusCommentWriter {
  private written: string | undefined;
  private commentUrl: string | undefined;

  constructor(
    private readonly github: GitHub,
    private readonly target: CommentTarget,
  ) {}

  /** The comment's URL, once written. */
  get url(): string | undefined {
    return this.commentUrl;
  }

  /** Writes the comment for `input` (stamped `now`) unless its content is what was last written. Throws when GitHub fails (the next call tries again). */
  async write(input: Omit<StatusCommentInput, "updatedAt">, now: Date): Promise<void> {
    await this.writeRendered(statusCommentKey(input.key), renderStatusComment(input), () => renderStatusComment({ ...input, updatedAt: now }));
  }

  /** Writes the comment of marker `key` as `stamped()` renders it, unless `content` (the same without the time) is what was last written. */
  async writeRendered(key: string, content: string, stamped: () => string): Promise<void> {
    if (content === this.written) return;
    const parts = splitMarkdown(stamped(), { header: (n) => commentMarker(key, n) });
    const repo = parseRepoRef(this.target.repo);
    const result =
      "number" in this.target
        ? await upsertComment(this.github, { ...repo, issue_number: this.target.number }, key, parts)
        : await upsertCommitComment(this.github, { ...repo, commit_sha: this.target.sha }, key, parts);
    this.written = content;
    if (result.url) this.commentUrl = result.url;
  }
}
