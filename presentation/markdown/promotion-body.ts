/**
 * The promotion pull request's Markdown body: the markers and a summary, the rendered changes (a
 * collapsible diff per file, within the body's limit), cost, policies, the promotion history and
 * a footer. Pure and deterministic: the same inputs give the same bytes (no timestamps beyond
 * those in the history it is given).
 */
import type { z } from "zod";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { changeDiff, diffTrees } from "../../renderers/diff.js";
import type { FileChange } from "../../renderers/diff.js";
import type { Pricing } from "../../renderers/model/index.js";
import type { CostComparison } from "../../core/cost.js";
import { compareCost, estimateCost, formatMoney, formatMoneyDelta, formatNumber, objectsFromFiles } from "../../core/cost.js";
import type { ComponentHistory } from "../../core/history.js";
import type { PromotionPullRequest } from "../../core/promotion/body.js";
import {
  PR_BODY_LIMIT,
  PromotionSubject,
  promotionBranch,
  promotionMarker,
  promotionTitle,
  releaseMarker,
  waveMarker,
  updatedFromMarker,
} from "../../core/promotion/body.js";
import { requestedByMarker, rollbackTitle } from "../../core/promotion/pr.js";
import { formatHistoryMarkdown } from "./history.js";
import type { RollbackReason } from "../../core/promotion/rollback-on-failure.js";
import { formatUtc } from "../../core/time.js";

/** Everything the body shows. */
export interface PromotionBodyInput {
  readonly subject: z.input<typeof PromotionSubject>;
  /** The component's files in the target now (path → content), e.g. `<project>/<component>/*.yaml`. */
  readonly before: ReadonlyMap<string, string>;
  /** The component's files rendered from the release for the target. */
  readonly after: ReadonlyMap<string, string>;
  readonly pricing: Pricing;
  /** Compile and policy findings of the release rendered for the target. */
  readonly diagnostics: readonly Diagnostic[];
  readonly history: ComponentHistory;
  /** Environments in pipeline order for the history table. @default by name */
  readonly historyOrder?: readonly string[];
  /** Web URL of the GitHub server for links. @default "https://github.com" */
  readonly serverUrl?: string;
  /** Body length limit; diffs that do not fit are listed without their text. @default PR_BODY_LIMIT */
  readonly maxLength?: number;
  /** Why Ferry opens it: a failed verification (the rollback on failure), shown after the summary. @default none */
  readonly why?: RollbackReason;
}

const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** A code fence longer than any backtick run in `text`. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

function counts(diff: string): { plus: number; minus: number } {
  let plus = 0;
  let minus = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++")) plus++;
    else if (line.startsWith("-") && !line.startsWith("---")) minus++;
  }
  return { plus, minus };
}

/** One file's collapsible diff. */
export function fileDetails(change: FileChange): string {
  const diff = changeDiff(change);
  const { plus, minus } = counts(diff);
  const fence = fenceFor(diff);
  return [
    `<details><summary>${change.status} <code>${html(change.path)}</code> (+${plus} −${minus})</summary>`,
    "",
    `${fence}diff`,
    diff.replace(/\n$/, ""),
    fence,
    "",
    "</details>",
  ].join("\n");
}

/** The change section: summary counts and a collapsible diff per file, within `budget` characters. */
export function changeSection(to: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, budget: number): string {
  const diff = diffTrees(before, after);
  const head = `### What changes in ${to}\n\n${diff.added} added, ${diff.changed} changed, ${diff.removed} removed, ${diff.unchanged} unchanged`;
  if (diff.changes.length === 0) return `${head}\n\nThe rendered manifests are identical: this promotion changes nothing in ${to}.`;
  const parts: string[] = [];
  const omitted: FileChange[] = [];
  let used = head.length + 200;
  for (const change of diff.changes) {
    const details = fileDetails(change);
    if (omitted.length === 0 && used + details.length + 2 <= budget) {
      parts.push(details);
      used += details.length + 2;
    } else omitted.push(change);
  }
  if (omitted.length > 0) {
    parts.push(
      `Diffs of ${omitted.length} more file${omitted.length === 1 ? "" : "s"} do not fit in this description; see the Files changed tab:\n` +
        omitted.map((c) => `- ${c.status} \`${c.path}\``).join("\n"),
    );
  }
  return `${head}\n\n${parts.join("\n\n")}`;
}

/** The cost section from a comparison. */
export function costSection(cost: CostComparison, pricing: Pricing): string {
  const { before, after, delta } = cost;
  const c = pricing.currency;
  const rows = [
    "| | now | with this release | change |",
    "| --- | ---: | ---: | ---: |",
    `| CPU requested (vCPU) | ${formatNumber(before.cpu)} | ${formatNumber(after.cpu)} | ${formatNumber(delta.cpu, true)} |`,
    `| Memory requested (GiB) | ${formatNumber(before.memoryGiB)} | ${formatNumber(after.memoryGiB)} | ${formatNumber(delta.memoryGiB, true)} |`,
    `| Storage (GiB) | ${formatNumber(before.storageGiB)} | ${formatNumber(after.storageGiB)} | ${formatNumber(delta.storageGiB, true)} |`,
    `| **Monthly estimate** | ${formatMoney(before.monthly, c)} | ${formatMoney(after.monthly, c)} | ${formatMoneyDelta(delta.monthly, c)} |`,
  ];
  const notes = [...new Set([...after.notes])].map((n) => `- ${n}`);
  const unpriced = pricing.cpu === 0 && pricing.memory === 0 && pricing.storage === 0 ? ["- The platform sets no prices (`spec.pricing`)."] : [];
  const extra = [...unpriced, ...notes];
  return `### Cost\n\n${rows.join("\n")}${extra.length > 0 ? `\n\n${extra.join("\n")}` : ""}`;
}

/** Findings shown in the policy table; the rest are counted. */
const MAX_FINDINGS = 50;

/** The policy section (errors first, at most 50 rows). */
export function policySection(to: string, diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return `### Policies\n\n✅ Every policy holds for ${to}.`;
  const sorted = [...diagnostics].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
      a.code.localeCompare(b.code) ||
      (a.resource ?? a.file).localeCompare(b.resource ?? b.file) ||
      a.message.localeCompare(b.message),
  );
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const head =
    errors > 0
      ? `❌ ${errors} error${errors === 1 ? "" : "s"} block this promotion.`
      : `⚠️ No errors; ${diagnostics.length} warning${diagnostics.length === 1 ? "" : "s"}.`;
  const rows = sorted.slice(0, MAX_FINDINGS).map((d) => `| ${d.severity} | \`${cell(d.code)}\` | ${cell(d.resource ?? d.file)} | ${cell(d.message)} |`);
  const more = sorted.length > MAX_FINDINGS ? `\n\n${sorted.length - MAX_FINDINGS} more findings are not shown; \`ferry validate\` lists them all.` : "";
  return `### Policies\n\n${head}\n\n| severity | rule | resource | message |\n| --- | --- | --- | --- |\n${rows.join("\n")}${more}`;
}

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return "-";
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** The "why" section: the failed verification's signals with their numbers, and the links to look at. */
export function whySection(why: RollbackReason): string {
  const { failed, links } = why;
  const r = failed.report;
  const window = `${formatUtc(new Date(r.window.from * 1000))} .. ${formatUtc(new Date(r.window.to * 1000))}`;
  const rows = r.signals.map((sig) => {
    const bound =
      [sig.max !== undefined ? `≤ ${num(sig.max)}` : "", sig.maxIncrease !== undefined ? `≤ ${num(sig.maxIncrease)}× baseline` : ""]
        .filter(Boolean)
        .join(", ") || "-";
    const mark = sig.verdict === "failed" ? "❌ failed" : sig.verdict;
    return `| ${cell(sig.name)} | ${sig.unit} | ${num(sig.baseline)} | ${num(sig.value)} | ${cell(bound)} | ${mark} |`;
  });
  const reasons = r.signals.filter((sig) => sig.verdict === "failed").map((sig) => `- **${cell(sig.name)}**: ${cell(sig.reason)}`);
  const linkLine = [...links.map((l) => `[${l.name}](${l.url})`), ...(failed.commentUrl ? [`[rollout status](${failed.commentUrl})`] : [])].join(" · ");
  return [
    `### Why: release \`${failed.release}\` failed verification in ${failed.environment}`,
    "",
    `Ferry rolls back on its own (\`onFailure: rollback\`): its signals over ${window}${r.cluster ? ` in ${r.cluster}` : ""} broke their bounds.`,
    "",
    "| signal | unit | baseline | now | bound | verdict |",
    "| --- | --- | ---: | ---: | --- | --- |",
    ...rows,
    ...(reasons.length > 0 ? ["", ...reasons] : []),
    ...(linkLine ? ["", `Look at: ${linkLine}`] : []),
  ].join("\n");
}

/** Branch, title and body of the promotion pull request. */
export function promotionPullRequest(input: PromotionBodyInput): PromotionPullRequest {
  const s = PromotionSubject.parse(input.subject);
  const server = (input.serverUrl ?? "https://github.com").replace(/\/+$/, "");
  const limit = input.maxLength ?? PR_BODY_LIMIT;
  const name = `${s.project}/${s.component}`;
  const header = [
    promotionMarker(s.project, s.component, s.to),
    releaseMarker(s.release, s.from),
    ...(s.wave ? [waveMarker(s.wave)] : []),
    `## Promote \`${name}\` to ${s.to}${s.wave ? `, wave ${s.wave.wave}` : ""}`,
    ...(s.updatedFrom && s.updatedFrom !== s.release
      ? ["", `${updatedFromMarker(s.updatedFrom, s.release)}\n> [!NOTE]\n> Updated from release \`${s.updatedFrom}\` to \`${s.release}\`.`]
      : []),
    "",
    "| | |",
    "| --- | --- |",
    `| Release | \`${s.release}\` |`,
    `| Source commit | [${s.source.repo}@${s.source.sha.slice(0, 7)}](${server}/${s.source.repo}/commit/${s.source.sha}) |`,
    `| Promotion | ${s.from} → ${s.to} |`,
    ...(s.wave
      ? [
          `| Wave | ${s.wave.wave}: ${s.wave.clusters.join(", ")} (this pull request writes only their folders; the next wave opens once they are through \`waves.soak\`) |`,
        ]
      : []),
    `| ${s.to} runs now | ${s.current ? `\`${s.current}\`` : "nothing (first release there)"} |`,
  ].join("\n");
  const before = objectsFromFiles(input.before);
  const after = objectsFromFiles(input.after);
  const cost = compareCost(estimateCost(before.objects, input.pricing), estimateCost(after.objects, input.pricing));
  const costText = costSection({ ...cost, after: { ...cost.after, notes: [...cost.after.notes, ...after.notes].sort() } }, input.pricing);
  const history = `### Promotion history\n\n${formatHistoryMarkdown(input.history, { order: input.historyOrder, serverUrl: server })}`;
  const footer = `---\n<sub>Ferry keeps this pull request up to date: a newer release of ${name} updates it. The \`Ferry / gates\` check says whether every gate holds. Commands: \`/ferry status\`, \`/ferry retry\`, \`/ferry promote ${s.to} [release]\`.</sub>`;
  const top = input.why ? [header, whySection(input.why)] : [header];
  const rest = [costText, policySection(s.to, input.diagnostics), history, footer];
  const fixedLength = [...top, ...rest].reduce((n, p) => n + p.length + 2, 0);
  const changes = changeSection(s.to, input.before, input.after, limit - fixedLength);
  const body = `${[...top, changes, ...rest].join("\n\n")}\n`;
  return { branch: promotionBranch(s.project, s.component, s.to, s.wave?.wave), title: promotionTitle(s), body };
}

const FOOTER = "\n\n---\n<sub>";

/** Adds who asked (hidden marker and a visible line) before the body's footer. */
export function withRequester(body: string, login: string, commentUrl?: string): string {
  const line = `${requestedByMarker(login)}\nRequested by @${login}${commentUrl ? ` ([comment](${commentUrl}))` : ""}; they cannot approve it.`;
  const at = body.lastIndexOf(FOOTER);
  return at < 0 ? `${body.replace(/\n*$/, "")}\n\n${line}\n` : `${body.slice(0, at)}\n\n${line}${body.slice(at)}`;
}

/** Rewrites a promotion pull request (from `env` into itself) as the rollback it is. */
export function asRollback(
  pr: PromotionPullRequest,
  s: { readonly project: string; readonly component: string; readonly env: string; readonly release: string },
): PromotionPullRequest {
  const name = `${s.project}/${s.component}`;
  const body = pr.body
    .replace(`## Promote \`${name}\` to ${s.env}`, `## Roll back \`${name}\` in ${s.env} to \`${s.release}\``)
    .replace(`| Promotion | ${s.env} → ${s.env} |`, `| Rollback | ${s.env} goes back to a release it ran before |`);
  return { branch: pr.branch, title: rollbackTitle(s.project, s.component, s.env, s.release), body };
}
