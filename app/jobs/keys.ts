/**
 * Which jobs must not overlap: a delivery's work is keyed by what it changes. Release and preview
 * work by the app repository; work on a Ferry pull request (a promotion, or a release waiting for
 * approval) by the component and the environment it targets; anything else (a `/ferry` command,
 * whose pull request is only known once read) by the repository it happened in.
 */
import { parseFerryBranch } from "../../core/promotion/pr.js";
import { parseBundleBranch } from "../../core/bundles/bundles.js";

/** The parts of a webhook payload the key is read from. */
export interface KeyedPayload {
  readonly repository?: { readonly full_name: string } | null;
  readonly pull_request?: { readonly head: { readonly ref: string } } | null;
}

/** The key of the repository `owner/name` (case does not matter on GitHub). */
export function repositoryKey(fullName: string): string {
  return `repo:${fullName.toLowerCase()}`;
}

/** The key of a component's target environment. */
export function targetKey(project: string, component: string, env: string): string {
  return `target:${project}/${component}/${env}`;
}

/** The key a delivery's job runs under; see the module comment. */
export function deliveryKey(payload: KeyedPayload): string {
  const head = payload.pull_request?.head.ref;
  const ferry = head === undefined ? undefined : parseFerryBranch(head);
  if (ferry) return targetKey(ferry.project, ferry.component, ferry.env);
  const bundle = head === undefined ? undefined : parseBundleBranch(head);
  if (bundle) return `bundle:${bundle.bundle}/${bundle.env}`;
  return repositoryKey(payload.repository?.full_name ?? "(no repository)");
}
