/**
 * The verification budget (issue 23): a real Prometheus (test/support/prometheus-server.ts)
 * scraping every second an exporter with `components` components' series, HTTP and pod metrics
 * alike, so every signal of the built-in `service` type (errorRate, latencyP95, restarts, cpu,
 * memory) has data.
 *
 * - Passes: one verification pass (all five signals of one component in one environment) is
 *   `verifyRelease` over a window already complete, so it makes exactly one look; timed against
 *   the floor, the same instant queries sent with Node's fetch to `/api/v1/query` (no Ferry code),
 *   each Ferry pass followed by one floor pass. Queries are counted at the port and by Prometheus
 *   itself (`prometheus_http_requests_total{handler="/api/v1/query"}` on its `/metrics`, less the
 *   floor's own fetches).
 * - Concurrent: `components` verifications started at once (2 s windows, a look every second, the
 *   previous release as baseline), with the process's RSS and heap sampled every 50 ms.
 *
 * Run by `bench/verification.ts` in its own process (`tsx test/load/verification.ts`, printing one
 * JSON line last), as benchmarks do not import test/. `--quick`: fewer passes.
 */
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PrometheusPort } from "../../adapters/prometheus/client.js";
import { inFlightLimit, type InFlightLimit } from "../../adapters/prometheus/limit.js";
import { prometheusOfEnvironment, signalQuery, signalsOf, windowText, type EnvironmentPrometheus, type SignalSubject } from "../../flows/signals/read.js";
import { systemTimers } from "../../flows/status/timers.js";
import { verifyRelease } from "../../flows/status/verification.js";
import type { Platform } from "../../renderers/model/index.js";
import { startPrometheus, TestExporter } from "../support/prometheus-server.js";
import { verifyPlatform } from "../support/verify-platform.js";

const NAMESPACE = "shop-prod";
const MiB = 1024 * 1024;

/** The test exporter plus kube-state-metrics' and cAdvisor's series for one pod of each component. */
class PodExporter extends TestExporter {
  private readonly started = Date.now() / 1000;
  private readonly pods: string[] = [];

  addPod(component: string): void {
    this.pods.push(component);
  }

  override text(): string {
    const cpu = 0.05 * (Date.now() / 1000 - this.started);
    const lines: string[] = [];
    const metric = (name: string, kind: string, value: (c: string) => string, extra = "") => {
      lines.push(`# TYPE ${name} ${kind}`);
      for (const c of this.pods) lines.push(`${name}{namespace="${NAMESPACE}",pod="${c}-7d9f8b6c5-x2x4q"${extra}} ${value(c)}`);
    };
    metric("kube_pod_container_status_restarts_total", "counter", () => "0", ',container="app"');
    metric("container_cpu_usage_seconds_total", "counter", () => String(cpu), ',container="app"');
    metric("container_memory_working_set_bytes", "gauge", () => String(64 * MiB), ',container="app"');
    lines.push("# TYPE kube_pod_container_resource_requests gauge");
    for (const c of this.pods) {
      const l = `namespace="${NAMESPACE}",pod="${c}-7d9f8b6c5-x2x4q",container="app"`;
      lines.push(`kube_pod_container_resource_requests{${l},resource="cpu"} 0.1`, `kube_pod_container_resource_requests{${l},resource="memory"} ${128 * MiB}`);
    }
    return `${super.text()}${lines.join("\n")}\n`;
  }
}

function platform(url: string, duration: string): Platform {
  return verifyPlatform(url, {
    duration,
    signals: { errorRate: { max: 0.05 }, latencyP95: { maxIncrease: 1.5 }, restarts: { max: 0 }, cpu: { max: 0.9 }, memory: { max: 0.9 } },
  });
}

/** A port that counts its calls. */
function counted(prometheus: EnvironmentPrometheus, limit: InFlightLimit = (p) => p): { prometheus: EnvironmentPrometheus; calls: () => number } {
  if (!prometheus.ok) throw new Error(prometheus.error);
  let n = 0;
  const inner = limit(prometheus.port);
  const port: PrometheusPort = {
    query: (expr, time) => (n++, inner.query(expr, time)),
    queryRange: (expr, start, end, step) => (n++, inner.queryRange(expr, start, end, step)),
  };
  return { prometheus: { ...prometheus, port }, calls: () => n };
}

/** Prometheus's own count of answered `/api/v1/query` requests. */
async function promQueries(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^prometheus_http_requests_total\{([^}]*)\} (\S+)$/gm)) if (m[1]!.includes('handler="/api/v1/query"')) sum += Number(m[2]);
  return sum;
}

/** What the scene measured (the JSON line it prints). */
export interface VerificationSample {
  readonly components: number;
  readonly signals: number;
  /** Each Ferry pass and each floor pass, in ms. */
  readonly passMs: readonly number[];
  readonly floorMs: readonly number[];
  /** Port calls of each pass (min, max), and Prometheus's own count per pass over all Ferry passes. */
  readonly portQueriesPerPass: readonly [number, number];
  readonly prometheusQueriesPerPass: number;
  readonly passVerdicts: Readonly<Record<string, number>>;
  readonly concurrent: ConcurrentSample & { readonly prometheusQueries: number };
}

/** What the concurrent verifications' process measured. */
export interface ConcurrentSample {
  readonly seconds: number;
  readonly idleRssMiB: number;
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  /** Port calls of each verification (min, max), Prometheus's own total. */
  readonly queriesPerVerification: readonly [number, number];
  readonly outcomes: Readonly<Record<string, number>>;
  /** Why verifications were not observed: each first reason, counted. */
  readonly notObserved: Readonly<Record<string, number>>;
}

function tally(rs: readonly string[]): Record<string, number> {
  return Object.fromEntries([...new Set(rs)].sort().map((r) => [r, rs.filter((x) => x === r).length]));
}

/**
 * Verifies `components` components at once against the Prometheus at `url` (2 s windows, a look a
 * second, the previous release as baseline), sampling this process's RSS and heap every 50 ms.
 */
async function verifyAtOnce(url: string, components: number): Promise<ConcurrentSample> {
  const c = platform(url, "2s");
  const environment = c.spec.environments[1]!;
  const verify = c.spec.pipeline[0]!.verify!;
  const idle = process.memoryUsage();
  let peakRss = idle.rss;
  let peakHeap = idle.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 50);
  const started = performance.now();
  const healthyAt = new Date();
  const landedAt = new Date(healthyAt.getTime() - 3000);
  // One limit for the endpoint, shared by every verification, as the app's ClusterRuntime has it.
  const limit = inFlightLimit();
  const results = await Promise.all(
    componentNames(components).map(async (component) => {
      const port = counted(prometheusOfEnvironment(c, environment, {}), limit);
      const outcome = await verifyRelease(
        {
          subject: { platform: c, environment, project: "shop", component, release: "r2", type: "service" },
          verify,
          healthyAt,
          landedAt,
          previousRelease: "r1",
        },
        { prometheus: port.prometheus, clock: () => new Date(), timers: systemTimers, minIntervalMs: 1000 },
      ).done;
      return { outcome, calls: port.calls() };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  const calls = results.map((r) => r.calls);
  return {
    seconds,
    idleRssMiB: idle.rss / MiB,
    peakRssMiB: Math.max(peakRss / MiB, process.resourceUsage().maxRSS / 1024),
    peakHeapMiB: peakHeap / MiB,
    queriesPerVerification: [Math.min(...calls), Math.max(...calls)],
    outcomes: tally(results.map((r) => r.outcome.result)),
    notObserved: tally(
      results
        .filter((r) => r.outcome.result === "not-observed")
        .map((r) => `${r.outcome.signals[0]?.name}: ${r.outcome.signals[0]?.reason.replace(/[0-9.]+/g, "N")}`),
    ),
  };
}

/** Runs {@link verifyAtOnce} in a fresh process (this file with `--concurrent=<url>`); its last stdout line is the JSON. */
function runChild(url: string, components: number): Promise<ConcurrentSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), `--concurrent=${url}`, `--components=${components}`], {
      env: { ...process.env, TZ: "UTC" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`the concurrent verifications exited ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as ConcurrentSample);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

function componentNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, "0")}`);
}

export async function runVerificationScene(opts: { passes: number; components: number }): Promise<VerificationSample> {
  const exporter = new PodExporter();
  const names = componentNames(opts.components);
  for (const c of names) {
    exporter.set(NAMESPACE, c, { rps: 100, errorRatio: 0.001, latencySeconds: 0.05 });
    exporter.addPod(c);
  }
  const prom = await startPrometheus(exporter);
  try {
    await prom.scrapes(6);

    // Passes: a 5 s window that is already complete: one look, no baseline.
    const p = platform(prom.url, "5s");
    const environment = p.spec.environments[1]!;
    const verify = p.spec.pipeline[0]!.verify!;
    const subject = (component: string): SignalSubject => ({ platform: p, environment, project: "shop", component, release: "r2", type: "service" });
    const signals = signalsOf(subject(names[0]!)).filter(([n]) => n in verify.signals);
    const passMs: number[] = [];
    const floorMs: number[] = [];
    const perPass: number[] = [];
    const verdicts: string[] = [];
    let floorFetches = 0;
    const before = await promQueries(prom.url);
    const warmup = 5;
    for (let i = 0; i < opts.passes + warmup; i++) {
      const component = names[i % names.length]!;
      const port = counted(prometheusOfEnvironment(p, environment, {}));
      let t = performance.now();
      const healthyAt = new Date(Date.now() - 5000);
      const outcome = await verifyRelease(
        { subject: subject(component), verify, healthyAt, landedAt: healthyAt },
        { prometheus: port.prometheus, clock: () => new Date(), timers: systemTimers, minIntervalMs: 1000 },
      ).done;
      const ferry = performance.now() - t;
      // The floor: the same instant queries (same parameters as Ferry's client sends), fetched and parsed as JSON.
      t = performance.now();
      const time = String(Date.now() / 1000);
      await Promise.all(
        signals.map(async ([, signal]) => {
          const q = new URLSearchParams({ query: signalQuery(subject(component), signal, "r2", windowText(5)), time, timeout: "5s" });
          const r = await fetch(`${prom.url}/api/v1/query?${q}`, { headers: { accept: "application/json" } });
          if (!r.ok) throw new Error(`floor query answered ${r.status}`);
          await r.json();
        }),
      );
      const floor = performance.now() - t;
      floorFetches += signals.length;
      perPass.push(port.calls());
      if (i < warmup) continue;
      passMs.push(ferry);
      floorMs.push(floor);
      verdicts.push(outcome.result);
    }
    const ferryQueries = (await promQueries(prom.url)) - before - floorFetches;

    // Concurrent: every component verified at once, in a fresh process for its own peak RSS.
    const cBefore = await promQueries(prom.url);
    const concurrent = await runChild(prom.url, opts.components);
    const prometheusQueries = (await promQueries(prom.url)) - cBefore;

    return {
      components: opts.components,
      signals: signals.length,
      passMs,
      floorMs,
      portQueriesPerPass: [Math.min(...perPass), Math.max(...perPass)],
      prometheusQueriesPerPass: ferryQueries / (opts.passes + warmup),
      passVerdicts: tally(verdicts),
      concurrent: { ...concurrent, prometheusQueries },
    };
  } finally {
    await prom.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const components = Number(arg("components") ?? 500);
  const url = arg("concurrent");
  if (url !== undefined) console.log(JSON.stringify(await verifyAtOnce(url, components)));
  else console.log(JSON.stringify(await runVerificationScene({ passes: process.argv.includes("--quick") ? 40 : 200, components })));
}
