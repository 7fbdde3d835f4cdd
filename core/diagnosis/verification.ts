/**
 * The likely causes of a failed verification, from what the verification itself read: its
 * signals' series as traces, the release's landing time and the component's last health. Shared
 * by status back (the status comment) and the portal (the component page). Pure.
 */
import type { SignalsReport } from "../signals/report.js";
import type { ComponentKey } from "../status/components.js";
import type { ComponentHealth } from "../status/health.js";
import type { CausesDiagnosis, SignalTrace } from "./model.js";
import { diagnoseCauses } from "./rank.js";

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

/** Without dependencies at hand, the diagnosis says so. */
export const NO_DEPENDENCIES_NOTE = "dependencies' health and signals not read here: `ferry diagnose` reads them";

/** Input of {@link failedVerificationCauses}. */
export interface FailedVerificationCausesInput {
  readonly key: ComponentKey;
  readonly report: SignalsReport;
  readonly health: ComponentHealth;
  /** When the release landed (unix seconds). @default unknown */
  readonly landedAt?: number;
  /** What limits the diagnosis beyond the missing dependencies. @default none */
  readonly notes?: readonly string[];
}

/** The ranked causes of a failed verification; undefined when the report did not fail. */
export function failedVerificationCauses(input: FailedVerificationCausesInput): CausesDiagnosis | undefined {
  if (input.report.verdict !== "failed") return undefined;
  return diagnoseCauses({
    key: input.key,
    health: input.health,
    release: input.report.release,
    ...(input.landedAt !== undefined ? { landedAt: input.landedAt } : {}),
    signals: signalTraces(input.report),
    notes: [...(input.notes ?? []), NO_DEPENDENCIES_NOTE],
  });
}
