/** The component page's likely causes of a failed verification (presentation/portal/pages.ts, computed as portal/data.ts does). */
import { describe, expect, it } from "vitest";
import { diagnoseCauses } from "../../../core/diagnosis/rank.js";
import { signalTraces } from "../../../core/diagnosis/verification.js";
import { unknownHealth } from "../../../core/status/health.js";
import { componentPage } from "../../../presentation/portal/pages.js";
import type { ComponentView, PortalSnapshot, SignalsView } from "../../../presentation/portal/view.js";
import { failingReport, LANDED } from "../../support/signal-reports.js";

function pageWith(signals: SignalsView): string {
  const c: ComponentView = {
    project: "shop",
    component: "api",
    endpoints: [],
    traits: [],
    dependsOn: [],
    cells: [{ environment: "prod", release: "89004479966f", since: new Date(LANDED * 1000), history: [], signals }],
  };
  const env = {
    name: "prod",
    gitops: { repo: "acme/gitops", branch: "main", path: "environments/prod" },
    gates: {},
  } as unknown as PortalSnapshot["environments"][number];
  return componentPage({ login: "alice", environments: [env], projects: ["shop"], components: [c], promotions: [] }, c, { csrf: "token" });
}

describe("the component page's likely causes", () => {
  it("a failed verification shows the causes in rank order with their evidence, after the charts", () => {
    const report = failingReport();
    const causes = diagnoseCauses({
      key: { project: "shop", component: "api", environment: "prod" },
      health: unknownHealth("the cluster is not observed"),
      release: report.release,
      landedAt: LANDED,
      signals: signalTraces(report),
      logs: [{ pod: "api-7d9f-1", container: "main", lines: ["listening on :8080", "ERROR upstream payments: 503 <timeout>"] }],
      notes: ["the cluster was not read: pods, events and logs not observed"],
    });
    expect(causes.causes[0]).toMatchObject({ kind: "release", subject: report.release, rank: 1 });
    const html = pageWith({ observed: true, report, landedAt: LANDED, links: [], causes });
    const section = html.slice(html.indexOf('<div class="causes">'));
    expect(html.indexOf('<div class="causes">')).toBeGreaterThan(html.lastIndexOf("<figure>"));
    expect(section).toMatch(
      new RegExp(
        `^<div class="causes"><h4>Likely causes</h4><ol><li><strong>(high|medium)</strong> \\(release ${report.release}\\): Release ${report.release}, landed at`,
      ),
    );
    expect(section).toMatch(
      /<ul><li>signal: errorRate of shop\/api rose from [\d.]+ \(baseline\) to 0\.\d+ at [^<]+after release \w+ landed, above its bound 0\.01; now 0\.2<\/li>/,
    );
    expect(section).toContain("<li>log: api-7d9f-1/main: ERROR upstream payments: 503 &lt;timeout&gt;</li>");
    expect(section).toContain("<li>the cluster was not read: pods, events and logs not observed</li>");
  });

  it("shows no causes when none were computed (a verdict other than failed)", () => {
    const report = failingReport();
    expect(pageWith({ observed: true, report, landedAt: LANDED, links: [] })).not.toContain("Likely causes");
  });
});
