import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusClient, prometheusFor } from "../../../adapters/prometheus/client.js";
import type { PrometheusError, PrometheusResult } from "../../../adapters/prometheus/client.js";
import { freePort, startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";

/** The Prometheus adapter against a real Prometheus scraping the test exporter every second. */
let prom: PrometheusServer;
beforeAll(async () => {
  prom = await startPrometheus();
  prom.exporter.set("shop-dev", "api", { rps: 100, errorRatio: 0.2, latencySeconds: 0.2 });
  prom.exporter.set("shop-dev", "web", { rps: 50, errorRatio: 0, latencySeconds: 0.02 });
  await prom.scrapes(4);
});
afterAll(async () => {
  await prom?.close();
});

function valueOf<T>(r: PrometheusResult<T>): T {
  if (!r.ok) throw new Error(`expected an answer, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}
function errorOf<T>(r: PrometheusResult<T>): PrometheusError {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const ratio = (c: string) =>
  `sum(rate(http_requests_total{namespace="shop-dev",ferry_dev_component="${c}",code=~"5.."}[3s])) / sum(rate(http_requests_total{namespace="shop-dev",ferry_dev_component="${c}"}[3s]))`;

describe("prometheusClient against a real Prometheus", () => {
  it("query reads the error ratio the exporter serves (20%), and 0 for the component without errors", async () => {
    const client = prometheusClient({ url: prom.url });
    const now = Date.now() / 1000;
    expect(valueOf(await client.query(ratio("api"), now))).toBeCloseTo(0.2, 2);
    const web = await client.query(ratio("web"), now);
    expect(web).toEqual({ ok: true, value: 0 });
  });

  it("p95 latency from the histogram lies in the bucket of the latency set (0.1, 0.25]", async () => {
    const r = await prometheusClient({ url: prom.url }).query(
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{ferry_dev_component="api"}[3s])))',
      Date.now() / 1000,
    );
    expect(valueOf(r)).toBeGreaterThan(0.1);
    expect(valueOf(r)).toBeLessThanOrEqual(0.25);
  });

  it("queryRange gives [unixSeconds, value] points at the step; no series is undefined / empty, not an error", async () => {
    const client = prometheusClient({ url: prom.url });
    const end = Math.floor(Date.now() / 1000);
    const r = await client.queryRange(ratio("api"), end - 2, end, 1);
    const points = valueOf(r);
    expect(points.length).toBeGreaterThanOrEqual(1);
    expect(points.every(([t]) => t >= end - 2 && t <= end)).toBe(true);
    expect(points.map(([, v]) => Math.round(v * 100) / 100)).toEqual(points.map(() => 0.2));
    expect(await client.query('sum(http_requests_total{ferry_dev_component="nobody"})', end)).toEqual({ ok: true, value: undefined });
    expect(await client.queryRange('sum(http_requests_total{ferry_dev_component="nobody"})', end - 2, end, 1)).toEqual({ ok: true, value: [] });
  });

  it("a query Prometheus refuses is a typed `query` error with Prometheus's message; several series are an `answer` error", async () => {
    const client = prometheusClient({ url: prom.url });
    const bad = errorOf(await client.query("sum(rate(x[5m])", Date.now() / 1000));
    expect(bad.kind).toBe("query");
    expect(bad.message).toMatch(/bad_data/);
    expect(errorOf(await client.query("http_requests_total", Date.now() / 1000))).toMatchObject({
      kind: "answer",
      message: expect.stringMatching(/gave 4 series; a signal must give one number/),
    });
  });
});

describe("prometheusClient's failures are typed results, never thrown", () => {
  it("nothing listening: unreachable", async () => {
    expect(errorOf(await prometheusClient({ url: `http://127.0.0.1:${await freePort()}` }).query("up", 0)).kind).toBe("unreachable");
  });

  it("a server that never answers: timeout after timeoutMs; the bearer token from the named variable is sent and never appears in a message", async () => {
    const seen: string[] = [];
    const server: Server = createServer((req) => {
      seen.push(`${req.method} ${req.url?.split("?")[0]} ${req.headers.authorization}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = { name: "prod", url: `http://127.0.0.1:${(server.address() as { port: number }).port}/prom`, bearerTokenEnv: "PROM_TOKEN" };
      const r = await prometheusFor(endpoint, { PROM_TOKEN: "s3cret-token" }, { timeoutMs: 300 }).query("up", 0);
      expect(errorOf(r).kind).toBe("timeout");
      expect(errorOf(r).message).toMatch(/did not answer within 300 ms/);
      expect(JSON.stringify(r)).not.toContain("s3cret-token");
      expect(seen).toEqual(["GET /prom/api/v1/query Bearer s3cret-token"]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("the named token variable unset: no-token, without calling", async () => {
    const r = await prometheusFor({ name: "prod", url: prom.url, bearerTokenEnv: "FERRY_PROM_PROD_TOKEN" }, {}).queryRange("up", 0, 1, 1);
    expect(r).toEqual({ ok: false, error: { kind: "no-token", message: 'FERRY_PROM_PROD_TOKEN is not set: the bearer token of prometheus endpoint "prod"' } });
  });

  it("a server that is not Prometheus: http / answer errors", async () => {
    const server: Server = createServer((req, res) => {
      if (req.url?.startsWith("/html/")) res.writeHead(502, { "content-type": "text/html" }).end("<h1>bad gateway</h1>");
      else res.writeHead(200, { "content-type": "application/json" }).end('{"hello":"world"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const html = await prometheusClient({ url: `${base}/html` }).query("up", 0);
      expect(html).toEqual({ ok: false, error: { kind: "http", message: `${base} answered 502 without a Prometheus JSON body` } });
      const other = await prometheusClient({ url: base }).query("up", 0);
      expect(other).toEqual({ ok: false, error: { kind: "answer", message: `${base} answered 200 with a body that is not a Prometheus API answer` } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
