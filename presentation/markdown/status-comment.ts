/**
 * The status comment Ferry keeps on a pull request for one component in one environment while
 * its release rolls out (pure). Its hidden marker is `<!-- ferry:status:<env>:<project>/<component> -->`
 * (the marker syntax of core/comments/markers.ts, which allows no spaces).
 */
import type { Diagnosis } from "../../core/status/diagnose.js";
import type { ComponentHealth } from "../../core/status/health.js";
import { renderStatusSection, STATUS_ICON } from "./status-section.js";
import { renderSignalsSection } from "./status-signals.js";
import { renderCausesSection } from "./status-causes.js";
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";
import type { ObservabilityLinks } from "../../core/signals/links.js";
import type { SignalsReport } from "../../core/signals/report.js";
import type { ComponentKey } from "../../core/status/components.js";
import type { WatchOutcome } from "../../core/status/rollout-decision.js";
import { formatDuration } from "../../core/time.js";
import { formatUtc } from "../../core/time.js";

/** Key of the status comment (see core/comments/markers.ts): `status:<env>:<project>/<component>`. */
export function statusCommentKey(key: ComponentKey): string {
  return `status:${key.environment}:${key.project}/${key.component}`;
}

/** Input of {@link renderStatusComment}. */
export interface StatusCommentInput {
  readonly key: ComponentKey;
  /** Kubeconfig context of the environment. */
  readonly context: string;
  /** The release being rolled out. */
  readonly release: string;
  /** Health as reported (see `releaseHealth` in rollout-decision.ts). */
  readonly health: ComponentHealth;
  readonly diagnosis: Diagnosis;
  readonly startedAt: Date;
  /** When the comment's content last changed. @default not shown */
  readonly updatedAt?: Date;
  /** Since when it has been Degraded. @default not degraded */
  readonly degradedSince?: Date;
  /** How long Degraded must last to settle, in ms. */
  readonly degradedSettleMs: number;
  /** Set once the watch ended. @default still watching */
  readonly outcome?: WatchOutcome;
  /** When the outcome was decided. @default not shown */
  readonly settledAt?: Date;
  /** Since when Healthy (for a healthy outcome). @default not shown */
  readonly healthySince?: Date;
  /** The release that replaced this one (superseded). @default none */
  readonly supersededBy?: string;
  /** How long the watch lasts at most, in ms (shown for timed-out). */
  readonly maxWatchMs: number;
  /** The release's signals in this environment (core/signals/report.ts). @default no Signals section */
  readonly signals?: SignalsReport;
  /** `observability.links`, shown in the Signals section. @default no links */
  readonly links?: ObservabilityLinks;
  /** The likely causes of a failed verification (core/diagnosis), shown after the Signals section. @default no Likely causes section */
  readonly causes?: CausesDiagnosis;
}

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function stateLine(input: StatusCommentInput): string {
  const s = input.health.status;
  switch (input.outcome) {
    case "healthy":
      return `✅ Settled: Healthy on ${code(input.release)}${input.healthySince ? ` since ${formatUtc(input.healthySince)}` : ""}. Ferry stopped watching.`;
    case "degraded":
      return `❌ Settled: Degraded${input.degradedSince ? ` since ${formatUtc(input.degradedSince)}` : ""} (for ${formatDuration(input.degradedSettleMs / 1000)} or more). The release is not promoted further; fix it and release again, or roll back.`;
    case "timed-out":
      return `⚠️ Not healthy after ${formatDuration(input.maxWatchMs / 1000)}: still ${s}. Ferry stopped watching; \`/ferry status\` shows the current state.`;
    case "superseded":
      return `⏭️ Superseded${input.supersededBy ? ` by release ${code(input.supersededBy)}` : ""}. Ferry stopped watching this rollout.`;
    case "cancelled":
      return "⏹️ Ferry stopped watching this rollout.";
    case undefined:
      break;
  }
  if (s === "Degraded" && input.degradedSince) {
    const at = new Date(input.degradedSince.getTime() + input.degradedSettleMs);
    return `⏳ Degraded since ${formatUtc(input.degradedSince)}: Ferry keeps watching and reports a failure if it is still Degraded at ${formatUtc(at)}.`;
  }
  return `⏳ Ferry keeps this comment up to date until the rollout settles: Healthy, or Degraded for ${formatDuration(input.degradedSettleMs / 1000)}.`;
}

/** The comment body (without its marker line). Deterministic for the same input. */
export function renderStatusComment(input: StatusCommentInput): string {
  const { key, health } = input;
  const lines = [
    `## Ferry status: ${code(`${key.project}/${key.component}`)} in ${key.environment}`,
    "",
    stateLine(input),
    "",
    "| | |",
    "| --- | --- |",
    `| Expected release | ${code(input.release)} |`,
    `| Watching since | ${formatUtc(input.startedAt)} |`,
    ...(input.settledAt ? [`| Settled | ${formatUtc(input.settledAt)} |`] : []),
    ...(input.updatedAt ? [`| Last update | ${formatUtc(input.updatedAt)} |`] : []),
    "",
    renderStatusSection({ key, health, diagnosis: input.diagnosis, context: input.context, headingLevel: 3 }).trimEnd(),
    "",
    ...(input.signals ? [renderSignalsSection({ report: input.signals, ...(input.links ? { links: input.links } : {}), headingLevel: 3 }).trimEnd(), ""] : []),
    ...(input.causes ? [renderCausesSection({ diagnosis: input.causes, headingLevel: 3 }).trimEnd(), ""] : []),
  ];
  return lines.join("\n");
}

/** The status comment of a rollout in an environment on several clusters: one section per cluster under the environment's aggregate line. */
export interface ClusterStatusCommentInput {
  /** The component in the environment (without a cluster). */
  readonly key: ComponentKey;
  /** The rollout's clusters in wave order: each one's latest report, or none while it is not part of this rollout. */
  readonly clusters: readonly { readonly name: string; readonly input?: StatusCommentInput | undefined }[];
  /** The aggregate over the clusters of this rollout (core/status/cluster-environment.ts). */
  readonly aggregate: { readonly status: ComponentHealth["status"]; readonly detail?: string | undefined };
}

/** The comment body of a rollout in an environment on several clusters (without its marker line). Deterministic for the same input. */
export function renderClusterStatusComment(input: ClusterStatusCommentInput): string {
  const { key, aggregate } = input;
  const watched = input.clusters.filter((c) => c.input !== undefined);
  const lines = [
    `## Ferry status: ${code(`${key.project}/${key.component}`)} in ${key.environment}`,
    "",
    `${STATUS_ICON[aggregate.status]} **${key.environment}** (${watched.length} of ${input.clusters.length} clusters in this rollout): ${aggregate.status}${aggregate.detail && aggregate.status !== "Healthy" ? ` (${aggregate.detail})` : ""}.`,
    "",
    "| Cluster | Status | Expected release |",
    "| --- | --- | --- |",
    ...input.clusters.map((c) =>
      c.input
        ? `| ${c.name} | ${STATUS_ICON[c.input.health.status]} ${c.input.health.status} | ${code(c.input.release)} |`
        : `| ${c.name} | – | not in this rollout |`,
    ),
    "",
  ];
  for (const c of watched) {
    if (!c.input) continue;
    lines.push(`### Cluster ${c.name}`, "", ...renderStatusComment(c.input).split("\n").slice(2));
  }
  return lines.join("\n");
}
