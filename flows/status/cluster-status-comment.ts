/**
 * The one status comment of a rollout in an environment on several clusters: each cluster's watch
 * writes its report into it (presentation/markdown/status-comment.ts `renderClusterStatusComment`),
 * under the environment's aggregate line over the clusters of the rollout. Marker
 * `<!-- ferry:status:<env>:<project>/<component> -->`, as for an environment on one cluster.
 */
import type { GitHub } from "../../adapters/github/types.js";
import { aggregateClusterHealth } from "../../core/status/cluster-environment.js";
import type { ComponentKey } from "../../core/status/components.js";
import { reasonText } from "../../core/status/overview.js";
import { renderClusterStatusComment, statusCommentKey, type StatusCommentInput } from "../../presentation/markdown/status-comment.js";
import { StatusCommentWriter, type CommentTarget } from "./status-comment-writer.js";

/** Where a rollout writer puts its status comment (a {@link StatusCommentWriter}, or one cluster's part of a {@link ClusterStatusComment}). */
export interface CommentSink {
  write(input: Omit<StatusCommentInput, "updatedAt">, now: Date): Promise<void>;
  readonly url: string | undefined;
}

/** See the module comment. */
export class ClusterStatusComment {
  private readonly writer: StatusCommentWriter;
  private readonly inputs = new Map<string, Omit<StatusCommentInput, "updatedAt">>();

  /** @param clusters every cluster of the environment, in wave order */
  constructor(
    github: GitHub,
    target: CommentTarget,
    private readonly key: ComponentKey,
    private readonly clusters: readonly string[],
  ) {
    this.writer = new StatusCommentWriter(github, target);
  }

  /** The part of `cluster`: writing it rewrites the comment with every cluster's latest report. */
  sink(cluster: string): CommentSink {
    const writer = this.writer;
    return {
      write: (input, now) => {
        this.inputs.set(cluster, input);
        return this.flush(now);
      },
      get url() {
        return writer.url;
      },
    };
  }

  /** The comment's URL, once written. */
  get url(): string | undefined {
    return this.writer.url;
  }

  private async flush(now: Date): Promise<void> {
    const watched = this.clusters.flatMap((name) => {
      const input = this.inputs.get(name);
      return input ? [{ name, input }] : [];
    });
    const aggregate = aggregateClusterHealth(
      watched.map(({ name, input }) => ({
        cluster: name,
        report: {
          status: input.health.status,
          ...(input.health.release !== undefined ? { release: input.health.release } : {}),
          detail: reasonText(input.health) || input.health.message,
        },
      })),
    );
    const render = (at?: Date): string =>
      renderClusterStatusComment({
        key: this.key,
        aggregate,
        clusters: this.clusters.map((name) => {
          const input = this.inputs.get(name);
          return { name, input: input ? { ...input, ...(at ? { updatedAt: at } : {}) } : undefined };
        }),
      });
    await this.writer.writeRendered(statusCommentKey(this.key), render(), () => render(now));
  }
}
