/**
 * The preview comment's Markdown. Pure.
 *
 * Two levels of detail: `full` carries every unified diff in a collapsible section; `summary`
 * lists the changed files only, for previews whose diffs would need too many comments.
 *
 * A pull request from a fork can be opened by anyone who can see the repository, so its preview
 * carries no text of the GitOps repositories: at `full`, each changed file shows the pull
 * request's own render (what it would write), never the lines the environment holds now; the
 * tables (statuses, release ids, counts, cost) are summaries and stay.
 */
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { formatDiagnostic, sortDiagnostics } from "../../renderers/diagnostics.js";
import { changeDiff } from "../../renderers/diff.js";
import { previewCostSection } from "./preview-cost.js";
import type { ComponentPreview, EnvironmentPreview, Preview } from "../../core/preview/model.js";
import { impactSection } from "./preview-impact.js";
import { previewEnvironmentSection } from "./preview-environment.js";
import type { PreviewEnvironmentStatus } from "../../core/preview-env/status.js";

/** Context shown in the comment's header. */
export interface PreviewHeader {
  /** `owner/repo@sha` of the pull request head. */
  readonly source: string;
  /** `owner/repo@sha` of the platform, when it could be read. */
  readonly platform: string | undefined;
  /** The pull request comes from a fork: preview only, and no text of the GitOps repositories. */
  readonly fork: boolean;
  /** Every diagnostic of the run (input, render and policy). */
  readonly diagnostics: readonly Diagnostic[];
  /** The pull request's preview environment, where the platform has previews. @default none */
  readonly environment?: PreviewEnvironmentStatus;
}

/** How much the comment shows. */
export type Detail = "full" | "summary";

const MAX_LISTED_FINDINGS = 100;

function short(ref: string): string {
  const at = ref.lastIndexOf("@");
  return at < 0 ? ref : `${ref.slice(0, at)}@${ref.slice(at + 1, at + 8)}`;
}

/** A fence longer than any backtick run starting a line of `text`. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/^ {0,3}(`{3,})/gm)) longest = Math.max(longest, m[1]!.length);
  return "`".repeat(Math.max(3, longest + 1));
}

function releaseCell(c: ComponentPreview): string {
  if (c.status === "removed") return c.current ? `~~\`${c.current}\`~~` : "—";
  if (c.current === c.release || !c.current) return `\`${c.release}\``;
  return `\`${c.current}\` → \`${c.release}\``;
}

/** Counts of the component's findings, then the policies they come from, e.g. "❌ 1 error(s) (`team-label`)". */
function policyCell(c: ComponentPreview): string {
  const errors = c.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = c.diagnostics.length - errors;
  if (errors === 0 && warnings === 0) return "✅ pass";
  const counts = [errors ? `❌ ${errors} error(s)` : "", warnings ? `⚠️ ${warnings} warning(s)` : ""].filter(Boolean).join(", ");
  const policies = [...new Set(c.diagnostics.flatMap((d) => (d.policy ? [d.policy] : [])))].sort();
  return policies.length > 0 ? `${counts} (${policies.map((p) => `\`${p}\``).join(", ")})` : counts;
}

const STATUS: Record<ComponentPreview["status"], string> = {
  added: "new",
  changed: "changes",
  unchanged: "no change",
  removed: "removed",
  invalid: "invalid",
};

function envTitle(env: EnvironmentPreview): string {
  const how = env.mode === "commit" ? "committed directly" : "through a pull request";
  return `### ${env.name}${env.production ? " (production)" : ""}\n\nReleases land here ${how}.`;
}

function componentTable(env: EnvironmentPreview): string {
  const rows = env.components.map(
    (c) => `| \`${c.key}\` | ${STATUS[c.status]} | ${releaseCell(c)} | ${c.diff.added} | ${c.diff.changed} | ${c.diff.removed} | ${policyCell(c)} |`,
  );
  return ["| component | | release | added | changed | removed | policies |", "| --- | --- | --- | ---: | ---: | ---: | --- |", ...rows].join("\n");
}

/** The pull request's own render of each changed file; a removed file by its path only (its text is the environment's). */
function renderedFiles(c: ComponentPreview): string[] {
  const out: string[] = [];
  for (const ch of c.diff.changes) {
    if (ch.status === "removed") {
      out.push(`- \`${ch.path}\` removed`, "");
      continue;
    }
    const fence = fenceFor(ch.after);
    out.push(`- \`${ch.path}\` ${ch.status}, as the pull request renders it:`, "", `${fence}yaml`, ...ch.after.replace(/\n$/, "").split("\n"), fence, "");
  }
  return out;
}

function diffSection(env: EnvironmentPreview, c: ComponentPreview, detail: Detail, fork: boolean): string[] {
  if (c.diff.changes.length === 0) return [];
  const counts = `${c.diff.added} added, ${c.diff.changed} changed, ${c.diff.removed} removed`;
  const out = ["<details>", `<summary><code>${c.key}</code> in ${env.name}: ${counts}</summary>`, ""];
  if (detail === "summary") {
    for (const ch of c.diff.changes) out.push(`- \`${ch.path}\` ${ch.status}`);
  } else if (fork) {
    out.push(...renderedFiles(c));
  } else {
    const body = c.diff.changes.map(changeDiff).join("");
    const fence = fenceFor(body);
    out.push(`${fence}diff`, ...body.replace(/\n$/, "").split("\n"), fence);
  }
  out.push("", "</details>", "");
  return out;
}

function findings(list: readonly Diagnostic[]): string[] {
  const sorted = sortDiagnostics(list);
  const shown = sorted.slice(0, MAX_LISTED_FINDINGS).map((d) => `- ${d.severity === "error" ? "❌" : "⚠️"} ${formatDiagnostic(d).replace(/\n/g, " ")}`);
  if (sorted.length > shown.length) shown.push(`- … and ${sorted.length - shown.length} more (see the check run)`);
  return shown;
}

/** The comment (without its hidden marker). */
export function previewMarkdown(preview: Preview, header: PreviewHeader, detail: Detail = "full"): string {
  const errors = header.diagnostics.filter((d) => d.severity === "error");
  const warnings = header.diagnostics.filter((d) => d.severity === "warning");
  const out: string[] = ["## Ferry preview", ""];
  out.push(`Head \`${short(header.source)}\`${header.platform ? ` · platform \`${short(header.platform)}\`` : ""}`, "");
  if (header.fork) {
    out.push(
      "> This pull request comes from a fork: Ferry previews it, and releases only what is merged. The preview shows what the pull request renders, and of what the environments hold only summaries.",
      "",
    );
  }
  if (errors.length > 0) {
    out.push(
      `❌ **${errors.length} error(s)**: nothing from this pull request could be released as it is. Details are annotated in the \`Ferry / validate\` check.`,
      "",
    );
  } else {
    out.push(`✅ Valid${warnings.length ? `, with ${warnings.length} warning(s)` : ""}. Merging releases it to the pipeline's first environment(s).`, "");
  }
  out.push(...previewEnvironmentSection(header.environment));
  const unscoped = header.diagnostics.filter((d) => !d.environment);
  if (unscoped.length > 0) out.push("#### Findings", "", ...findings(unscoped), "");
  if (detail === "summary") out.push("> The full diff is too long for comments; changed files are listed instead. `ferry diff` shows it locally.", "");
  for (const env of preview.environments) {
    out.push(envTitle(env), "");
    if (env.components.length === 0) {
      out.push("No components.", "");
      continue;
    }
    out.push(componentTable(env), "", ...previewCostSection(env));
    for (const c of env.components) out.push(...diffSection(env, c, detail, header.fork));
    const envFindings = env.components.flatMap((c) => c.diagnostics);
    if (envFindings.length > 0) out.push(`#### Policy results in ${env.name}`, "", ...findings(envFindings), "");
    out.push(...impactSection(env.name, env.impact));
  }
  return (
    out
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}
