/** PromQL syntax errors (core/signals/promql.ts). */
import { describe, expect, it } from "vitest";
import { promqlSyntaxError } from "../../../core/signals/promql.js";

describe("promqlSyntaxError", () => {
  it("reports the first place the grammar cannot parse", () => {
    expect(promqlSyntaxError("sum(rate(x[5m])")).toEqual({ offset: 15, message: "PromQL syntax error: unexpected end of the query" });
    expect(promqlSyntaxError("x[5m]]")).toEqual({ offset: 5, message: 'PromQL syntax error: unexpected "]"' });
    expect(promqlSyntaxError("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))")).toBeUndefined();
  });
});
