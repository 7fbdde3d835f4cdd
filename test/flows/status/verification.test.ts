/**
 * The verifier (flows/status/verification.ts) against a real Prometheus scraping the test
 * exporter every second: verify windows of a few seconds, looks once a second, real time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemTimers } from "../../../flows/status/timers.js";
import { prometheusFor } from "../../../adapters/prometheus/client.js";
import { prometheusOfEnvironment } from "../../../flows/signals/read.js";
import { brokenBoundText, verificationInterval, verifyRelease, type VerificationRequest } from "../../../flows/status/verification.js";
import type { Platform } from "../../../renderers/model/index.js";
import { freePort, startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";
import { verifyPlatform } from "../../support/verify-platform.js";

let prom: PrometheusServer;
let landedAt: Date;

function platform(url: string): Platform {
  return verifyPlatform(url, { duration: "4s", signals: { errorRate: { max: 0.05 }, latencyP95: { maxIncrease: 1.5 } } });
}

/** Verifies `component` (a built-in `service`) in prod from now on, against the Prometheus at `url`. */
function verify(component: string, url = prom.url) {
  const p = platform(url);
  const environment = p.spec.environments[1]!;
  const request: VerificationRequest = {
    subject: { platform: p, environment, project: "shop", component, release: "r2", type: "service" },
    verify: p.spec.pipeline[0]!.verify!,
    healthyAt: new Date(),
    landedAt,
    previousRelease: "r1",
  };
  return verifyRelease(request, { prometheus: prometheusOfEnvironment(p, environment, {}), clock: () => new Date(), timers: systemTimers, minIntervalMs: 1000 })
    .done;
}

beforeAll(async () => {
  prom = await startPrometheus();
  // The previous release: no errors, 50 ms, for a few seconds before the rollout.
  for (const c of ["bad", "good"]) prom.exporter.set("shop-prod", c, { rps: 100, errorRatio: 0, latencySeconds: 0.05 });
  await prom.scrapes(5);
  landedAt = new Date();
  // The new release: "bad" answers 20% errors, "good" stays as it was.
  prom.exporter.set("shop-prod", "bad", { rps: 100, errorRatio: 0.2, latencySeconds: 0.05 });
  await prom.scrapes(3);
}, 60_000);
afterAll(async () => {
  await prom?.close();
});

describe("verifyRelease against a real Prometheus", () => {
  it("fails as soon as the error ratio jumps to 20%, naming errorRate with its value and bound", async () => {
    const started = Date.now();
    const outcome = await verify("bad");
    expect(outcome.result).toBe("failed");
    // Failed at the first look that saw the errors, before the 4 s window ran out.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(outcome.signals.map((s) => s.name)).toEqual(["errorRate"]);
    const [errorRate] = outcome.signals;
    expect(errorRate!.value).toBeCloseTo(0.2, 2);
    expect(errorRate!.broken).toEqual({ bound: "max", limit: 0.05 });
    expect(brokenBoundText(errorRate!)).toMatch(/^errorRate 0\.(19|2)\d* > max 0\.05$/);
    expect(outcome.report?.verdict).toBe("failed");
  }, 20_000);

  it("verifies a release whose latency stays within 1.5x of the previous release's once the window is complete", async () => {
    const started = Date.now();
    const outcome = await verify("good");
    expect(outcome.result).toBe("verified");
    expect(Date.now() - started).toBeGreaterThanOrEqual(3900);
    const latency = outcome.report!.signals.find((s) => s.name === "latencyP95")!;
    expect(latency.verdict).toBe("verified");
    expect(latency.baseline).not.toBeNull();
    expect(latency.value!).toBeLessThanOrEqual(latency.baseline! * 1.5);
    // One look per second: the series holds the values each look read.
    expect(latency.series.length).toBeGreaterThanOrEqual(2);
    expect(outcome.report!.signals.find((s) => s.name === "errorRate")).toMatchObject({ verdict: "verified", value: 0 });
  }, 20_000);

  it("never verifies when Prometheus cannot be reached: not observed, saying why", async () => {
    const outcome = await verify("good", `http://127.0.0.1:${await freePort()}`);
    expect(outcome.result).toBe("not-observed");
    expect(outcome.report?.verdict).toBe("not-observed");
    expect(outcome.signals.map((s) => s.name)).toEqual(["errorRate", "latencyP95"]);
    expect(outcome.signals.every((s) => /could not be reached/.test(s.reason))).toBe(true);
  }, 20_000);

  it("resumed after its window ran out, judges at once from one look at the window's end (every query at time = the end)", async () => {
    const p = platform(prom.url);
    const environment = p.spec.environments[1]!;
    // The window was recorded 4 s long starting 6 s ago: it ended 2 s ago.
    const from = Math.floor(Date.now() / 1000) - 6;
    const times: number[] = [];
    const prometheus = prometheusOfEnvironment(p, environment, {}, (endpoint, variables) => {
      const port = prometheusFor(endpoint, variables);
      return { ...port, query: (expr, time) => (times.push(time), port.query(expr, time)) };
    });
    const request: VerificationRequest = {
      subject: { platform: p, environment, project: "shop", component: "good", release: "r2", type: "service" },
      verify: p.spec.pipeline[0]!.verify!,
      healthyAt: new Date(from * 1000),
      landedAt,
      previousRelease: "r1",
    };
    const started = Date.now();
    const outcome = await verifyRelease(request, { prometheus, clock: () => new Date(), timers: systemTimers, minIntervalMs: 1000 }).done;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome.result).toBe("verified");
    expect(outcome.report?.window).toEqual({ from, to: from + 4 });
    // One look: the release's two signals at the end, and the previous release's two baselines at the landing.
    expect(times.filter((t) => t === from + 4)).toHaveLength(2);
    expect(times.filter((t) => t !== from + 4)).toEqual([landedAt.getTime() / 1000, landedAt.getTime() / 1000]);
  }, 20_000);
});

describe("verificationInterval", () => {
  it("is a tenth of the window, at least the minimum, at most 30 s", () => {
    expect(verificationInterval(300_000, 5000)).toBe(30_000);
    expect(verificationInterval(3_600_000, 5000)).toBe(30_000);
    expect(verificationInterval(4000, 1000)).toBe(1000);
    expect(verificationInterval(100_000, 1000)).toBe(10_000);
  });
});
