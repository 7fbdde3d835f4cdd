/** The status comment's Likely causes section (presentation/markdown/status-causes.ts) and the causes of a failed verification. */
import { describe, expect, it } from "vitest";
import { diagnoseCauses } from "../../../core/diagnosis/rank.js";
import { signalTraces } from "../../../core/diagnosis/verification.js";
import type { SignalsReport } from "../../../core/signals/report.js";
import { diagnose } from "../../../core/status/diagnose.js";
import { renderCausesSection } from "../../../presentation/markdown/status-causes.js";
import { renderStatusComment } from "../../../presentation/markdown/status-comment.js";
import { KEY, crash, health } from "../../support/component-health.js";

const LANDED = 1_800_000_000;

/** errorRate at 1% before the landing (the previous release's baseline), 20% from 10 s after it: over its bound 5%. */
function report(verdict: SignalsReport["verdict"]): SignalsReport {
  const series = [0, 5, 10, 15, 20].map((d): [number, number] => [LANDED + d, d >= 10 ? 0.2 : 0.01]);
  return {
    component: "storefront/checkout-api",
    environment: "dev",
    release: "r2",
    verdict,
    window: { from: LANDED, to: LANDED + 20 },
    signals: [
      { name: "errorRate", unit: "ratio", value: 0.2, baseline: 0.01, max: 0.05, verdict, reason: "errorRate 0.2 > max 0.05", series },
      { name: "latencyP95", unit: "seconds", value: 0.1, baseline: 0.1, verdict: "verified", reason: "within bounds", series: series.map(([t]) => [t, 0.1]) },
    ],
    notes: [],
  };
}

/** The causes of a failed `report` as flows/diagnosis ranks them, with `notes`. */
function causesOf(r: SignalsReport, h = health("Healthy", []), notes: string[] = []) {
  return diagnoseCauses({ key: KEY, health: h, release: r.release, landedAt: LANDED, signals: signalTraces(r), notes });
}

/** What the evidence could not read, as the notes say it. */
const UNREAD = "signals of payments/payments-api not read: timeout | after 5s";

describe("Likely causes section", () => {
  it("a failed verification blames the release with the signal's numbers and the time after the landing, and says what was not read", () => {
    const causes = causesOf(report("failed"), health("Healthy", []), [UNREAD]);
    expect(causes).toBeDefined();
    const md = renderCausesSection({ diagnosis: causes! });
    const lines = md.split("\n");
    expect(lines[0]).toBe("### Likely causes");
    expect(md).toMatch(
      /^1\. \*\*high\*\* \(release r2\): Release r2, landed at 2027-01-15 08:00:00 UTC: errorRate rose from 0\.01 to 0\.2 10s later, and no dependency rose before it\.$/m,
    );
    expect(md).toMatch(
      /^ {3}- signal: errorRate of storefront\/checkout-api rose from 0\.01 \(baseline\) to 0\.2 at 2027-01-15 08:00:10 UTC, 10s after release r2 landed, above its bound 0\.05; now 0\.2$/m,
    );
    expect(md).not.toContain("latencyP95");
    expect(md).toContain(`_Note: ${UNREAD.replace(/\|/g, "\\|")}_`);
    expect(md.endsWith("\n")).toBe(true);
  });

  it("lists the causes in rank order, each followed by its own evidence, with log lines made safe for Markdown", () => {
    const d = diagnoseCauses({
      key: KEY,
      health: health("Degraded", [crash("api-1", { logTail: ["boom | <script>x</script>"] })]),
      release: "r2",
      landedAt: LANDED,
      signals: report("failed").signals,
    });
    expect(d.causes.map((c) => c.rank)).toEqual([1, 2]);
    const md = renderCausesSection({ diagnosis: d, headingLevel: 4 });
    expect(md.startsWith("#### Likely causes\n")).toBe(true);
    const pods = md.indexOf("1. **high** (pods CrashLoopBackOff)");
    const release = md.indexOf("2. **high** (release r2)");
    expect(pods).toBeGreaterThan(0);
    expect(release).toBeGreaterThan(pods);
    const log = md.indexOf("   - log: api-1/main: boom \\| &lt;script&gt;x&lt;/script&gt;");
    expect(log).toBeGreaterThan(pods);
    expect(log).toBeLessThan(release);
    expect(md.indexOf("   - signal: errorRate of storefront/checkout-api rose")).toBeGreaterThan(release);
    expect(md).not.toContain("<script>");
  });

  it("says so when nothing moved, rather than printing an empty list", () => {
    const md = renderCausesSection({ diagnosis: diagnoseCauses({ key: KEY, health: health("Degraded", []), release: "r2", landedAt: LANDED }) });
    expect(md).toContain("No likely cause in what could be read: none of the signals was observed.");
  });

  it("the status comment shows the section after Signals only when given", () => {
    const h = health("Healthy", []);
    const input = {
      key: KEY,
      context: "kind-dev",
      release: "r2",
      health: h,
      diagnosis: diagnose({ key: KEY, health: h }),
      startedAt: new Date(LANDED * 1000),
      degradedSettleMs: 300_000,
      maxWatchMs: 3_600_000,
      signals: report("failed"),
    };
    const without = renderStatusComment(input);
    expect(without).not.toContain("Likely causes");
    const causes = causesOf(report("failed"), h);
    const withCauses = renderStatusComment({ ...input, causes });
    expect(withCauses.startsWith(without.trimEnd())).toBe(true);
    expect(withCauses.indexOf("### Likely causes")).toBeGreaterThan(withCauses.indexOf("### Signals"));
  });
});
