/**
 * A signals report as the diagnosis reads it: its signals' series as traces (flows/diagnosis
 * gathers the rest of the evidence). Pure.
 */
import type { SignalsReport } from "../signals/report.js";
import type { SignalTrace } from "./model.js";

/** The report's signals as the traces `diagnoseCauses` reads. */
export function signalTraces(report: SignalsReport): SignalTrace[] {
  return report.signals.map((s) => ({
    name: s.name,
    unit: s.unit,
    value: s.value,
    baseline: s.baseline,
    ...(s.max !== undefined ? { max: s.max } : {}),
    verdict: s.verdict,
    series: s.series,
  }));
}
