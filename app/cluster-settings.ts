/**
 * Whether (and how) the app watches the clusters (the "status back" flow, see ARCHITECTURE.md), from environment variables:
 *
 * | variable | meaning |
 * | --- | --- |
 * | `FERRY_CLUSTER_STATUS` | `1`/`true`/`on` enables, `0`/`false`/`off` disables; unset: enabled when `KUBECONFIG` is set |
 * | `KUBECONFIG` | the kubeconfig file(s) (`:`-separated); unset: `~/.kube/config`, else the pod's service account |
 * | `FERRY_STATUS_DEGRADED_SETTLE` | how long a rollout may stay Degraded before Ferry reports a failure (default `5m`) |
 * | `FERRY_STATUS_MAX_WATCH` | how long Ferry watches a rollout at most (default `1h`) |
 *
 * The contexts watched are the platform environments' `cluster.context` values.
 */
import { z } from "zod";
import { Duration, durationSeconds } from "../renderers/model/common.js";
import { ConfigError } from "./config.js";

const Switch = z.enum(["1", "true", "on", "0", "false", "off"], {
  error: (iss) => `must be 1, true or on (enable) or 0, false or off (disable), got ${JSON.stringify(iss.input)}`,
});

/** The environment variables of cluster status; see the module comment. */
export const ClusterStatusEnv = z.object({
  /** Enables or disables cluster status. @default enabled when KUBECONFIG is set */
  FERRY_CLUSTER_STATUS: Switch.optional(),
  /** Kubeconfig file(s). @default ~/.kube/config, else in-cluster credentials */
  KUBECONFIG: z.string().min(1).optional(),
  /** How long Degraded lasts before the rollout is reported failed. */
  FERRY_STATUS_DEGRADED_SETTLE: Duration.default("5m"),
  /** How long a rollout is watched at most. */
  FERRY_STATUS_MAX_WATCH: Duration.default("1h"),
});
export type ClusterStatusEnv = z.infer<typeof ClusterStatusEnv>;

/** What {@link clusterStatusSettings} decided. */
export interface ClusterStatusSettings {
  readonly enabled: boolean;
  /** Why it is enabled or not (logged at start). */
  readonly why: string;
  /** Degraded this long settles a rollout as failed, in ms. */
  readonly degradedSettleMs: number;
  /** A rollout not settled this long is reported not healthy, in ms. */
  readonly maxWatchMs: number;
}

/**
 * Reads the cluster status variables from `env`; throws {@link ConfigError} naming every bad
 * variable (blank values count as unset).
 */
export function clusterStatusSettings(env: Readonly<Record<string, string | undefined>> = process.env): ClusterStatusSettings {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
  const input = Object.fromEntries(Object.keys(ClusterStatusEnv.shape).map((k) => [k, blank(env[k])]));
  const parsed = ClusterStatusEnv.safeParse(input);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? "?")}: ${i.message}`));
  const e = parsed.data;
  const settle = { degradedSettleMs: durationSeconds(e.FERRY_STATUS_DEGRADED_SETTLE) * 1000, maxWatchMs: durationSeconds(e.FERRY_STATUS_MAX_WATCH) * 1000 };
  const flag = e.FERRY_CLUSTER_STATUS;
  if (flag === undefined) {
    return e.KUBECONFIG === undefined
      ? { enabled: false, why: "FERRY_CLUSTER_STATUS and KUBECONFIG are unset", ...settle }
      : { enabled: true, why: "KUBECONFIG is set", ...settle };
  }
  const on = flag === "1" || flag === "true" || flag === "on";
  return { enabled: on, why: `FERRY_CLUSTER_STATUS=${flag}`, ...settle };
}
