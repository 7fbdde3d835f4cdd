/** Component health for the status units: a ComponentHealth with given reasons, a crash-loop reason, and one built from an empty cluster. */
import { computeHealth } from "../../core/status/health.js";
import type { ComponentHealth, HealthReason } from "../../core/status/health.js";
import { emptyObjects } from "../../core/status/cluster-objects.js";
import type { ComponentKey } from "../../core/status/components.js";

export const KEY: ComponentKey = { project: "storefront", component: "checkout-api", environment: "dev" };
export const PAYMENTS: ComponentKey = { project: "payments", component: "payments-api", environment: "dev" };

export function health(status: ComponentHealth["status"], reasons: HealthReason[], extra: Partial<ComponentHealth> = {}): ComponentHealth {
  return {
    status,
    message: status === "Healthy" ? "2 of 2 replicas available" : "something is wrong",
    release: "r1",
    desiredRelease: "r2",
    releases: [{ release: "r1", ready: 2 }],
    readyReplicas: 2,
    desiredReplicas: 2,
    workloads: [],
    reasons,
    warnings: [],
    ...extra,
  };
}

export const crash = (pod: string, extra: Partial<HealthReason> = {}): HealthReason => ({
  kind: "CrashLoopBackOff",
  pod,
  container: "main",
  message: "back-off 5m0s restarting failed container",
  restartCount: 7,
  exitCode: 1,
  ...extra,
});

/** The health of a component the cluster does not run, with the given fields replaced. */
export function healthOf(over: Partial<ComponentHealth>): ComponentHealth {
  return { ...computeHealth(emptyObjects()), ...over };
}
