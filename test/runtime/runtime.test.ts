/**
 * The cluster runtime on its own: its configuration variables, the observer switch, and a runtime
 * that follows the platform's contexts against a fake Kubernetes API over HTTPS (a kubeconfig file
 * named by KUBECONFIG points at it).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../app/config.js";
import type { ComponentHealth } from "../../core/status/health.js";
import type { ComponentKey } from "../../core/status/components.js";
import { ClusterRuntime } from "../../flows/status/cluster-runtime.js";
import { clusterStatusSettings } from "../../app/cluster-settings.js";
import { ObserverSwitch, type RuntimeObserver } from "../../flows/status/observer-switch.js";
import { Platform } from "../../renderers/model/index.js";
import { FakeKube, generateCerts, succeedingRollout, type FakeKubeCerts } from "../support/fake-kube/index.js";
import { ManualClock, waitFor } from "../status/helpers.js";

const START = new Date("2026-03-02T10:00:00Z");
const RELEASE = "0a1b2c3d4e5f";
const KEY: ComponentKey = { project: "shop", component: "api", environment: "dev" };

function platform(environments: { name: string; context?: string }[]): Platform {
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [{ name: "shop", repos: ["acme/shop-api", "acme/shop-web"] }],
      environments: environments.map((e) => ({
        name: e.name,
        gitops: { repo: "acme/gitops", path: `environments/${e.name}` },
        ...(e.context ? { cluster: { context: e.context } } : {}),
      })),
    },
  });
}

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

/** A hand-made observer of fixed contexts whose changes the test fires. */
function stubObserver(contexts: string[], health: Partial<ComponentHealth>): RuntimeObserver & { fire(context: string): void; stopped: boolean } {
  const listeners = new Set<(c: { context: string; key: ComponentKey }) => void>();
  const full: ComponentHealth = {
    status: "Healthy",
    message: "",
    releases: [],
    readyReplicas: 1,
    desiredReplicas: 1,
    workloads: [],
    reasons: [],
    warnings: [],
    ...health,
  };
  return {
    stopped: false,
    start() {
      return this as never;
    },
    async stop() {
      this.stopped = true;
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    contexts: () => contexts,
    isSynced: () => true,
    health: () => full,
    snapshot: (context) => ({ context, deployments: [], statefulSets: [], replicaSets: [], pods: [], jobs: [], cronJobs: [], hpas: [], events: [], logs: {} }),
    fire(context) {
      for (const l of listeners) l({ context, key: KEY });
    },
  };
}

describe("ObserverSwitch", () => {
  it("forwards to the observer in use, keeps listeners across swaps and answers Unknown for contexts it does not observe", () => {
    const sw = new ObserverSwitch();
    const seen: string[] = [];
    sw.onChange((c) => seen.push(c.context));
    expect(sw.contexts()).toEqual([]);
    expect(sw.isSynced("kind-dev")).toBe(false);
    expect(sw.health("kind-dev", KEY)).toMatchObject({ status: "Unknown", message: "cluster context kind-dev is not observed" });
    expect(sw.snapshot("kind-dev")).toBeUndefined();

    const first = stubObserver(["kind-dev"], { status: "Progressing" });
    expect(sw.use(first)).toBeUndefined();
    first.fire("kind-dev");
    expect(sw.health("kind-dev", KEY).status).toBe("Progressing");
    expect(sw.isSynced("kind-dev")).toBe(true);
    expect(sw.isSynced("kind-prod")).toBe(false);

    const second = stubObserver(["kind-dev", "kind-prod"], { status: "Healthy" });
    expect(sw.use(second)).toBe(first);
    first.fire("kind-dev"); // the old observer is no longer listened to
    second.fire("kind-prod");
    expect(seen).toEqual(["kind-dev", "kind-prod"]);
    expect(sw.health("kind-prod", KEY).status).toBe("Healthy");
    expect(sw.snapshot("kind-prod")?.context).toBe("kind-prod");
  });
});

describe("ClusterRuntime against a fake Kubernetes API", () => {
  let certs: FakeKubeCerts;
  let kube: FakeKube;
  let dir: string;
  let runtime: ClusterRuntime | undefined;

  beforeAll(async () => {
    certs = generateCerts();
    dir = await mkdtemp(join(tmpdir(), "ferry-runtime-"));
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await kube?.close();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ clock: ManualClock; kubeconfig: string }> {
    const clock = new ManualClock(START);
    kube = await FakeKube.start({ certs, now: clock.now });
    const kubeconfig = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    await writeFile(kubeconfig, kube.kubeconfig(["kind-dev", "kind-staging"]), { mode: 0o600 });
    return { clock, kubeconfig };
  }

  it("observes the contexts the environments name (from KUBECONFIG), reports missing ones, and follows platform changes", async () => {
    const { clock, kubeconfig } = await start();
    runtime = new ClusterRuntime({ env: { KUBECONFIG: kubeconfig }, clock: clock.date, timers: clock }).start();
    expect(runtime.observer.contexts()).toEqual([]);
    expect(await runtime.health.health({ environment: "dev", project: "shop", component: "api" })).toEqual({
      status: "NotObserved",
      detail: "environment dev has no cluster context",
    });

    const first = runtime.usePlatform(platform([{ name: "dev", context: "kind-dev" }, { name: "prod", context: "kind-prod" }, { name: "qa" }]));
    expect(first).toEqual({ observed: ["kind-dev"], missing: ['kubeconfig has no context "kind-prod" (named by prod)'], changed: true });
    expect(runtime.observes("dev")).toBe(true);
    expect(runtime.observes("prod")).toBe(false);
    expect(runtime.observes("qa")).toBe(false);
    expect(runtime.usePlatform(platform([{ name: "dev", context: "kind-dev" }])).changed).toBe(false);
    const firstObserver = runtime.observer.observer;

    const [creating, available] = succeedingRollout({ ...KEY, release: RELEASE, now: START }).steps;
    kube.applyStep(creating!);
    kube.applyStep(available!);
    await waitFor("dev synced and Healthy", () => runtime!.observer.isSynced("kind-dev") && runtime!.observer.health("kind-dev", KEY).status === "Healthy");
    const report = await runtime.health.health({ environment: "dev", project: "shop", component: "api" });
    expect(report).toEqual({ status: "Healthy", release: RELEASE, healthySince: START, detail: "2/2 ready" });

    // The overview behind /ferry status: every environment asked for, observed or not.
    const overview = runtime.overview({ project: "shop", component: "api", environments: ["dev", "staging"] });
    expect(
      overview.map((e) => ({
        env: e.environment,
        skipped: e.skipped,
        components: e.components.map((c) => `${c.key.component}:${c.health.status}:${c.health.release ?? ""}`),
      })),
    ).toEqual([
      { env: "dev", skipped: undefined, components: [`api:Healthy:${RELEASE}`] },
      { env: "staging", skipped: "no cluster context", components: [] },
    ]);

    // staging gets a cluster: a new observer of both contexts replaces the first one, which stops.
    const second = runtime.usePlatform(
      platform([
        { name: "dev", context: "kind-dev" },
        { name: "staging", context: "kind-staging" },
      ]),
    );
    expect(second).toEqual({ observed: ["kind-dev", "kind-staging"], missing: [], changed: true });
    expect(runtime.observer.observer).not.toBe(firstObserver);
    expect(runtime.observes("staging")).toBe(true);
    await waitFor("both contexts synced", () => runtime!.observer.isSynced());
    expect(runtime.overview({ project: "shop", component: "api", environments: ["staging"] })).toEqual([
      { environment: "staging", context: "kind-staging", components: [] },
    ]);
    // The Healthy period survives the swap: the soak does not start again.
    clock.advance(60_000);
    expect((await runtime.health.health({ environment: "dev", project: "shop", component: "api" })).healthySince).toEqual(START);

    await runtime.stop();
    runtime = undefined;
    await waitFor("every watch closed", () => kube.watchCount() === 0);
    expect(kube.watchCount()).toBe(0);
  });

  it("refuses to start on a kubeconfig it cannot read, naming the file", async () => {
    expect(() => new ClusterRuntime({ env: { KUBECONFIG: join(dir, "missing-kubeconfig") } })).toThrow(/missing-kubeconfig/);
  });
});
