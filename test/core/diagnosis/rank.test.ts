import { describe, expect, it } from "vitest";
import type { SignalTrace } from "../../../core/diagnosis/model.js";
import { diagnoseCauses } from "../../../core/diagnosis/rank.js";
import { KEY, PAYMENTS, crash, health } from "../../support/component-health.js";

const LANDED = 1_800_000_000;

/** An error ratio sampled every 10 s from `LANDED - 60`: `low` until `riseAt`, `high` from it. */
function errors(riseAt: number | undefined, low = 0.01, high = 0.2, baseline: number | null = low): SignalTrace {
  const series: [number, number][] = [];
  for (let t = LANDED - 60; t <= LANDED + 120; t += 10) series.push([t, riseAt !== undefined && t >= riseAt ? high : low]);
  return { name: "errorRate", unit: "ratio", value: series.at(-1)![1], baseline, max: 0.05, verdict: "verified", series };
}

const quiet = (): SignalTrace => errors(undefined);

describe("diagnoseCauses", () => {
  it("names the upstream whose errors rose first as the top cause, with its numbers, ahead of the release", () => {
    const d = diagnoseCauses({
      key: KEY,
      health: health("Healthy", []),
      release: "r2",
      landedAt: LANDED,
      signals: [errors(LANDED + 30)],
      dependencies: [
        { key: PAYMENTS, endpoint: "http", health: health("Healthy", []), signals: [errors(LANDED, 0.005, 0.4)] },
        { key: { ...PAYMENTS, component: "ledger" }, health: health("Healthy", []), signals: [quiet()] },
      ],
    });
    expect(d.causes.map((c) => [c.rank, c.kind, c.subject, c.confidence])).toEqual([
      [1, "dependency", "payments/payments-api", "high"],
      [2, "release", "r2", "medium"],
    ]);
    const [top] = d.causes;
    expect(top?.summary).toBe(
      "Upstream payments/payments-api: its errorRate rose from 0.005 to 0.4 at 2027-01-15 08:00:00 UTC, 0s after release r2 landed, 30s before errorRate of storefront/checkout-api rose.",
    );
    expect(top?.evidence).toEqual([
      {
        kind: "signal",
        text: "errorRate of payments/payments-api rose from 0.005 (baseline) to 0.4 at 2027-01-15 08:00:00 UTC, 0s after release r2 landed, above its bound 0.05; now 0.4",
        value: 0.4,
        at: LANDED,
      },
      { kind: "dependency", text: "payments/payments-api (endpoint http) is Healthy: 2 of 2 replicas available" },
    ]);
    expect(d.summary).toBe(top?.summary);
  });

  it("blames the release when this component's errors rose right after it landed and nothing upstream moved", () => {
    const d = diagnoseCauses({
      key: KEY,
      health: health("Healthy", [], {
        warnings: [
          {
            reason: "Unhealthy",
            message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
            object: "Pod/api-1",
            count: 4,
            lastSeen: "2027-01-15T08:00:30Z",
          },
          { reason: "Unhealthy", message: "an hour before", object: "Pod/api-0", count: 1, lastSeen: "2027-01-15T07:00:00Z" },
        ],
      }),
      release: "r2",
      landedAt: LANDED,
      signals: [errors(LANDED + 20)],
      dependencies: [{ key: PAYMENTS, health: health("Healthy", []), signals: [quiet()] }],
    });
    expect(d.causes).toHaveLength(1);
    expect(d.causes[0]).toMatchObject({ rank: 1, kind: "release", subject: "r2", confidence: "high" });
    expect(d.causes[0]?.summary).toBe(
      "Release r2, landed at 2027-01-15 08:00:00 UTC: errorRate rose from 0.01 to 0.2 20s later, and no dependency rose before it.",
    );
    expect(d.causes[0]?.evidence).toEqual([
      expect.objectContaining({ kind: "signal", value: 0.2, at: LANDED + 20, text: expect.stringContaining("20s after release r2 landed") }),
      { kind: "event", text: "Unhealthy on Pod/api-1 (x4): Readiness probe failed: HTTP probe failed with statuscode: 503", value: 4, at: LANDED + 30 },
    ]);
  });

  it("a rise well before the release landed is not the release's", () => {
    const d = diagnoseCauses({ key: KEY, health: health("Healthy", []), release: "r2", landedAt: LANDED, signals: [errors(LANDED - 40)] });
    expect(d.causes.map((c) => [c.kind, c.subject, c.confidence])).toEqual([["signal", "errorRate", "low"]]);
    expect(d.causes[0]?.summary).toMatch(/40s before release r2 landed: not this release/);
  });

  it("a crash-looping pod's cause cites its first error log line and the warning event", () => {
    const logs = ["starting on :8080", "FATAL: cannot read /etc/app/config.yaml: permission denied", "exiting"];
    const d = diagnoseCauses({
      key: KEY,
      health: health("Degraded", [crash("api-1", { logTail: logs, release: "r2" })], {
        warnings: [
          { reason: "BackOff", message: "Back-off restarting failed container main", object: "Pod/api-1", count: 12, lastSeen: "2027-01-15T08:01:40Z" },
          { reason: "BackOff", message: "unrelated", object: "Pod/other-0", count: 1 },
        ],
      }),
      release: "r2",
      landedAt: LANDED,
      signals: [quiet()],
    });
    expect(d.causes.map((c) => [c.rank, c.kind, c.subject, c.confidence])).toEqual([[1, "pods", "CrashLoopBackOff", "high"]]);
    expect(d.causes[0]?.evidence).toEqual([
      {
        kind: "pod",
        text: "Pod/api-1 container main: CrashLoopBackOff (7 restarts, exit code 1, release r2): back-off 5m0s restarting failed container",
        value: 7,
      },
      { kind: "event", text: "BackOff on Pod/api-1 (x12): Back-off restarting failed container main", value: 12, at: LANDED + 100 },
      { kind: "log", text: "api-1/main: FATAL: cannot read /etc/app/config.yaml: permission denied" },
    ]);
    expect(d.findings.map((f) => f.kind)).toEqual(["CrashLoopBackOff"]);
  });

  it("a dependency that is not ready but did not move ranks below a failing pod; nothing moved and nothing failing: no causes", () => {
    const d = diagnoseCauses({
      key: KEY,
      health: health("Degraded", [crash("api-1")]),
      dependencies: [{ key: PAYMENTS, health: undefined }],
    });
    expect(d.causes.map((c) => [c.kind, c.subject, c.confidence])).toEqual([
      ["pods", "CrashLoopBackOff", "high"],
      ["dependency", "payments/payments-api", "medium"],
    ]);
    const fine = diagnoseCauses({ key: KEY, health: health("Healthy", []), signals: [quiet()], dependencies: [{ key: PAYMENTS, health: undefined }] });
    expect(fine.causes).toEqual([]);
    expect(fine.observed).toBe(true);
  });

  it("signals that could not be read are named in the notes, never taken as quiet", () => {
    const unread: SignalTrace = { name: "errorRate", unit: "ratio", value: null, baseline: null, verdict: "not-observed", series: [] };
    const d = diagnoseCauses({ key: KEY, health: health("Healthy", []), signals: [unread], dependencies: [{ key: PAYMENTS, health: health("Degraded", []) }] });
    expect(d.notes).toEqual(["not observed for storefront/checkout-api: errorRate"]);
    expect(d.observed).toBe(false);
    expect(d.causes.map((c) => c.subject)).toEqual(["payments/payments-api"]);
  });

  it("ranks ties by name, whatever the input order", () => {
    const deps = ["b-api", "a-api"].map((component) => ({ key: { ...PAYMENTS, component }, health: health("Healthy", []), signals: [errors(LANDED)] }));
    const one = diagnoseCauses({ key: KEY, health: health("Healthy", []), signals: [errors(LANDED + 30)], dependencies: deps });
    const two = diagnoseCauses({ key: KEY, health: health("Healthy", []), signals: [errors(LANDED + 30)], dependencies: [...deps].reverse() });
    expect(one.causes.map((c) => c.subject)).toEqual(["payments/a-api", "payments/b-api", "errorRate"]);
    expect(two).toEqual(one);
  });
});
