/** The gates' outcome (core/promotion/gates/index.ts): auto-merge and malformed input. */
import { describe, expect, it } from "vitest";
import { autoMergeAllowed } from "../../../../core/promotion/gates/index.js";
import type { Environment } from "../../../../renderers/model/index.js";
import { acme, envOf } from "../../../support/promotion-fixtures.js";

import { evaluate, healthy, input, review } from "../../../support/gates-input.js";
import type { Input } from "../../../support/gates-input.js";

describe("outcome", () => {
  it("auto-merges only when every gate passes (or is not observed and not required) and the environment allows it", () => {
    const staging: Environment = envOf(acme(), "staging");
    const all = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1)], health: healthy(5) }));
    expect(all.conclusion).toBe("success");
    expect(autoMergeAllowed(staging, all)).toBe(true);
    expect(autoMergeAllowed({ ...staging, autoMerge: false }, all)).toBe(false);
    expect(autoMergeAllowed(staging, evaluate(input("staging", { health: healthy(5) })))).toBe(false);
  });

  it("refuses malformed input naming the field", () => {
    expect(() => evaluate({ ...input("staging"), release: "latest" } as Input)).toThrow(/release/);
  });
});
