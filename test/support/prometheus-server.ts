/**
 * A real Prometheus (Debian's `prometheus` package, installed by `scripts/test-deps.sh`) on a free
 * loopback port, scraping every second a small exporter in the test process whose HTTP request
 * counters and latency histogram the test sets per component. No hand-written Prometheus fake: the
 * queries Ferry sends are evaluated by Prometheus itself. Always `close()`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What one component serves: requests per second, the share answered 5xx, and each request's latency. */
export interface Traffic {
  readonly rps: number;
  readonly errorRatio: number;
  readonly latencySeconds: number;
  /** A share of the requests (0..1) that take `latencySeconds` instead. @default none: every request takes `latencySeconds` */
  readonly slow?: { readonly share: number; readonly latencySeconds: number };
}

/** The histogram's bucket bounds (seconds), as the usual HTTP server metrics have them. */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * `http_requests_total{namespace,ferry_dev_component,code}` and `http_request_duration_seconds`
 * (a histogram) per component, as counters that grow with the traffic set by `set`.
 */
export class TestExporter {
  private readonly counters = new Map<string, { ok: number; errors: number; buckets: number[]; sum: number; traffic: Traffic; at: number }>();

  constructor(private readonly now: () => number = () => Date.now() / 1000) {}

  /** Sets (from now on) the traffic of `component` in `namespace`. */
  set(namespace: string, component: string, traffic: Traffic): void {
    const key = JSON.stringify([namespace, component]);
    this.advance();
    const c = this.counters.get(key) ?? { ok: 0, errors: 0, buckets: BUCKETS.map(() => 0), sum: 0, traffic, at: this.now() };
    this.counters.set(key, { ...c, traffic });
  }

  private advance(): void {
    const t = this.now();
    for (const c of this.counters.values()) {
      const n = c.traffic.rps * (t - c.at);
      c.errors += n * c.traffic.errorRatio;
      c.ok += n * (1 - c.traffic.errorRatio);
      const slow = c.traffic.slow ?? { share: 0, latencySeconds: 0 };
      const groups = [
        { n: n * (1 - slow.share), latency: c.traffic.latencySeconds },
        { n: n * slow.share, latency: slow.latencySeconds },
      ];
      for (const g of groups) {
        c.sum += g.n * g.latency;
        BUCKETS.forEach((le, i) => {
          if (g.latency <= le) c.buckets[i]! += g.n;
        });
      }
      c.at = t;
    }
  }

  /** The exposition text a scrape reads now. */
  text(): string {
    this.advance();
    const lines = ["# TYPE http_requests_total counter"];
    const entries = [...this.counters.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [key, c] of entries) {
      const [ns, comp] = JSON.parse(key) as [string, string];
      const l = `namespace="${ns}",ferry_dev_component="${comp}"`;
      lines.push(`http_requests_total{${l},code="200"} ${c.ok}`, `http_requests_total{${l},code="500"} ${c.errors}`);
    }
    lines.push("# TYPE http_request_duration_seconds histogram");
    for (const [key, c] of entries) {
      const [ns, comp] = JSON.parse(key) as [string, string];
      const l = `namespace="${ns}",ferry_dev_component="${comp}"`;
      BUCKETS.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket{${l},le="${le}"} ${c.buckets[i]}`));
      const total = c.ok + c.errors;
      lines.push(
        `http_request_duration_seconds_bucket{${l},le="+Inf"} ${total}`,
        `http_request_duration_seconds_sum{${l}} ${c.sum}`,
        `http_request_duration_seconds_count{${l}} ${total}`,
      );
    }
    return `${lines.join("\n")}\n`;
  }
}

/** A running Prometheus and the exporter it scrapes. */
export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`: the HTTP API's base URL. */
  readonly url: string;
  readonly exporter: TestExporter;
  /** Resolves once Prometheus has scraped the exporter `n` more times. */
  scrapes(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the exporter and Prometheus (scrape and evaluation interval 1 s); resolves once Prometheus is ready and has scraped once. */
export async function startPrometheus(exporter: TestExporter = new TestExporter()): Promise<PrometheusServer> {
  let scraped = 0;
  const waiters: { at: number; resolve: () => void }[] = [];
  const http: Server = createHttpServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(exporter.text());
    scraped++;
    for (const w of waiters.filter((x) => scraped >= x.at)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const exporterPort = (http.address() as { port: number }).port;

  const dir = mkdtempSync(join(tmpdir(), "ferry-prometheus-"));
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global: {scrape_interval: 1s, evaluation_interval: 1s}",
      "scrape_configs:",
      "  - job_name: exporter",
      "    honor_labels: true",
      `    static_configs: [{targets: ["127.0.0.1:${exporterPort}"]}]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    "prometheus",
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const close = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await new Promise<void>((resolve) => http.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  const scrapes = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prometheus did not scrape ${n} times within ${n * 3 + 10} s:\n${output}`)), (n * 3 + 10) * 1000);
      waiters.push({
        at: scraped + n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`prometheus was not ready within 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Wait for one scrape after ready, so the first samples exist.
  await scrapes(1);
  return { url, exporter, scrapes, close };
}
