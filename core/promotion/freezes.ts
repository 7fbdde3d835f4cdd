/**
 * Freezes (`spec.freezes`) and breaking glass on them. Pure: the clock is an input.
 *
 * A freeze covers an environment it names from its `from` (inclusive) until its `until`
 * (exclusive). While one does, no promotion into the environment merges (the `freeze` gate),
 * unless a person with {@link BREAK_GLASS_PERMISSION} or more on the component's app repository
 * broke glass on that pull request's head commit (the `Ferry-Break-Glass` trailer of Ferry's commit
 * there, core/gitops/trailers.ts); the commit that lands it carries the same trailer.
 */
import type { Freeze } from "../../renderers/model/index.js";
import type { Permission } from "../../renderers/model/index.js";
import { formatUtc } from "../time.js";

/** The role breaking glass needs on the component's app repository. */
export const BREAK_GLASS_PERMISSION: Permission = "maintain";

/** The freezes covering `environment` at `now`, the one ending last first (ties: as declared). */
export function freezesCovering(freezes: readonly Freeze[], environment: string, now: Date): Freeze[] {
  const t = now.getTime();
  return freezes
    .filter((f) => f.environments.includes(environment) && Date.parse(f.from) <= t && t < Date.parse(f.until))
    .map((f, i) => ({ f, i }))
    .sort((a, b) => Date.parse(b.f.until) - Date.parse(a.f.until) || a.i - b.i)
    .map(({ f }) => f);
}

/** `year-end freeze, until 2027-01-04 00:00 UTC` */
export function describeFreeze(freeze: Freeze): string {
  return `${freeze.reason}, until ${formatUtc(new Date(freeze.until))}`;
}

/** Who broke glass and why, as the `Ferry-Break-Glass` trailer says it: `<login>: <reason>`. */
export interface BreakGlass {
  readonly login: string;
  readonly reason: string;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** The trailer value `<login>: <reason>`; throws on a login that is not one or a reason that is not one line. */
export function breakGlassTrailer(b: BreakGlass): string {
  if (!LOGIN.test(b.login)) throw new Error(`break-glass: ${JSON.stringify(b.login)} is not a GitHub login`);
  const problem = breakGlassReasonProblem(b.reason);
  if (problem) throw new Error(`break-glass: ${problem}`);
  return `${b.login}: ${b.reason.trim()}`;
}

/** Reads a `Ferry-Break-Glass` value; undefined when it is not `<login>: <reason>`. */
export function parseBreakGlass(value: string): BreakGlass | undefined {
  const m = /^([^:\s]+):\s*(.+)$/.exec(value.trim());
  if (!m || !LOGIN.test(m[1]!)) return undefined;
  return { login: m[1]!, reason: m[2]!.trim() };
}

/** Why a break-glass reason is unusable (empty, several lines, over 200 characters), or undefined. */
export function breakGlassReasonProblem(reason: string): string | undefined {
  const r = reason.trim();
  if (r.length === 0) return 'the reason is empty: say why (--break-glass "why")';
  if (/[\r\n]/.test(r)) return "the reason must be a single line";
  if (r.length > 200) return `the reason is ${r.length} characters long; at most 200`;
  return undefined;
}
