/** A component's objects and events selected from a whole cluster (core/status/components.ts). */
import { describe, expect, it } from "vitest";
import { selectComponent } from "../../../core/status/components.js";
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
