/**
 * One release's signals from its environment's GitOps history (flows/signals/release-report.ts,
 * shared by `ferry signals` and the portal's default reader) against a real Prometheus scraping
 * the test exporter every second: the landing time and the previous release come from the
 * history, the baseline is the previous release's value before the landing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HistoryEntry } from "../../../core/history.js";
import { prometheusOfEnvironment } from "../../../flows/signals/read.js";
import { readReleaseSignals } from "../../../flows/signals/release-report.js";
import { releaseLanding } from "../../../core/history.js";
import type { Platform } from "../../../renderers/model/index.js";
import { startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";
import { verifyPlatform } from "../../support/verify-platform.js";

let prom: PrometheusServer;
let landedAt: Date;

function platform(url: string): Platform {
  return verifyPlatform(url, { duration: "2s", signals: { errorRate: { max: 0.05 } } });
}

function entry(release: string | undefined, date: Date, commit: string): HistoryEntry {
  return { environment: "prod", release, date, commit, repo: "acme/gitops", source: undefined, promotedFrom: undefined, approvedBy: [] };
}

/** prod's history, newest first: r2 (landed twice in a row: the older commit is its landing), r1 before. */
function history(): HistoryEntry[] {
  return [entry("r2", new Date(landedAt.getTime() + 1000), "c3"), entry("r2", landedAt, "c2"), entry("r1", new Date(landedAt.getTime() - 60_000), "c1")];
}

function read(release: string, entries: HistoryEntry[], url = prom.url) {
  const p = platform(url);
  const environment = p.spec.environments[1]!;
  return readReleaseSignals({
    platform: p,
    environment,
    project: "shop",
    component: "api",
    release,
    history: entries,
    frozen: { type: "service" },
    since: "2s",
    now: Date.now() / 1000,
    prometheus: prometheusOfEnvironment(p, environment, {}),
  });
}

beforeAll(async () => {
  prom = await startPrometheus();
  prom.exporter.set("shop-prod", "api", { rps: 100, errorRatio: 0, latencySeconds: 0.05 });
  await prom.scrapes(5);
  landedAt = new Date();
  prom.exporter.set("shop-prod", "api", { rps: 100, errorRatio: 0.2, latencySeconds: 0.05 });
  await prom.scrapes(4);
}, 60_000);
afterAll(async () => {
  await prom?.close();
});

describe("readReleaseSignals", () => {
  it("takes the landing and the previous release from the history: 20% errors now against a clean baseline fail errorRate", async () => {
    expect(releaseLanding(history(), "r2")?.commit).toBe("c2");
    const report = await read("r2", history());
    expect(report).toMatchObject({ component: "shop/api", environment: "prod", release: "r2", verdict: "failed" });
    const errorRate = report.signals.find((s) => s.name === "errorRate");
    expect(errorRate?.verdict).toBe("failed");
    expect(errorRate?.value).toBeCloseTo(0.2, 2);
    expect(errorRate?.baseline).toBeCloseTo(0, 3);
    expect(errorRate?.series.length).toBeGreaterThan(0);
    expect(report.notes).toEqual([]);
    expect(report.window.to - report.window.from).toBe(2);
  }, 20_000);

  it("a release the history does not have: no landing, no baseline, and the report says so", async () => {
    const report = await read("r9", history());
    expect(report.notes).toEqual(["release r9 was not found in prod's GitOps history: no landing time, no previous release"]);
    expect(report.signals.every((s) => s.baseline === null)).toBe(true);
  }, 20_000);

  it("an unreachable Prometheus observes nothing: never a pass", async () => {
    const report = await read("r2", history(), "http://127.0.0.1:1");
    expect(report.verdict).toBe("not-observed");
    expect(report.signals.length).toBeGreaterThan(0);
    expect(report.signals.every((s) => s.verdict === "not-observed" && s.value === null)).toBe(true);
  }, 20_000);
});
