/**
 * The reconcile pass as the app's periodic task: once at start-up and then every
 * FERRY_RECONCILE_INTERVAL seconds (`Deps.reconcile`). Errors are logged, never thrown; each
 * report goes to `Deps.onReconciled` (metrics).
 */
import type { Deps } from "../deps.js";
import type { AppAuth } from "../runtime/wire.js";
import type { ReconcileDeps } from "./pass.js";
import { reconcilePass } from "./pass.js";

export function scheduledReconcile(auth: AppAuth, deps: ReconcileDeps & Pick<Deps, "onReconciled">): () => Promise<void> {
  return async () => {
    try {
      const report = await reconcilePass(auth, deps);
      deps.onReconciled?.(report);
    } catch (e) {
      deps.logger.error({ err: e, flow: "reconcile" }, "reconcile pass failed");
    }
  };
}
