/** The log lines and the order of upstreams in `diagnoseCauses` (core/diagnosis/rank.ts). */
import { describe, expect, it } from "vitest";
import type { SignalTrace } from "../../../core/diagnosis/model.js";
import { errorLogEvidence } from "../../../core/diagnosis/pod-evidence.js";
import { diagnoseCauses } from "../../../core/diagnosis/rank.js";
import { KEY, PAYMENTS, health } from "../../support/component-health.js";

const LANDED = 1_800_000_000;

function errors(riseAt: number): SignalTrace {
  const series: [number, number][] = [];
  for (let t = LANDED - 60; t <= LANDED + 60; t += 10) series.push([t, t >= riseAt ? 0.2 : 0.01]);
  return { name: "errorRate", unit: "ratio", value: 0.2, baseline: 0.01, max: 0.05, verdict: "failed", series };
}

describe("errorLogEvidence", () => {
  it("quotes each pod's first error line once, sorted by pod, and nothing for a pod whose log has none", () => {
    expect(
      errorLogEvidence([
        { pod: "b-1", container: "main", lines: ["ok", "Exception in thread main", "fatal: later"] },
        { pod: "a-1", container: "sidecar", lines: ["proxy: upstream connect error"] },
        { pod: "a-1", container: "tail", lines: ["error: second container of the same pod"] },
        { pod: "c-1", container: "main", lines: ["GET /health 200", "serving"] },
      ]),
    ).toEqual([
      { kind: "log", text: "a-1/sidecar: proxy: upstream connect error" },
      { kind: "log", text: "b-1/main: Exception in thread main" },
    ]);
  });
});

describe("diagnoseCauses with logs", () => {
  it("puts the component's error lines under the release and the upstream's under the upstream; the upstream that rose earlier ranks first", () => {
    const ledger = { ...PAYMENTS, component: "ledger" };
    const d = diagnoseCauses({
      key: KEY,
      health: health("Healthy", []),
      release: "r2",
      landedAt: LANDED,
      signals: [errors(LANDED + 20)],
      logs: [{ pod: "checkout-1", container: "main", lines: ["POST /pay 502: payments timed out"] }],
      dependencies: [
        { key: ledger, health: health("Healthy", []), signals: [errors(LANDED - 10)], logs: [] },
        {
          key: PAYMENTS,
          health: health("Healthy", []),
          signals: [errors(LANDED - 30)],
          logs: [{ pod: "payments-1", container: "main", lines: ["ERROR db pool exhausted"] }],
        },
      ],
    });
    expect(d.causes.map((c) => [c.rank, c.subject])).toEqual([
      [1, "payments/payments-api"],
      [2, "payments/ledger"],
      [3, "r2"],
    ]);
    expect(d.causes[0]!.evidence).toContainEqual({ kind: "log", text: "payments-1/main: ERROR db pool exhausted" });
    expect(d.causes[1]!.evidence.some((e) => e.kind === "log")).toBe(false);
    expect(d.causes[2]!.evidence.at(-1)).toEqual({ kind: "log", text: "checkout-1/main: POST /pay 502: payments timed out" });
  });
});
