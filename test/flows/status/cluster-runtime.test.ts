/**
 * The cluster runtime (flows/status/cluster-runtime.ts): a runtime that follows the platform's
 * contexts against a fake Kubernetes API over HTTPS (a kubeconfig file named by KUBECONFIG points at it).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ComponentKey } from "../../../core/status/components.js";
import { ClusterRuntime } from "../../../flows/status/cluster-runtime.js";
import { Platform } from "../../../renderers/model/index.js";
import { FakeKube, generateCerts, succeedingRollout, type FakeKubeCerts } from "../../support/fake-kube/index.js";
import { ManualClock, waitFor } from "../../support/status-scene.js";

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
