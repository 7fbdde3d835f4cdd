/**
 * The Preview's "Dependency impact" section: per environment, a table of the endpoint changes and
 * their consumers and a Mermaid diagram of the changed components' neighbourhood, from the data
 * core/preview/impact.ts decides.
 */
import { edgeKey, graphMermaid } from "../../core/graph.js";
import { describeChange } from "../../core/impact.js";
import type { EnvironmentImpact } from "../../core/preview/model.js";

/** The section's Markdown lines (none when nothing the pull request changes has a dependency). */
export function impactSection(envName: string, env: EnvironmentImpact | undefined): string[] {
  if (!env || (env.graph.edges.length === 0 && env.impact.changes.length === 0)) return [];
  const out = [`#### Dependency impact in ${envName}`, ""];
  const { changes, affected } = env.impact;
  if (changes.length === 0) out.push("No endpoint that a component consumes changes.", "");
  else {
    out.push("| change | consumer | repository | declared in | |", "| --- | --- | --- | --- | --- |");
    for (const change of changes) {
      const consumers = affected.filter((a) => a.change === change);
      if (consumers.length === 0) out.push(`| ${describeChange(change)} | — | | | |`);
      for (const a of consumers) {
        const at = a.at.file !== undefined ? `\`${a.at.file}${a.at.line > 0 ? `:${a.at.line}` : ""}\`` : "unknown";
        const verdict = a.breaking ? "❌ breaks" : a.otherRepository ? "⚠️ check" : "same repository";
        out.push(`| ${describeChange(change)} | \`${a.consumer}\` | ${a.repo ?? "unknown"} | ${at} | ${verdict} |`);
      }
    }
    out.push("");
  }
  if (env.graph.edges.length > 0) {
    const broken = new Set(affected.map((a) => edgeKey({ from: a.consumer, to: a.change.provider, endpoint: a.change.endpoint })));
    out.push(
      "```mermaid",
      ...graphMermaid(env.graph, { changed: new Set(env.changed), broken })
        .trimEnd()
        .split("\n"),
      "```",
      "",
    );
  }
  return out;
}
