/**
 * Verification, purely: a release's signals over the verify window against their bounds (`max`) and
 * against the previous release's values over an equal window before the rollout (`maxIncrease`).
 * A signal that could not be read, or has no data (no series, or NaN: e.g. an error ratio without
 * requests), is never a pass: it is `not-observed`.
 */
import type { SignalBound, SignalUnit } from "../../renderers/model/index.js";

export const VERDICTS = ["verified", "failed", "verifying", "not-observed"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A point of a series: unix seconds and the value. */
export type SeriesPoint = readonly [number, number];

/** What reading one signal over one window gave: its value (undefined: no data) and series, or why it could not be read. */
export type Reading =
  { readonly ok: true; readonly value: number | undefined; readonly series: readonly SeriesPoint[] } | { readonly ok: false; readonly error: string };

/** Whether the verify window has run out: `open` while the release is still being observed. */
export type VerifyPhase = "open" | "complete";

export interface SignalInput {
  readonly name: string;
  readonly unit: SignalUnit;
  /** The step's bound on this signal; none: the signal is only shown. */
  readonly bound?: SignalBound;
  /** The signal over the verify window (or the window asked for). */
  readonly current: Reading;
  /** The previous release's value over an equal window before the rollout; undefined when there is no previous release. */
  readonly baseline?: Reading;
}

/** Which bound a failed signal broke, and the limit it broke. */
export interface BrokenBound {
  readonly bound: "max" | "maxIncrease";
  /** `max`, or `maxIncrease` x the baseline. */
  readonly limit: number;
}

export interface SignalJudgement {
  readonly name: string;
  readonly unit: SignalUnit;
  /** null when not observed. */
  readonly value: number | null;
  /** null when there is no previous release or it was not observed. */
  readonly baseline: number | null;
  readonly max?: number;
  readonly maxIncrease?: number;
  readonly verdict: Verdict;
  /** Set when `failed`. */
  readonly broken?: BrokenBound;
  /** One sentence a person reads: why this verdict. */
  readonly reason: string;
  readonly series: readonly SeriesPoint[];
}

/** `open` until `duration` seconds have passed since the rollout was Healthy at `start` (unix seconds). */
export function verifyPhase(start: number, durationSeconds: number, now: number): VerifyPhase {
  return now - start >= durationSeconds ? "complete" : "open";
}

/** A reading's number, when it has one (a finite value). */
export function observedValue(r: Reading | undefined): number | undefined {
  return r?.ok && r.value !== undefined && Number.isFinite(r.value) ? r.value : undefined;
}

function unobserved(r: Reading | undefined, what: string): string {
  if (!r) return `${what}: nothing was read`;
  if (!r.ok) return `${what} could not be read: ${r.error}`;
  return `${what} has no data`;
}

/**
 * Judges one signal. A broken bound fails at once (also while the window is open); all bounds held
 * is `verified` once the window is complete, `verifying` before. Without a bound, a read signal is
 * `verified` (nothing to break) and an unread one `not-observed`.
 */
export function judgeSignal(input: SignalInput, phase: VerifyPhase): SignalJudgement {
  const { bound } = input;
  const value = observedValue(input.current);
  const baseline = observedValue(input.baseline);
  const base = {
    name: input.name,
    unit: input.unit,
    value: value ?? null,
    baseline: baseline ?? null,
    ...(bound?.max !== undefined ? { max: bound.max } : {}),
    ...(bound?.maxIncrease !== undefined ? { maxIncrease: bound.maxIncrease } : {}),
    series: input.current.ok ? input.current.series : [],
  };
  if (value === undefined) return { ...base, verdict: "not-observed", reason: unobserved(input.current, input.name) };
  if (bound?.max !== undefined && value > bound.max) {
    return {
      ...base,
      verdict: "failed",
      broken: { bound: "max", limit: bound.max },
      reason: `${input.name} ${figure(value)} is above the bound ${figure(bound.max)}`,
    };
  }
  if (bound?.maxIncrease !== undefined) {
    if (input.baseline !== undefined && baseline === undefined) {
      return {
        ...base,
        verdict: "not-observed",
        reason: `${unobserved(input.baseline, `${input.name} of the previous release`)}: maxIncrease cannot be judged`,
      };
    }
    if (baseline !== undefined) {
      // At most maxIncrease x the previous release's value; a baseline of 0 allows no rise at all.
      const limit = baseline * bound.maxIncrease;
      if (value > limit) {
        return {
          ...base,
          verdict: "failed",
          broken: { bound: "maxIncrease", limit },
          reason: `${input.name} ${figure(value)} is above ${figure(bound.maxIncrease)} x the previous release's ${figure(baseline)} (${figure(limit)})`,
        };
      }
    }
  }
  if (!bound) return { ...base, verdict: "verified", reason: `${input.name} was read; no bound applies` };
  const noBaseline = bound.maxIncrease !== undefined && input.baseline === undefined ? "; no previous release to compare with" : "";
  if (phase === "open") return { ...base, verdict: "verifying", reason: `${input.name} ${figure(value)} is within its bounds so far${noBaseline}` };
  return { ...base, verdict: "verified", reason: `${input.name} ${figure(value)} stayed within its bounds${noBaseline}` };
}

/**
 * The release's verdict from its signals' judgements, counting only signals with a bound when any
 * has one: failed if one failed, else not-observed if one was not observed, else verifying while one
 * is, else verified. No signal at all is `not-observed`: nothing was seen.
 */
export function overallVerdict(signals: readonly SignalJudgement[]): Verdict {
  const bounded = signals.filter((s) => s.max !== undefined || s.maxIncrease !== undefined);
  const judged = bounded.length > 0 ? bounded : signals;
  if (judged.length === 0) return "not-observed";
  for (const v of ["failed", "not-observed", "verifying"] as const) if (judged.some((s) => s.verdict === v)) return v;
  return "verified";
}

/** A signal's number as its reasons and the text report say it: whole, or to 4 significant digits (0.19999999999999998 is 0.2). */
export function figure(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
