/**
 * The cluster overview as Markdown (for `/ferry status` replies): a summary table, then a section
 * per component that is not fine. The overview itself is data (core/status/overview.ts).
 */
import type { ComponentHealth } from "../../core/status/health.js";
import type { EnvironmentStatus } from "../../core/status/overview.js";
import { FINE, reasonText } from "../../core/status/overview.js";
import { cell, renderStatusSection, STATUS_ICON } from "./status-section.js";

function releaseMarkdown(h: ComponentHealth): string {
  const tick = (r: string): string => `\`${r.replace(/`/g, "'")}\``;
  const running = h.release === undefined ? "–" : tick(h.release);
  return h.desiredRelease !== undefined && h.desiredRelease !== h.release ? `${running} → ${tick(h.desiredRelease)}` : running;
}

/** The overview as Markdown (for `/ferry status` replies): a summary table, then a section per component that is not fine. */
export function formatStatusMarkdown(envs: readonly EnvironmentStatus[]): string {
  const out = ["| Environment | Component | Status | Release | Ready | Reason |", "| --- | --- | --- | --- | ---: | --- |"];
  for (const e of envs) {
    if (e.skipped !== undefined) out.push(`| ${e.environment} | – | ➖ not observed | – | – | ${cell(e.skipped)} |`);
    else if (e.unreachable !== undefined) out.push(`| ${e.environment} | – | ❔ unreachable | – | – | ${cell(e.unreachable)} |`);
    else if (e.components.length === 0) out.push(`| ${e.environment} | – | – | – | – | no components found |`);
    for (const c of e.components) {
      out.push(
        `| ${e.environment} | \`${c.key.project}/${c.key.component}\` | ${STATUS_ICON[c.health.status]} ${c.health.status} | ${releaseMarkdown(c.health)} | ${c.health.readyReplicas}/${c.health.desiredReplicas} | ${cell(reasonText(c.health))} |`,
      );
      // An environment on several clusters: the row above is the aggregate, one row per cluster follows.
      for (const k of c.clusters ?? []) {
        out.push(
          `| ${e.environment}/${k.name} | \`${c.key.project}/${c.key.component}\` | ${STATUS_ICON[k.health.status]} ${k.health.status} | ${releaseMarkdown(k.health)} | ${k.health.readyReplicas}/${k.health.desiredReplicas} | ${cell(reasonText(k.health))} |`,
        );
      }
    }
  }
  for (const e of envs) {
    for (const c of e.components) {
      if (c.clusters) {
        for (const k of c.clusters)
          if (!FINE.includes(k.health.status))
            out.push(
              "",
              renderStatusSection({
                key: { ...c.key, environment: `${e.environment}/${k.name}` },
                health: k.health,
                diagnosis: k.diagnosis,
                context: k.context,
              }).trimEnd(),
            );
      } else if (!FINE.includes(c.health.status))
        out.push("", renderStatusSection({ key: c.key, health: c.health, diagnosis: c.diagnosis, ...(e.context ? { context: e.context } : {}) }).trimEnd());
    }
  }
  return `${out.join("\n")}\n`;
}
