/**
 * The verification budget (issue 23): a real Prometheus (test/support/prometheus-server.ts)
 * scraping every second an exporter with `components` components' series, HTTP and pod metrics
 * alike, so every signal of the built-in `service` type (errorRate, latencyP95, restarts, cpu,
 * memory) has data.
 *
 * - Passes: one verification pass (all five signals of one component in one environment) is
 *   `verifyRelease` over a window already complete, so it makes exactly one look; timed against
 *   the floor, the same instant queries sent to `/api/v1/query` with Node's http.get over a
 *   keep-alive agent and parsed with JSON.parse (no Ferry code; Ferry's client sends them the same
 *   way, so the floor is as fast as a client can be, where fetch would be slower than Ferry),
 *   each Ferry pass followed by one floor pass. Queries are counted at the port and by Prometheus
 *   itself (`prometheus_http_requests_total{handler="/api/v1/query"}` on its `/metrics`, less the
 *   floor's own fetches).
 * - Concurrent: `components` verifications started at once (2 s windows, a look every second, the
 *   previous release as baseline) in a fresh process each time (test/load/verification-concurrent.ts),
 *   with its memory sampled every 50 ms, three ways: under tsx from the sources; under plain node
 *   against dist/ (test/load/from-dist.ts), the verification's modules loaded; and under plain node
 *   against dist/ with everything `npm start` loads (dist/app/main.js's imports) loaded first: the
 *   app's memory, on which the budget is judged.
 *
 * Run by `bench/verification.ts` in its own process (`tsx test/load/verification.ts`, printing one
 * JSON line last), as benchmarks do not import test/. dist/ must be built and current
 * (`npm run build`). `--quick`: fewer passes.
 */
import { spawn } from "node:child_process";
import { Agent, get } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { prometheusOfEnvironment, signalQuery, signalsOf, windowText, type SignalSubject } from "../../flows/signals/read.js";
import { systemTimers } from "../../flows/status/timers.js";
import { verifyRelease } from "../../flows/status/verification.js";
import { startPrometheus, TestExporter } from "../support/prometheus-server.js";
import { compileAgainstDist } from "./from-dist.js";
import { componentNames, counted, scenePlatform as platform, tally, type ConcurrentSample } from "./verification-concurrent.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
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

const floorAgent = new Agent({ keepAlive: true });

/** One GET with Node's http over a keep-alive agent, its body parsed as JSON: the floor's client. */
function floorGet(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { agent: floorAgent, headers: { accept: "application/json" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`floor query answered ${res.statusCode}`))));
      res.on("error", reject);
    }).on("error", reject);
  });
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
  /** The same 500 verifications under tsx, under node from dist/, and under node from dist/ with the app's modules loaded; Prometheus's own count of their queries. */
  readonly concurrent: readonly (ConcurrentSample & { readonly prometheusQueries: number })[];
}

/** How a fresh process of concurrent verifications runs: tsx from the sources, or node from dist/ (with the app's modules loaded or not). */
type Way = { runtime: "tsx" } | { runtime: "node"; app: boolean };

/** Runs test/load/verification-concurrent.ts in a fresh process (see {@link Way}); its last stdout line is the JSON. */
function runChild(url: string, components: number, way: Way): Promise<ConcurrentSample> {
  const source = fileURLToPath(new URL("./verification-concurrent.ts", import.meta.url));
  const compiled = way.runtime === "node" ? compileAgainstDist(ROOT, source) : undefined;
  const args = [
    "--expose-gc",
    ...(compiled ? [compiled.file] : ["--import", "tsx", source]),
    `--concurrent=${url}`,
    `--components=${components}`,
    ...(way.runtime === "node" && way.app ? [`--preload=${ROOT}dist/app/main.js`] : []),
  ];
  return new Promise<ConcurrentSample>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, TZ: "UTC" }, stdio: ["ignore", "pipe", "inherit"] });
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
  }).finally(() => compiled?.cleanup());
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
      // The floor: the same instant queries (same parameters as Ferry's client sends), got and parsed as JSON.
      t = performance.now();
      const time = String(Date.now() / 1000);
      await Promise.all(
        signals.map(async ([, signal]) => {
          const q = new URLSearchParams({ query: signalQuery(subject(component), signal, "r2", windowText(5)), time, timeout: "5s" });
          await floorGet(`${prom.url}/api/v1/query?${q}`);
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

    // Concurrent: every component verified at once, in a fresh process for its own peak RSS, each way.
    const concurrent: (ConcurrentSample & { prometheusQueries: number })[] = [];
    for (const way of [{ runtime: "tsx" }, { runtime: "node", app: false }, { runtime: "node", app: true }] as const) {
      const cBefore = await promQueries(prom.url);
      const sample = await runChild(prom.url, opts.components, way);
      concurrent.push({ ...sample, prometheusQueries: (await promQueries(prom.url)) - cBefore });
    }

    return {
      components: opts.components,
      signals: signals.length,
      passMs,
      floorMs,
      portQueriesPerPass: [Math.min(...perPass), Math.max(...perPass)],
      prometheusQueriesPerPass: ferryQueries / (opts.passes + warmup),
      passVerdicts: tally(verdicts),
      concurrent,
    };
  } finally {
    await prom.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const components = Number(arg("components") ?? 500);
  console.log(JSON.stringify(await runVerificationScene({ passes: process.argv.includes("--quick") ? 40 : 200, components })));
}
