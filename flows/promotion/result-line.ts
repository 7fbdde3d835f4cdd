/**
 * One line of a reply about one component's promotion or rollback: the `/ferry promote` and
 * `/ferry rollback` replies (flows/promotion/slash-commands.ts) and the portal's buttons
 * (portal/actions.ts) both write it, so it sits beside the flow rather than in one caller.
 */
import type { PromotionResult } from "./promote.js";

/** The repository web URL of a pull request URL. */
const repoUrlOf = (pullUrl: string) => pullUrl.replace(/\/pull\/\d+$/, "");

/** One line of a reply about one component's promotion or rollback. */
export function resultLine(component: string, result: PromotionResult): string {
  if ("reason" in result) return `\`${component}\`: ${result.status === "refused" ? "refused: " : ""}${result.reason}`;
  const link = `[#${result.number}](${result.url})`;
  const what =
    result.status === "opened"
      ? `opened ${link} with release \`${result.release}\``
      : result.status === "updated"
        ? `updated ${link} from release \`${result.previous ?? "(unknown)"}\` to \`${result.release}\``
        : `${link} already carries release \`${result.release}\`${result.status === "refreshed" ? " (brought up to date)" : ""}`;
  const g = result.gates;
  const gates =
    g.kind === "skipped"
      ? `gates not evaluated: ${g.reason}`
      : g.merged
        ? `every gate holds; merged as [${g.merged.commit.slice(0, 7)}](${repoUrlOf(result.url)}/commit/${g.merged.commit})`
        : `\`Ferry / gates\`: ${g.conclusion}${g.mergeError ? ` (merge refused: ${g.mergeError})` : ""}`;
  return `\`${component}\`: ${what}; ${gates}`;
}
