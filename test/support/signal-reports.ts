/**
 * SignalsReports judged by core/signals (signalsReport) from readings like the ones
 * operations/signals.ts takes from Prometheus: for the views' tests (status comment, portal).
 */
import { signalsReport, type SignalReadings, type SignalsReport } from "../../core/signals/report.js";
import type { Reading, SeriesPoint } from "../../core/signals/verify.js";
import type { SignalUnit } from "../../renderers/model/index.js";

/** 2026-03-02 10:00 UTC: the window's start. */
export const FROM = Date.UTC(2026, 2, 2, 10, 0, 0) / 1000;
/** Five minutes later: the window's end. */
export const TO = FROM + 300;
/** The release landed a minute into the window. */
export const LANDED = FROM + 60;

/** A series over the five minutes from `from`: `values` spread evenly. */
export function seriesOf(values: readonly number[], from = FROM): SeriesPoint[] {
  return values.map((v, i) => [from + Math.round((i * 300) / Math.max(1, values.length - 1)), v] as const);
}

const read = (values: readonly number[], from = FROM): Reading => ({ ok: true, value: values[values.length - 1], series: seriesOf(values, from) });
const reading = (name: string, unit: SignalUnit, current: Reading, baseline?: Reading): SignalReadings => ({
  name,
  signal: { query: `${name}_query`, unit },
  current,
  ...(baseline ? { baseline } : {}),
});

/**
 * A release whose error ratio jumps from 0.5% to 20% after it landed (bound 1%): failed; latency
 * within 1.5x of the previous release; restarts without a bound; cpu unreadable (Prometheus down).
 */
export function failingReport(at: { from?: number; component?: string; environment?: string; release?: string } = {}): SignalsReport {
  const from = at.from ?? FROM;
  return signalsReport({
    component: at.component ?? "shop/api",
    environment: at.environment ?? "prod",
    release: at.release ?? "89004479966f",
    window: { from, to: from + 300 },
    verify: { duration: "4m", signals: { errorRate: { max: 0.01 }, latencyP95: { max: 0.3, maxIncrease: 1.5 }, cpu: { max: 0.9 } } },
    landedAt: from + 60,
    readings: [
      reading("errorRate", "ratio", read([0.005, 0.005, 0.05, 0.2, 0.2], from), { ok: true, value: 0.005, series: [] }),
      reading("latencyP95", "seconds", read([0.048, 0.05, 0.061, 0.0612], from), { ok: true, value: 0.04875, series: [] }),
      reading("restarts", "count", read([0, 0, 1, 2], from)),
      reading("cpu", "ratio", { ok: false, error: "the endpoint could not be reached: connect ECONNREFUSED" }),
    ],
  });
}

/** The same release with every bounded signal within its bounds. */
export function verifiedReport(): SignalsReport {
  return signalsReport({
    component: "shop/api",
    environment: "prod",
    release: "89004479966f",
    window: { from: FROM, to: TO },
    verify: { duration: "4m", signals: { errorRate: { max: 0.01 }, memory: { max: 536870912 } } },
    landedAt: LANDED,
    readings: [
      reading("errorRate", "ratio", read([0.002, 0.003, 0.0025]), { ok: true, value: 0.002, series: [] }),
      reading("memory", "bytes", read([200 * 1048576, 256 * 1048576])),
      reading("cpuCores", "cores", read([0.2, 0.25])),
    ],
  });
}
