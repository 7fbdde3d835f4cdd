/** Reading the previews a GitOps target holds: the files under `previews/` and each folder's commits. */
import type { Pricing } from "../../renderers/model/index.js";
import { PREVIEWS_ROOT, previewNumber } from "../../core/preview-env/layout.js";
import { previewRecords } from "../../core/preview-env/records.js";
import type { PreviewCommit, PreviewRecord } from "../../core/preview-env/records.js";
import type { GitTarget } from "../../core/gitops/request.js";
import type { GitopsReader } from "./port.js";

/** Commits read per preview folder: enough to find its creation after a removal. */
export const PREVIEW_HISTORY_LIMIT = 50;

/** Every preview of `target`'s branch, by pull request number. */
export async function readPreviews(reader: GitopsReader, target: GitTarget, pricing: Pricing, cacheDir: string | undefined): Promise<PreviewRecord[]> {
  const files = await reader.readFiles({ target, paths: [PREVIEWS_ROOT], cacheDir });
  const numbers = new Set<number>();
  for (const path of files.keys()) {
    const n = previewNumber(path.split("/")[1] ?? "");
    if (n !== undefined) numbers.add(n);
  }
  const histories = new Map<number, readonly PreviewCommit[]>();
  // One at a time: one repository, one cached clone.
  for (const n of [...numbers].sort((a, b) => a - b)) {
    histories.set(n, await reader.readHistory({ target, path: `${PREVIEWS_ROOT}/pr-${n}`, limit: PREVIEW_HISTORY_LIMIT, cacheDir }));
  }
  return previewRecords(files, histories, pricing);
}
