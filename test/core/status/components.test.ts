/** A component's objects and events selected from a whole cluster (core/status/components.ts). */
import { describe, expect, it } from "vitest";
import { componentEvents, componentKeys, selectComponent } from "../../../core/status/components.js";
import { computeHealth } from "../../../core/status/health.js";
import { crashLoopRollout, podName, succeedingRollout, type WorkloadSpec } from "../../support/fake-kube/index.js";
import type { KubeObject } from "../../support/fake-kube/index.js";
import { objectsOf } from "../../support/kube-objects.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const W: WorkloadSpec = { project: "storefront", component: "checkout-api", environment: "dev", release: "r2", generation: 2, now: NOW };
const KEY = { project: "storefront", component: "checkout-api", environment: "dev" };

/** A preview's objects as a preview's render and its pods carry them: the `from` environment's labels plus `ferry.dev/preview`. */
function asPreview(objects: KubeObject[], pr: number): KubeObject[] {
  return objects.map((o) =>
    o.metadata.labels?.["ferry.dev/component"] === undefined
      ? o
      : { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, "ferry.dev/preview": String(pr) } } },
  );
}

describe("selectComponent", () => {
  it("selects a component's objects and the events about them from a whole cluster", () => {
    const other: WorkloadSpec = { ...W, component: "web" };
    const all = objectsOf([...(crashLoopRollout(W).steps[1]?.apply ?? []), ...(crashLoopRollout(other).steps[1]?.apply ?? [])]);
    const mine = selectComponent(all, KEY);
    expect(mine.pods.map((p) => p.metadata.name)).toEqual([podName(W, 0), podName(W, 1)].sort());
    expect(mine.events.map((e) => e.involvedObject.name)).toEqual([podName(W, 0), podName(W, 1)].sort());
    expect(mine.deployments.map((d) => d.metadata.name)).toEqual(["checkout-api"]);
  });

  it("keeps a crashing preview out of the from environment's health: dev stays Healthy, the preview's query sees the crash", () => {
    const preview: WorkloadSpec = { ...W, release: "p7", namespace: "storefront-pr-7" };
    const all = objectsOf([...(succeedingRollout(W).steps[1]?.apply ?? []), ...asPreview(crashLoopRollout(preview).steps[1]?.apply ?? [], 7)], {
      [`storefront-pr-7/${podName(preview, 0)}/main`]: ["panic: preview"],
    });
    const dev = selectComponent(all, KEY);
    expect(dev.pods.map((p) => p.metadata.namespace)).toEqual(["storefront-dev", "storefront-dev"]);
    expect(dev.events).toEqual([]);
    expect(dev.logs).toEqual({});
    expect(computeHealth(dev, { now: NOW.getTime() }).status).toBe("Healthy");

    const pr = selectComponent(all, KEY, "storefront-pr-7");
    expect(pr.pods.map((p) => p.metadata.name)).toEqual([podName(preview, 0), podName(preview, 1)].sort());
    expect(pr.events.length).toBeGreaterThan(0);
    expect(Object.keys(pr.logs)).toEqual([`storefront-pr-7/${podName(preview, 0)}/main`]);
    expect(computeHealth(pr, { now: NOW.getTime() }).status).toBe("Degraded");
  });

  it("with a namespace keeps a preview's objects, events and logs there apart from the environment's own, which carry the same labels", () => {
    const preview: WorkloadSpec = { ...W, release: "p7", namespace: "storefront-pr-7" };
    const all = objectsOf([...(crashLoopRollout(W).steps[1]?.apply ?? []), ...asPreview(crashLoopRollout(preview).steps[1]?.apply ?? [], 7)], {
      [`storefront-pr-7/${podName(preview, 0)}/main`]: ["preview log"],
      [`storefront-dev/${podName(W, 0)}/main`]: ["dev log"],
    });
    const mine = selectComponent(all, KEY, "storefront-pr-7");
    expect(mine.pods.map((p) => p.metadata.name)).toEqual([podName(preview, 0), podName(preview, 1)].sort());
    expect(mine.pods.every((p) => p.metadata.labels?.["ferry.dev/release"] === "p7")).toBe(true);
    expect(mine.events.every((e) => e.metadata.namespace === "storefront-pr-7")).toBe(true);
    expect(mine.events.length).toBeGreaterThan(0);
    expect(Object.keys(mine.logs)).toEqual([`storefront-pr-7/${podName(preview, 0)}/main`]);
    const dev = selectComponent(all, KEY);
    expect(dev.pods.every((p) => p.metadata.namespace === "storefront-dev" && p.metadata.labels?.["ferry.dev/release"] === "r2")).toBe(true);
    expect(dev.pods).toHaveLength(2);
    expect(Object.keys(dev.logs)).toEqual([`storefront-dev/${podName(W, 0)}/main`]);
    // The snapshot keeps the events about both: the preview's health reads them too.
    expect(componentEvents(all)).toHaveLength(dev.events.length + mine.events.length);
  });
});

describe("componentKeys", () => {
  it("lists an environment's components, not one that only a preview runs", () => {
    const only: WorkloadSpec = { ...W, component: "new-api", release: "p7", namespace: "storefront-pr-7" };
    const all = objectsOf([...(succeedingRollout(W).steps[1]?.apply ?? []), ...asPreview(succeedingRollout(only).steps[1]?.apply ?? [], 7)]);
    expect(componentKeys(all)).toEqual([KEY]);
    expect(selectComponent(all, { ...KEY, component: "new-api" }, "storefront-pr-7").pods).toHaveLength(2);
  });
});
