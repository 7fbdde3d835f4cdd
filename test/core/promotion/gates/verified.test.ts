/** The verified gate, and the soak counted from the verified moment. */
import { describe, expect, it } from "vitest";
import { autoMergeAllowed } from "../../../../core/promotion/gates/index.js";
import { acme, R2 } from "../../../support/promotion-fixtures.js";
import { evaluate, healthy, input, review, state, TUESDAY } from "../../../support/gates-input.js";

const approved = [review("sam", "APPROVED", 1), review("sasha", "APPROVED", 2)];
const verify = { duration: "10m", signals: { errorRate: { max: 0.01 }, latencyP95: { max: 0.3, maxIncrease: 1.5 } } };
const minutesAgo = (m: number) => new Date(TUESDAY.getTime() - m * 60_000);

/** Staging → prod with a 30m soak, where the step into staging verifies. */
function verifying(record?: { signal: "verifying" | "verified" | "verify-failed"; at: Date; description?: string }, unreadable?: string) {
  return input("prod", {
    reviews: approved,
    health: healthy(120),
    verification: { environment: "staging", verify, ...(record ? { record } : {}), ...(unreadable ? { unreadable } : {}) },
  });
}

describe("the verified gate", () => {
  it("does not apply where the step into the source has no verify", () => {
    const r = evaluate(input("prod", { reviews: approved, health: healthy(120) }));
    expect(state(r, "verified")).toEqual({ name: "verified", state: "pass", summary: "no verify on the pipeline step into staging" });
    expect(r.conclusion).toBe("success");
  });

  it("passes once the release is verified in the source environment", () => {
    const r = evaluate(verifying({ signal: "verified", at: minutesAgo(40), description: "Verified: errorRate, latencyP95 held for 10m" }));
    expect(state(r, "verified")).toEqual({
      name: "verified",
      state: "pass",
      summary: `release ${R2} verified in staging at 2025-03-11 09:20 UTC (errorRate, latencyP95 for 10m)`,
    });
    expect(r.conclusion).toBe("success");
  });

  it("is pending while verifying, and says not observed when nothing was recorded or the records cannot be read", () => {
    const during = evaluate(verifying({ signal: "verifying", at: minutesAgo(3), description: "Verifying: 10m from 09:57 UTC" }));
    expect(state(during, "verified").state).toBe("pending");
    expect(state(during, "verified").summary).toContain(`release ${R2} is verifying in staging since 2025-03-11 09:57 UTC: 10m from 09:57 UTC`);
    expect(during.conclusion).toBe("action_required");
    expect(autoMergeAllowed({ autoMerge: true }, during)).toBe(false);

    const none = evaluate(verifying());
    expect(state(none, "verified")).toEqual({
      name: "verified",
      state: "pending",
      summary: `not observed: staging has recorded no verification of release ${R2} yet (verify errorRate, latencyP95 for 10m)`,
    });
    const blind = evaluate(verifying(undefined, "GitHub answered 502"));
    expect(state(blind, "verified").state).toBe("pending");
    expect(state(blind, "verified").summary).toContain(
      "not observed: the verification of release 222222222222 in staging cannot be read (GitHub answered 502)",
    );
    // A verified record does not help a gate that could not read: unreadable wins.
    const both = evaluate(verifying({ signal: "verified", at: minutesAgo(40) }, "timeout"));
    expect(state(both, "verified").state).toBe("pending");
  });

  it("fails when the release failed verification in the source, naming the signal and its numbers", () => {
    const r = evaluate(
      verifying({ signal: "verify-failed", at: minutesAgo(5), description: "Verification failed: errorRate 0.2 > max 0.01 (baseline 0.001)" }),
    );
    expect(state(r, "verified")).toEqual({
      name: "verified",
      state: "fail",
      summary: `release ${R2} failed verification in staging at 2025-03-11 09:55 UTC: errorRate 0.2 > max 0.01 (baseline 0.001); a release that failed verification is never promoted or rolled back to again`,
    });
    expect(r.conclusion).toBe("failure");
  });

  it("for a rollback, refuses a release that failed verification in the environment and passes any other", () => {
    const base = { reviews: approved, rollback: true, source: acme().spec.environments[2]!, step: undefined };
    const failed = evaluate(
      input("prod", {
        ...base,
        verification: {
          environment: "prod",
          verify,
          record: { signal: "verify-failed", at: minutesAgo(5), description: "Verification failed: latencyP95 0.9 > 1.5x baseline 0.2" },
        },
      }),
    );
    expect(state(failed, "verified").state).toBe("fail");
    expect(state(failed, "verified").summary).toContain("failed verification in prod at 2025-03-11 09:55 UTC: latencyP95 0.9 > 1.5x baseline 0.2");
    const fine = evaluate(input("prod", { ...base, verification: { environment: "prod", verify, record: { signal: "verified", at: minutesAgo(600) } } }));
    expect(state(fine, "verified")).toEqual({ name: "verified", state: "pass", summary: `release ${R2} has not failed verification in prod` });
  });
});

describe("the soak where the source verifies", () => {
  it("counts from the verified moment, not from Healthy", () => {
    // Healthy for 2 hours, but verified only 10 minutes ago: 20 minutes of the 30m soak are left.
    const r = evaluate(verifying({ signal: "verified", at: minutesAgo(10) }));
    expect(state(r, "soak")).toEqual({ name: "soak", state: "pending", summary: "verified in staging for 10m of 30m; holds from 2025-03-11 10:20 UTC" });
    expect(state(r, "verified").state).toBe("pass");
    expect(r.conclusion).toBe("action_required");
    const later = evaluate(verifying({ signal: "verified", at: minutesAgo(31) }));
    expect(state(later, "soak")).toEqual({ name: "soak", state: "pass", summary: "verified in staging for 31m (soak 30m)" });
  });

  it("does not start while verifying, nor without a record", () => {
    const during = evaluate(verifying({ signal: "verifying", at: minutesAgo(50) }));
    expect(state(during, "soak")).toEqual({
      name: "soak",
      state: "pending",
      summary: `soak 30m counts from when ${R2} is verified in staging; it is verifying`,
    });
    expect(state(evaluate(verifying()), "soak").state).toBe("pending");
    expect(state(evaluate(verifying({ signal: "verify-failed", at: minutesAgo(50) })), "soak").state).toBe("pending");
  });
});
