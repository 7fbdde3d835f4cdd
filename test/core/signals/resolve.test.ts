/** Which signals a component gets (core/signals/resolve.ts): the platform's and the type's replace defaults by name. */
import { describe, expect, it } from "vitest";
import { signalsFor } from "../../../core/signals/resolve.js";
import type { ComponentType, Platform } from "../../../renderers/model/index.js";

describe("the built-in types' default signals", () => {
  it("the platform replaces a default by name and a component type replaces the platform's", () => {
    const platform = { spec: { signals: { errorRate: { query: "platform_q", unit: "ratio" }, queue: { query: "q", unit: "count" } } } } as unknown as Platform;
    const type = { spec: { signals: { queue: { query: "type_q", unit: "count" } } } } as unknown as ComponentType;
    const merged = Object.fromEntries(signalsFor(platform, "worker", type));
    expect(Object.keys(merged)).toEqual(["cpu", "errorRate", "memory", "queue", "restarts"]);
    expect(merged.errorRate!.query).toBe("platform_q");
    expect(merged.queue!.query).toBe("type_q");
    expect(merged.restarts!.query).toContain("kube_pod_container_status_restarts_total");
  });
});
