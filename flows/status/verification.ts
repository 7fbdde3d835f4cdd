/**
 * Verification (status back, issue 23): once a rollout is Healthy in an environment whose incoming
 * pipeline step has `verify`, the release's bounded signals are observed for `verify.duration`
 * from the Healthy moment: one instant query per signal per interval (`${window}`: the time since
 * the Healthy moment), the previous release's value over an equal window before the rollout read
 * once as the baseline, each look judged by core/signals/ (`signalsReport`).
 *
 * - failed as soon as a signal breaks its bound (`max`, or `maxIncrease` x the baseline);
 * - verified when the window is complete and every bounded signal stayed within its bounds;
 * - not observed when the window is complete and a signal could not be read or had no data at the
 *   last look: never a pass, and not a failure of the release either.
 *
 * The window is the request's: resumed after a restart (verification-run.ts reads where it stood
 * back from the deployment statuses, core/status/verification-window.ts), a window still open is
 * observed until its original end, and one already over is judged by one look at its end.
 *
 * The clock and the timers are passed in (flows/status/timers.ts); nothing here writes to GitHub.
 */
import { signalsReport, type SignalReadings, type SignalsReport } from "../../core/signals/report.js";
import type { Reading, SeriesPoint, SignalJudgement } from "../../core/signals/verify.js";
import { durationSeconds, type Signal, type Verify } from "../../renderers/model/index.js";
import type { VerificationResult } from "../signals/observed.js";
import { readSignalReadings, signalsOf, windowText, type EnvironmentPrometheus, type SignalSubject } from "../signals/read.js";
import type { Timers } from "./timers.js";

/** One release to verify in one environment. */
export interface VerificationRequest {
  readonly subject: SignalSubject;
  /** The `verify` of the pipeline step into the environment. */
  readonly verify: Verify;
  /** Where the verify window starts: when the rollout became Healthy (as first recorded, see verification-run.ts). */
  readonly healthyAt: Date;
  /** When the release landed (the rollout started): the baseline window ends here. */
  readonly landedAt: Date;
  /** The release the environment ran before; none: no baseline (`maxIncrease` is not judged). */
  readonly previousRelease?: string | undefined;
  /** Said in the report (e.g. the release file could not be read). @default none */
  readonly notes?: readonly string[];
}

/** Options of {@link verifyRelease}. */
export interface VerifierOptions {
  /** The environment's Prometheus (or why there is none). */
  readonly prometheus: EnvironmentPrometheus;
  readonly clock: () => Date;
  readonly timers: Timers;
  /** The shortest interval between looks, in ms: at least the Prometheus scrape interval. @default 15000 */
  readonly minIntervalMs?: number;
  /** Told of each look's report (the last one is also the outcome's). @default none */
  readonly onLook?: (report: SignalsReport) => void;
}

/** How a verification ended. */
export interface VerificationOutcome {
  readonly result: VerificationResult | "cancelled";
  /** The last look's report (signals, values, baselines, verdicts); none when cancelled before the first look. */
  readonly report?: SignalsReport;
  /** The signals that broke a bound (failed), or were not observed (not-observed). */
  readonly signals: readonly SignalJudgement[];
}

/** A running verification. */
export interface VerificationHandle {
  readonly done: Promise<VerificationOutcome>;
  /** Stops looking; `done` resolves `cancelled`. */
  cancel(): void;
}

/** The longest interval between looks, in ms. */
const MAX_INTERVAL_MS = 30_000;

/** The interval between looks: a tenth of the window, at most 30 s, at least `minIntervalMs`. */
export function verificationInterval(durationMs: number, minIntervalMs: number): number {
  return Math.max(minIntervalMs, Math.min(durationMs / 10, MAX_INTERVAL_MS));
}

function show(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** A failed signal in a few words: `errorRate 0.2 > max 0.01`, `latencyP95 0.4 > 1.5x baseline 0.1 (0.15)`. */
export function brokenBoundText(s: SignalJudgement): string {
  if (s.value === null) return `${s.name} not observed: ${s.reason}`;
  if (s.broken?.bound === "maxIncrease" && s.baseline !== null)
    return `${s.name} ${show(s.value)} > ${show(s.maxIncrease ?? 0)}x baseline ${show(s.baseline)} (${show(s.broken.limit)})`;
  if (s.broken) return `${s.name} ${show(s.value)} > max ${show(s.broken.limit)}`;
  return `${s.name} ${show(s.value)}: ${s.reason}`;
}

/**
 * Observes the request's bounded signals (see the module comment). Signals `verify` names that
 * the component does not have are never observed.
 */
export function verifyRelease(request: VerificationRequest, options: VerifierOptions): VerificationHandle {
  const { subject, verify } = request;
  const durationMs = durationSeconds(verify.duration) * 1000;
  const intervalMs = verificationInterval(durationMs, options.minIntervalMs ?? 15_000);
  const start = request.healthyAt.getTime() / 1000;
  const landed = request.landedAt.getTime() / 1000;
  const end = start + durationMs / 1000;
  const known = new Map(signalsOf(subject));
  const bounded = Object.keys(verify.signals).sort();
  const observed: [string, Signal][] = bounded.flatMap((n) => {
    const s = known.get(n);
    return s ? [[n, s] as [string, Signal]] : [];
  });
  const missing = bounded.filter((n) => !known.has(n));
  const series = new Map<string, SeriesPoint[]>();
  let baselines: Map<string, Reading> | undefined;

  let cancelled = false;
  let timer: unknown;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = options.timers.setTimeout(resolve, Math.max(0, ms));
    });

  /** One look: the report, and the moment it looked at (unix seconds, not rounded). */
  const look = async (): Promise<{ report: SignalsReport; to: number }> => {
    // Never past the window's end: a verification resumed after its window ran out looks once, at the end (Prometheus `time=`).
    const to = Math.min(end, Math.max(start, options.clock().getTime() / 1000));
    const windowSeconds = Math.max(1, to - start);
    const read = await readSignalReadings(subject, options.prometheus, { from: start, to }, { window: windowText(windowSeconds) }, observed);
    const previous = request.previousRelease;
    if (previous !== undefined && baselines === undefined) {
      // The previous release over the verify duration before the rollout: read once. Its `${window}` is the whole duration.
      baselines = new Map(
        await readSignalReadings(
          { ...subject, release: previous },
          options.prometheus,
          { from: landed - durationMs / 1000, to: landed },
          { window: windowText(durationMs / 1000) },
          observed,
        ).then((rs) => rs.map((r) => [r.name, r.current] as const)),
      );
    }
    const readings: SignalReadings[] = read.map((r) => {
      const points = series.get(r.name) ?? [];
      if (r.current.ok && r.current.value !== undefined && Number.isFinite(r.current.value)) points.push([Math.round(to), r.current.value]);
      series.set(r.name, points);
      const baseline = baselines?.get(r.name);
      const current: Reading = r.current.ok ? { ...r.current, series: [...points] } : r.current;
      return { name: r.name, signal: r.signal, current, ...(baseline ? { baseline } : {}) };
    });
    for (const name of missing) {
      readings.push({
        name,
        signal: { query: "", unit: "count" },
        current: { ok: false, error: `verify names signal ${name}, which ${subject.project}/${subject.component} does not have` },
      });
    }
    const report = signalsReport({
      component: `${subject.project}/${subject.component}`,
      environment: subject.environment.name,
      ...(subject.environment.cluster ? { cluster: subject.environment.cluster.context } : {}),
      release: subject.release,
      window: { from: Math.floor(start), to: Math.round(to) },
      verify,
      // Whole seconds like `window.from`, so the rounded `window.to` of the last look completes the window.
      landedAt: Math.floor(start),
      readings,
      notes: [...(request.notes ?? []), ...(request.previousRelease === undefined ? [`no previous release in ${subject.environment.name}: no baseline`] : [])],
    });
    return { report, to };
  };

  const run = async (): Promise<VerificationOutcome> => {
    const wait = start * 1000 + intervalMs - options.clock().getTime();
    if (wait > 0) await sleep(wait);
    while (!cancelled) {
      const { report, to } = await look();
      if (!cancelled) options.onLook?.(report);
      if (cancelled) return { result: "cancelled", report, signals: [] };
      // The look's own moment, not the report's rounded `window.to`: rounded down, a window never completes and the looks would spin.
      const complete = to >= end - 0.001;
      if (report.verdict === "failed") return { result: "failed", report, signals: report.signals.filter((s) => s.verdict === "failed") };
      if (complete) {
        if (report.verdict === "verified") return { result: "verified", report, signals: [] };
        return { result: "not-observed", report, signals: report.signals.filter((s) => s.verdict === "not-observed" || s.verdict === "verifying") };
      }
      const now = options.clock().getTime();
      await sleep(Math.ceil(Math.min(intervalMs, end * 1000 - now)));
    }
    return { result: "cancelled", signals: [] };
  };

  return {
    done: run(),
    cancel() {
      cancelled = true;
      if (timer !== undefined) options.timers.clearTimeout(timer);
      wake?.();
    },
  };
}
