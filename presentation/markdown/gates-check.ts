/**
 * The `Ferry / gates` check run's output: a title, a Markdown table of gate, state and why for
 * people, and the gates as data for Ferry to read back (core/promotion/gates/record.ts, a hidden
 * marker line at the end; the table is never parsed).
 */
import type { PromotionDecision } from "../../core/promotion/decision.js";
import type { GateConclusion, GateState, GatesResult } from "../../core/promotion/gates/index.js";
import { gatesRecord } from "../../core/promotion/gates/record.js";

const STATE_TEXT: Readonly<Record<GateState, string>> = { pass: "✅ pass", fail: "❌ fail", pending: "⏳ pending", "not-observed": "➖ not observed" };

const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** Title and markdown summary of the `Ferry / gates` check run. */
export function gatesCheckOutput(result: GatesResult): { title: string; summary: string } {
  const names = (state: GateState) =>
    result.gates
      .filter((g) => g.state === state)
      .map((g) => g.name)
      .join(", ");
  const title =
    result.conclusion === "failure"
      ? `Blocked: ${names("fail")}`
      : result.conclusion === "action_required"
        ? `Waiting: ${names("pending")}`
        : result.conclusion === "neutral"
          ? `Nothing blocks; not observed: ${names("not-observed")}`
          : "Every gate holds";
  const lines = [
    `Promotion of release \`${result.release}\` from **${result.from}** to **${result.to}**.`,
    "",
    "| Gate | State | Why |",
    "| --- | --- | --- |",
    ...result.gates.map((g) => `| ${g.name} | ${STATE_TEXT[g.state]} | ${cell(g.summary)} |`),
  ];
  const blocking = result.gates.filter((g) => g.state === "fail" || g.state === "pending").map((g) => g.name);
  if (blocking.length > 0) lines.push("", `Blocked by: ${blocking.join(", ")}.`);
  if (result.conclusion === "neutral")
    lines.push("", "Nothing blocks a merge: the source environment's health is not observed, and the platform does not require it.");
  lines.push("", gatesRecord(result.gates));
  return { title, summary: `${lines.join("\n")}\n` };
}

/** The first line of the gates summary, reworded for a rollback. */
export function rollbackGatesSummary(summary: string, env: string, release: string): string {
  return summary.replace(`Promotion of release \`${release}\` from **${env}** to **${env}**.`, `Rollback of **${env}** to release \`${release}\`.`);
}

/** The `Ferry / gates` check run to write for a decision: its conclusion, title and summary. */
export function gatesCheckReport(decision: Pick<PromotionDecision, "gates" | "rollback">): { conclusion: GateConclusion; title: string; summary: string } {
  const { gates, rollback } = decision;
  const output = gatesCheckOutput(gates);
  const summary = rollback ? rollbackGatesSummary(output.summary, gates.to, gates.release) : output.summary;
  return { conclusion: gates.conclusion, title: output.title, summary };
}
