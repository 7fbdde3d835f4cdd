/**
 * Writes one rollout's status comment on its pull request: one comment per pull request and
 * environment/component, found by its hidden marker (`<!-- ferry:status:<env>:<project>/<component> -->`),
 * edited only when its content (everything but the "Last update" time) changes.
 */
import { upsertComment } from "../../adapters/github/comments.js";
import type { GitHub } from "../../adapters/github/types.js";
import { commentMarker } from "../../core/comments/markers.js";
import { splitMarkdown } from "../../core/comments/split.js";
import { renderStatusComment, statusCommentKey, type StatusCommentInput } from "../../core/status/comment.js";
import { parseRepoRef } from "../config.js";

/** The pull request that gets the comment: `owner/name` and number. */
export interface CommentedPullRequest {
  readonly repo: string;
  readonly number: number;
}

/** Keeps the status comment of one rollout up to date. */
export class StatusCommentWriter {
  private written: string | undefined;
  private commentUrl: string | undefined;

  constructor(
    private readonly github: GitHub,
    private readonly pr: CommentedPullRequest,
  ) {}

  /** The comment's URL, once written. */
  get url(): string | undefined {
    return this.commentUrl;
  }

  /** Writes the comment for `input` (stamped `now`) unless its content is what was last written. Throws when GitHub fails (the next call tries again). */
  async write(input: Omit<StatusCommentInput, "updatedAt">, now: Date): Promise<void> {
    const content = renderStatusComment(input);
    if (content === this.written) return;
    const key = statusCommentKey(input.key);
    const parts = splitMarkdown(renderStatusComment({ ...input, updatedAt: now }), { header: (n) => commentMarker(key, n) });
    const result = await upsertComment(this.github, { ...parseRepoRef(this.pr.repo), issue_number: this.pr.number }, key, parts);
    this.written = content;
    if (result.url) this.commentUrl = result.url;
  }
}
