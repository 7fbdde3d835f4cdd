/** What `ferry_promote` and `ferry_rollback` share: their input, their annotations and their text. */
import { DnsLabel } from "../renderers/model/index.js";
import { ReleaseId } from "../renderers/release.js";
import type { PersonAskResult } from "../operations/promotions.js";
import { ComponentName } from "../operations/promotions.js";
import { PlatformRepoArg } from "./promotions.js";
import type { ToolHints } from "./tools/tool.js";

/**
 * Opening a pull request deploys nothing, but it may overwrite the branch and body of the open
 * promotion pull request into that environment (another release: its approvals stop counting)
 * and deletes the branch a closed one left: not only additive, so destructive. The same call
 * again changes nothing more; it writes to GitHub.
 */
export const PROMOTION_WRITE: ToolHints = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true };

/** The input of a promotion or rollback tool. */
export function personAskInput(envHelp: string, releaseHelp: string) {
  return {
    component: ComponentName.describe("<project>/<component>, e.g. shop/api"),
    env: DnsLabel.describe(envHelp),
    release: ReleaseId.optional().describe(releaseHelp),
    ...PlatformRepoArg,
  };
}

/** One line for clients that read only the text. */
export function personAskText(r: PersonAskResult): string {
  const what = r.verb === "promote" ? `promote ${r.component} to ${r.env}` : `roll back ${r.component} in ${r.env}`;
  if (r.status === "refused") return `Ferry did not ${what}: ${r.reason ?? "refused"}. Nothing was changed.`;
  if (r.status === "in-place") return `Nothing to do: ${r.reason ?? ""}`;
  if (r.status === "waiting" || r.status === "stopped") return `Ferry did not ${what} yet: ${r.reason ?? r.status}. Nothing was changed.`;
  return `${what} as @${r.person}: ${r.status} ${r.pull?.url ?? ""} with release ${r.release ?? ""}; gates: ${r.gates ?? "not evaluated"}`;
}
