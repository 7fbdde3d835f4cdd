/**
 * The app's Prometheus metrics, served at `/metrics` (app/endpoints.ts). One {@link FerryMetrics}
 * per app instance, each with its own prom-client registry (never the global default one), so
 * two apps in one process, or two tests, never share a count.
 *
 * The flows feed it through small methods; what other parts own is read when scraped, through
 * a function they register (the job queue's depth, the status reporter's watches).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DoraFigures } from "../core/dora/figures.js";
import type { DoraGaugeRow } from "../flows/dora/read.js";

/** What became of a webhook delivery. */
export type DeliveryOutcome = "handled" | "failed" | "duplicate";

/** One answer from the GitHub API, as the app's Octokit saw it (app/octokit.ts). */
export interface GitHubResponse {
  readonly method: string;
  /** HTTP status; 0 when no answer came (network error). */
  readonly status: number;
  /** Response headers (`x-ratelimit-remaining`, `x-ratelimit-resource`). */
  readonly headers: Readonly<Record<string, string | number | undefined>>;
  /** The installation the client acts as, or "app" for the app's own JWT. */
  readonly installation: string;
}

/** Options of {@link FerryMetrics}. */
export interface FerryMetricsOptions {
  /** Also collect Node's process metrics (CPU, memory, event loop lag). @default false */
  readonly processMetrics?: boolean;
}

/** Job duration buckets, in seconds: from a quick check update to a promotion with a dozen writes. */
const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Prometheus query buckets, in seconds: from a local Prometheus to the adapter's 5 s timeout. */
const QUERY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Sums the registered sources under their label value. */
function sumByLabel(sources: ReadonlyMap<() => number, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [read, label] of sources) out.set(label, (out.get(label) ?? 0) + read());
  return out;
}

/** The app's metrics; see the module comment. */
export class FerryMetrics {
  readonly registry = new Registry();
  readonly #deliveries: Counter<"event" | "outcome">;
  readonly #jobs: Histogram<"kind" | "outcome">;
  readonly #githubRequests: Counter<"method" | "status">;
  readonly #rateLimitRemaining: Gauge<"installation" | "resource">;
  readonly #pushRetries: Counter;
  readonly #reconcileRepairs: Counter<"kind">;
  readonly #verifications: Counter<"result">;
  readonly #prometheusQueries: Histogram;
  readonly #prometheusErrors: Counter<"kind">;
  readonly #notifications: Counter<"type" | "outcome">;
  readonly #queues = new Map<() => number, string>();
  readonly #watches = new Set<() => number>();
  readonly #dora = new Set<() => Promise<readonly DoraGaugeRow[]>>();

  constructor(options: FerryMetricsOptions = {}) {
    const registers = [this.registry];
    this.#deliveries = new Counter({
      name: "ferry_deliveries_total",
      help: "Webhook deliveries by event and outcome (handled, failed, duplicate).",
      labelNames: ["event", "outcome"],
      registers,
    });
    this.#jobs = new Histogram({
      name: "ferry_job_duration_seconds",
      help: "How long a job (a delivery's work, a periodic pass) ran, by kind and outcome.",
      labelNames: ["kind", "outcome"],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.#githubRequests = new Counter({
      name: "ferry_github_requests_total",
      help: "GitHub API requests made through the app's Octokit, by method and status (0: no answer).",
      labelNames: ["method", "status"],
      registers,
    });
    this.#rateLimitRemaining = new Gauge({
      name: "ferry_github_rate_limit_remaining",
      help: "x-ratelimit-remaining of the last GitHub answer, by installation (or app) and rate-limit resource.",
      labelNames: ["installation", "resource"],
      registers,
    });
    this.#pushRetries = new Counter({
      name: "ferry_gitops_push_retries_total",
      help: "GitOps pushes tried again because another writer moved the branch (compare-and-swap).",
      registers,
    });
    this.#reconcileRepairs = new Counter({
      name: "ferry_reconcile_repairs_total",
      help: "Repairs the reconcile pass made, by kind.",
      labelNames: ["kind"],
      registers,
    });
    this.#verifications = new Counter({
      name: "ferry_verifications_total",
      help: "Verifications of a release's signals after its rollout, by result (verified, failed, not-observed).",
      labelNames: ["result"],
      registers,
    });
    this.#prometheusQueries = new Histogram({
      name: "ferry_prometheus_query_seconds",
      help: "How long a Prometheus query (instant or range) took, answered or not.",
      buckets: QUERY_BUCKETS,
      registers,
    });
    this.#prometheusErrors = new Counter({
      name: "ferry_prometheus_query_errors_total",
      help: "Prometheus queries that gave no answer, by kind (unreachable, timeout, http, query, answer, no-token).",
      labelNames: ["kind"],
      registers,
    });
    this.#notifications = new Counter({
      name: "ferry_notifications_total",
      help: "Notifications by type (slack, teams, webhook) and outcome (delivered, failed, retried, duplicate, not-configured, dropped).",
      labelNames: ["type", "outcome"],
      registers,
    });
    const queues = this.#queues;
    new Gauge({
      name: "ferry_queue_depth",
      help: "Jobs waiting or running, by queue.",
      labelNames: ["queue"],
      registers,
      collect() {
        this.reset();
        for (const [queue, depth] of sumByLabel(queues)) this.set({ queue }, depth);
      },
    });
    const watches = this.#watches;
    new Gauge({
      name: "ferry_watched_rollouts",
      help: "Rollouts the status reporter is watching now.",
      registers,
      collect() {
        this.set([...watches].reduce((sum, read) => sum + read(), 0));
      },
    });
    // DORA figures per environment (no project label) and per project in it (app/dora-metrics.ts);
    // a figure that was not observed (null) is absent, never 0.
    const dora = this.#dora;
    const doraRows = async (): Promise<DoraGaugeRow[]> => (await Promise.all([...dora].map((read) => read()))).flat();
    const labels = (r: DoraGaugeRow) => ({ environment: r.environment, ...(r.project !== undefined ? { project: r.project } : {}) });
    const doraGauge = (name: string, help: string, value: (f: DoraFigures) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ["environment", "project"],
        registers,
        async collect() {
          this.reset();
          for (const r of await doraRows()) {
            const v = value(r.figures);
            if (v !== null) this.set(labels(r), v);
          }
        },
      });
    const doraQuantiles = (name: string, help: string, value: (f: DoraFigures) => { p50: number | null; p90: number | null }) =>
      new Gauge({
        name,
        help,
        labelNames: ["environment", "project", "quantile"],
        registers,
        async collect() {
          this.reset();
          for (const r of await doraRows()) {
            const q = value(r.figures);
            if (q.p50 !== null) this.set({ ...labels(r), quantile: "0.5" }, q.p50);
            if (q.p90 !== null) this.set({ ...labels(r), quantile: "0.9" }, q.p90);
          }
        },
      });
    doraGauge(
      "ferry_dora_deployments",
      "DORA: deployments into the environment over the window (FERRY_DORA_METRICS_WINDOW_DAYS, 30), by environment and project (none: the whole environment).",
      (f) => f.deployments,
    );
    doraGauge("ferry_dora_deployment_frequency_per_day", "DORA: deployments per day over the window.", (f) => f.deploymentFrequencyPerDay);
    doraQuantiles(
      "ferry_dora_lead_time_seconds",
      "DORA: lead time for changes (app commit to Healthy), p50 and p90; absent when none was observed.",
      (f) => f.leadTimeSeconds,
    );
    doraGauge(
      "ferry_dora_change_failure_rate",
      "DORA: failed deployments over those whose statuses were observed (0..1); absent when none was.",
      (f) => f.changeFailureRate,
    );
    doraGauge("ferry_dora_change_failure_observed", "DORA: deployments the change failure rate stands on.", (f) => f.changeFailures.count);
    doraQuantiles(
      "ferry_dora_time_to_restore_seconds",
      "DORA: failure to the next Healthy deployment, p50 and p90; absent when nothing was restored.",
      (f) => f.timeToRestoreSeconds,
    );
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: "ferry_" });
  }

  /** Counts a webhook delivery. */
  delivery(event: string, outcome: DeliveryOutcome): void {
    this.#deliveries.inc({ event, outcome });
  }

  /** Records a finished job's duration. */
  job(kind: string, seconds: number, ok: boolean): void {
    this.#jobs.observe({ kind, outcome: ok ? "ok" : "failed" }, seconds);
  }

  /** Runs `work` and records its duration as a job of `kind` (failed when it throws). */
  async timeJob<T>(kind: string, work: () => Promise<T>, now: () => number = () => performance.now()): Promise<T> {
    const start = now();
    let ok = false;
    try {
      const result = await work();
      ok = true;
      return result;
    } finally {
      this.job(kind, (now() - start) / 1000, ok);
    }
  }

  /** Counts a GitHub API answer and keeps the rate limit it reports. */
  githubResponse(response: GitHubResponse): void {
    this.#githubRequests.inc({ method: response.method.toUpperCase(), status: String(response.status) });
    const remaining = Number(response.headers["x-ratelimit-remaining"]);
    if (response.headers["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) {
      const resource = String(response.headers["x-ratelimit-resource"] ?? "core");
      this.#rateLimitRemaining.set({ installation: response.installation, resource }, remaining);
    }
  }

  /** Counts a GitOps push tried again after a compare-and-swap lost to another writer. */
  pushRetry(): void {
    this.#pushRetries.inc();
  }

  /** Counts a verification's result. */
  verification(result: string): void {
    this.#verifications.inc({ result });
  }

  /** Records a Prometheus query's latency and, when it gave no answer, its error kind. */
  prometheusQuery(seconds: number, error?: string): void {
    this.#prometheusQueries.observe(seconds);
    if (error !== undefined) this.#prometheusErrors.inc({ kind: error });
  }

  /** Counts what became of a notification (a retry counts once per try again). */
  notification(type: string, outcome: string): void {
    this.#notifications.inc({ type, outcome });
  }

  /** Counts a repair of the reconcile pass (a missed release, a missing promotion PR, ...). */
  reconcileRepair(kind: string): void {
    this.#reconcileRepairs.inc({ kind });
  }

  /**
   * Registers a queue's depth, read at every scrape; several sources of one queue add up.
   * Returns the function that unregisters it.
   */
  queueDepth(depth: () => number, queue = "jobs"): () => void {
    this.#queues.set(depth, queue);
    return () => this.#queues.delete(depth);
  }

  /** Registers how many rollouts are watched, read at every scrape. Returns the function that unregisters it. */
  watchedRollouts(count: () => number): () => void {
    this.#watches.add(count);
    return () => this.#watches.delete(count);
  }

  /** Registers a source of the DORA gauges' rows, read at every scrape (app/dora-metrics.ts caches). Returns the function that unregisters it. */
  doraSource(rows: () => Promise<readonly DoraGaugeRow[]>): () => void {
    this.#dora.add(rows);
    return () => this.#dora.delete(rows);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
