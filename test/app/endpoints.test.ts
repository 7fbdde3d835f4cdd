/**
 * Running Ferry: `/healthz`, `/readyz` and `/metrics` served by the app beside the webhook
 * endpoint, read over HTTP as a kubelet and Prometheus would.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFerryApp } from "../../app/index.js";
import { FerryMetrics } from "../../app/metrics.js";
import { createFerryOctokit } from "../../app/octokit.js";
import { Readiness } from "../../app/readiness.js";
import { FakeGitHub } from "../support/fake-github/index.js";
import { createTestProbot, startWebhookServer } from "../support/fake-github/probot.js";
import { family, parseMetrics, samples, value } from "../support/prometheus.js";
import { commitApp, componentYaml, pushPayload, sceneTeardown, startScene } from "./harness.js";

const scenes = sceneTeardown();

/** The server's origin from its webhook URL. */
function origin(webhookUrl: string): string {
  return new URL(webhookUrl).origin;
}

async function getJson(url: string): Promise<{ status: number; body: { status?: string; reason?: string } }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as { status?: string; reason?: string } };
}

describe("the endpoints for running Ferry", () => {
  it("answers /healthz and /readyz, and /metrics counts a delivery, its job, the GitHub requests and the rate limit", async () => {
    const metrics = new FerryMetrics();
    const s = scenes.track(await startScene({ deps: { metrics } }));
    const base = origin(s.server.url);

    expect(await getJson(`${base}/healthz`)).toEqual({ status: 200, body: { status: "ok" } });
    expect(await getJson(`${base}/readyz`)).toEqual({ status: 200, body: { status: "ready" } });

    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.1.0" }) });
    const body = pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] });
    const id = randomUUID();
    expect((await s.post("push", body, id)).status).toBe(200);
    expect((await s.post("push", body, id)).status).toBe(200); // the same delivery again
    expect(await s.gitopsLog()).toHaveLength(2); // the release landed

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const families = parseMetrics(text);

    expect(family(families, "ferry_deliveries_total").type).toBe("COUNTER");
    expect(value(families, "ferry_deliveries_total", { event: "push", outcome: "handled" })).toBe(1);
    expect(value(families, "ferry_deliveries_total", { event: "push", outcome: "duplicate" })).toBe(1);
    expect(samples(families, "ferry_deliveries_total", { outcome: "failed" })).toEqual([]);

    const jobs = family(families, "ferry_job_duration_seconds");
    expect(jobs.type).toBe("HISTOGRAM");
    // The parser folds a labelled histogram into one series (see test/support/prometheus.ts):
    // one delivery ran, so it is that job's, and the raw series name its labels.
    expect(jobs.metrics).toHaveLength(1);
    expect(Number(jobs.metrics[0]?.buckets?.["+Inf"])).toBe(1);
    expect(text).toMatch(/^ferry_job_duration_seconds_count\{kind="push",outcome="ok"\} 1$/m);

    const requests = samples(families, "ferry_github_requests_total");
    const total = requests.reduce((sum, m) => sum + Number(m.value), 0);
    expect(total).toBeGreaterThan(0);
    expect(requests.every((m) => /^(GET|POST|PATCH|PUT|DELETE)$/.test(m.labels?.method ?? ""))).toBe(true);
    expect(value(families, "ferry_github_requests_total", { method: "POST", status: "201" })).toBeGreaterThan(0); // the check run, the deployment
    // The fake counts down from 5000 with every request; the installation's last answer is kept.
    const remaining = value(families, "ferry_github_rate_limit_remaining", { installation: String(s.installationId), resource: "core" });
    expect(remaining).toBeLessThan(5000);
    expect(remaining).toBeGreaterThan(5000 - s.fake.requests.length - 1);

    expect(value(families, "ferry_gitops_push_retries_total")).toBe(0);
    expect(family(families, "ferry_reconcile_repairs_total").type).toBe("COUNTER");
    expect(family(families, "ferry_queue_depth").type).toBe("GAUGE");
    expect(value(families, "ferry_watched_rollouts")).toBe(0);
  });

  it("answers /readyz 503 with the reason when GitHub does not answer", async () => {
    const fake = await FakeGitHub.start();
    const cacheDir = await mkdtemp(join(tmpdir(), "ferry-endpoints-"));
    const probot = createTestProbot(fake, { Octokit: createFerryOctokit({ throttle: false, retries: 0 }) });
    const server = await startWebhookServer(probot, createFerryApp({ cacheDir, platformRepo: { owner: "acme", repo: "platform" }, logger: probot.log }));
    try {
      const base = origin(server.url);
      await fake.close();
      const ready = await getJson(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe("not ready");
      expect(ready.body.reason).toMatch(/^GitHub is not reachable: /);
      expect((await getJson(`${base}/healthz`)).status).toBe(200); // the process still answers
    } finally {
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("leaves every other path to the next handler", async () => {
    const fake = await FakeGitHub.start();
    const cacheDir = await mkdtemp(join(tmpdir(), "ferry-endpoints-"));
    const probot = createTestProbot(fake);
    const server = await startWebhookServer(probot, createFerryApp({ cacheDir, platformRepo: { owner: "acme", repo: "platform" }, logger: probot.log }));
    try {
      const base = origin(server.url);
      expect((await fetch(`${base}/healthz/more`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(404);
      expect((await fetch(`${base}/healthz?probe=1`)).status).toBe(200);
    } finally {
      await server.close();
      await fake.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

describe("Readiness", () => {
  it("asks GitHub once per TTL and once at a time, remembering failures for less long", async () => {
    let now = 0;
    let asked = 0;
    let failing = false;
    const readiness = new Readiness({
      probe: async () => {
        asked++;
        if (failing) throw new Error("connect ECONNREFUSED");
      },
      okTtlMs: 30_000,
      failedTtlMs: 5_000,
      now: () => now,
    });
    const [a, b] = await Promise.all([readiness.check(), readiness.check()]);
    expect([a, b, asked]).toEqual([{ ready: true }, { ready: true }, 1]);
    now = 29_999;
    expect(await readiness.check()).toEqual({ ready: true });
    expect(asked).toBe(1);
    failing = true;
    now = 30_000;
    expect(await readiness.check()).toEqual({ ready: false, reason: "GitHub is not reachable: connect ECONNREFUSED" });
    now = 34_999;
    await readiness.check();
    expect(asked).toBe(2);
    failing = false;
    now = 35_000;
    expect(await readiness.check()).toEqual({ ready: true });
    expect(asked).toBe(3);
  });

  it("counts a probe without an answer in time as not ready", async () => {
    const readiness = new Readiness({ probe: () => new Promise<void>(() => undefined), timeoutMs: 1 });
    expect(await readiness.check()).toEqual({ ready: false, reason: "GitHub is not reachable: no answer within 1 ms" });
  });
});

describe("FerryMetrics", () => {
  it("keeps each app instance's counts apart and reads registered gauges when scraped", async () => {
    const one = new FerryMetrics();
    const two = new FerryMetrics();
    one.delivery("push", "handled");
    one.reconcileRepair("missed-release");
    one.pushRetry();
    let depth = 3;
    const stop = one.queueDepth(() => depth);
    one.queueDepth(() => 1);
    one.watchedRollouts(() => 2);

    const first = parseMetrics(await one.text());
    expect(value(first, "ferry_deliveries_total", { event: "push", outcome: "handled" })).toBe(1);
    expect(value(first, "ferry_reconcile_repairs_total", { kind: "missed-release" })).toBe(1);
    expect(value(first, "ferry_gitops_push_retries_total")).toBe(1);
    expect(value(first, "ferry_queue_depth", { queue: "jobs" })).toBe(4);
    expect(value(first, "ferry_watched_rollouts")).toBe(2);
    depth = 0;
    stop();
    expect(value(parseMetrics(await one.text()), "ferry_queue_depth", { queue: "jobs" })).toBe(1);

    const second = parseMetrics(await two.text());
    expect(samples(second, "ferry_deliveries_total")).toEqual([]);
    expect(value(second, "ferry_gitops_push_retries_total")).toBe(0);
  });
});
