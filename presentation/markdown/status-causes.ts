/**
 * The status comment's "Likely causes" section (pure): the causes of core/diagnosis in rank order,
 * each with its confidence, summary and the evidence it stands on, then the diagnosis' notes
 * (what it could not read). Every text is made safe for one Markdown line.
 */
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import { cell } from "./status-section.js";

/** Input of {@link renderCausesSection}. */
export interface CausesSectionInput {
  readonly diagnosis: CausesDiagnosis;
  /** @default 3 */
  readonly headingLevel?: number;
}

/** The section as Markdown, ending with a newline. Deterministic for the same input. */
export function renderCausesSection(input: CausesSectionInput): string {
  const { diagnosis: d } = input;
  const lines = [`${"#".repeat(input.headingLevel ?? 3)} Likely causes`, ""];
  if (d.causes.length === 0)
    lines.push(
      d.observed
        ? "No likely cause: no signal moved and the pods show no problem."
        : "No likely cause in what could be read: none of the signals was observed.",
      "",
    );
  for (const c of [...d.causes].sort((a, b) => a.rank - b.rank)) {
    lines.push(`${c.rank}. **${c.confidence}** (${c.kind} ${cell(c.subject)}): ${cell(c.summary)}`);
    for (const e of c.evidence) lines.push(`   - ${e.kind}: ${cell(e.text)}`);
  }
  if (d.causes.length > 0) lines.push("");
  if (d.notes.length > 0) lines.push(...d.notes.map((n) => `_Note: ${cell(n)}_`), "");
  return `${lines.join("\n").trimEnd()}\n`;
}
