/**
 * The one evidence gatherer (flows/diagnosis/evidence.ts) over real parts: the fake Kubernetes API
 * (pods Running and Ready, their current logs), a real Prometheus scraping the test exporter, the
 * signals read by flows/signals. shop/api depends on shop/payments and on vault/secrets (a project
 * the viewer may not see); vault's errors rise first, then payments', both before api's release
 * lands, api's after it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { podLogReader, type PodLogReader } from "../../../adapters/kube/pod-logs.js";
import { snapshotCluster } from "../../../adapters/kube/snapshot.js";
import { HTTP_SIGNALS } from "../../../core/signals/defaults.js";
import type { SignalsReport } from "../../../core/signals/report.js";
import type { ComponentKey } from "../../../core/status/components.js";
import { gatherEvidence, LOG_LINES, type EvidencePorts } from "../../../flows/diagnosis/evidence.js";
import { prometheusOfEnvironment } from "../../../flows/signals/read.js";
import { readReleaseSignals } from "../../../flows/signals/release-report.js";
import { Platform, type Dependency } from "../../../renderers/model/index.js";
import { FakeKube, podName, succeedingRollout } from "../../support/fake-kube/index.js";
import { startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";

let dir: string;
let kube: FakeKube;
let prom: PrometheusServer;
let landedAt: number;
let own: SignalsReport;
let now: number;

const KEY: ComponentKey = { project: "shop", component: "api", environment: "dev" };
const DEPENDENCIES: Dependency[] = [
  { component: "payments", endpoint: "http", env: {} },
  { project: "vault", component: "secrets", endpoint: "grpc", env: {} },
  { component: "payments", endpoint: "admin", env: {} },
];
const workload = (project: string, component: string) => ({ project, component, environment: "dev", release: "r2" });

function platform(url: string): Platform {
  const gitops = { repo: "acme/gitops", branch: "main", path: "environments/dev" };
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [
        { name: "shop", repos: ["acme/shop-api"] },
        { name: "vault", repos: ["acme/vault"] },
      ],
      observability: { prometheus: [{ name: "local", url }] },
      signals: { errorRate: { query: HTTP_SIGNALS.errorRate!.query, unit: "ratio" } },
      environments: [{ name: "dev", cluster: { context: "kind-dev", prometheus: "local" }, gitops }],
    },
  });
}

/** The signals of `project/component` (release r2) over the last 30 s, from the real Prometheus. */
function signalsOf(project: string, component: string, url = prom.url): Promise<SignalsReport> {
  const p = platform(url);
  return readReleaseSignals({
    platform: p,
    environment: p.spec.environments[0]!,
    project,
    component,
    release: "r2",
    history: [],
    since: "30s",
    now,
    prometheus: prometheusOfEnvironment(p, p.spec.environments[0]!, {}),
  });
}

/** The ports over the fake cluster and the real Prometheus; `sees` hides project vault. */
function ports(overrides: Partial<EvidencePorts> = {}): EvidencePorts & { reads: string[] } {
  const kubeConfig = { kind: "file" as const, path: join(dir, "kubeconfig") };
  const reads: string[] = [];
  return {
    reads,
    dependencies: async () => DEPENDENCIES,
    signalsOf: (project, component) => {
      reads.push(`${project}/${component}`);
      return signalsOf(project, component);
    },
    cluster: async () => ({ snapshot: await snapshotCluster("kind-dev", { environment: "dev" }, { kubeConfig, env: {} }) }),
    podLogs: podLogReader("kind-dev", kubeConfig, {}),
    sees: (project) => project !== "vault",
    now: () => now * 1000,
    ...overrides,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-evidence-"));
  [kube, prom] = await Promise.all([FakeKube.start(), startPrometheus()]);
  await writeFile(join(dir, "kubeconfig"), kube.kubeconfig(["kind-dev"]), { mode: 0o600 });
  for (const [project, component] of [
    ["shop", "api"],
    ["shop", "payments"],
    ["vault", "secrets"],
  ] as const) {
    kube.applyStep(succeedingRollout(workload(project, component)).steps.at(-1)!);
  }
  const log = (component: string, index: number, lines: string[]) =>
    kube.setLogs({ namespace: "shop-dev", pod: podName(workload("shop", component), index), container: "main", lines });
  log("api", 0, ["listening on :8080", "GET /orders 502 upstream payments: connection refused", "GET /orders 502 again"]);
  log("api", 1, ["listening on :8080", "GET /health 200"]);
  log("payments", 0, ["listening on :8080", "ERROR ledger: deadlock detected, rolling back"]);
  for (const component of ["api", "payments"]) prom.exporter.set("shop-dev", component, { rps: 100, errorRatio: 0.01, latencySeconds: 0.05 });
  prom.exporter.set("vault-dev", "secrets", { rps: 100, errorRatio: 0.01, latencySeconds: 0.05 });
  await prom.scrapes(10);
  prom.exporter.set("vault-dev", "secrets", { rps: 100, errorRatio: 0.5, latencySeconds: 0.05 });
  await prom.scrapes(3);
  prom.exporter.set("shop-dev", "payments", { rps: 100, errorRatio: 0.3, latencySeconds: 0.05 });
  await prom.scrapes(6);
  landedAt = Math.floor(Date.now() / 1000);
  prom.exporter.set("shop-dev", "api", { rps: 100, errorRatio: 0.2, latencySeconds: 0.05 });
  await prom.scrapes(8);
  now = Date.now() / 1000;
  own = await signalsOf("shop", "api");
}, 120_000);
afterAll(async () => {
  await Promise.all([kube?.close(), prom?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe("gatherEvidence", () => {
  it("names the upstream whose errors rose first, quoting its first error log line, ahead of the release, whose evidence quotes the component's", async () => {
    const p = ports();
    const d = await gatherEvidence({ key: KEY, report: own, landedAt }, p);
    expect(d.causes.map((c) => [c.rank, c.kind, c.subject, c.confidence])).toEqual([
      [1, "dependency", "shop/payments", "high"],
      [2, "release", "r2", "medium"],
    ]);
    const [upstream, release] = d.causes;
    const rose = upstream!.evidence.find((e) => e.kind === "signal")!;
    expect(rose.text).toMatch(/^errorRate of shop\/payments rose from 0\.01 \(window start\) to [\d.]+ at .*s before release r2 landed/);
    expect(rose.at!).toBeLessThan(landedAt);
    expect(upstream!.evidence).toContainEqual({
      kind: "log",
      text: `${podName(workload("shop", "payments"), 0)}/main: ERROR ledger: deadlock detected, rolling back`,
    });
    expect(upstream!.evidence).toContainEqual({ kind: "dependency", text: "shop/payments (endpoint http) is Healthy: 2 of 2 replicas available" });
    // The component's own pods: the first error line of the pod that has one; the quiet pod quotes nothing.
    const logs = release!.evidence.filter((e) => e.kind === "log");
    expect(logs).toEqual([{ kind: "log", text: `${podName(workload("shop", "api"), 0)}/main: GET /orders 502 upstream payments: connection refused` }]);
    expect(release!.evidence[0]!.text).toMatch(/^errorRate of shop\/api rose/);
    // Each visible dependency read once, though the release names payments twice; vault never.
    expect(p.reads).toEqual(["shop/payments"]);
    expect(d.notes).toEqual([]);
  });

  it("never names a dependency the viewer may not see, even when its errors are the highest", async () => {
    const d = await gatherEvidence({ key: KEY, report: own, landedAt }, ports());
    expect(JSON.stringify(d)).not.toMatch(/vault|secrets/);
    const seen = await gatherEvidence({ key: KEY, report: own, landedAt }, ports({ sees: () => true }));
    expect(seen.causes.map((c) => [c.rank, c.subject])).toEqual([
      [1, "vault/secrets"],
      [2, "shop/payments"],
      [3, "r2"],
    ]);
  });

  it("says in the notes what it could not read: a dependency's signals, the dependencies, the cluster, the logs; never silently", async () => {
    const unread = await gatherEvidence(
      { key: KEY, report: own, landedAt },
      ports({ signalsOf: (project, component) => signalsOf(project, component, "http://127.0.0.1:1") }),
    );
    expect(unread.notes).toContainEqual("not observed for shop/payments: errorRate");
    expect(unread.causes.map((c) => [c.rank, c.kind])).toEqual([[1, "release"]]);

    const failing: PodLogReader = async () => {
      throw new Error("forbidden: pods/log");
    };
    const none = await gatherEvidence(
      { key: KEY, report: own, landedAt, notes: ["given by the caller"] },
      ports({
        dependencies: async () => {
          throw new Error("the release file of r2 could not be read");
        },
        podLogs: failing,
      }),
    );
    expect(none.notes).toEqual([
      "given by the caller",
      "the dependencies of release r2 could not be read (the release file of r2 could not be read): dependencies unknown",
      "the logs of shop/api's pods were not read: forbidden: pods/log",
    ]);
    expect(none.causes.map((c) => [c.rank, c.kind, c.confidence])).toEqual([[1, "release", "high"]]);
    expect(none.causes[0]!.evidence.some((e) => e.kind === "log")).toBe(false);

    const blind = await gatherEvidence(
      { key: KEY, report: own, landedAt },
      ports({ cluster: async () => ({ note: "context kind-dev is not read yet" }), podLogs: undefined }),
    );
    expect(blind.notes).toContain("context kind-dev is not read yet");
    expect(blind.status).toBe("Unknown");
    expect(blind.causes.find((c) => c.kind === "dependency")?.evidence.some((e) => e.kind === "dependency")).toBe(false);
  });

  it("reads a bounded tail of each running pod's log", async () => {
    const asked: number[] = [];
    const reader = podLogReader("kind-dev", { kind: "file", path: join(dir, "kubeconfig") }, {});
    await gatherEvidence(
      { key: KEY, report: own, landedAt },
      ports({
        podLogs: (pods, tail) => {
          asked.push(pods.length, tail);
          return reader(pods, tail);
        },
      }),
    );
    // api's two pods and payments' two, LOG_LINES each.
    expect(asked).toEqual([2, LOG_LINES, 2, LOG_LINES]);
  });
});
