/**
 * When `createFerryApp` turns cluster status on: only with a given runtime, or from the
 * environment (FERRY_CLUSTER_STATUS / KUBECONFIG) when the configuration comes from there; given
 * hooks win over the runtime's.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "probot";
import { ConfigError } from "../../app/config.js";
import type { Deps } from "../../app/deps.js";
import { resolveDeps } from "../../app/deps.js";
import { notObservedHealth } from "../../core/promotion/health.js";
import { clusterRuntimeFromEnv, withClusterStatus } from "../../app/cluster-status.js";
import { ClusterRuntime } from "../../flows/status/cluster-runtime.js";
import { kubeconfigYaml } from "../support/fake-kube/index.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

/** A logger that records `msg` of info lines. */
function recordingLogger(lines: string[]): Logger {
  const log = {
    child: () => log,
    info: (_obj: object, msg: string) => lines.push(msg),
    warn: (_obj: object, msg: string) => lines.push(msg),
    error: (_obj: object, msg: string) => lines.push(msg),
    debug: () => undefined,
  };
  return log as unknown as Logger;
}

const noApp = {
  auth: (): never => {
    throw new Error("no GitHub in this test");
  },
};

let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-wiring-"));
  kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, kubeconfigYaml([{ context: "kind-dev", server: "https://127.0.0.1:1", caPem: CA, token: "t" }]), { mode: 0o600 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function baseDeps(lines: string[] = []): Deps {
  return resolveDeps({ cacheDir: dir, platformRepo: { owner: "acme", repo: "platform" }, logger: recordingLogger(lines) }, { logger: recordingLogger(lines) });
}

describe("clusterRuntimeFromEnv", () => {
  it("builds no runtime when cluster status is off, and says why", () => {
    const lines: string[] = [];
    expect(clusterRuntimeFromEnv(baseDeps(lines), {})).toBeUndefined();
    expect(clusterRuntimeFromEnv(baseDeps(lines), { FERRY_CLUSTER_STATUS: "off", KUBECONFIG: kubeconfig })).toBeUndefined();
    expect(lines).toEqual(["cluster status is off", "cluster status is off"]);
  });

  it("builds a runtime on the kubeconfig KUBECONFIG names, and refuses bad variables or an unreadable file", async () => {
    const runtime = clusterRuntimeFromEnv(baseDeps(), { KUBECONFIG: kubeconfig });
    expect(runtime).toBeInstanceOf(ClusterRuntime);
    await runtime?.stop();
    expect(() => clusterRuntimeFromEnv(baseDeps(), { FERRY_CLUSTER_STATUS: "maybe" })).toThrow(ConfigError);
    expect(() => clusterRuntimeFromEnv(baseDeps(), { FERRY_CLUSTER_STATUS: "1", KUBECONFIG: join(dir, "nope") })).toThrow(/nope/);
  });
});

describe("withClusterStatus", () => {
  it("leaves the dependencies alone without a runtime (tests, and FERRY_CLUSTER_STATUS off)", () => {
    const deps = baseDeps();
    expect(withClusterStatus(deps, noApp, { given: {} }).deps).toBe(deps);
    expect(withClusterStatus(deps, noApp, { given: {}, fromEnv: true, env: {} }).deps).toBe(deps);
    // The configuration comes from the test, not the environment: KUBECONFIG is not looked at.
    expect(withClusterStatus(deps, noApp, { given: {}, fromEnv: false, env: { KUBECONFIG: kubeconfig } }).deps).toBe(deps);
  });

  it("wires a given runtime into health, watchRollout, runtimeStatus and platformChanged, keeping hooks the caller gave", async () => {
    const runtime = new ClusterRuntime({ env: { KUBECONFIG: kubeconfig } });
    const { deps, wiring } = withClusterStatus({ ...baseDeps(), clusterRuntime: runtime }, noApp, { given: {} });
    expect(deps.health).toBe(runtime.health);
    expect(deps.health).not.toBe(notObservedHealth);
    expect(typeof deps.watchRollout).toBe("function");
    expect(typeof deps.platformChanged).toBe("function");
    // A failed verification is handed to the rollback on failure.
    expect(typeof deps.onVerificationFailed).toBe("function");
    // No platform read yet: /ferry status adds nothing.
    expect(await deps.runtimeStatus?.({ project: "shop", component: "api", environments: ["dev"] })).toBeUndefined();
    await wiring?.stop();

    const runtimeStatus = async () => "given";
    const onVerificationFailed = async () => undefined;
    const kept = withClusterStatus({ ...baseDeps(), clusterRuntime: runtime, health: notObservedHealth, runtimeStatus }, noApp, {
      given: { health: notObservedHealth, runtimeStatus, onVerificationFailed },
    });
    expect(kept.deps.health).toBe(notObservedHealth);
    expect(kept.deps.runtimeStatus).toBe(runtimeStatus);
    expect(kept.deps.onVerificationFailed).toBe(onVerificationFailed);
    await kept.wiring?.stop();
  });
});
