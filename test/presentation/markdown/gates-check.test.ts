/** The gates check's output (presentation/markdown/gates-check.ts): the table and the title. */
import { describe, expect, it } from "vitest";
import { gatesCheckOutput } from "../../../presentation/markdown/gates-check.js";
import { R2 } from "../../support/promotion-fixtures.js";

import { evaluate, healthy, input, review } from "../../support/gates-input.js";

describe("outcome", () => {
  it("renders the check output as a table of gate, state and why", () => {
    const friday = new Date("2025-03-14T10:00:00Z");
    const r = evaluate(input("prod", { reviews: [review("alice", "APPROVED", 1)], health: healthy(10, friday), now: friday }));
    const out = gatesCheckOutput(r);
    expect(out.title).toBe("Waiting: approvals, soak, window");
    const lines = out.summary.split("\n");
    expect(lines[0]).toBe(`Promotion of release \`${R2}\` from **staging** to **prod**.`);
    expect(lines[2]).toBe("| Gate | State | Why |");
    expect(lines.slice(4, 10).map((l) => l.split(" | ").slice(0, 2).join(" | "))).toEqual([
      "| policies | ✅ pass",
      "| approvals | ⏳ pending",
      "| source-health | ✅ pass",
      "| verified | ✅ pass",
      "| soak | ⏳ pending",
      "| window | ⏳ pending",
    ]);
    expect(lines).toContain("Blocked by: approvals, soak, window.");
    expect(gatesCheckOutput(r)).toEqual(out);
  });

  it("titles the check by what blocks, what is not observed, or that every gate holds", () => {
    const approved = [review("sam", "APPROVED", 1), review("sasha", "APPROVED", 2)];
    const blocked = evaluate(input("prod", { reviews: [...approved, review("carol", "CHANGES_REQUESTED", 3)], health: { status: "Degraded", release: R2 } }));
    expect(gatesCheckOutput(blocked).title).toBe("Blocked: approvals, source-health");
    const relaxed = { from: "staging", to: ["prod"], soak: "30m", requireHealth: false };
    const neutral = gatesCheckOutput(evaluate(input("prod", { reviews: approved, step: relaxed })));
    expect(neutral.title).toBe("Nothing blocks; not observed: source-health, soak");
    expect(neutral.summary).toContain("the source environment's health is not observed, and the platform does not require it");
    expect(gatesCheckOutput(evaluate(input("prod", { reviews: approved, health: healthy(31) }))).title).toBe("Every gate holds");
  });
});
