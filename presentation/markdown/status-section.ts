/**
 * Markdown for one component's status in one environment, for the status comments Ferry keeps
 * on pull requests: status line, ready/desired table, reasons, diagnosis with log lines in a
 * code block, and recent warning events. Pure and deterministic (no timestamps of its own).
 */
import { z } from "zod";
import type { Diagnosis } from "../../core/status/diagnose.js";
import type { ComponentHealth, HealthReason, HealthStatus } from "../../core/status/health.js";
import { ComponentKey } from "../../core/status/components.js";

/** Input of {@link renderStatusSection}. */
export const StatusSectionInput = z.object({
  key: ComponentKey,
  health: z.custom<ComponentHealth>((v) => typeof v === "object" && v !== null && "status" in v, { error: "health must be a ComponentHealth" }),
  diagnosis: z.custom<Diagnosis | undefined>((v) => v === undefined || (typeof v === "object" && v !== null && "findings" in v)).optional(),
  /** Kubeconfig context, shown next to the environment. @default not shown */
  context: z.string().optional(),
  /** Heading level of the section title. @default 3 */
  headingLevel: z.number().int().min(1).max(6).default(3),
  /** At most this many reasons in the table. @default 10 */
  maxReasons: z.number().int().positive().default(10),
  /** At most this many log lines per block. @default 20 */
  maxLogLines: z.number().int().positive().default(20),
  /** At most this many warning events. @default 5 */
  maxWarnings: z.number().int().nonnegative().default(5),
});
export type StatusSectionInput = z.input<typeof StatusSectionInput>;

/** The icon shown before each status. */
export const STATUS_ICON: Record<HealthStatus, string> = {
  Healthy: "✅",
  Progressing: "🔄",
  Degraded: "❌",
  Suspended: "⏸️",
  Unknown: "❔",
  NotObserved: "➖",
};

const MAX_CELL = 300;
const MAX_LOG_LINE = 400;

/** Text made safe for one table cell: one line, pipes escaped, HTML neutralised, at most 300 characters. */
export function cell(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const cut = flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
  return cut.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block that no line of `lines` can close early. */
export function codeBlock(lines: string[], info = "text"): string {
  const body = lines.map((l) => (l.length > MAX_LOG_LINE ? `${l.slice(0, MAX_LOG_LINE - 1)}…` : l));
  const runs = body.join("\n").match(/`{3,}/g) ?? [];
  const fence = "`".repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  return [`${fence}${info}`, ...body, fence].join("\n");
}

function where(r: HealthReason): string {
  const parts = [r.object, r.pod, r.container].filter((p): p is string => p !== undefined && p !== "");
  return parts.map(code).join(" / ");
}

function details(r: HealthReason): string {
  const bits = [r.message];
  if (r.restartCount !== undefined && r.restartCount > 0) bits.push(`${r.restartCount} restarts`);
  if (r.exitCode !== undefined && r.kind !== "OOMKilled") bits.push(`exit code ${r.exitCode}`);
  if (r.memoryLimit !== undefined) bits.push(`memory limit ${r.memoryLimit}`);
  return bits.join("; ");
}

function tailOf(lines: string[], max: number): string[] {
  return lines.slice(-max);
}

/** Renders one component's status section (see the module comment for the layout). */
export function renderStatusSection(input: StatusSectionInput): string {
  const o = StatusSectionInput.parse(input);
  const { key, health } = o;
  const out: string[] = [];
  const hashes = "#".repeat(o.headingLevel);
  const where_ = `${key.environment}${o.context !== undefined && o.context !== key.environment ? ` (${code(o.context)})` : ""}`;
  out.push(`${hashes} ${STATUS_ICON[health.status]} ${key.project}/${key.component} in ${where_}: ${health.status}`);
  out.push("");
  if (health.message !== "") {
    out.push(cell(health.message));
    out.push("");
  }
  out.push("| Ready | Desired | Running release | Deployed release |");
  out.push("| ---: | ---: | --- | --- |");
  const running =
    health.releases.length > 1 ? health.releases.map((r) => `${code(r.release)} (${r.ready})`).join(", ") : health.release ? code(health.release) : "–";
  out.push(`| ${health.readyReplicas} | ${health.desiredReplicas} | ${running} | ${health.desiredRelease ? code(health.desiredRelease) : "–"} |`);

  if (health.reasons.length > 0) {
    out.push("", "**Problems**", "", "| Reason | Where | Details |", "| --- | --- | --- |");
    for (const r of health.reasons.slice(0, o.maxReasons)) out.push(`| ${r.kind} | ${where(r)} | ${cell(details(r))} |`);
    if (health.reasons.length > o.maxReasons) out.push("", `…and ${health.reasons.length - o.maxReasons} more.`);
  }

  const findings = o.diagnosis?.findings ?? [];
  if (findings.length > 0) {
    out.push("", "**Diagnosis**", "");
    for (const f of findings) {
      out.push(`- **${f.kind}**: ${cell(f.cause)}`);
      out.push(`  - Suggestion: ${cell(f.suggestion)}`);
    }
  }

  const logBlocks: { source: string; previous: boolean; lines: string[] }[] = [];
  const seen = new Set<string>();
  const addLog = (source: string, previous: boolean, lines: string[] | undefined): void => {
    if (!lines || lines.length === 0) return;
    const id = lines.join("\n");
    if (seen.has(id)) return;
    seen.add(id);
    logBlocks.push({ source, previous, lines: tailOf(lines, o.maxLogLines) });
  };
  if (findings.length > 0) {
    for (const f of findings) addLog(f.logSource ?? "", f.kind !== "JobFailed", f.logTail);
  } else {
    for (const r of health.reasons) addLog(`${r.pod ?? ""}/${r.container ?? ""}`, r.kind !== "JobFailed", r.logTail);
  }
  for (const b of logBlocks) {
    out.push("", `Last log lines of ${code(b.source)}${b.previous ? " (previous container)" : ""}:`, "", codeBlock(b.lines));
  }

  const warnings = health.warnings.slice(0, o.maxWarnings);
  if (warnings.length > 0) {
    out.push("", "**Recent warnings**", "", "| Reason | Object | Count | Message |", "| --- | --- | ---: | --- |");
    for (const w of warnings) out.push(`| ${cell(w.reason)} | ${code(w.object)} | ${w.count} | ${cell(w.message)} |`);
  }
  return `${out.join("\n")}\n`;
}
