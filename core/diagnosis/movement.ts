/**
 * When a signal moved: the first point of its series that crossed its bound (`max`) or rose above
 * its reference (the previous release's baseline, else the series' first point) by a margin, and
 * stayed there at the next point. Pure.
 */
import type { SignalUnit } from "../../renderers/model/index.js";
import type { SignalTrace } from "./model.js";

/** A rise counts when it is this share above the reference ... */
export const RISE = 0.5;
/** ... and at least this much in the signal's unit (1 point of error ratio, 10 ms, one restart). */
export const FLOOR: Readonly<Record<SignalUnit, number>> = { ratio: 0.01, seconds: 0.01, count: 0.5, bytes: 1024 * 1024, cores: 0.05 };

export interface Movement {
  readonly signal: string;
  readonly unit: SignalUnit;
  /** Unix seconds of the first point past the bound or the rise. */
  readonly at: number;
  /** What it rose from. */
  readonly reference: number;
  readonly referenceIs: "baseline" | "window start";
  /** The value at `at`. */
  readonly value: number;
  /** The last value of the series. */
  readonly now: number;
  readonly max?: number;
  /** Why it counts: it crossed `max`, or rose above the reference. */
  readonly crossed: "max" | "rise";
}

function past(s: SignalTrace, v: number, reference: number): "max" | "rise" | undefined {
  if (s.max !== undefined && v > s.max) return "max";
  if (v > reference + Math.max(RISE * Math.abs(reference), FLOOR[s.unit])) return "rise";
  return undefined;
}

/** The signal's first movement in its series, or undefined when it did not move (or has no series). */
export function firstMovement(s: SignalTrace): Movement | undefined {
  const series = s.series.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
  const first = series[0];
  if (!first) return undefined;
  const referenceIs = s.baseline !== null && Number.isFinite(s.baseline) ? "baseline" : "window start";
  const reference = referenceIs === "baseline" ? (s.baseline as number) : first[1];
  const last = series[series.length - 1]![1];
  for (let i = 0; i < series.length; i++) {
    const [at, value] = series[i]!;
    const crossed = past(s, value, reference);
    const next = series[i + 1];
    if (crossed && (!next || past(s, next[1], reference))) {
      return { signal: s.name, unit: s.unit, at, reference, referenceIs, value, now: last, ...(s.max !== undefined ? { max: s.max } : {}), crossed };
    }
  }
  return undefined;
}

/** The earliest movement of a set of signals (ties: by signal name). */
export function earliest(signals: readonly SignalTrace[]): Movement | undefined {
  return signals
    .map(firstMovement)
    .filter((m): m is Movement => m !== undefined)
    .sort((a, b) => a.at - b.at || (a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : 0))[0];
}
