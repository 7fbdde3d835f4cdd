/**
 * How `createFerryApp` turns cluster status on: a {@link ClusterRuntime} (given, or built from
 * FERRY_CLUSTER_STATUS / KUBECONFIG when the configuration comes from the environment) wired into
 * the dependencies (`health`, `watchRollout`, `runtimeStatus`, `platformChanged`) and started.
 */
import type { FlowServices } from "../flows/services.js";
import type { GitHub } from "../adapters/github/types.js";
import { RunContext } from "../flows/run-context.js";
import { promotionContext } from "../flows/promotion/context.js";
import { verificationFailedHandler } from "../flows/promotion/rollback-on-failure.js";
import { releaseLanded } from "../flows/promotion/promote.js";
import { ClusterRuntime } from "../flows/status/cluster-runtime.js";
import { clusterStatusSettings } from "./cluster-settings.js";
import type { AppAuth } from "../adapters/github/apps.js";
import { wireClusterRuntime, type ClusterWiring } from "../flows/status/rollout-wiring.js";

/** What {@link withClusterStatus} needs of the Probot app. */
export interface ClusterStatusApp {
  readonly auth: AppAuth;
}

/** Options of {@link withClusterStatus}. */
export interface WithClusterStatusOptions {
  /** The dependencies the caller gave (a given `health` or `runtimeStatus` is kept). */
  readonly given: Partial<FlowServices>;
  /** Build a runtime from the process environment when none is given. @default false */
  readonly fromEnv?: boolean;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The runtime configured by the environment, or undefined when cluster status is off; throws a
 * ConfigError on bad variables and an Error on an unreadable kubeconfig.
 */
export function clusterRuntimeFromEnv(deps: Pick<FlowServices, "clock" | "logger">, env: NodeJS.ProcessEnv = process.env): ClusterRuntime | undefined {
  const settings = clusterStatusSettings(env);
  const log = deps.logger.child({ area: "cluster-status" });
  if (!settings.enabled) {
    log.info({ why: settings.why }, "cluster status is off");
    return undefined;
  }
  log.info({ why: settings.why }, "cluster status is on");
  return new ClusterRuntime({ env, clock: deps.clock, logger: log, degradedSettleMs: settings.degradedSettleMs, maxWatchMs: settings.maxWatchMs });
}

/**
 * `deps` with cluster status wired in, or `deps` unchanged when there is no runtime. The runtime
 * starts at once: it reads the platform (as the installation of the platform repository) and
 * observes the contexts its environments name. Returns the wiring too, for stopping.
 */
export function withClusterStatus<D extends FlowServices>(
  deps: D,
  app: ClusterStatusApp,
  options: WithClusterStatusOptions,
): { deps: D; wiring?: ClusterWiring } {
  const runtime = deps.clusterRuntime ?? (options.fromEnv ? clusterRuntimeFromEnv(deps, options.env) : undefined);
  if (!runtime) return { deps };
  let full: D = deps;
  const wiring = wireClusterRuntime({
    runtime,
    deps: () => full,
    auth: (installationId) => app.auth(installationId),
    promoteNext: async (octokit: GitHub, landed) => {
      await releaseLanded(await promotionContext(new RunContext(octokit, full), full), landed, { healthy: true });
    },
  });
  full = {
    ...deps,
    clusterRuntime: runtime,
    health: options.given.health ?? wiring.health,
    runtimeStatus: options.given.runtimeStatus ?? wiring.runtimeStatus,
    watchRollout: options.given.watchRollout ?? wiring.watchRollout,
    platformChanged: options.given.platformChanged ?? wiring.platformChanged,
    // A failed verification opens the rollback where the step says `onFailure: rollback`.
    onVerificationFailed: options.given.onVerificationFailed ?? ((failed, octokit) => verificationFailedHandler(full)(failed, octokit)),
  };
  void wiring.start();
  return { deps: full, wiring };
}
