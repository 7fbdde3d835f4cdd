/**
 * Commit messages with git trailers: `Key: value` lines in the last paragraph, after a blank line,
 * as `git interpret-trailers --parse` reads them. Pure.
 *
 * Every commit Ferry makes to an environment carries these trailers (one value each unless said):
 *
 * | trailer | value |
 * | --- | --- |
 * | `Ferry-Component` | `<project>/<component>` the commit is about |
 * | `Ferry-Environment` | the environment name |
 * | `Ferry-Release` | the release id now in the environment, or `none` when the component was removed |
 * | `Ferry-Source` | `<owner>/<repo>@<sha>`: the app commit the release was cut from |
 * | `Ferry-Promoted-From` | optional: the environment the release was promoted from |
 * | `Ferry-Approved-By` | optional, repeatable (or comma-separated): logins whose approvals let it in |
 * | `Ferry-Requested-By` | optional, on a promotion branch's commit: the login who asked for the promotion |
 * | `Ferry-Bundle` | on a bundle's commit: the bundle's name (its `Ferry-Component`s pair with their `Ferry-Release`s and `Ferry-Source`s) |
 * | `Ferry-Preview` | on a preview environment's commit: `<owner>/<repo>#<number>`, the pull request it previews |
 * | `Ferry-Break-Glass` | optional: `<login>: <reason>`, a person who broke glass on a freeze (core/promotion/freezes.ts): on a promotion branch's commit, and on the commit that lands it |
 * | `Ferry-Seal` | on a promotion branch's commit the Ferry app made: `v1 <HMAC>` over its tree, parents and other trailers (core/gitops/seal.ts) |
 *
 * A commit about several components repeats `Ferry-Component`, and pairs it by position with
 * repeated `Ferry-Release` (and `Ferry-Environment`, `Ferry-Source`) values; a trailer given once
 * applies to every component of the commit.
 */

/** Trailer names Ferry writes on GitOps commits and reads back. */
export const TRAILERS = {
  component: "Ferry-Component",
  environment: "Ferry-Environment",
  release: "Ferry-Release",
  source: "Ferry-Source",
  promotedFrom: "Ferry-Promoted-From",
  approvedBy: "Ferry-Approved-By",
  requestedBy: "Ferry-Requested-By",
  seal: "Ferry-Seal",
  /** `<login>: <reason>`: who broke glass on a freeze to land this promotion, and why. */
  breakGlass: "Ferry-Break-Glass",
  preview: "Ferry-Preview",
  /** A promotion into an environment on several clusters landed wave by wave: the wave's number. */
  wave: "Ferry-Wave",
  /** ...and its clusters, one value each. */
  clusters: "Ferry-Clusters",
  /** A bundle's commit (core/bundles/): the bundle's name; its components pair with their releases by position. */
  bundle: "Ferry-Bundle",
} as const;

/** `Ferry-Release: none`: the component was removed from the environment. */
export const NO_RELEASE = "none";

/** Trailer values by key: one string, or several (one line each, e.g. several approvers). */
export type Trailers = Readonly<Record<string, string | readonly string[]>>;

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** Problems of one trailer key, for request validation. */
export function trailerKeyProblems(key: string): string[] {
  return TRAILER_KEY.test(key) ? [] : ["must be letters, digits and '-' (like Ferry-Release)"];
}

/** Problems of one trailer value: a single non-empty line. */
export function trailerValueProblems(value: string): string[] {
  if (value.trim().length === 0) return ["must not be empty"];
  if (/[\r\n]/.test(value)) return ["must be a single line"];
  return [];
}

/**
 * The full commit message: `message` with trailing blank space trimmed, a blank line, then one
 * `Key: value` line per value, keys in sorted order (values in the order given), ending in a
 * newline. Without trailers it is just the message and a newline.
 */
export function formatCommitMessage(message: string, trailers: Trailers): string {
  const body = message.replace(/\r\n/g, "\n").replace(/\s+$/, "");
  const lines: string[] = [];
  for (const key of Object.keys(trailers).sort()) {
    const value = trailers[key];
    const values: readonly string[] = typeof value === "string" ? [value] : (value ?? []);
    for (const v of values) lines.push(`${key}: ${v.trim()}`);
  }
  return lines.length === 0 ? `${body}\n` : `${body}\n\n${lines.join("\n")}\n`;
}

/** A commit message split into subject, body and trailers. */
export interface ParsedMessage {
  /** First line. */
  readonly subject: string;
  /** Paragraphs after the subject and before the trailers, trimmed. */
  readonly body: string;
  /** Trailer values by key, in order of appearance. */
  readonly trailers: Readonly<Record<string, readonly string[]>>;
}

/**
 * Parses a commit message: the trailers are the last paragraph when it is not the subject and
 * every line in it is `Key: value` (or an indented continuation of the previous value).
 */
export function parseCommitMessage(message: string): ParsedMessage {
  const text = message.replace(/\r\n/g, "\n").replace(/\s+$/, "");
  const paragraphs = text.split(/\n[ \t]*\n/);
  const first = paragraphs[0] ?? "";
  const newline = first.indexOf("\n");
  const subject = newline < 0 ? first : first.slice(0, newline);
  const last = paragraphs.length > 1 ? paragraphs[paragraphs.length - 1] : undefined;
  const trailers = last === undefined ? null : parseTrailerBlock(last);
  const bodyParts = trailers ? paragraphs.slice(0, -1) : paragraphs;
  const body = [newline < 0 ? "" : first.slice(newline + 1), ...bodyParts.slice(1)]
    .filter((p) => p.trim())
    .join("\n\n")
    .trim();
  return { subject, body, trailers: trailers ?? {} };
}

function parseTrailerBlock(block: string): Record<string, string[]> | null {
  const out: Record<string, string[]> = {};
  let lastKey: string | null = null;
  for (const line of block.split("\n")) {
    if (/^[ \t]/.test(line) && lastKey !== null) {
      const values = out[lastKey] ?? [];
      values[values.length - 1] = `${values[values.length - 1] ?? ""} ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (!m?.[1]) return null;
    lastKey = m[1];
    (out[lastKey] ??= []).push((m[2] ?? "").trim());
  }
  return out;
}
