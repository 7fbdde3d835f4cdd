/**
 * The listing of open promotions reads each gate's state from the `Ferry / gates` run's data line
 * (core/promotion/gates/record.ts), never from the Markdown table people read.
 */
import { describe, expect, it } from "vitest";
import { promotionMarker, releaseMarker } from "../../../core/promotion/body.js";
import type { GatesResult } from "../../../core/promotion/gates/index.js";
import type { ListedPull } from "../../../core/promotion/listing.js";
import { listedPromotion } from "../../../core/promotion/listing.js";
import { gatesCheckOutput } from "../../../presentation/markdown/gates-check.js";
import { acme, R1 } from "../../support/promotion-fixtures.js";

const pull: ListedPull = {
  repo: "acme/gitops-prod",
  number: 7,
  url: "https://github.com/acme/gitops-prod/pull/7",
  title: "promote",
  headSha: "c".repeat(40),
  headRef: "ferry/promote/storefront/checkout-api/prod",
  headRepo: "acme/gitops-prod",
  baseRef: "main",
  author: { login: "ferry[bot]", type: "Bot" },
  body: `${promotionMarker("storefront", "checkout-api", "prod")}\n${releaseMarker(R1, "staging")}\n`,
};

const result: GatesResult = {
  conclusion: "action_required",
  release: R1,
  from: "staging",
  to: "prod",
  gates: [
    { name: "policies", state: "pass", summary: "no errors for prod" },
    { name: "approvals", state: "pending", summary: "0 of 2 approvals | from sre" },
    { name: "source-health", state: "pass", summary: "staging runs it, Healthy" },
    { name: "soak", state: "pending", summary: "soak 2h has 1 minute left" },
    { name: "window", state: "pass", summary: "inside the change window" },
  ],
};

describe("listing open promotions (core/promotion/listing.ts)", () => {
  it("reads every gate from the run's data line", () => {
    const { title, summary } = gatesCheckOutput(result);
    const listed = listedPromotion(pull, acme(), { run: { conclusion: "action_required", title, summary } });
    expect(listed?.gates).toEqual({ conclusion: "action_required", title, gates: result.gates });
  });

  it("never reads the table: an edited table changes nothing, a table without the data line lists no gate", () => {
    const { title, summary } = gatesCheckOutput(result);
    const edited = summary.replaceAll("⏳ pending", "✅ pass");
    expect(edited).not.toContain("⏳ pending");
    const listed = listedPromotion(pull, acme(), { run: { conclusion: "action_required", title, summary: edited } });
    expect(listed?.gates?.gates.filter((g) => g.state === "pending").map((g) => g.name)).toEqual(["approvals", "soak"]);

    // A run written before the data line existed: its conclusion and title, no gate guessed from the table.
    const tableOnly = summary
      .split("\n")
      .filter((l) => !l.startsWith("<!-- ferry:gates "))
      .join("\n");
    const old = listedPromotion(pull, acme(), { run: { conclusion: "action_required", title, summary: tableOnly } });
    expect(old?.gates).toEqual({ conclusion: "action_required", title, gates: [] });
  });
});
