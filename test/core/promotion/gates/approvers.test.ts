/** The approvers a merge commit names are the reviewers the approvals gate counts (core/promotion/gates/approvers.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approversToCheck, countedApprovers } from "../../../../core/promotion/gates/approvers.js";
import { evaluateGates, GatesInput } from "../../../../core/promotion/gates/index.js";
import type { Review } from "../../../../core/promotion/gates/index.js";
import { acme, envOf, R1 } from "../../../support/promotion-fixtures.js";

const HEAD = "a".repeat(40);

describe("approvers", () => {
  const platform = acme();
  const prod = envOf(platform, "prod");
  const staging = envOf(platform, "staging");
  const review = (login: string, state: string, minute: number, commit = HEAD): Review => ({
    id: minute,
    user: { login },
    state,
    commit_id: commit,
    submitted_at: `2026-03-02T09:${String(minute).padStart(2, "0")}:00Z`,
  });
  const base = {
    release: R1,
    source: staging,
    diagnostics: [],
    headSha: HEAD,
    author: "ferry[bot]",
    permissions: {
      sam: "write" as const,
      sasha: "maintain" as const,
      mallory: "write" as const,
      old: "write" as const,
      wendy: "admin" as const,
      bob: "write" as const,
    },
    health: { status: "NotObserved" as const },
    now: new Date("2026-03-02T09:00:00Z"),
  };

  it("are the reviewers the approvals gate counts", () => {
    const reviews = [
      review("sam", "APPROVED", 1),
      review("Sasha", "APPROVED", 2),
      review("mallory", "APPROVED", 3),
      review("old", "APPROVED", 4, "c".repeat(40)),
      review("wendy", "APPROVED", 5),
      review("bob", "APPROVED", 6),
      review("bob", "DISMISSED", 7),
    ];
    const input = {
      ...base,
      target: prod,
      reviews,
      nonApprovers: ["wendy"],
      teams: { sam: ["sre"], Sasha: ["acme/sre"], mallory: [], wendy: ["sre"], old: ["sre"], bob: ["sre"] },
    };
    expect(countedApprovers(GatesInput.parse(input))).toEqual(["sam", "Sasha"]);
    expect(approversToCheck(reviews, HEAD)).toEqual(["Sasha", "mallory", "sam", "wendy"]);
  });

  it("agree with the approvals gate for any reviews (property)", () => {
    const login = fc.constantFrom("sam", "sasha", "mallory", "bob", "ferry[bot]");
    const arbReview = fc.record({
      login,
      state: fc.constantFrom("APPROVED", "CHANGES_REQUESTED", "DISMISSED", "COMMENTED", "PENDING"),
      minute: fc.integer({ min: 0, max: 59 }),
      old: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbReview, { maxLength: 8 }), fc.boolean(), fc.subarray(["sam", "sasha", "bob"]), (raw, teamsRequired, sre) => {
        const reviews = raw.map((r, i) => ({ ...review(r.login, r.state, r.minute, r.old ? "c".repeat(40) : HEAD), id: i }));
        const target = teamsRequired ? prod : { ...prod, approvals: { required: 2, teams: [] } };
        const input = {
          ...base,
          target,
          reviews,
          teams: Object.fromEntries(["sam", "sasha", "mallory", "bob"].map((l) => [l, sre.includes(l) ? ["sre"] : []])),
        };
        const parsed = GatesInput.parse(input);
        const gate = evaluateGates(parsed).gates.find((g) => g.name === "approvals")!;
        const counted = countedApprovers(parsed);
        if (gate.state === "fail") return; // changes requested: nobody's approval matters
        const listedInGate =
          /\(([^)]*)\)/
            .exec(gate.summary.split(";")[0]!)?.[1]
            ?.split(", ")
            .map((a) => a.slice(1)) ?? [];
        expect([...listedInGate].sort()).toEqual([...counted].sort());
        expect(gate.state === "pass").toBe(counted.length >= 2);
      }),
      { numRuns: 300 },
    );
  });
});
