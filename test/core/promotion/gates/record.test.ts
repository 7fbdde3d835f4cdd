/** The gates record (core/promotion/gates/record.ts): read back from the check's data line, never from its table. */
import { describe, expect, it } from "vitest";
import { gatesRecord, readGatesRecord } from "../../../../core/promotion/gates/record.js";
import { gatesCheckOutput } from "../../../../presentation/markdown/gates-check.js";

import { evaluate, healthy, input, review } from "../../../support/gates-input.js";

describe("outcome", () => {
  it("reads the gates back from the check's data line, never from its table (the listing of promotions)", () => {
    const friday = new Date("2025-03-14T10:00:00Z");
    const r = evaluate(input("prod", { reviews: [review("alice", "APPROVED", 1)], health: healthy(10, friday), now: friday }));
    const summary = gatesCheckOutput(r).summary;
    expect(summary.endsWith(`\n\n${gatesRecord(r.gates)}\n`)).toBe(true);
    expect(readGatesRecord(summary)).toEqual(r.gates);
    // Text that would close the hidden comment or break a table stays inside the JSON.
    const odd = { ...r, gates: [{ name: "policies" as const, state: "fail" as const, summary: "a | b \\ c --> <b>\n</b>" }] };
    const oddSummary = gatesCheckOutput(odd).summary;
    const record = gatesRecord(odd.gates);
    expect(oddSummary.split("\n").filter((l) => l.includes("<!--"))).toEqual([record]);
    expect(record.indexOf("-->")).toBe(record.length - 3);
    expect(readGatesRecord(oddSummary)).toEqual(odd.gates);
    // The table alone says nothing Ferry reads back; neither does a record that does not parse.
    const tableOnly = summary
      .split("\n")
      .filter((l) => !l.startsWith("<!-- ferry:gates "))
      .join("\n");
    expect(tableOnly).toContain("| approvals | ⏳ pending |");
    expect(readGatesRecord(tableOnly)).toBeUndefined();
    expect(readGatesRecord('<!-- ferry:gates {"gates":[{"name":"unknown","state":"pass","summary":"x"}]} -->')).toBeUndefined();
    expect(readGatesRecord('<!-- ferry:gates {"gates":[{"name":"soak","state":"maybe","summary":"x"}]} -->')).toBeUndefined();
    expect(readGatesRecord("<!-- ferry:gates {not json} -->")).toBeUndefined();
  });
});
