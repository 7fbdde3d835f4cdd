/** The approvals gate. */
import { describe, expect, it } from "vitest";
import { acme } from "../../../support/promotion-fixtures.js";

import { evaluate, healthy, input, OLD, review, state } from "../../../support/gates-input.js";

describe("approvals", () => {
  it("staging: pending with none, passes with one approval on the head commit", () => {
    const none = evaluate(input("staging"));
    expect(state(none, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "0 of 1 approval" });
    expect(none.conclusion).toBe("action_required");
    const one = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1)] }));
    expect(state(one, "approvals")).toEqual({ name: "approvals", state: "pass", summary: "1 of 1 approval (@alice)" });
  });

  it("prod: needs two approvals from sre; others do not count", () => {
    const reviews = [review("alice", "APPROVED", 1), review("sam", "APPROVED", 2)];
    const partial = evaluate(input("prod", { reviews, health: healthy(60) }));
    expect(state(partial, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "1 of 2 approvals from sre (@sam); @alice is not in sre" });
    expect(partial.conclusion).toBe("action_required");
    const full = evaluate(input("prod", { reviews: [...reviews, review("Sasha", "APPROVED", 3)], health: healthy(60) }));
    expect(state(full, "approvals")).toMatchObject({ state: "pass", summary: "2 of 2 approvals from sre (@sam, @Sasha); @alice is not in sre" });
    expect(full.conclusion).toBe("success");
  });

  it("prod: the check goes from failing to passing as reviews arrive", () => {
    const arrivals = [
      review("alice", "APPROVED", 1),
      review("sam", "APPROVED", 2),
      review("carol", "CHANGES_REQUESTED", 3),
      review("sasha", "APPROVED", 4),
      review("carol", "APPROVED", 5),
    ];
    const steps = arrivals.map((_, i) => {
      const r = evaluate(input("prod", { reviews: arrivals.slice(0, i + 1), health: healthy(45) }));
      return [state(r, "approvals").state, r.conclusion];
    });
    expect(steps).toEqual([
      ["pending", "action_required"],
      ["pending", "action_required"],
      ["fail", "failure"],
      ["fail", "failure"],
      ["pass", "success"],
    ]);
  });

  it("changes requested block until that reviewer approves; dismissed reviews count for nothing", () => {
    const blocked = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1), review("carol", "CHANGES_REQUESTED", 2, OLD)] }));
    expect(state(blocked, "approvals")).toEqual({ name: "approvals", state: "fail", summary: "@carol requested changes" });
    expect(blocked.conclusion).toBe("failure");
    const resolved = evaluate(input("staging", { reviews: [review("carol", "CHANGES_REQUESTED", 2), review("carol", "APPROVED", 5)] }));
    expect(state(resolved, "approvals").state).toBe("pass");
    const dismissed = evaluate(input("staging", { reviews: [review("carol", "CHANGES_REQUESTED", 2), review("dan", "DISMISSED", 4)] }));
    expect(state(dismissed, "approvals")).toMatchObject({ state: "fail", summary: "@carol requested changes" });
    const dismissedBlock = evaluate(input("staging", { reviews: [{ ...review("carol", "DISMISSED", 2) }, review("alice", "APPROVED", 3)] }));
    expect(state(dismissedBlock, "approvals").state).toBe("pass");
  });

  it("ignores the author's own approval, stale approvals and comments after an approval keep it", () => {
    const self = evaluate(input("staging", { author: "alice", reviews: [review("alice", "APPROVED", 1)] }));
    expect(state(self, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "0 of 1 approval; @alice cannot approve (author)" });
    const initiator = evaluate(input("staging", { nonApprovers: ["bob"], reviews: [review("bob", "APPROVED", 1)] }));
    expect(state(initiator, "approvals").summary).toBe("0 of 1 approval; @bob cannot approve (asked for the promotion)");
    const stale = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1, OLD)] }));
    expect(state(stale, "approvals")).toEqual({ name: "approvals", state: "pending", summary: "0 of 1 approval; @alice approved an older commit" });
    const commented = evaluate(input("staging", { reviews: [review("alice", "APPROVED", 1), review("alice", "COMMENTED", 2, OLD)] }));
    expect(state(commented, "approvals").state).toBe("pass");
  });

  it("passes with no approvals required", () => {
    const p = acme({ staging: { approvals: { required: 0 } } });
    expect(state(evaluate(input("staging", {}, p)), "approvals")).toEqual({ name: "approvals", state: "pass", summary: "staging needs no approvals" });
  });
});
