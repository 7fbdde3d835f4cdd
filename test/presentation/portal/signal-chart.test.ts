/**
 * A signal's chart (presentation/portal/signal-chart.ts) and the component page's Signals per
 * environment (presentation/portal/pages.ts); the page with charts is checked with axe-core in
 * real headless Chromium (the portal's own check, test/support/browser/chromium.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { observabilityLinks, linkValues } from "../../../core/signals/links.js";
import { PORTAL_CSS } from "../../../presentation/portal/html.js";
import { componentPage } from "../../../presentation/portal/pages.js";
import { signalChartSvg } from "../../../presentation/portal/signal-chart.js";
import type { ComponentView, PortalSnapshot } from "../../../presentation/portal/view.js";
import { launchChromium, screenshot, seriousViolations } from "../../support/browser/chromium.js";
import { failingReport, FROM, LANDED } from "../../support/signal-reports.js";

const report = failingReport();
const signal = (name: string) => report.signals.find((s) => s.name === name)!;
/** `boundary` null: no boundary marked. */
const chart = (name: string, boundary: number | null = LANDED) =>
  signalChartSvg({ id: `sig-prod-${name}`, where: "prod", signal: signal(name), window: report.window, ...(boundary !== null ? { boundary } : {}) });
/** The attributes of the first `<tag class="cls" ...>` in `svg`. */
function attrs(svg: string, tag: string, cls: string): Record<string, string> | undefined {
  const m = new RegExp(`<${tag} class="${cls}"([^>]*)>`).exec(svg);
  return m ? Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])) : undefined;
}

describe("a signal's chart", () => {
  it("marks the release boundary where the release landed, the bound as a dashed line, and draws the series", () => {
    const svg = chart("errorRate");
    // x: 72 + (60 / 300) x (480 - 72 - 12) = 151.2, from top (18) to the plot's bottom (150).
    expect(attrs(svg, "line", "release-boundary")).toMatchObject({ x1: "151.2", x2: "151.2", y1: "18", y2: "150" });
    expect(svg).toContain(">release landed 10:01</text>");
    // y of the bound 1% on an axis up to 20% x 1.15 = 23%: 22 + (1 - 0.01 / 0.23) x 128 = 144.4.
    expect(attrs(svg, "line", "bound")).toMatchObject({ y1: "144.4", y2: "144.4", "stroke-dasharray": "6 4" });
    expect(svg).toContain(">max 1%</text>");
    expect(attrs(svg, "line", "baseline")).toMatchObject({ "stroke-dasharray": "2 3" });
    expect(attrs(svg, "polyline", "series")!.points!.split(" ")).toEqual(["72,147.2", "171,147.2", "270,122.2", "369,38.7", "468,38.7"]);
    expect(svg).toMatch(/^<svg role="img" aria-labelledby="sig-prod-errorRate-title sig-prod-errorRate-desc"/);
    expect(svg).toContain('<title id="sig-prod-errorRate-title">errorRate in prod: failed</title>');
    expect(svg).toContain(
      '<desc id="sig-prod-errorRate-desc">errorRate between 10:00:00 UTC and 10:05:00 UTC: 5 points from 0.5% to 20% (highest 20%). Now 20%, previous release 0.5%, bound ≤ 1%. The release landed at 10:01:00 UTC. Verdict: failed: errorRate 20% is above the bound 1%.</desc>',
    );
  });

  it("draws maxIncrease as a dashed line at the previous release's value times the factor", () => {
    const svg = chart("latencyP95");
    const bounds = [...svg.matchAll(/<line class="bound"[^>]*y1="([\d.]+)"/g)].map((m) => m[1]);
    expect(bounds).toHaveLength(2);
    expect(svg).toContain(">max 300 ms</text>");
    expect(svg).toContain(">1.5× previous 73.1 ms</text>");
    expect(svg).toContain(">previous 48.8 ms</text>");
  });

  it("says 'not observed' for a signal without data, and draws no line for it", () => {
    const svg = chart("cpu");
    expect(svg).not.toContain("<polyline");
    expect(svg).toContain(">no data: not observed</text>");
    expect(svg).toContain("cpu in prod: not observed</title>");
    expect(svg).toContain("no data. Now –");
  });

  it("puts a release that landed before the window at its left edge, and says so", () => {
    const svg = chart("errorRate", FROM - 3600);
    expect(attrs(svg, "line", "release-boundary")).toMatchObject({ x1: "72" });
    expect(svg).toContain(">release landed earlier</text>");
    expect(svg).toContain("The release landed at 09:00:00 UTC, before this window.");
    expect(chart("errorRate", null)).not.toContain("release-boundary");
  });
});

const LINKS = {
  logs: "https://grafana.example.com/explore?namespace=${namespace}&component=${component}",
  traces: "https://tempo.example.com/search?service.name=${component}",
};

function pageWith(signals: ComponentView["cells"][number]["signals"]): string {
  const c: ComponentView = {
    project: "shop",
    component: "api",
    type: "service",
    endpoints: [],
    traits: [],
    dependsOn: [],
    cells: [
      { environment: "staging", history: [] },
      { environment: "prod", release: "89004479966f", since: new Date(LANDED * 1000), history: [], ...(signals ? { signals } : {}) },
    ],
  };
  const env = (name: string) =>
    ({
      name,
      production: name === "prod",
      gitops: { repo: "acme/gitops", branch: "main", path: `environments/${name}` },
      gates: { commandPermission: "write" },
    }) as unknown as PortalSnapshot["environments"][number];
  const s: PortalSnapshot = { login: "alice", environments: [env("staging"), env("prod")], projects: ["shop"], components: [c], promotions: [] };
  return componentPage(s, c, { csrf: "token" });
}

const OBSERVED = { observed: true as const, report, landedAt: LANDED, links: observabilityLinks(LINKS, linkValues(report, "shop-prod")) };

describe("the component page's signals", () => {
  it("shows each environment's verdict in words, its links, and one chart per signal with its reason", () => {
    const html = pageWith(OBSERVED);
    expect(html).toContain("<dt>Signals</dt><dd>n/a</dd>"); // staging runs nothing
    expect(html).toContain(
      '<dt>Signals</dt><dd><strong class="verdict failed">failed</strong> for <code>89004479966f</code>, window 2026-03-02 10:00 UTC to 2026-03-02 10:05 UTC<br>Links: <a href="https://grafana.example.com/explore?namespace=shop-prod&amp;component=api" rel="noreferrer">logs</a>, <a href="https://tempo.example.com/search?service.name=api" rel="noreferrer">traces</a></dd>',
    );
    expect(html.match(/<figure>/g)).toHaveLength(4);
    expect(html).toContain("<figcaption><strong>errorRate</strong>: failed. errorRate 20% is above the bound 1%</figcaption>");
    expect(html).toContain("<figcaption><strong>latencyP95</strong>: verified. latencyP95 61.2 ms stayed within its bounds</figcaption>");
    expect(html).toContain("<figcaption><strong>restarts</strong>: verified. restarts 2 was read; no bound applies</figcaption>");
    expect(html).toContain(
      "<figcaption><strong>cpu</strong>: not observed. cpu could not be read: the endpoint could not be reached: connect ECONNREFUSED</figcaption>",
    );
    expect(html).toContain('<line class="release-boundary"');
  });

  it("says why nothing was observed, and 'not observed' without a reader", () => {
    expect(pageWith({ observed: false, reason: "the signals could not be read" })).toContain(
      '<dt>Signals</dt><dd><span class="NotObserved">not observed</span>: the signals could not be read</dd>',
    );
    const html = pageWith(undefined);
    expect(html).toContain('<dt>Signals</dt><dd><span class="NotObserved">not observed</span></dd>');
    expect(html).not.toContain("<figure>");
  });
});

describe("the component page with charts in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("has no serious accessibility violation (axe-core), and each chart is an image named by its title", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent(pageWith(OBSERVED).replace(/<link rel="stylesheet"[^>]*>/, `<style>${PORTAL_CSS}</style>`));
    expect(await page.getByRole("img", { name: "errorRate in prod: failed" }).count()).toBe(1);
    expect(await page.getByRole("img", { name: "cpu in prod: not observed" }).count()).toBe(1);
    await screenshot(page, "component-signals");
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
