/** A component's objects and events selected from a whole cluster (core/status/components.ts). */
import { describe, expect, it } from "vitest";
import { inNamespace, selectComponent } from "../../../core/status/components.js";
import { crashLoopRollout, podName, type WorkloadSpec } from "../../support/fake-kube/index.js";
import { objectsOf } from "../../support/kube-objects.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const W: WorkloadSpec = { project: "storefront", component: "checkout-api", environment: "dev", release: "r2", generation: 2, now: NOW };

describe("computeHealth", () => {
  it("selects a component's objects and the events about them from a whole cluster", () => {
    const other: WorkloadSpec = { ...W, component: "web" };
    const all = objectsOf([...(crashLoopRollout(W).steps[1]?.apply ?? []), ...(crashLoopRollout(other).steps[1]?.apply ?? [])]);
    const mine = selectComponent(all, { project: "storefront", component: "checkout-api", environment: "dev" });
    expect(mine.pods.map((p) => p.metadata.name)).toEqual([podName(W, 0), podName(W, 1)].sort());
    expect(mine.events.map((e) => e.involvedObject.name)).toEqual([podName(W, 0), podName(W, 1)].sort());
    expect(mine.deployments.map((d) => d.metadata.name)).toEqual(["checkout-api"]);
  });
});

describe("inNamespace", () => {
  it("keeps a preview's objects, events and logs in its namespace apart from the environment's own, which carry the same labels", () => {
    const preview: WorkloadSpec = { ...W, release: "p7", namespace: "storefront-pr-7" };
    const all = objectsOf([...(crashLoopRollout(W).steps[1]?.apply ?? []), ...(crashLoopRollout(preview).steps[1]?.apply ?? [])], {
      [`storefront-pr-7/${podName(preview, 0)}/main`]: ["preview log"],
      [`storefront-dev/${podName(W, 0)}/main`]: ["dev log"],
    });
    const key = { project: "storefront", component: "checkout-api", environment: "dev" };
    const mine = inNamespace(selectComponent(all, key), "storefront-pr-7");
    expect(mine.pods.map((p) => p.metadata.name)).toEqual([podName(preview, 0), podName(preview, 1)].sort());
    expect(mine.pods.every((p) => p.metadata.labels?.["ferry.dev/release"] === "p7")).toBe(true);
    expect(mine.events.every((e) => e.metadata.namespace === "storefront-pr-7")).toBe(true);
    expect(mine.events.length).toBeGreaterThan(0);
    expect(Object.keys(mine.logs)).toEqual([`storefront-pr-7/${podName(preview, 0)}/main`]);
    // Without a namespace the environment's key holds both: what a preview-aware query must not report.
    expect(selectComponent(all, key).pods).toHaveLength(4);
  });
});
