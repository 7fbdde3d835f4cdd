/**
 * The signals of one component in one environment as `ferry signals` and `ferry_signals` report
 * them: what was read, judged by `verify.ts`, and its text. Pure: the operation reads Prometheus.
 */
import type { SignalBound, Signal, Verify, Platform } from "../../renderers/model/index.js";
import { durationSeconds } from "../../renderers/model/index.js";
import { formatUtc } from "../time.js";
import { figure, judgeSignal, overallVerdict, verifyPhase } from "./verify.js";
import type { Reading, SignalJudgement, Verdict } from "./verify.js";

export interface SignalsReport {
  /** `<project>/<component>` */
  readonly component: string;
  readonly environment: string;
  readonly cluster?: string;
  readonly release: string;
  readonly verdict: Verdict;
  /** Unix seconds: the window each value is computed over, and the span of the series. */
  readonly window: { readonly from: number; readonly to: number };
  readonly signals: readonly SignalJudgement[];
  /** What limits the report (no Prometheus endpoint, no previous release, the verify window still open). */
  readonly notes: readonly string[];
}

/** The verify settings of the pipeline step into `env` (the first one that sets `verify`). */
export function verifyInto(platform: Platform, env: string): Verify | undefined {
  return platform.spec.pipeline.find((s) => s.to.includes(env) && s.verify)?.verify;
}

/** A signal's readings over the window and, for a previous release, over the window before the rollout. */
export interface SignalReadings {
  readonly name: string;
  readonly signal: Signal;
  readonly current: Reading;
  readonly baseline?: Reading;
}

export interface ReportInput {
  readonly component: string;
  readonly environment: string;
  readonly cluster?: string;
  readonly release: string;
  readonly window: { readonly from: number; readonly to: number };
  readonly verify: Verify | undefined;
  /** When the release landed in the environment (unix seconds), when known. */
  readonly landedAt?: number;
  readonly readings: readonly SignalReadings[];
  readonly notes?: readonly string[];
}

/** Judges each signal against the step's bounds; the verify window counts from the release's landing. */
export function signalsReport(input: ReportInput): SignalsReport {
  const notes = [...(input.notes ?? [])];
  let phase: "open" | "complete" = "complete";
  if (input.verify && input.landedAt !== undefined) {
    phase = verifyPhase(input.landedAt, durationSeconds(input.verify.duration), input.window.to);
    if (phase === "open")
      notes.push(`the verify window (${input.verify.duration}) since the release landed at ${formatUtc(new Date(input.landedAt * 1000))} is still open`);
  }
  const signals = input.readings.map((r) => {
    const bound: SignalBound | undefined = input.verify?.signals[r.name];
    return judgeSignal(
      { name: r.name, unit: r.signal.unit, current: r.current, ...(bound ? { bound } : {}), ...(r.baseline ? { baseline: r.baseline } : {}) },
      phase,
    );
  });
  return {
    component: input.component,
    environment: input.environment,
    ...(input.cluster ? { cluster: input.cluster } : {}),
    release: input.release,
    verdict: overallVerdict(signals),
    window: input.window,
    signals,
    notes,
  };
}

const BARS = "▁▂▃▄▅▆▇█";

/** A series as a line of block characters, lowest to highest value. */
export function sparkline(series: readonly (readonly [number, number])[]): string {
  const values = series.map(([, v]) => v).filter((v) => Number.isFinite(v));
  if (values.length === 0) return "";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => BARS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join("");
}

function show(v: number | null | undefined): string {
  return v === null || v === undefined ? "-" : figure(v);
}

/** The report as text: a header, one row per signal, then the notes. */
export function formatSignalsText(report: SignalsReport): string {
  const head = `${report.component} in ${report.environment}${report.cluster ? ` (${report.cluster})` : ""}: release ${report.release}, ${report.verdict}`;
  const window = `window ${formatUtc(new Date(report.window.from * 1000))} .. ${formatUtc(new Date(report.window.to * 1000))}`;
  const rows = [["signal", "unit", "baseline", "now", "bound", "verdict", "series"]];
  for (const s of report.signals) {
    const bound =
      [s.max !== undefined ? `<= ${show(s.max)}` : "", s.maxIncrease !== undefined ? `<= ${show(s.maxIncrease)}x` : ""].filter(Boolean).join(", ") || "-";
    rows.push([s.name, s.unit, show(s.baseline), show(s.value), bound, s.verdict, sparkline(s.series)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const table = rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
  const reasons = report.signals.filter((s) => s.verdict === "failed" || s.verdict === "not-observed").map((s) => `  ${s.name}: ${s.reason}`);
  return [head, window, "", ...table, ...(reasons.length ? ["", ...reasons] : []), ...report.notes.map((n) => `note: ${n}`), ""].join("\n");
}

/**
 * An environment on several clusters (`environments[].clusters`): each cluster's report, in wave
 * order, each from its own folder's history and its own Prometheus, and the environment's verdict.
 */
export interface ClustersSignalsReport {
  /** `<project>/<component>` */
  readonly component: string;
  readonly environment: string;
  /** The release every cluster judged; absent when they judged different ones (a rollout in waves under way). */
  readonly release?: string;
  /** The worst of the clusters' verdicts: failed, then not-observed, then verifying, then verified. */
  readonly verdict: Verdict;
  readonly window: { readonly from: number; readonly to: number };
  readonly clusters: readonly SignalsReport[];
  /** Each cluster that is not verified, named with its verdict; a cluster that runs no release. */
  readonly notes: readonly string[];
}

/** What `ferry signals` and `ferry_signals` report: one environment on one cluster, or one on several. */
export type EnvironmentSignalsReport = SignalsReport | ClustersSignalsReport;

/** Whether the report is an environment on several clusters'. */
export function isClustersReport(report: EnvironmentSignalsReport): report is ClustersSignalsReport {
  return "clusters" in report;
}

const WORST_FIRST: readonly Verdict[] = ["failed", "not-observed", "verifying", "verified"];

/**
 * The environment's report from its clusters' (wave order): the worst verdict, never better than
 * what any cluster showed; `unread` names clusters with no report at all (no release there), which
 * make the environment not observed at best.
 */
export function aggregateClusterSignals(input: {
  readonly component: string;
  readonly environment: string;
  readonly window: { readonly from: number; readonly to: number };
  readonly clusters: readonly SignalsReport[];
  readonly unread?: readonly { readonly cluster: string; readonly reason: string }[];
}): ClustersSignalsReport {
  const unread = input.unread ?? [];
  const verdicts = [...input.clusters.map((c) => c.verdict), ...unread.map((): Verdict => "not-observed")];
  const verdict = verdicts.length === 0 ? "not-observed" : WORST_FIRST.find((v) => verdicts.includes(v))!;
  const releases = [...new Set(input.clusters.map((c) => c.release))];
  const notes = [
    ...input.clusters.filter((c) => c.verdict !== "verified").map((c) => `${c.cluster ?? "?"}: ${c.verdict}`),
    ...unread.map((u) => `${u.cluster}: not-observed (${u.reason})`),
  ];
  if (releases.length > 1) notes.push(`the clusters judged different releases: ${input.clusters.map((c) => `${c.cluster ?? "?"}: ${c.release}`).join("; ")}`);
  return {
    component: input.component,
    environment: input.environment,
    ...(releases.length === 1 && unread.length === 0 ? { release: releases[0]! } : {}),
    verdict,
    window: input.window,
    clusters: input.clusters,
    notes,
  };
}

/** The report as text: for an environment on several clusters, its verdict and notes, then each cluster's report. */
export function formatEnvironmentSignalsText(report: EnvironmentSignalsReport): string {
  if (!isClustersReport(report)) return formatSignalsText(report);
  const release = report.release !== undefined ? `release ${report.release}, ` : "";
  const head = `${report.component} in ${report.environment}: ${release}${report.verdict}`;
  return [head, ...report.notes.map((n) => `note: ${n}`), "", ...report.clusters.map((c) => formatSignalsText(c))].join("\n");
}
