/** The status comment's Signals section (presentation/markdown/status-signals.ts) and its place in the comment. */
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../core/status/diagnose.js";
import { releaseHealth } from "../../../core/status/rollout-decision.js";
import { renderSignalsSection } from "../../../presentation/markdown/status-signals.js";
import { renderStatusComment } from "../../../presentation/markdown/status-comment.js";
import { signalsReport } from "../../../core/signals/report.js";
import { KEY, RELEASE_2 } from "../../support/status-scene.js";
import { healthOf } from "../../support/component-health.js";
import { failingReport, FROM, LANDED, seriesOf, TO, verifiedReport } from "../../support/signal-reports.js";

const LINKS = {
  namespace: "shop-prod",
  templates: {
    logs: "https://grafana.example.com/explore?namespace=${namespace}&component=${component}&from=now-${window}",
    traces: "https://tempo.example.com/search?service.name=${component}&release=${release}&project=${project}",
  },
};

const row = (md: string, name: string) => md.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));

describe("the Signals section", () => {
  it("shows each signal's baseline, value and bound in its unit, its verdict in words and its series", () => {
    const md = renderSignalsSection({ report: failingReport() });
    expect(md).toContain("### Signals");
    expect(md).toContain("**Verification: ❌ failed** for release `89004479966f` in prod, window 2026-03-02 10:00 UTC .. 2026-03-02 10:05 UTC.");
    expect(md).toContain("| Signal | Baseline | Now | Bound | Verdict | Series |");
    expect(row(md, "errorRate")).toBe("| `errorRate` | 0.5% | 20% | ≤ 1% | ❌ failed | `▁▁▃██` |");
    // 0.0612 s against at most 1.5 x 48.75 ms = 73.1 ms: within.
    expect(row(md, "latencyP95")).toBe("| `latencyP95` | 48.8 ms | 61.2 ms | ≤ 300 ms, ≤ 1.5× previous (73.1 ms) | ✅ verified | `▁▂██` |");
    expect(row(md, "restarts")).toBe("| `restarts` | – | 2 | none | ✅ verified | `▁▁▅█` |");
    // Why it failed, with the numbers in their unit.
    expect(md).toContain("- `errorRate` failed: errorRate 20% is above the bound 1%");
  });

  it("says so for a signal that could not be read, and never counts it as a pass", () => {
    const md = renderSignalsSection({ report: failingReport() });
    expect(row(md, "cpu")).toBe("| `cpu` | – | – | ≤ 90% | ➖ not observed | no data |");
    expect(md).toContain("- `cpu` not observed: cpu could not be read: the endpoint could not be reached: connect ECONNREFUSED");
    // Without the failing signal the release is still not verified: cpu was not observed.
    const report = failingReport();
    const withoutError = { ...report, verdict: "not-observed" as const, signals: report.signals.filter((s) => s.name !== "errorRate") };
    expect(renderSignalsSection({ report: withoutError })).toContain("**Verification: ➖ not observed**");
  });

  it("shows the verify window still open, and the notes", () => {
    const report = signalsReport({
      component: "shop/api",
      environment: "prod",
      cluster: "eu-1",
      release: "89004479966f",
      window: { from: FROM, to: TO },
      verify: { duration: "10m", signals: { errorRate: { max: 0.01 } } },
      landedAt: LANDED,
      readings: [{ name: "errorRate", signal: { query: "q", unit: "ratio" }, current: { ok: true, value: 0.004, series: seriesOf([0.003, 0.004]) } }],
    });
    const md = renderSignalsSection({ report });
    expect(md).toContain("**Verification: ⏳ verifying** for release `89004479966f` in prod (eu-1)");
    expect(row(md, "errorRate")).toBe("| `errorRate` | – | 0.4% | ≤ 1% | ⏳ verifying | `▁█` |");
    expect(md).toContain("- Note: the verify window (10m) since the release landed at 2026-03-02 10:01 UTC is still open");
  });

  it("links the platform's observability links with the release's values substituted and URL-encoded", () => {
    const md = renderSignalsSection({ report: verifiedReport(), links: LINKS });
    expect(md).toContain("**Verification: ✅ verified**");
    expect(row(md, "memory")).toBe("| `memory` | – | 256 MiB | ≤ 512 MiB | ✅ verified | `▁█` |");
    expect(row(md, "cpuCores")).toBe("| `cpuCores` | – | 250m | none | ✅ verified | `▁█` |");
    expect(md).toContain(
      "Links: [logs](https://grafana.example.com/explore?namespace=shop-prod&component=api&from=now-5m) · [traces](https://tempo.example.com/search?service.name=api&release=89004479966f&project=shop)",
    );
  });

  it("never lets a value change a link's shape, and shows a template that is no http(s) URL as text", () => {
    const hostile = { ...verifiedReport(), component: "shop/a&b=c)[x](javascript:alert(1)" };
    const md = renderSignalsSection({
      report: hostile,
      links: { namespace: "ns x", templates: { logs: LINKS.templates.logs, script: "javascript:alert('${component}')", odd: "https://x.example/${pod}" } },
    });
    const links = md.split("\n").find((l) => l.startsWith("Links: "))!;
    expect(links).toContain(
      "[logs](https://grafana.example.com/explore?namespace=ns%20x&component=a%26b%3Dc%29%5Bx%5D%28javascript%3Aalert%281%29&from=now-5m)",
    );
    expect(links).toContain("odd (not shown: the template uses ${pod}, which Ferry does not know)");
    expect(links).toContain("script (not shown: the template is not an http(s) URL)");
    expect(links).not.toMatch(/\]\(javascript/);
  });
});

describe("the status comment with signals", () => {
  const health = releaseHealth(healthOf({}), RELEASE_2);
  const input = {
    key: KEY,
    context: "kind-dev",
    release: RELEASE_2,
    health,
    diagnosis: diagnose({ key: KEY, health }),
    startedAt: new Date(FROM * 1000),
    degradedSettleMs: 300_000,
    maxWatchMs: 3_600_000,
  };

  it("ends with the Signals section after the status, and is unchanged without signals", () => {
    const plain = renderStatusComment(input);
    expect(plain).not.toContain("Signals");
    const withSignals = renderStatusComment({ ...input, signals: failingReport(), links: LINKS });
    expect(withSignals.startsWith(plain.trimEnd())).toBe(true);
    expect(withSignals.slice(plain.trimEnd().length)).toBe(`\n\n${renderSignalsSection({ report: failingReport(), links: LINKS })}`);
    // Links without signals show nothing: their values come from the report.
    expect(renderStatusComment({ ...input, links: LINKS })).toBe(plain);
  });
});
