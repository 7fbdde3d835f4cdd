/** The cluster runtime's configuration variables (app/cluster-settings.ts). */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../app/config.js";
import { clusterStatusSettings } from "../../app/cluster-settings.js";

describe("clusterStatusSettings", () => {
  it("is off without FERRY_CLUSTER_STATUS and KUBECONFIG, and on as soon as KUBECONFIG is set", () => {
    expect(clusterStatusSettings({})).toMatchObject({ enabled: false, degradedSettleMs: 300_000, maxWatchMs: 3_600_000 });
    expect(clusterStatusSettings({ KUBECONFIG: " " }).enabled).toBe(false);
    expect(clusterStatusSettings({ KUBECONFIG: "/etc/ferry/kubeconfig" })).toMatchObject({ enabled: true, why: "KUBECONFIG is set" });
  });

  it("follows FERRY_CLUSTER_STATUS either way, and reads the durations", () => {
    expect(clusterStatusSettings({ FERRY_CLUSTER_STATUS: "1" }).enabled).toBe(true);
    expect(clusterStatusSettings({ FERRY_CLUSTER_STATUS: "on" }).enabled).toBe(true);
    expect(clusterStatusSettings({ FERRY_CLUSTER_STATUS: "0", KUBECONFIG: "/k" })).toMatchObject({ enabled: false, why: "FERRY_CLUSTER_STATUS=0" });
    expect(clusterStatusSettings({ FERRY_CLUSTER_STATUS: "true", FERRY_STATUS_DEGRADED_SETTLE: "90s", FERRY_STATUS_MAX_WATCH: "2h30m" })).toMatchObject({
      degradedSettleMs: 90_000,
      maxWatchMs: 9_000_000,
    });
  });

  it("names every bad variable at once", () => {
    let error: unknown;
    try {
      clusterStatusSettings({ FERRY_CLUSTER_STATUS: "yes", FERRY_STATUS_DEGRADED_SETTLE: "5 minutes" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^FERRY_CLUSTER_STATUS: must be 1, true or on .* got "yes"$/);
    expect(problems[1]).toMatch(/^FERRY_STATUS_DEGRADED_SETTLE: "5 minutes" is not a duration/);
  });
});
