/** The `Ferry / release` check (and a stopped validation's) state, title and Markdown: what happened to each component in each environment. Pure. */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { PlanItem } from "../../core/release/plan.js";
import type { ItemResult } from "../../core/release/results.js";

/** The check run state the results add up to. */
export interface ReleaseReport {
  /** `in_progress` while a component waits for its build check. */
  readonly state: "in_progress" | "success" | "failure";
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
}

function itemName(item: PlanItem): string {
  return item.kind === "remove" ? `${item.project}/${item.component}` : `${item.app.release.metadata.project}/${item.app.release.metadata.component}`;
}

function releaseCell(item: PlanItem): string {
  if (item.kind === "remove") return item.current ? `~~\`${item.current}\`~~ removed` : "removed";
  const id = `\`${item.app.release.metadata.name}\``;
  return item.kind === "publish" && item.current ? `${id} (was \`${item.current}\`)` : id;
}

function resultCell(r: ItemResult): string {
  switch (r.status) {
    case "committed":
      return r.changed ? `committed [\`${r.commit.slice(0, 7)}\`](${r.url})` : `already committed [\`${r.commit.slice(0, 7)}\`](${r.url})`;
    case "pull-request":
      return `${r.opened ? "opened" : "updated"} pull request [#${r.number}](${r.url})`;
    case "unchanged":
      return "unchanged (already there)";
    case "waiting":
      return `waiting for check \`${r.check}\``;
    case "failed":
      return `**failed**: ${r.error.split("\n")[0]}`;
  }
}

const escapeCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A Markdown table of the results, one row per component and environment. */
export function resultsTable(results: readonly ItemResult[]): string {
  if (results.length === 0) return "No components.";
  const rows = results.map((r) => `| \`${itemName(r.item)}\` | ${r.item.env.name} | ${releaseCell(r.item)} | ${escapeCell(resultCell(r))} |`);
  return ["| component | environment | release | result |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The report of a release run that got to publishing. */
export function releaseReport(results: readonly ItemResult[], source: string, platform: string | undefined, warnings: readonly string[]): ReleaseReport {
  const failed = results.filter((r) => r.status === "failed");
  const waiting = results.filter((r) => r.status === "waiting");
  const published = results.filter((r) => r.status === "committed" || r.status === "pull-request");
  const state = failed.length > 0 ? "failure" : waiting.length > 0 ? "in_progress" : "success";
  const title =
    failed.length > 0
      ? `${failed.length} publish(es) failed`
      : waiting.length > 0
        ? `Waiting for ${[...new Set(waiting.map((w) => (w.status === "waiting" ? w.check : "")))].map((c) => `\`${c}\``).join(", ")}`
        : published.length > 0
          ? `Released ${published.length} component environment(s)`
          : "Nothing to release: every environment is up to date";
  const summary = [`Source \`${source}\`${platform ? `, platform \`${platform}\`` : ""}.`, "", resultsTable(results)].join("\n");
  const text = warnings.length > 0 ? ["Warnings:", "", ...warnings.map((w) => `- ${w}`)].join("\n") : undefined;
  return { state, title, summary, ...(text ? { text } : {}) };
}

/** The report of a run stopped by input errors: nothing was published. */
export function failureReport(diagnostics: readonly Diagnostic[], unlocated: readonly string[], source: string, what: string): ReleaseReport {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const summary = [
    `${what} of \`${source}\` stopped: ${errors} error(s)${warnings ? ` and ${warnings} warning(s)` : ""}. Nothing was published.`,
    "",
    "Each finding is annotated on its file and line" +
      (unlocated.length > 0 ? "; findings in other repositories or in rendered manifests are listed below." : "."),
  ].join("\n");
  const text = unlocated.length > 0 ? ["```", ...unlocated, "```"].join("\n") : undefined;
  return { state: "failure", title: `${errors} error(s) in Ferry inputs`, summary, ...(text ? { text } : {}) };
}
