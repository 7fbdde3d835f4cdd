import { execFileSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVERYTHING } from "../../../mcp/access.js";
import { createFerryMcpServer } from "../../../mcp/server.js";
import { loadPlatform } from "../../../operations/workspace.js";
import { diagnoseComponent } from "../../../operations/diagnose.js";
import { FakeKube, generateCerts, succeedingRollout, writeKubeconfig } from "../../support/fake-kube/index.js";
import { startGitServer, type GitServer } from "../../support/git-server.js";
import { freePort, startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";
import { API_YAML, PLATFORM_YAML, Scratch, runCli } from "../../support/workspace.js";

/**
 * `ferry diagnose` end to end: shop/api depends on shop/payments; releases published into a real GitOps repository
 * (git http-backend), both running in the fake Kubernetes API, their error ratios read from a real Prometheus scraping the
 * test exporter. A new api release lands, payments' errors rise right after it, api's a few seconds later: the upstream is
 * named the likely cause, ahead of the release.
 */
let server: GitServer;
let prom: PrometheusServer;
let kube: FakeKube;
const s = new Scratch();
const TOKEN = "t0ken-for-tests";
const env = { GITHUB_TOKEN: TOKEN, FERRY_CACHE_DIR: "" };

const PLATFORM = `${PLATFORM_YAML.replace(
  "  environments:\n",
  '  observability:\n    prometheus:\n      - {name: local, url: "URL"}\n  environments:\n',
).replace("      production: true\n", "      production: true\n      cluster: {context: prod, prometheus: local}\n")}      verify:
        duration: 10m
        signals:
          errorRate: {max: 0.05}
`;
const API = API_YAML.replace("  environments:\n", "  dependencies:\n    - {component: payments, endpoint: http}\n  environments:\n");
const PAYMENTS = API_YAML.replace("name: api", "name: payments").replace("ghcr.io/acme/api", "ghcr.io/acme/payments");

const app = () => s.path("apps/acme/shop-api");
function commitApp(message: string): void {
  execFileSync("git", ["add", "-A"], { cwd: app() });
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", message], { cwd: app() });
}
/** prod on two clusters (in acme/gitops-clusters): eu-1 on the fake Kubernetes API and the real Prometheus; us-1 on a context the kubeconfig lacks and an endpoint nothing listens on. */
const CLUSTERS = PLATFORM.replace("repo: acme/gitops-prod", "repo: acme/gitops-clusters")
  .replace('      - {name: local, url: "URL"}\n', '      - {name: local, url: "URL"}\n      - {name: down, url: "DOWN"}\n')
  .replace(
    "      cluster: {context: prod, prometheus: local}\n",
    "      clusters:\n        - {name: us-1, context: prod-us, prometheus: down, wave: 2}\n        - {name: eu-1, context: prod, prometheus: local, wave: 1}\n",
  );

async function publish(): Promise<void> {
  // The same releases land in prod on one cluster and in prod on two (each cluster's folder), at the same moment.
  for (const [platform, repo] of [
    ["platform", "acme/gitops-prod"],
    ["clusters", "acme/gitops-clusters"],
  ] as const) {
    const run = await runCli(
      ["publish", app(), "--platform", s.path(platform), "--env", "prod", "--gitops", server.repoUrl(repo), "--cache-dir", s.path("cache")],
      env,
    );
    if (run.code !== 0) throw new Error(`publish failed: ${run.stderr}`);
  }
}

beforeAll(async () => {
  [server, prom, kube] = await Promise.all([startGitServer({ token: TOKEN }), startPrometheus(), FakeKube.start({ certs: generateCerts() })]);
  await server.createRepo("acme/gitops-prod", { files: { "README.md": "GitOps\n" } });
  await server.createRepo("acme/gitops-clusters", { files: { "README.md": "GitOps\n" } });
  s.write("platform", { ".ferry/platform.yaml": PLATFORM.replace("URL", prom.url) });
  s.write("clusters", { ".ferry/platform.yaml": CLUSTERS.replace("URL", prom.url).replace("DOWN", `http://127.0.0.1:${await freePort()}`) });
  s.write("apps/acme/shop-api", { ".ferry/api.yaml": API, ".ferry/payments.yaml": PAYMENTS });
  writeKubeconfig(s.path("kubeconfig.yaml"), [{ context: "prod", server: kube.url, caPem: kube.caPem, token: kube.token }]);
  for (const component of ["api", "payments"]) {
    kube.applyStep(succeedingRollout({ project: "shop", component, environment: "prod", release: "r1", replicas: 2 }).steps.at(-1)!);
  }
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: app() });
  execFileSync("git", ["remote", "add", "origin", "https://github.com/acme/shop-api.git"], { cwd: app() });
  commitApp("1.0.0");
  // Both serve 1% errors for a while ...
  prom.exporter.set("shop-prod", "api", { rps: 100, errorRatio: 0.01, latencySeconds: 0.05 });
  prom.exporter.set("shop-prod", "payments", { rps: 100, errorRatio: 0.01, latencySeconds: 0.05 });
  await publish();
  await prom.scrapes(8);
  // ... then a new api release lands; payments' errors rise right after it, api's 6 s later.
  s.write("apps/acme/shop-api", { ".ferry/api.yaml": API.replace("api:1.0.0", "api:1.0.1") });
  commitApp("api 1.0.1");
  await publish();
  prom.exporter.set("shop-prod", "payments", { rps: 100, errorRatio: 0.3, latencySeconds: 0.05 });
  await prom.scrapes(6);
  prom.exporter.set("shop-prod", "api", { rps: 100, errorRatio: 0.2, latencySeconds: 0.05 });
  await prom.scrapes(6);
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.close(), prom?.close(), kube?.close()]);
  s.cleanup();
});

interface Out {
  component: string;
  environment: string;
  release: string;
  landedAt: number;
  status: string;
  causes: {
    kind: string;
    subject: string;
    summary: string;
    rank: number;
    confidence: string;
    evidence: { kind: string; text: string; value?: number; at?: number }[];
  }[];
}

describe("ferry diagnose", () => {
  it("names the upstream whose errors rose first as the likely cause, with its numbers, ahead of the release that landed", async () => {
    const args = ["diagnose", "shop/api", "--env", "prod", "--platform", s.path("platform"), "--since", "30s", "--kubeconfig", s.path("kubeconfig.yaml")];
    const target = ["--gitops", server.repoUrl("acme/gitops-prod"), "--cache-dir", s.path("cache")];
    const run = await runCli([...args, ...target, "--json"], env);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as Out;
    expect(out).toMatchObject({ component: "shop/api", environment: "prod", status: "Healthy" });
    expect(out.causes.map((c) => [c.rank, c.kind, c.subject, c.confidence])).toEqual([
      [1, "dependency", "shop/payments", "high"],
      [2, "release", out.release, "medium"],
    ]);
    const [upstream, release] = out.causes;
    const rose = upstream!.evidence.find((e) => e.kind === "signal" && e.text.startsWith("errorRate of shop/payments rose"))!;
    expect(rose.value).toBeGreaterThan(0.02);
    expect(upstream!.evidence).toContainEqual({ kind: "dependency", text: "shop/payments (endpoint http) is Healthy: 2 of 2 replicas available" });
    const own = release!.evidence.find((e) => e.text.startsWith("errorRate of shop/api rose"))!;
    expect(own.text).toMatch(/from 0\.01 \(baseline\)/);
    expect(rose.at!).toBeLessThan(own.at!);
    expect(own.at!).toBeGreaterThanOrEqual(out.landedAt);
    expect(release!.summary).toMatch(/but a dependency rose first/);

    const text = await runCli([...args, ...target], env);
    expect(text.stdout).toMatch(/^ {2}1\. \[high\] dependency shop\/payments: Upstream shop\/payments: its errorRate rose/m);
    expect(text.stdout).toMatch(/^ {7}signal: errorRate of shop\/payments rose from 0\.01 \(window start\)/m);
  });

  it("prod on two clusters: each cluster diagnosed from its own Prometheus, folder and context; every cause names its cluster", async () => {
    const args = ["diagnose", "shop/api", "--env", "prod", "--platform", s.path("clusters"), "--since", "30s", "--kubeconfig", s.path("kubeconfig.yaml")];
    const target = ["--gitops", server.repoUrl("acme/gitops-clusters"), "--cache-dir", s.path("cache")];
    const run = await runCli([...args, ...target, "--json"], env);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as Omit<Out, "causes"> & {
      observed: boolean;
      notes: string[];
      causes: (Out["causes"][number] & { cluster?: string })[];
      clusters: (Out & { cluster: string; observed: boolean; notes: string[] })[];
    };
    // eu-1 sees what prod on one cluster sees: the upstream first, then the release; both named eu-1.
    expect(out.causes.map((c) => [c.rank, c.kind, c.subject, c.cluster])).toEqual([
      [1, "dependency", "shop/payments", "eu-1"],
      [2, "release", out.release, "eu-1"],
    ]);
    expect(out.causes[1]!.evidence.some((e) => e.text.startsWith("errorRate of shop/api rose"))).toBe(true);
    // us-1 read nothing (no context, no Prometheus): no cause there, and so no all-clear for prod.
    expect(out.clusters.map((c) => [c.cluster, c.causes.length, c.observed])).toEqual([
      ["eu-1", 2, true],
      ["us-1", 0, false],
    ]);
    expect(out.clusters[1]!.release).toBe(out.release);
    expect(out.observed).toBe(false);
    expect(out.notes).toContainEqual(expect.stringMatching(/^us-1: cluster context "prod-us" not read/));
    expect(out.notes.some((n) => n.startsWith("eu-1: cluster context"))).toBe(false);

    const text = await runCli([...args, ...target], env);
    expect(text.stdout).toMatch(/^ {2}1\. \[high\] dependency shop\/payments in eu-1: Upstream shop\/payments: its errorRate rose/m);
    expect(text.stdout).toMatch(/^note: us-1: cluster context "prod-us" not read/m);
  });

  it("leaves out a dependency the caller may not see, naming it nowhere: the release is then the top cause", async () => {
    const report = await diagnoseComponent({
      platform: loadPlatform(s.path("platform")).bundle!,
      project: "shop",
      component: "api",
      env: "prod",
      since: "30s",
      kubeconfig: s.path("kubeconfig.yaml"),
      target: { gitops: server.repoUrl("acme/gitops-prod") },
      cacheDir: s.path("cache"),
      variables: env,
      sees: (project, component) => !(project === "shop" && component === "payments"),
    });
    expect(report.causes.map((c) => [c.rank, c.kind, c.confidence])).toEqual([[1, "release", "high"]]);
    expect(JSON.stringify(report)).not.toContain("payments");
  });

  it("the MCP tool ferry_diagnose gives the same ranked causes beside the cluster's findings", async () => {
    const context = {
      transport: "stdio" as const,
      defaults: { apps: [], platform: s.path("platform") },
      variables: { ...env, GITHUB_SERVER_URL: server.url, KUBECONFIG: s.path("kubeconfig.yaml"), FERRY_CACHE_DIR: s.path("cache") },
      access: EVERYTHING,
    };
    const [a, b] = InMemoryTransport.createLinkedPair();
    await createFerryMcpServer({ context }).connect(a);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(b);
    const result = await client.callTool({ name: "ferry_diagnose", arguments: { component: "shop/api", env: ["prod"], since: "30s" } });
    await client.close();
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as {
      environments: { environment: string; status: string; findings: unknown[]; causes: { kind: string; subject: string; rank: number }[] }[];
    };
    expect(out.environments.map((e) => [e.environment, e.status, e.findings])).toEqual([["prod", "Healthy", []]]);
    expect(out.environments[0]!.causes.map((c) => [c.rank, c.kind, c.subject])).toEqual([
      [1, "dependency", "shop/payments"],
      [2, "release", expect.any(String)],
    ]);
  });
});
