/**
 * What a reconcile pass did: every repair with its outcome, and why a pass stopped early. Pure.
 * The app logs it and hands it to `Deps.onReconciled` (metrics count repairs by kind and outcome).
 */
import type { Deferred, Repair, RepairKind } from "./plan.js";
import { describeRepair, REPAIR_KINDS } from "./plan.js";

/** What became of one repair: `planned` in a dry run, `done`, `skipped` (with why) or `failed`. */
export type RepairOutcome = "planned" | "done" | "skipped" | "failed";

/** One repair of a pass. */
export interface RepairRecord {
  readonly repair: Repair;
  readonly outcome: RepairOutcome;
  /** What was done, or why not. */
  readonly detail: string;
}

/** One reconcile pass. */
export interface ReconcileReport {
  readonly startedAt: Date;
  readonly dryRun: boolean;
  /** Set when the pass stopped before repairing (rate limit low, platform unusable). */
  readonly stopped?: string;
  readonly repairs: readonly RepairRecord[];
  /** Differences left alone on purpose (waiting for a build, a pull request, a rollback). */
  readonly deferred: readonly Deferred[];
  /** What could not be read. */
  readonly problems: readonly string[];
}

/** Repairs counted by kind and outcome (every kind and outcome present, zero when none). */
export function countRepairs(report: Pick<ReconcileReport, "repairs">): Record<RepairKind, Record<RepairOutcome, number>> {
  const zero = (): Record<RepairOutcome, number> => ({ planned: 0, done: 0, skipped: 0, failed: 0 });
  const out = Object.fromEntries(REPAIR_KINDS.map((k) => [k, zero()])) as Record<RepairKind, Record<RepairOutcome, number>>;
  for (const r of report.repairs) out[r.repair.kind][r.outcome] += 1;
  return out;
}

/** The report as text: one line per repair, then what was deferred and the problems. */
export function formatReconcileReport(report: ReconcileReport): string {
  const lines: string[] = [];
  if (report.stopped) lines.push(`stopped: ${report.stopped}`);
  const verb = report.dryRun ? "would" : "did";
  if (report.repairs.length === 0 && !report.stopped) lines.push(`nothing to repair${report.dryRun ? "" : ": everything is in place"}`);
  for (const r of report.repairs) {
    const head = report.dryRun ? `${verb} ${describeRepair(r.repair)}` : `${r.outcome}: ${describeRepair(r.repair)}`;
    lines.push(`${head}\n    ${r.outcome === "planned" ? r.repair.reason : r.detail}`);
  }
  for (const d of report.deferred) lines.push(`left alone: ${d.component} ${d.release} in ${d.environment}: ${d.reason}`);
  for (const p of report.problems) lines.push(`problem: ${p}`);
  return `${lines.join("\n")}\n`;
}
