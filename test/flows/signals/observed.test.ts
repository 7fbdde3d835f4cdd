/** Prometheus queries told to Ferry's own metrics: latency of every query, errors by kind. */
import { describe, expect, it } from "vitest";
import { resolveDeps } from "../../../app/deps.js";
import { FerryMetrics } from "../../../app/metrics.js";
import { prometheusClient } from "../../../adapters/prometheus/client.js";
import { observedPrometheus } from "../../../flows/signals/observed.js";
import { freePort } from "../../support/prometheus-server.js";
import type { Logger } from "probot";

const silent = { child: () => silent, info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

describe("observedPrometheus through the app's metrics", () => {
  it("counts an unreachable Prometheus as an error of kind unreachable, and times every query", async () => {
    const metrics = new FerryMetrics();
    const deps = resolveDeps({ metrics, cacheDir: "/tmp/unused", platformRepo: { owner: "acme", repo: "platform" }, logger: silent }, { logger: silent });
    const port = observedPrometheus(prometheusClient({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1000 }), deps.observeSignals);
    const answer = await port.query("up", Date.now() / 1000);
    expect(answer.ok).toBe(false);
    await port.queryRange("up", 0, 10, 1);
    deps.observeSignals?.verification("not-observed");
    const text = await metrics.text();
    expect(text).toMatch(/^ferry_prometheus_query_errors_total\{kind="unreachable"\} 2$/m);
    expect(text).toMatch(/^ferry_prometheus_query_seconds_count 2$/m);
    expect(text).toMatch(/^ferry_verifications_total\{result="not-observed"\} 1$/m);
  });

  it("without an observer the port is the same port", () => {
    const port = prometheusClient({ url: "http://127.0.0.1:1" });
    expect(observedPrometheus(port, undefined)).toBe(port);
  });
});
