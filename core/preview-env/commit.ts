/**
 * The GitOps commits of a preview environment: one writing its folder (exactly the decided files),
 * one deleting it. Trailers like a release commit's, plus `Ferry-Preview`. Pure.
 */
import type { DirectoryChange } from "../gitops/request.js";
import type { Trailers } from "../gitops/trailers.js";
import { NO_RELEASE, TRAILERS } from "../gitops/trailers.js";
import type { PreviewDecision, PreviewPull } from "./decide.js";
import { previewDir } from "./layout.js";
import { previewTrailer } from "./records.js";

/** What one preview commit writes. */
export interface PreviewCommitContent {
  readonly changes: readonly DirectoryChange[];
  readonly message: string;
  readonly trailers: Trailers;
}

/** The commit writing a decided preview's folder. */
export function previewCommitContent(decision: Extract<PreviewDecision, { kind: "preview" }>, pull: PreviewPull): PreviewCommitContent {
  const keys = decision.components.map((c) => c.key);
  return {
    changes: [{ dir: decision.dir, files: decision.files, prune: true }],
    message: `preview ${previewTrailer(pull.repo, pull.number)}: ${keys.join(", ")}\n\nThe pull request's changed components in ${decision.namespaces.join(", ")}, on ${decision.cluster !== undefined ? `${decision.from}'s cluster ${decision.cluster}` : `${decision.from}'s cluster`}.`,
    trailers: {
      [TRAILERS.preview]: previewTrailer(pull.repo, pull.number),
      [TRAILERS.component]: keys,
      [TRAILERS.release]: decision.components.map((c) => c.release),
      [TRAILERS.environment]: decision.from,
      [TRAILERS.source]: `${pull.repo}@${pull.headSha}`,
    },
  };
}

/** The commit deleting a preview's folder, saying why. */
export function previewRemovalContent(repo: string, pr: number, from: string, why: string): PreviewCommitContent {
  return {
    changes: [{ dir: previewDir(pr), files: new Map(), prune: true }],
    message: `preview ${previewTrailer(repo, pr)} removed\n\n${why}`,
    trailers: {
      [TRAILERS.preview]: previewTrailer(repo, pr),
      [TRAILERS.release]: NO_RELEASE,
      [TRAILERS.environment]: from,
    },
  };
}
