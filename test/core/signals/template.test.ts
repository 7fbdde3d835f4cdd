import { describe, expect, it } from "vitest";
import { BUILTIN_TYPE_SIGNALS } from "../../../core/signals/defaults.js";
import { promqlSyntaxError } from "../../../core/signals/promql.js";
import { signalsFor } from "../../../core/signals/resolve.js";
import { substitute, unknownVariables } from "../../../core/signals/template.js";
import type { ComponentType, Platform } from "../../../renderers/model/index.js";

describe("signal templates", () => {
  it("substitutes each variable and maps a place in the result back to the template", () => {
    const t = 'rate(x{namespace="${namespace}",c="${component}"}[${window}])';
    const s = substitute(t, { namespace: "shop-dev", component: "api", window: "5m" });
    expect(s.text).toBe('rate(x{namespace="shop-dev",c="api"}[5m])');
    expect(s.templateOffset(s.text.indexOf("[5m]"))).toBe(t.indexOf("[${window}]"));
    expect(s.templateOffset(s.text.indexOf("5m"))).toBe(t.indexOf("${window}"));
    expect(s.templateOffset(s.text.length)).toBe(t.length);
  });

  it("names the variables it does not know, with their offset", () => {
    expect(unknownVariables('x{a="${namespace}",b="${env}"}')).toEqual([{ name: "env", offset: 22 }]);
  });
});

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

describe("promqlSyntaxError", () => {
  it("reports the first place the grammar cannot parse", () => {
    expect(promqlSyntaxError("sum(rate(x[5m])")).toEqual({ offset: 15, message: "PromQL syntax error: unexpected end of the query" });
    expect(promqlSyntaxError("x[5m]]")).toEqual({ offset: 5, message: 'PromQL syntax error: unexpected "]"' });
    expect(promqlSyntaxError("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))")).toBeUndefined();
  });
});
