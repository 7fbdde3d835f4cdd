import { execFileSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { EVERYTHING } from "../../../mcp/access.js";
import { createFerryMcpServer } from "../../../mcp/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "../../support/git-server.js";
import { freePort, startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";
import { API_YAML, PLATFORM_YAML, Scratch, runCli } from "../../support/workspace.js";

/**
 * `ferry signals` and the MCP tool `ferry_signals` end to end: releases published into a real GitOps repository (git http-backend),
 * signals read from a real Prometheus scraping the test exporter, judged against the platform's verify.
 */
let server: GitServer;
let prom: PrometheusServer;
const s = new Scratch();
const TOKEN = "t0ken-for-tests";
const env = { GITHUB_TOKEN: TOKEN, FERRY_CACHE_DIR: "" };

function platform(url: string): string {
  return `${PLATFORM_YAML.replace("  environments:\n", `  observability:\n    prometheus:\n      - {name: local, url: "${url}"}\n  environments:\n`).replace(
    "      production: true\n",
    "      production: true\n      cluster: {context: prod, prometheus: local}\n",
  )}      verify:
        duration: 10m
        signals:
          errorRate: {max: 0.05}
          latencyP95: {maxIncrease: 1.5}
`;
}

/** prod on two clusters (in acme/gitops-clusters): eu-1 (wave 1) on the real Prometheus, us-1 (wave 2) on an endpoint nothing listens on. */
function clustersPlatform(url: string, down: string): string {
  return platform(url)
    .replace("repo: acme/gitops-prod", "repo: acme/gitops-clusters")
    .replace(`      - {name: local, url: "${url}"}\n`, `      - {name: local, url: "${url}"}\n      - {name: down, url: "${down}"}\n`)
    .replace(
      "      cluster: {context: prod, prometheus: local}\n",
      "      clusters:\n        - {name: us-1, context: prod-us, prometheus: down, wave: 2}\n        - {name: eu-1, context: prod-eu, prometheus: local, wave: 1}\n",
    );
}

const app = () => s.path("apps/acme/shop-api");
function commitApp(message: string): void {
  execFileSync("git", ["add", "-A"], { cwd: app() });
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", message], { cwd: app() });
}
const publish = () =>
  runCli(
    ["publish", app(), "--platform", s.path("platform"), "--env", "prod", "--gitops", server.repoUrl("acme/gitops-prod"), "--cache-dir", s.path("cache")],
    env,
  );
const signals = (dir: string, extra: string[] = []) =>
  runCli(
    [
      "signals",
      "shop/api",
      "--env",
      "prod",
      "--platform",
      s.path(dir),
      "--gitops",
      server.repoUrl("acme/gitops-prod"),
      "--cache-dir",
      s.path("cache"),
      ...extra,
    ],
    env,
  );

let release2 = "";
let release1 = "";
beforeAll(async () => {
  [server, prom] = await Promise.all([startGitServer({ token: TOKEN }), startPrometheus()]);
  await server.createRepo("acme/gitops-prod", { files: { "README.md": "GitOps\n" } });
  await server.createRepo("acme/gitops-clusters", { files: { "README.md": "GitOps\n" } });
  s.write("platform", { ".ferry/platform.yaml": platform(prom.url) });
  s.write("unreachable", { ".ferry/platform.yaml": platform(`http://127.0.0.1:${await freePort()}`) });
  s.write("clusters", { ".ferry/platform.yaml": clustersPlatform(prom.url, `http://127.0.0.1:${await freePort()}`) });
  s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML });
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: app() });
  execFileSync("git", ["remote", "add", "origin", "https://github.com/acme/shop-api.git"], { cwd: app() });
  commitApp("api 1.0.0");
  // Release 1 serves 1% errors at 50 ms for a while ...
  prom.exporter.set("shop-prod", "api", { rps: 100, errorRatio: 0.01, latencySeconds: 0.05 });
  const first = await publish();
  if (first.code !== 0) throw new Error(`publish failed: ${first.stderr}`);
  await prom.scrapes(4);
  // ... then release 2 lands and serves 20% errors at 50 ms.
  s.write("apps/acme/shop-api", { ".ferry/api.yaml": API_YAML.replace("api:1.0.0", "api:1.0.1") });
  commitApp("api 1.0.1");
  const second = await publish();
  if (second.code !== 0) throw new Error(`publish failed: ${second.stderr}`);
  prom.exporter.set("shop-prod", "api", { rps: 100, errorRatio: 0.2, latencySeconds: 0.05 });
  // The same component published into prod on two clusters: one folder per cluster in its own GitOps repository.
  const clustered = await runCli(
    ["publish", app(), "--platform", s.path("clusters"), "--env", "prod", "--gitops", server.repoUrl("acme/gitops-clusters"), "--cache-dir", s.path("cache")],
    env,
  );
  if (clustered.code !== 0) throw new Error(`publish failed: ${clustered.stderr}`);
  await prom.scrapes(4);
  const history = await runCli(
    [
      "history",
      "shop/api",
      "--platform",
      s.path("platform"),
      "--env",
      "prod",
      "--gitops",
      server.repoUrl("acme/gitops-prod"),
      "--cache-dir",
      s.path("cache"),
      "--json",
    ],
    env,
  );
  const entries = (JSON.parse(history.stdout) as { environments: { prod: { release: string }[] } }).environments.prod;
  [release2, release1] = [entries[0]!.release, entries[1]!.release];
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.close(), prom?.close()]);
  s.cleanup();
});

interface Out {
  component: string;
  environment: string;
  release: string;
  verdict: string;
  window: { from: number; to: number };
  signals: {
    name: string;
    unit: string;
    value: number | null;
    baseline: number | null;
    max?: number;
    maxIncrease?: number;
    verdict: string;
    series: [number, number][];
  }[];
}

describe("ferry signals", () => {
  it("a release serving 20% errors fails against max 0.05, beside the previous release's 1%; exit 1", async () => {
    expect(release1).not.toBe(release2);
    const run = await signals("platform", ["--since", "3s", "--json"]);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as Out;
    expect(out).toMatchObject({ component: "shop/api", environment: "prod", release: release2, verdict: "failed" });
    expect(out.window.to - out.window.from).toBe(3);
    const errorRate = out.signals.find((x) => x.name === "errorRate")!;
    expect(errorRate).toMatchObject({ unit: "ratio", max: 0.05, verdict: "failed" });
    expect(errorRate.value).toBeCloseTo(0.2, 2);
    expect(errorRate.baseline).toBeCloseTo(0.01, 2);
    expect(errorRate.series.length).toBeGreaterThan(0);
    expect(errorRate.series.every(([t]) => t >= out.window.from && t <= out.window.to)).toBe(true);
    // Latency did not move (50 ms in both), so 1.5 x the baseline holds.
    const latency = out.signals.find((x) => x.name === "latencyP95")!;
    expect(latency).toMatchObject({ unit: "seconds", maxIncrease: 1.5 });
    expect(["verifying", "verified"]).toContain(latency.verdict);
    // The service type's defaults are all there; kube-state-metrics and cAdvisor series do not exist here: not observed, and not bounded.
    expect(out.signals.map((x) => x.name)).toEqual(["cpu", "errorRate", "latencyP95", "memory", "restarts"]);
    expect(out.signals.find((x) => x.name === "restarts")).toMatchObject({ value: null, verdict: "not-observed" });
    // One cluster: the report as it always was, no cluster and no clusters.
    expect(out).not.toHaveProperty("cluster");
    expect(out).not.toHaveProperty("clusters");
  });

  it("prints a table with baseline, now, bound and verdict, and the reason of the failure", async () => {
    const run = await signals("platform", ["--since", "3s"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`shop/api in prod: release ${release2}, failed`);
    expect(run.stdout).toMatch(/errorRate\s+ratio\s+0\.01\d*\s+0\.2\d*\s+<= 0\.05\s+failed/);
    expect(run.stdout).toMatch(/errorRate: errorRate 0\.2\d* is above the bound 0\.05/);
  });

  it("--release judges the previous release, with no baseline before it", async () => {
    const run = await signals("platform", ["--since", "3s", "--json", "--release", release1]);
    const out = JSON.parse(run.stdout) as Out;
    expect(out.release).toBe(release1);
    expect(out.signals.find((x) => x.name === "errorRate")!.baseline).toBeNull();
  });

  it("Prometheus unreachable: every signal not-observed, never a pass; exit 1", async () => {
    const run = await signals("unreachable", ["--json"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as Out;
    expect(out.verdict).toBe("not-observed");
    expect(out.signals.every((x) => x.verdict === "not-observed" && x.value === null)).toBe(true);
  });

  it("a bad --since and an unknown environment are usage errors", async () => {
    expect((await signals("platform", ["--since", "soon"])).code).toBe(2);
    const run = await runCli(["signals", "shop/api", "--env", "qa", "--platform", s.path("platform")], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown environment "qa"/);
  });
});

interface ClustersOut {
  component: string;
  environment: string;
  release?: string;
  verdict: string;
  signals?: unknown;
  clusters: (Out & { cluster: string; notes: string[] })[];
  notes: string[];
}

const clusterSignals = (extra: string[] = []) =>
  runCli(
    [
      "signals",
      "shop/api",
      "--env",
      "prod",
      "--platform",
      s.path("clusters"),
      "--gitops",
      server.repoUrl("acme/gitops-clusters"),
      "--cache-dir",
      s.path("cache"),
      "--since",
      "3s",
      ...extra,
    ],
    env,
  );

/** The clusters' reports of a two-cluster prod, checked the same way for the CLI and the MCP tool. */
function expectPerCluster(out: ClustersOut): void {
  // The worst verdict: eu-1's failed beats us-1's not-observed; neither is hidden behind the other.
  expect(out).toMatchObject({ component: "shop/api", environment: "prod", verdict: "failed" });
  expect(out.signals).toBeUndefined();
  expect(out.clusters.map((c) => [c.cluster, c.verdict])).toEqual([
    ["eu-1", "failed"],
    ["us-1", "not-observed"],
  ]);
  expect(out.notes).toEqual(["eu-1: failed", "us-1: not-observed"]);
  const [eu, us] = out.clusters;
  // Each cluster read its own folder's history: the same release, landed in each, and no previous release there.
  expect(eu!.release).toMatch(/\S/);
  expect(us!.release).toBe(eu!.release);
  expect(out.release).toBe(eu!.release);
  expect(eu!.notes).toContain("no previous release in prod/eu-1: no baseline");
  // eu-1 reads the real Prometheus: 20% errors against max 0.05.
  const errorRate = eu!.signals.find((x) => x.name === "errorRate")!;
  expect(errorRate).toMatchObject({ verdict: "failed", max: 0.05 });
  expect(errorRate.value).toBeCloseTo(0.2, 2);
  // us-1's endpoint is unreachable: every signal not observed, never a pass, never eu-1's values.
  expect(us!.signals.length).toBeGreaterThan(0);
  expect(us!.signals.every((x) => x.verdict === "not-observed" && x.value === null)).toBe(true);
}

describe("ferry signals for an environment on several clusters", () => {
  it("reads each cluster from its own folder and its own Prometheus; the environment is the worst of them, naming each cluster; exit 1", async () => {
    const run = await clusterSignals(["--json"]);
    expect(run.code, run.stderr).toBe(1);
    expectPerCluster(JSON.parse(run.stdout) as ClustersOut);
  });

  it("prints the environment's verdict with a note per cluster not verified, then each cluster's table", async () => {
    const run = await clusterSignals();
    expect(run.code).toBe(1);
    const [head, ...rest] = run.stdout.split("\n");
    expect(head).toMatch(/^shop\/api in prod: release \S+, failed$/);
    expect(rest.slice(0, 2)).toEqual(["note: eu-1: failed", "note: us-1: not-observed"]);
    expect(run.stdout).toMatch(/shop\/api in prod \(eu-1\): release \S+, failed\n/);
    expect(run.stdout).toMatch(/shop\/api in prod \(us-1\): release \S+, not-observed\n/);
    expect(run.stdout.indexOf("(eu-1)")).toBeLessThan(run.stdout.indexOf("(us-1)"));
  });
});

describe("the MCP tool ferry_signals", () => {
  async function call(args: Record<string, unknown>, platformDir = "platform") {
    // The environment's gitops.repo (acme/gitops-prod) is found on the git server as on a GitHub Enterprise host.
    const context = {
      transport: "stdio" as const,
      defaults: { apps: [], platform: s.path(platformDir) },
      variables: { ...env, GITHUB_SERVER_URL: server.url },
      access: EVERYTHING,
    };
    const [a, b] = InMemoryTransport.createLinkedPair();
    await createFerryMcpServer({ context }).connect(a);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(b);
    try {
      return await client.callTool({ name: "ferry_signals", arguments: args });
    } finally {
      await client.close();
    }
  }

  it("is listed read-only, takes no URL, path or repository argument, and reports 20% errors failed against max 0.05", async () => {
    const [a, b] = InMemoryTransport.createLinkedPair();
    await createFerryMcpServer().connect(a);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(b);
    const tool = (await client.listTools()).tools.find((t) => t.name === "ferry_signals")!;
    await client.close();
    expect(tool.annotations?.readOnlyHint).toBe(true);
    expect(Object.keys(tool.inputSchema.properties ?? {}).sort()).toEqual(["component", "env", "platform", "release", "since"]);

    const result = await call({ component: "shop/api", env: "prod", since: "3s" });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as unknown as Out;
    expect(out).toMatchObject({ component: "shop/api", environment: "prod", release: release2, verdict: "failed" });
    const errorRate = out.signals.find((x) => x.name === "errorRate")!;
    expect(errorRate).toMatchObject({ max: 0.05, verdict: "failed" });
    expect(errorRate.value).toBeCloseTo(0.2, 2);
  });

  it("an environment on several clusters: each cluster's report and the worst verdict, within the tool's output schema", async () => {
    // The clusters platform's prod is in acme/gitops-clusters, found on the git server as on a GitHub Enterprise host.
    const result = await call({ component: "shop/api", env: "prod", since: "3s" }, "clusters");
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expectPerCluster(result.structuredContent as unknown as ClustersOut);
    expect(JSON.stringify(result.content)).toContain("shop/api in prod (us-1)");
  });

  it("Prometheus unreachable: not-observed", async () => {
    const out = (await call({ component: "shop/api", env: "prod" }, "unreachable")).structuredContent as unknown as Out;
    expect(out.verdict).toBe("not-observed");
  });

  it("a release argument that is not a release id is refused before anything is read", async () => {
    const result = await call({ component: "shop/api", env: "prod", release: "../../etc/passwd" });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/is not a release id/);
  });
});
