/** The plain text of `ferry dora` (pure): one line per figure with the count it stands on, then one row per component. */
import type { DoraFigures, DoraReport } from "./figures.js";
import type { Quantiles } from "./quantile.js";

const NOT_OBSERVED = "not observed";

/** `1h 2m 3s`-style, whole seconds. */
export function formatSeconds(total: number): string {
  const s = Math.round(total);
  const parts: string[] = [];
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s % 60 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join(" ");
}

const q = (x: Quantiles) => (x.count === 0 ? NOT_OBSERVED : `p50 ${formatSeconds(x.p50!)}, p90 ${formatSeconds(x.p90!)} (${x.count})`);
const rate = (f: DoraFigures) =>
  f.changeFailureRate === null ? NOT_OBSERVED : `${(f.changeFailureRate * 100).toFixed(1)}% (${f.changeFailures.failed} of ${f.changeFailures.count})`;
const freq = (f: DoraFigures) => (f.deploymentFrequencyPerDay === null ? "-" : `${f.deploymentFrequencyPerDay.toFixed(2)}/day`);

/** The report as text, with `notes` (what was not observed) after it. */
export function formatDoraText(report: DoraReport, notes: readonly string[] = []): string {
  const lines = [
    `DORA figures of ${report.environment}, ${report.since} to ${report.until}`,
    `  deployments          ${report.deployments} (${freq(report)}, ${report.rollbacks} rollbacks)`,
    `  lead time            ${q(report.leadTimeSeconds)}`,
    `  change failure rate  ${rate(report)}`,
    `  time to restore      ${q(report.timeToRestoreSeconds)}${report.timeToRestoreSeconds.unrestored ? `, ${report.timeToRestoreSeconds.unrestored} not restored yet` : ""}`,
  ];
  if (report.components.length > 0) {
    const table = [
      ["COMPONENT", "DEPLOYS", "LEAD TIME P50", "FAILURE RATE", "RESTORE P50"],
      ...report.components.map((c) => [
        c.component,
        String(c.deployments),
        c.leadTimeSeconds.p50 === null ? "-" : formatSeconds(c.leadTimeSeconds.p50),
        c.changeFailureRate === null ? "-" : `${c.changeFailures.failed}/${c.changeFailures.count}`,
        c.timeToRestoreSeconds.p50 === null ? "-" : formatSeconds(c.timeToRestoreSeconds.p50),
      ]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    lines.push(
      "",
      ...table.map((r) =>
        r
          .map((v, i) => v.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      ),
    );
  } else lines.push("", `No component landed in ${report.environment}.`);
  if (report.breakGlass.count > 0) {
    lines.push("", `Break-glass promotions through a freeze: ${report.breakGlass.count}`);
    for (const b of report.breakGlass.promotions) lines.push(`  ${b.at}  ${b.component} ${b.release}  @${b.login}: ${b.reason}  (${b.commit.slice(0, 12)})`);
  }
  for (const n of notes) lines.push(`note: ${n}`);
  return `${lines.join("\n")}\n`;
}
