/** The "Preview environment" section of the preview comment. */
import { formatMoney } from "../../core/cost.js";
import { PREVIEW_SIGNAL_WINDOW_SECONDS } from "../../core/preview-env/status.js";
import type { PreviewEnvironmentStatus, PreviewRollout, PreviewSignal } from "../../core/preview-env/status.js";
import { formatSignalValue } from "../signal-values.js";

const ICON: Record<PreviewRollout["status"], string> = {
  Healthy: "✅",
  Progressing: "⏳",
  Suspended: "⏸️",
  Degraded: "❌",
  Unknown: "❔",
  NotObserved: "👁️",
};

/** One component's rollout: what was observed, or that nothing was. */
function rolloutCell(r: PreviewRollout | undefined): string {
  if (!r || r.status === "NotObserved") return `👁️ not observed${r?.detail ? ` (${cell(r.detail)})` : ""}`;
  return `${ICON[r.status]} ${r.status}${r.detail ? ` (${cell(r.detail)})` : ""}`;
}

/** The signals read, one line per component; not observed where a value could not be read. */
function signalLines(signals: readonly PreviewSignal[]): string[] {
  if (signals.length === 0) return [];
  const keys = [...new Set(signals.map((x) => x.key))];
  const value = (x: PreviewSignal) =>
    x.error !== undefined ? `not observed (${cell(x.error)})` : x.value === undefined ? "no data" : formatSignalValue(x.value, x.unit);
  return [
    `Signals over the last ${PREVIEW_SIGNAL_WINDOW_SECONDS / 60} minutes:`,
    ...keys.map(
      (k) =>
        `- \`${k}\`: ${signals
          .filter((x) => x.key === k)
          .map((x) => `${x.name} ${value(x)}`)
          .join(", ")}`,
    ),
    "",
  ];
}

/** Text safe inside a table cell. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

/** The section's lines; none when the platform has no previews. */
export function previewEnvironmentSection(status: PreviewEnvironmentStatus | undefined): string[] {
  if (!status) return [];
  const out = ["### Preview environment", ""];
  switch (status.kind) {
    case "live": {
      const where = status.cluster !== undefined ? `\`${status.from}\`'s cluster \`${status.cluster}\`` : `\`${status.from}\`'s cluster`;
      const rollout = new Map(status.rollout.map((r) => [r.key, r]));
      out.push(
        `🚀 ${status.changed ? "Committed" : "Up to date"} on ${where} (GitOps commit \`${status.commit.slice(0, 7)}\`), namespace ${status.namespaces.map((n) => `\`${n}\``).join(", ")}.`,
        "",
        "| component | release | rollout | URL |",
        "| --- | --- | --- | --- |",
        ...status.components.map(
          (c) => `| \`${c.key}\` | \`${c.release}\` | ${rolloutCell(rollout.get(c.key))} | ${c.urls.length ? c.urls.join(" ") : "no route"} |`,
        ),
        "",
        ...signalLines(status.signals),
        `Estimated cost: **${formatMoney(status.monthlyCost, status.currency)}** a month. Removed on close or merge, or at ${status.expiresAt} without a push.`,
      );
      break;
    }
    case "refused":
      out.push(`No preview environment: ${status.reason}.${status.removed ? " The previous one was removed." : ""}`);
      break;
    case "removed":
      out.push(`🧹 The preview environment was removed: ${status.reason}.`);
      break;
    case "failed":
      out.push(`❌ The preview environment could not be published: ${status.error}`);
      break;
  }
  out.push("");
  return out;
}
