import { describe, expect, it } from "vitest";
import { diagnoseCauses } from "../../../core/diagnosis/rank.js";
import { formatDiagnosisText } from "../../../core/diagnosis/text.js";
import { KEY, crash, health } from "../../support/component-health.js";

describe("formatDiagnosisText", () => {
  it("prints the causes in rank order with their evidence, then the suggestions", () => {
    const text = formatDiagnosisText(
      diagnoseCauses({
        key: KEY,
        health: health("Degraded", [crash("api-1", { logTail: ["boom: connection refused"] })]),
        release: "r2",
        landedAt: 1_800_000_000,
      }),
    );
    expect(text).toMatch(/^storefront\/checkout-api in dev: Degraded, release r2 \(landed 2027-01-15 08:00:00 UTC\)$/m);
    expect(text).toMatch(/^ {2}1\. \[high\] pods CrashLoopBackOff: Container "main" keeps crashing/m);
    expect(text).toMatch(/^ {7}log: api-1\/main: boom: connection refused$/m);
    expect(text).toMatch(/^Suggestions:\n {2}CrashLoopBackOff: Read the last log lines/m);
  });

  it("does not call a component fine when none of its signals was read", () => {
    const unread = { name: "errorRate", unit: "ratio" as const, value: null, baseline: null, verdict: "not-observed" as const, series: [] };
    const text = formatDiagnosisText(diagnoseCauses({ key: KEY, health: health("Healthy", []), signals: [unread] }));
    expect(text).toContain("No likely cause in what could be read: none of its signals was observed (see the notes).");
    expect(text).toContain("note: not observed for storefront/checkout-api: errorRate");
    expect(text).not.toContain("no signal moved");
  });
});
