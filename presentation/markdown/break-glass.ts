/** The comment that records, on a promotion pull request, that a person broke glass on a freeze. */
import type { BreakGlass } from "../../core/promotion/freezes.js";

/** `🔨 @mia broke glass on the freeze of prod: <reason> ...` for the branch's commit `commit`. */
export function breakGlassNote(b: BreakGlass, env: string, commit: string): string {
  return [
    `🔨 **@${b.login} broke glass on the freeze of ${env}**: ${b.reason}`,
    "",
    `It holds for commit ${commit.slice(0, 7)} only, while @${b.login} keeps maintain (or more) on the component's app repository: a later push or a newer release voids it. The pull request still merges only once every other gate holds; the commit that lands it carries \`Ferry-Break-Glass: ${b.login}: ${b.reason}\`.`,
  ].join("\n");
}
