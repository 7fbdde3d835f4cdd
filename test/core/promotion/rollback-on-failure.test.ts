/** planRollbackOnFailure: the last verified release, or nothing and why; never a loop. */
import { describe, expect, it } from "vitest";
import { componentHistory } from "../../../core/history.js";
import { planRollbackOnFailure, type FailedVerification } from "../../../core/promotion/rollback-on-failure.js";
import type { SignalRecord } from "../../../core/status/deployment-signals.js";
import { Platform } from "../../../renderers/model/index.js";
import { acme, COMPONENT, ferryCommit, R1, R2, R3 } from "../../support/promotion-fixtures.js";

const R0 = "000000000000";

function verifyingPlatform(onFailure: "rollback" | "none" | "unset" = "rollback"): Platform {
  const p = acme();
  return Platform.parse({
    ...p,
    spec: {
      ...p.spec,
      observability: {
        links: { logs: "https://grafana.example.com/explore?ns=${namespace}&c=${component}", traces: "https://tempo.example.com/?s=${component}" },
      },
      pipeline: [
        { from: "dev", to: ["staging"] },
        { from: "staging", to: ["prod"], verify: { duration: "10m", signals: { errorRate: { max: 0.01 } } }, ...(onFailure === "unset" ? {} : { onFailure }) },
      ],
    },
  });
}

/** Prod ran R0, R1, R2 and now runs R3 (newest first). */
const prodHistory = (extra: Parameters<typeof ferryCommit>[] = []) =>
  componentHistory(
    [
      ...extra.map((a) => ferryCommit(...a)),
      ferryCommit("prod", R3, "2025-03-13T10:00:00Z"),
      ferryCommit("prod", R2, "2025-03-12T10:00:00Z"),
      ferryCommit("prod", R1, "2025-03-11T10:00:00Z"),
      ferryCommit("prod", R0, "2025-03-10T10:00:00Z"),
    ],
    COMPONENT,
  );

const failed = (release = R3): FailedVerification => ({
  project: "storefront",
  component: "checkout-api",
  environment: "prod",
  release,
  report: { component: COMPONENT, environment: "prod", release, verdict: "failed", window: { from: 0, to: 600 }, signals: [], notes: [] },
});

let id = 0;
const rec = (release: string, signal: SignalRecord["signal"], iso: string): SignalRecord => ({ release, signal, at: new Date(iso), id: ++id });

describe("planRollbackOnFailure", () => {
  it("rolls back to the newest release verified in the environment, skipping unverified and failed ones", () => {
    const records = [
      rec(R0, "verified", "2025-03-10T10:20:00Z"),
      rec(R1, "verified", "2025-03-11T10:20:00Z"),
      rec(R1, "verify-failed", "2025-03-11T10:25:00Z"), // R1 failed later: never a target
      rec(R2, "verifying", "2025-03-12T10:05:00Z"), // R2 was never verified
      rec(R3, "verify-failed", "2025-03-13T10:05:00Z"),
    ];
    const plan = planRollbackOnFailure(verifyingPlatform(), prodHistory(), failed(), records);
    expect(plan).toMatchObject({ kind: "rollback", release: R0 });
    if (plan.kind !== "rollback") throw new Error("no rollback");
    expect(plan.failed.map((f) => f.release).sort()).toEqual([R1, R3]);
    expect(plan.reason.links).toEqual([
      { name: "logs", url: "https://grafana.example.com/explore?ns=storefront-prod&c=checkout-api" },
      { name: "traces", url: "https://tempo.example.com/?s=checkout-api" },
    ]);
  });

  it("says so and changes nothing when no release was verified there before", () => {
    const plan = planRollbackOnFailure(verifyingPlatform(), prodHistory(), failed(), [rec(R2, "verifying", "2025-03-12T10:05:00Z")]);
    expect(plan).toEqual({
      kind: "none",
      reason: `no release of ${COMPONENT} was verified in prod before ${R3} (it ran ${R2}, ${R1}, ${R0}, none verified): Ferry changes nothing`,
      tell: true,
    });
  });

  it("never loops: a release put back by a rollback that fails again is left to people", () => {
    // R1 ran, then R2 (failed), then R1 was put back and now fails too.
    const history = componentHistory(
      [
        ferryCommit("prod", R1, "2025-03-14T10:00:00Z"),
        ferryCommit("prod", R2, "2025-03-12T10:00:00Z"),
        ferryCommit("prod", R1, "2025-03-11T10:00:00Z"),
        ferryCommit("prod", R0, "2025-03-10T10:00:00Z"),
      ],
      COMPONENT,
    );
    const records = [
      rec(R0, "verified", "2025-03-10T10:20:00Z"),
      rec(R1, "verified", "2025-03-11T10:20:00Z"),
      rec(R2, "verify-failed", "2025-03-12T10:05:00Z"),
    ];
    const plan = planRollbackOnFailure(verifyingPlatform(), history, failed(R1), records);
    expect(plan).toEqual({
      kind: "none",
      reason: `release ${R1} ran in prod before and was put back; it failed verification now, and Ferry rolls back only once: choose a release to put back with /ferry rollback prod <release>`,
      tell: true,
    });
  });

  it("does nothing without onFailure: rollback, or when the environment no longer runs the failed release", () => {
    const records = [rec(R2, "verified", "2025-03-12T10:20:00Z")];
    expect(planRollbackOnFailure(verifyingPlatform("none"), prodHistory(), failed(), records)).toMatchObject({ kind: "none", tell: false });
    expect(planRollbackOnFailure(verifyingPlatform("unset"), prodHistory(), failed(), records)).toMatchObject({ kind: "none", tell: false });
    expect(planRollbackOnFailure(verifyingPlatform(), prodHistory(), failed(R2), records)).toEqual({
      kind: "none",
      reason: `prod runs release ${R3} now, not ${R2}: nothing to roll back`,
      tell: false,
    });
  });
});
