/** The built-in types' default signals (core/signals/defaults.ts). */
import { describe, expect, it } from "vitest";
import { BUILTIN_TYPE_SIGNALS } from "../../../core/signals/defaults.js";
import { promqlSyntaxError } from "../../../core/signals/promql.js";
import { substitute, unknownVariables } from "../../../core/signals/template.js";

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
});
