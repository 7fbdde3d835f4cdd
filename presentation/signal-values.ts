/**
 * Signal values as people read them, one formatter for the status comment and the portal: a ratio
 * as %, seconds as ms or s, bytes as MiB, cores as millicores (m), counts as numbers. Pure.
 */
import type { SignalJudgement, Verdict } from "../core/signals/verify.js";
import type { SignalUnit } from "../renderers/model/index.js";

/** At most three significant digits, never an exponent, no trailing zeros. */
function digits(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 100 || Number.isInteger(x)) return String(Math.round(x));
  const text = x.toFixed(Math.max(0, 2 - Math.floor(Math.log10(abs))));
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** One value in its unit: `20%`, `48.8 ms`, `1.5 s`, `256 MiB`, `250m`, `3`; `–` when there is none. */
export function formatSignalValue(value: number | null | undefined, unit: SignalUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  switch (unit) {
    case "ratio":
      return `${digits(value * 100)}%`;
    case "seconds":
      return Math.abs(value) < 1 ? `${digits(value * 1000)} ms` : `${digits(value)} s`;
    case "bytes":
      return `${digits(value / 1024 / 1024)} MiB`;
    case "cores":
      return `${digits(value * 1000)}m`;
    case "count":
      return digits(value);
  }
}

/** The bounds of a judged signal: `≤ 1%`, `≤ 1.5× previous (73.1 ms)`; `none` without one. */
export function formatBound(s: SignalJudgement): string {
  const parts: string[] = [];
  if (s.max !== undefined) parts.push(`≤ ${formatSignalValue(s.max, s.unit)}`);
  if (s.maxIncrease !== undefined) {
    const limit = s.baseline !== null ? ` (${formatSignalValue(s.baseline * s.maxIncrease, s.unit)})` : "";
    parts.push(`≤ ${digits(s.maxIncrease)}× previous${limit}`);
  }
  return parts.length > 0 ? parts.join(", ") : "none";
}

/** The verdict as a word a person reads (never colour only). */
export function verdictWord(v: Verdict): string {
  return v === "not-observed" ? "not observed" : v;
}

/** Why a signal has its verdict, with its numbers in their unit (the judgement's own reason when it was not observed). */
export function signalReason(s: SignalJudgement): string {
  const now = formatSignalValue(s.value, s.unit);
  const noBaseline = s.maxIncrease !== undefined && s.baseline === null ? "; no previous release to compare with" : "";
  switch (s.verdict) {
    case "not-observed":
      return s.reason;
    case "failed":
      if (s.broken?.bound === "max") return `${s.name} ${now} is above the bound ${formatSignalValue(s.broken.limit, s.unit)}`;
      if (s.broken?.bound === "maxIncrease")
        return `${s.name} ${now} is above ${digits(s.maxIncrease ?? 0)}× the previous release's ${formatSignalValue(s.baseline, s.unit)} (${formatSignalValue(s.broken.limit, s.unit)})`;
      return s.reason;
    case "verifying":
      return `${s.name} ${now} is within its bounds so far${noBaseline}`;
    case "verified":
      if (s.max === undefined && s.maxIncrease === undefined) return `${s.name} ${now} was read; no bound applies`;
      return `${s.name} ${now} stayed within its bounds${noBaseline}`;
  }
}
