/** The built-in types' default signals (core/signals/defaults.ts, resolve.ts). */
import { describe, expect, it } from "vitest";
import { BUILTIN_TYPE_SIGNALS } from "../../../core/signals/defaults.js";
import { promqlSyntaxError } from "../../../core/signals/promql.js";
import { signalsFor } from "../../../core/signals/resolve.js";
import { substitute, unknownVariables } from "../../../core/signals/template.js";
import type { ComponentType, Platform } from "../../../renderers/model/index.js";

describe("the built-in types' default signals", () => {
  it("every default query parses with Prometheus's grammar once substituted, and uses only known variables", () => {
    for (const [type, signals] of Object.entries(BUILTIN_TYPE_SIGNALS)) {
      for (const [name, s] of Object.entries(signals)) {
        expect(unknownVariables(s.query), `${type}.${name}`).toEqual([]);
        const text = substitute(s.query, { namespace: "shop-dev", component: "api", project: "shop", release: "r1", window: "5m" }).text;
        expect(promqlSyntaxError(text), `${type}.${name}: ${text}`).toBeUndefined();
      }
    }
  });

  it("HTTP types get errorRate and latencyP95, a worker only pod signals", () => {
    expect(Object.keys(BUILTIN_TYPE_SIGNALS.service!).sort()).toEqual(["cpu", "errorRate", "latencyP95", "memory", "restarts"]);
    expect(Object.keys(BUILTIN_TYPE_SIGNALS.worker!).sort()).toEqual(["cpu", "memory", "restarts"]);
  });

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
