/**
 * What people read of a bundle's pull request: its body (every member's release, where it comes
 * from and what it replaces) and its `Ferry / gates` check (each member's gates, one row each, all
 * of which must hold). The hidden marker line only lets people and listings find the pull request;
 * Ferry reads which releases it carries from its branch's commits (core/bundles/bundles.ts). Pure.
 */
import type { BundleSubject } from "../../core/bundles/bundles.js";
import { bundleTitle } from "../../core/bundles/bundles.js";
import type { GateConclusion, GatesResult, GateState } from "../../core/promotion/gates/index.js";
import { conclude } from "../../core/promotion/gates/index.js";
import { gatesRecord } from "../../core/promotion/gates/record.js";

const STATE_TEXT: Readonly<Record<GateState, string>> = { pass: "✅ pass", fail: "❌ fail", pending: "⏳ pending", "not-observed": "➖ not observed" };
const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** `<!-- ferry:bundle <name> -> <env> -->`: to find a bundle's pull request by (never read as what it carries). */
export function bundleMarker(name: string, env: string): string {
  return `<!-- ferry:bundle ${name} -> ${env} -->`;
}

/** Title and body of a bundle's pull request. */
export function bundlePullRequest(
  s: BundleSubject,
  opts: { readonly serverUrl: string; readonly requestedBy?: string; readonly updatedFrom?: ReadonlyMap<string, string> },
): { title: string; body: string } {
  const rollback = s.from === s.to;
  const lines = [
    bundleMarker(s.bundle, s.to),
    "",
    rollback
      ? `Rolls bundle **${s.bundle}** in **${s.to}** back to the set it ran before, as one change.`
      : `Promotes bundle **${s.bundle}** from **${s.from}** to **${s.to}** as one change: every component's gates must hold, and the merge lands them in one commit.`,
    "",
    "| Component | Release | Replaces | Cut from |",
    "| --- | --- | --- | --- |",
    ...s.items.map((i) => {
      const was = opts.updatedFrom?.get(`${i.project}/${i.component}`);
      const release = was ? `\`${i.release}\` (updated from \`${was}\`)` : `\`${i.release}\``;
      const link = `[${i.source.repo}@${i.source.sha.slice(0, 7)}](${opts.serverUrl}/${i.source.repo}/commit/${i.source.sha})`;
      return `| \`${i.project}/${i.component}\` | ${release} | ${i.current ? `\`${i.current}\`` : "(none)"} | ${link} |`;
    }),
  ];
  if (opts.requestedBy) lines.push("", `Requested by @${opts.requestedBy} (who cannot approve it).`);
  return { title: bundleTitle(s), body: `${lines.join("\n")}\n` };
}

/** One member's gates, for the bundle's check. */
export interface MemberGates {
  /** `<project>/<component>` */
  readonly component: string;
  readonly gates: GatesResult;
}

/** The `Ferry / gates` check of a bundle: one row per member and gate; the conclusion of all of them together. */
export function bundleGatesCheckReport(
  s: { readonly bundle: string; readonly from: string; readonly to: string },
  members: readonly MemberGates[],
): { conclusion: GateConclusion; title: string; summary: string } {
  const all = members.flatMap((m) => m.gates.gates.map((g) => ({ ...g, component: m.component })));
  const conclusion = conclude(all);
  const names = (state: GateState) => [...new Set(all.filter((g) => g.state === state).map((g) => `${g.component} ${g.name}`))].join(", ");
  const title =
    conclusion === "failure"
      ? `Blocked: ${names("fail")}`
      : conclusion === "action_required"
        ? `Waiting: ${names("pending")}`
        : conclusion === "neutral"
          ? `Nothing blocks; not observed: ${names("not-observed")}`
          : "Every gate holds";
  const lines = [
    s.from === s.to
      ? `Rollback of bundle **${s.bundle}** in **${s.to}**: every component's gates must hold.`
      : `Promotion of bundle **${s.bundle}** from **${s.from}** to **${s.to}**: every component's gates must hold.`,
    "",
    "| Component | Gate | State | Why |",
    "| --- | --- | --- | --- |",
    ...all.map((g) => `| ${g.component} | ${g.name} | ${STATE_TEXT[g.state]} | ${cell(g.summary)} |`),
  ];
  const blocking = all.filter((g) => g.state === "fail" || g.state === "pending").map((g) => `${g.component} ${g.name}`);
  if (blocking.length > 0) lines.push("", `Blocked by: ${blocking.join(", ")}.`);
  lines.push("", gatesRecord(all.map((g) => ({ name: g.name, state: g.state, summary: `${g.component}: ${g.summary}` }))));
  return { conclusion, title: title.slice(0, 255), summary: `${lines.join("\n")}\n` };
}
