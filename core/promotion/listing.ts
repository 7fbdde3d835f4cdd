/**
 * The open promotion pull requests as data (`ferry promotions`, the MCP tool `ferry_promotions`,
 * the portal's promotions page): which component, release and environments each carries, and
 * each gate's state as the latest `Ferry / gates` check Ferry's own app made on its head commit
 * records it (the hidden data line of core/promotion/gates/record.ts, never its Markdown table) (a run of that name by another app is never read). Pure: the pull requests and check
 * runs are read by adapters/github/promotions.ts.
 */
import { z } from "zod";
import type { GateState } from "./gates/index.js";
import { readGatesRecord, RecordedGate } from "./gates/record.js";
import type { PullFacts } from "./pr.js";
import { identifyPromotion } from "./pr.js";
import type { Environment } from "../../renderers/model/index.js";

/** One gate as the check records it (core/promotion/gates/record.ts). */
export const ListedGate = RecordedGate;

/** The latest `Ferry / gates` check on a pull request's head commit. */
export const ListedGates = z.strictObject({
  /** `success`, `failure`, `action_required` or `neutral`; null while the check is not completed. */
  conclusion: z.enum(["success", "failure", "action_required", "neutral"]).nullable(),
  title: z.string(),
  /** Each gate as the run's data line records it; empty when the run holds none (a run written before Ferry recorded them: the next evaluation rewrites it). */
  gates: z.array(ListedGate),
  url: z.string().optional(),
});
export type ListedGates = z.infer<typeof ListedGates>;

/** One open promotion (or rollback) pull request. */
export const ListedPromotion = z.strictObject({
  /** `owner/name` of the GitOps repository. */
  repo: z.string(),
  number: z.number().int(),
  url: z.string(),
  title: z.string(),
  project: z.string(),
  component: z.string(),
  release: z.string(),
  from: z.string(),
  to: z.string(),
  rollback: z.boolean(),
  /** Who opened the pull request (Ferry's bot, or the person whose token opened it). */
  openedBy: z.string(),
  /** Who asked for it with `/ferry`, `ferry promote` or an MCP tool; they cannot approve it. */
  requestedBy: z.string().optional(),
  headSha: z.string(),
  /** The gates as Ferry last evaluated them on the head commit; null when Ferry has not evaluated that commit, or when `gatesUnknown` says why they cannot be told. */
  gates: ListedGates.nullable(),
  /** Why the gates cannot be told (Ferry's GitHub App id is not known, so no check run can be trusted as Ferry's); `gates` is null then. */
  gatesUnknown: z.string().optional(),
});
export type ListedPromotion = z.infer<typeof ListedPromotion>;

/** A pull request as the listing reads it. */
export interface ListedPull extends PullFacts {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly headSha: string;
}

/** A `Ferry / gates` check run Ferry's app made, as the listing reads it. */
export interface GatesCheckRun {
  readonly conclusion: string | null;
  readonly title: string | null | undefined;
  readonly summary: string | null | undefined;
  readonly url?: string | undefined;
}

const CONCLUSIONS = new Set(["success", "failure", "action_required", "neutral"]);

/** What is known of a pull request's gates: Ferry's latest run on the head (undefined: none), or why it cannot be told. */
export type GatesCheckRead = { readonly run: GatesCheckRun | undefined } | { readonly unknown: string };

/**
 * A pull request as a listed promotion, or undefined when it is not one: a promotion branch of
 * the repository itself into an environment's GitOps branch, with body markers that agree
 * (core/promotion/pr.ts `identifyPromotion`, whoever opened it: `openedBy` says who).
 */
export function listedPromotion(
  pr: ListedPull,
  platform: { readonly spec: { readonly environments: readonly Environment[] } },
  read: GatesCheckRead,
): ListedPromotion | undefined {
  const who = identifyPromotion(pr, platform, pr.author?.login ?? "");
  if ("reason" in who) return undefined;
  const check = "run" in read ? read.run : undefined;
  const conclusion = check?.conclusion && CONCLUSIONS.has(check.conclusion) ? (check.conclusion as ListedGates["conclusion"]) : null;
  return {
    repo: pr.repo,
    number: pr.number,
    url: pr.url,
    title: pr.title,
    project: who.project,
    component: who.component,
    release: who.release,
    from: who.from.name,
    to: who.to.name,
    rollback: who.rollback,
    openedBy: pr.author?.login ?? "ghost",
    ...(who.requestedBy ? { requestedBy: who.requestedBy } : {}),
    headSha: pr.headSha,
    gates: check ? { conclusion, title: check.title ?? "", gates: readGatesRecord(check.summary) ?? [], ...(check.url ? { url: check.url } : {}) } : null,
    ...("unknown" in read ? { gatesUnknown: read.unknown } : {}),
  };
}

const STATE_MARK: Readonly<Record<GateState, string>> = {
  pass: "pass",
  fail: "FAIL",
  pending: "pending",
  "not-observed": "not observed",
};

/** `ferry promotions` as text: one block per pull request, its gates one a line. */
export function formatPromotionsText(promotions: readonly ListedPromotion[]): string {
  if (promotions.length === 0) return "No open promotion pull requests.\n";
  const blocks = promotions.map((p) => {
    const what = p.rollback ? `roll back ${p.to} to ${p.release}` : `${p.release} ${p.from} -> ${p.to}`;
    const asked = p.requestedBy ? `, asked by @${p.requestedBy}` : "";
    const head = `${p.repo}#${p.number}  ${p.project}/${p.component}  ${what}  (opened by @${p.openedBy}${asked})\n  ${p.url}`;
    if (p.gatesUnknown) return `${head}\n  gates: unknown: ${p.gatesUnknown}`;
    if (!p.gates) return `${head}\n  gates: not evaluated on ${p.headSha.slice(0, 7)} yet`;
    const gates = p.gates.gates.map((g) => `    ${g.name.padEnd(13)} ${STATE_MARK[g.state].padEnd(12)} ${g.summary}`);
    return [`${head}\n  gates: ${p.gates.conclusion ?? "in progress"}: ${p.gates.title}`, ...gates].join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
