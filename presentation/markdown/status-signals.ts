/**
 * The status comment's Signals section (pure): one row per signal (baseline, now, bound, verdict,
 * the series as a text sparkline), the release's verdict, why a signal failed or was not observed,
 * the report's notes, and the platform's `observability.links` for this release.
 */
import { observabilityLinks, linkValues, type ObservabilityLinks } from "../../core/signals/links.js";
import { sparkline, type SignalsReport } from "../../core/signals/report.js";
import type { Verdict } from "../../core/signals/verify.js";
import { formatUtc } from "../../core/time.js";
import { formatBound, formatSignalValue, signalReason, verdictWord } from "../signal-values.js";
import { cell } from "./status-section.js";

/** Input of {@link renderSignalsSection}. */
export interface SignalsSectionInput {
  readonly report: SignalsReport;
  /** `observability.links` with the namespace of the component. @default no links */
  readonly links?: ObservabilityLinks;
  /** @default 3 */
  readonly headingLevel?: number;
}

/** An icon beside each verdict word (the word is always there). */
export const VERDICT_ICON: Record<Verdict, string> = { verified: "✅", failed: "❌", verifying: "⏳", "not-observed": "➖" };

const verdict = (v: Verdict) => `${VERDICT_ICON[v]} ${verdictWord(v)}`;
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The section as Markdown, ending with a newline. Deterministic for the same input. */
export function renderSignalsSection(input: SignalsSectionInput): string {
  const { report } = input;
  const hashes = "#".repeat(input.headingLevel ?? 3);
  const where = `${report.environment}${report.cluster ? ` (${report.cluster})` : ""}`;
  const window = `${formatUtc(new Date(report.window.from * 1000))} .. ${formatUtc(new Date(report.window.to * 1000))}`;
  const lines = [
    `${hashes} Signals`,
    "",
    `**Verification: ${verdict(report.verdict)}** for release ${code(report.release)} in ${cell(where)}, window ${window}.`,
    "",
  ];
  if (report.signals.length === 0) lines.push("No signal is defined for this component: nothing was observed.");
  else {
    lines.push("| Signal | Baseline | Now | Bound | Verdict | Series |", "| --- | --- | --- | --- | --- | --- |");
    for (const s of report.signals) {
      const series = sparkline(s.series);
      lines.push(
        `| ${code(s.name)} | ${formatSignalValue(s.baseline, s.unit)} | ${formatSignalValue(s.value, s.unit)} | ${formatBound(s)} | ${verdict(s.verdict)} | ${series ? code(series) : "no data"} |`,
      );
    }
  }
  const why = report.signals.filter((s) => s.verdict === "failed" || s.verdict === "not-observed");
  if (why.length > 0) lines.push("", ...why.map((s) => `- ${code(s.name)} ${verdictWord(s.verdict)}: ${cell(signalReason(s))}`));
  if (report.notes.length > 0) lines.push("", ...report.notes.map((n) => `- Note: ${cell(n)}`));
  if (input.links && Object.keys(input.links.templates).length > 0) {
    const links = observabilityLinks(input.links.templates, linkValues(report, input.links.namespace));
    lines.push("", `Links: ${links.map((l) => ("url" in l ? `[${l.name}](${l.url})` : `${l.name} (not shown: the template ${l.problem})`)).join(" · ")}`);
  }
  lines.push("");
  return lines.join("\n");
}
