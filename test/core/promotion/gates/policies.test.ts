/** The policies gate. */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../../renderers/diagnostics.js";

import { evaluate, input, review, state } from "../../../support/gates-input.js";

describe("policies", () => {
  const d = (severity: "error" | "warning", code: string, message: string): Diagnostic => ({
    severity,
    code,
    message,
    file: "storefront/checkout-api/deployment-checkout-api.yaml",
    line: 0,
    column: 0,
    field: "",
    resource: "Deployment/checkout-api",
  });

  it("fails on errors and passes with warnings, saying which", () => {
    const bad = evaluate(
      input("staging", {
        reviews: [review("alice", "APPROVED", 1)],
        diagnostics: [d("error", "policy/no-latest-tag", "image uses latest"), d("warning", "policy/x", "hm")],
      }),
    );
    expect(state(bad, "policies")).toEqual({
      name: "policies",
      state: "fail",
      summary: "1 error for staging: [policy/no-latest-tag] Deployment/checkout-api: image uses latest",
    });
    expect(bad.conclusion).toBe("failure");
    const warn = evaluate(input("staging", { diagnostics: [d("warning", "policy/x", "hm")] }));
    expect(state(warn, "policies")).toEqual({
      name: "policies",
      state: "pass",
      summary: "no errors for staging; 1 warning: [policy/x] Deployment/checkout-api: hm",
    });
  });
});
