/**
 * The reconcile pass as the app's periodic task: once at start-up and then every
 * FERRY_RECONCILE_INTERVAL seconds (`Deps.reconcile`). Errors are logged, never thrown; repairs
 * done are counted in the metrics and each report goes to `Deps.onReconciled`.
 */
import type { Deps } from "./deps.js";
import type { AppAuth } from "../adapters/github/apps.js";
import type { ReconcileDeps } from "../flows/reconcile/pass.js";
import { reconcilePass } from "../flows/reconcile/pass.js";

export function scheduledReconcile(auth: AppAuth, deps: ReconcileDeps & Pick<Deps, "onReconciled" | "metrics">): () => Promise<void> {
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
