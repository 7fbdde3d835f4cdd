/**
 * The `Ferry / drift` check run's title and Markdown summary: the releases per environment, a
 * table of findings, then what was not read or compared. The report is data (core/drift/report.ts).
 */
import type { DriftReport } from "../../core/drift/model.js";
import { refText } from "../../core/drift/model.js";
import { pathText, releaseText, valueText } from "../../core/drift/report.js";
import { clusterEnvironmentName } from "../../core/status/cluster-environment.js";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** The check run's title. */
export function driftTitle(report: DriftReport): string {
  const n = report.findings.length;
  const drift = n === 0 ? "No drift" : `${n} drift finding${n === 1 ? "" : "s"}`;
  return report.problems.length > 0 ? `${drift}; ${report.problems.length} environment${report.problems.length === 1 ? "" : "s"} not read` : drift;
}

/** The check run's summary: the releases per environment, then a table of findings, then what was not compared. */
export function formatDriftMarkdown(report: DriftReport): string {
  const envs = report.environments;
  const out = [
    `| Component | ${envs.join(" | ")} |`,
    `| --- | ${envs.map(() => "---").join(" | ")} |`,
    ...report.releases.map((r) => `| ${code(r.component)} | ${envs.map((e) => (r.releases[e] ? code(r.releases[e] ?? "") : "–")).join(" | ")} |`),
    "",
  ];
  if (report.findings.length === 0) out.push("No drift: the environments differ only as declared, and the clusters run what git holds.");
  else {
    out.push("| Environment | Object | Drift | Field | Git | Live / expected |", "| --- | --- | --- | --- | --- | --- |");
    for (const f of report.findings) {
      switch (f.kind) {
        case "release":
          out.push(
            `| ${envs.join(", ")} | ${code(f.component)} | release differs | – | ${cell(envs.map((e) => `${e}: ${releaseText(f.releases[e] ?? null)}`).join(", "))} | – |`,
          );
          break;
        case "environments":
          if (f.onlyIn !== undefined) out.push(`| ${f.environments.join(" ↔ ")} | ${code(f.object)} | only in ${f.onlyIn} | – | – | – |`);
          for (const d of f.fields)
            out.push(
              `| ${f.environments.join(" ↔ ")} | ${code(f.object)} | beyond overrides | ${code(pathText(d.path))} | ${cell(f.environments.map((e) => `${e}: ${valueText(d.git[e], 60)}`).join(", "))} | ${cell(f.environments.map((e) => `${e}: ${valueText(d.expected[e], 60)}`).join(", "))} |`,
            );
          break;
        case "modified":
          for (const d of f.fields)
            out.push(
              `| ${clusterEnvironmentName(f.environment, f.cluster)} | ${code(refText(f.object))} | edited in the cluster | ${code(pathText(d.path))} | ${cell(valueText(d.git, 60))} | ${cell(valueText(d.live, 60))} |`,
            );
          break;
        case "missing":
          out.push(`| ${clusterEnvironmentName(f.environment, f.cluster)} | ${code(refText(f.object))} | missing in the cluster | – | present | absent |`);
          break;
        case "orphan":
          out.push(`| ${clusterEnvironmentName(f.environment, f.cluster)} | ${code(refText(f.object))} | not in git | – | absent | present |`);
          break;
      }
    }
  }
  if (report.clusters !== undefined)
    out.push(
      "",
      "**Clusters** (an environment is clean only when every cluster is):",
      ...report.clusters.map(
        (e) =>
          `- ${code(e.environment)}: ${e.state} (${e.clusters.map((c) => `${c.name}: ${c.state === "drift" ? `${c.findings} finding${c.findings === 1 ? "" : "s"}` : c.state}`).join(", ")})`,
      ),
    );
  if (report.problems.length > 0) out.push("", "**Not read:**", ...report.problems.map((p) => `- ${cell(p)}`));
  if (report.notes.length > 0)
    out.push(
      "",
      "**Not compared:**",
      ...report.notes.map(
        (n) => `- ${cell(`${[n.environment, n.component].filter(Boolean).join(" ")}${n.environment || n.component ? ": " : ""}${n.message}`)}`,
      ),
    );
  return `${out.join("\n")}\n`;
}
