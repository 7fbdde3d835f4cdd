/**
 * The reconcile pass as the app's periodic task: once at start-up and then every
 * FERRY_RECONCILE_INTERVAL seconds (`Deps.reconcile`). Errors are logged, never thrown; repairs
 * done are counted in the metrics and each report goes to `Deps.onReconciled`.
 */
import type { ReconcileReport } from "../core/reconcile/report.js";
import type { FerryMetrics } from "./metrics.js";
import type { AppAuth } from "../adapters/github/apps.js";
import type { ReconcileDeps } from "../flows/reconcile/pass.js";
import { reconcilePass } from "../flows/reconcile/pass.js";

/** What the scheduled pass needs besides the pass's own services: where repairs are counted and reports told. */
export interface ScheduledReconcileDeps extends ReconcileDeps {
  readonly metrics: Pick<FerryMetrics, "reconcileRepair">;
  readonly onReconciled?: (report: ReconcileReport) => void;
}

export function scheduledReconcile(auth: AppAuth, deps: ScheduledReconcileDeps): () => Promise<void> {
  return async () => {
    try {
      const report = await reconcilePass(auth, deps);
      for (const r of report.repairs) if (r.outcome === "done") deps.metrics.reconcileRepair(r.repair.kind);
      deps.onReconciled?.(report);
    } catch (e) {
      deps.logger.error({ err: e, flow: "reconcile" }, "reconcile pass failed");
    }
  };
}
