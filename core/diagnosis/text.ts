/** A diagnosis with evidence as `ferry diagnose` prints it: the likely causes in rank order, each with its evidence, then the findings and notes. Pure. */
import { clock } from "./rank.js";
import type { CausesDiagnosis } from "./model.js";

export function formatDiagnosisText(d: CausesDiagnosis): string {
  const head = `${d.key.project}/${d.key.component} in ${d.key.environment}: ${d.status}${d.release ? `, release ${d.release}` : ""}${
    d.landedAt !== undefined ? ` (landed ${clock(d.landedAt)})` : ""
  }`;
  const out = [head];
  if (d.causes.length === 0)
    out.push(
      "",
      d.observed
        ? "No likely cause: no signal moved and the pods show no problem."
        : "No likely cause in what could be read: none of its signals was observed (see the notes).",
    );
  else out.push("", "Likely causes:");
  for (const c of d.causes) {
    out.push(`  ${c.rank}. [${c.confidence}] ${c.kind} ${c.subject}${c.cluster !== undefined ? ` in ${c.cluster}` : ""}: ${c.summary}`);
    for (const e of c.evidence) out.push(`       ${e.kind}: ${e.text}`);
  }
  const suggestions = d.findings.map((f) => `  ${f.kind}: ${f.suggestion}`);
  if (suggestions.length > 0) out.push("", "Suggestions:", ...suggestions);
  if (d.notes.length > 0) out.push("", ...d.notes.map((n) => `note: ${n}`));
  return `${out.join("\n")}\n`;
}
