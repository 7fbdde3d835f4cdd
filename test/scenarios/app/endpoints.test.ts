/**
 * Running Ferry: `/healthz`, `/readyz` and `/metrics` served by the app beside the webhook
 * endpoint, read over HTTP as a kubelet and Prometheus would.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFerryApp } from "../../../app/index.js";
import { FerryMetrics } from "../../../app/metrics.js";
import { createFerryOctokit } from "../../../app/octokit.js";
import { FakeGitHub } from "../../support/fake-github/index.js";
import { createTestProbot, startWebhookServer } from "../../support/fake-github/probot.js";
import { family, parseMetrics, samples, value } from "../../support/prometheus.js";
import { commitApp, componentYaml, pushPayload, sceneTeardown, startScene } from "../../support/harness.js";

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
