/**
 * Where a preview environment lives: its namespace per project and its folder in the GitOps
 * target of the environment it comes from. Pure.
 *
 * ```
 * previews/pr-<number>/                         at the root of the `from` environment's GitOps branch,
 *   <project>/namespace.yaml                    beside (never inside) the environments' directories,
 *   <project>/<component>/<kind>-<name>.yaml    so no environment reader takes a preview for a component
 * ```
 */
import { LABEL } from "../../renderers/compile/context.js";

/** The root of every preview folder in a GitOps repository. */
export const PREVIEWS_ROOT = "previews";

/** `previews/pr-<number>`: the folder of one pull request's preview. */
export function previewDir(pr: number): string {
  return `${PREVIEWS_ROOT}/pr-${pr}`;
}

/** The pull request number of a preview folder name (`pr-12` → 12), or undefined. */
export function previewNumber(folder: string): number | undefined {
  const m = /^pr-([1-9][0-9]{0,9})$/.exec(folder);
  return m ? Number(m[1]) : undefined;
}

/** `<project>-pr-<number>`: the namespace a project's components get in a preview. */
export function previewNamespace(project: string, pr: number): string {
  return `${project}-pr-${pr}`;
}

/**
 * The label every object of a preview (and the pod template of each workload, so its pods) carries,
 * valued with its pull request number: what keeps them out of the `from` environment's health.
 */
export const PREVIEW_LABEL_KEY = LABEL.preview;
