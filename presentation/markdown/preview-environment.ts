/** The "Preview environment" section of the preview comment. */
import { formatMoney } from "../../core/cost.js";
import type { PreviewEnvironmentStatus } from "../../core/preview-env/status.js";

/** The section's lines; none when the platform has no previews. */
export function previewEnvironmentSection(status: PreviewEnvironmentStatus | undefined): string[] {
  if (!status) return [];
  const out = ["### Preview environment", ""];
  switch (status.kind) {
    case "live": {
      out.push(
        `🚀 ${status.changed ? "Committed" : "Up to date"} on \`${status.from}\`'s cluster (GitOps commit \`${status.commit.slice(0, 7)}\`), namespace ${status.namespaces.map((n) => `\`${n}\``).join(", ")}.`,
        "",
        "| component | release | URL |",
        "| --- | --- | --- |",
        ...status.components.map((c) => `| \`${c.key}\` | \`${c.release}\` | ${c.urls.length ? c.urls.join(" ") : "no route"} |`),
        "",
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
