/**
 * The app's composition root: every service the flows use (flows/services.ts) and what only the
 * app process runs (queue, delivery ledger, leases, metrics, schedules, portal, MCP), passed in
 * (tests give their own) with defaults built from the environment configuration. Only the app's
 * entry point (`createFerryApp` in app/index.ts) imports it; the handlers and flows take the narrow
 * `FlowServices` picks they declare.
 */
import type { McpHandler } from "./mcp-endpoint.js";
import type { FlowServices } from "../flows/services.js";
import type { Logger } from "probot";
import { loadBuiltins } from "../templates/index.js";
import type { AppConfig } from "./config.js";
import { DeliveryCache } from "./seen-deliveries.js";
import { JobQueue } from "./jobs/queue.js";
import { FerryMetrics } from "./metrics.js";
import type { DoraMetricsSettings } from "./dora-metrics.js";
import { localLeases, sharedState, type DeliveryLedger, type Leases } from "./replicas.js";
import { PlatformCache } from "../adapters/github/platform-loader.js";
import { notObservedHealth } from "../core/promotion/health.js";
import type { CommitAuthor } from "../core/gitops/request.js";
import { defaultGitopsPort, withCommitAuthor, type GitopsPort } from "../adapters/git/port.js";
import type { PortalSettings } from "../portal/ports.js";
import type { Scheduler } from "./scheduler.js";
import { intervalScheduler } from "./scheduler.js";
import type { ReconcileReport } from "../core/reconcile/report.js";
import type { Shutdown } from "./shutdown.js";
import { Notifier, type NotifierProps } from "../flows/notifications/notifier.js";
import { webUrlOf } from "../portal/oauth.js";

/** Everything the app needs from the outside world: what the flows use (flows/services.ts) and what only the app process runs. */
export interface Deps extends FlowServices {
  /** The app instance's Prometheus metrics (`/metrics`). @default a new registry per app instance */
  readonly metrics: FerryMetrics;
  /** Recently seen delivery ids. @default shared through REDIS_URL when set, else a cache of 1000 ids held by the app instance */
  readonly deliveries: DeliveryLedger;
  /** Leases of the periodic passes (one replica at a time runs each). @default through REDIS_URL when set, else always free */
  readonly leases: Leases;
  /**
   * Where deliveries' work runs once the delivery is answered: bounded concurrency, one job at a
   * time per key (app/jobs/queue.ts). @default 4 jobs at once, logging to `logger`
   */
  readonly queue: JobQueue;
  /**
   * Starts the periodic re-evaluation of open promotion pull requests' gates (soak times and
   * change windows open without an event). @default none: no timer runs
   */
  readonly scheduler?: Scheduler;
  /**
   * Runs the reconcile pass (once at start-up, then periodically).
   * @default with the configuration from the environment, every FERRY_RECONCILE_INTERVAL seconds (300); else none
   */
  readonly reconcile?: Scheduler;
  /** Told each reconcile pass's report (repairs by kind and outcome). @default nobody */
  readonly onReconciled?: (report: ReconcileReport) => void;
  /** Where the app registers how to stop what it starts (scheduler, cluster watches). @default nothing is registered */
  readonly shutdown?: Shutdown;
  /** The portal under /ferry/ (portal/ports.ts; mounted by app/portal-mount.ts). @default from GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET when set, else none */
  readonly portal?: PortalSettings;
  /**
   * How the platform's notifications are sent (flows/notifications/notifier.ts), when `notify` is
   * not given: the app's logger, its metrics and the shared once-ledger are added.
   * @default Node's http/https, 5 tries from 2 s apart doubling, URLs and secrets from process.env, GitHub's web URL and FERRY_PORTAL_URL from the configuration
   */
  readonly notifications?: Omit<NotifierProps, "logger" | "observe">;
  /**
   * The DORA gauges on /metrics (app/dora-metrics.ts), computed on scrape at most once per TTL.
   * @default with the configuration from the environment, FERRY_DORA_METRICS_TTL (300 s, 0: off) and FERRY_DORA_METRICS_WINDOW_DAYS (30); else none
   */
  readonly doraMetrics?: DoraMetricsSettings;
  /** The MCP server served at /mcp (app/main.ts builds it from FERRY_MCP_PLATFORM); undefined: not served. */
  readonly mcp?: McpHandler;
}

/** Remembers the first successful answer of `ask` (failures are retried next time). */
export function memoizeLogin<T = string>(ask: () => Promise<T | undefined>): () => Promise<T | undefined> {
  let known: T | undefined;
  return async () => {
    if (known === undefined) known = await ask().catch(() => undefined);
    return known;
  };
}

/** Remembers the app id `ask` finds (a failure, or no id, rejects and is asked again next time). */
export function memoizeAppId(ask: () => Promise<number | undefined>): () => Promise<number> {
  let known: number | undefined;
  return async () => {
    if (known === undefined) known = await ask();
    if (known === undefined) throw new Error("Ferry cannot tell its own GitHub App id (GET /app gave none): its check runs are neither read nor written");
    return known;
  };
}

/** What the seal key is derived from the webhook secret with (never a webhook body: not JSON). */
export const SEAL_KEY_LABEL = "ferry: the key of Ferry's seal on promotion branch commits, v1";

/** Remembers the first successful answer of `ask` (failures are retried next time). */
export function memoizeKey(ask: () => Promise<Uint8Array>): () => Promise<Uint8Array | undefined> {
  let known: Uint8Array | undefined;
  return async () => {
    if (known === undefined) known = await ask().catch(() => undefined);
    return known;
  };
}

/** `port` writing commits as `author()` when there is one to ask. */
function authored(port: GitopsPort, author: (() => Promise<CommitAuthor | undefined>) | undefined): GitopsPort {
  return author ? withCommitAuthor(port, author) : port;
}

/** The part of the configuration the dependencies are built from. */
export type DepsConfig = Pick<AppConfig, "platformRepo" | "cacheDir"> &
  Partial<Pick<AppConfig, "reconcileInterval" | "redisUrl" | "appId" | "baseUrl" | "portal" | "doraMetricsTtl" | "doraMetricsWindowDays">>;

/** The DORA gauges a configuration asks for: on unless FERRY_DORA_METRICS_TTL is 0; none without a configuration. */
function doraMetricsOf(config: DepsConfig | undefined): DoraMetricsSettings | undefined {
  if (!config || config.doraMetricsTtl === 0) return undefined;
  return {
    ...(config.doraMetricsTtl !== undefined ? { ttlSeconds: config.doraMetricsTtl } : {}),
    ...(config.doraMetricsWindowDays !== undefined ? { windowSeconds: config.doraMetricsWindowDays * 86_400 } : {}),
  };
}

/** The reconcile schedule a configuration asks for: at start-up, then every `reconcileInterval` seconds; none for 0. */
function reconcileSchedule(config: DepsConfig | undefined): Scheduler | undefined {
  const seconds = config?.reconcileInterval ?? 0;
  return seconds > 0 ? intervalScheduler(seconds * 1000, { immediately: true }) : undefined;
}

/** Ferry's app id: APP_ID from the configuration, else `fallback.appId` (GET /app); without either it cannot be told. */
function appIdOf(fallback: { config?: DepsConfig; appId?: () => Promise<number> }): () => Promise<number> {
  const configured = fallback.config?.appId;
  if (configured !== undefined) return async () => configured;
  return (
    fallback.appId ??
    (async () => {
      throw new Error("Ferry's GitHub App id is not known (no APP_ID): its check runs are neither read nor written");
    })
  );
}

/** Whether `given` leaves out a dependency whose default comes from the configuration. */
export function needsConfig(given: Partial<Deps>): boolean {
  return given.cacheDir === undefined || given.platformRepo === undefined;
}

/** Fills in every dependency not given; `config` must be there when {@link needsConfig}. */
export function resolveDeps(
  given: Partial<Deps>,
  fallback: {
    logger: Logger;
    config?: DepsConfig;
    botLogin?: () => Promise<string | undefined>;
    appId?: () => Promise<number>;
    /** Who the commits Ferry makes are by (its bot user); the GitOps port (given or default) writes them so. */
    /** The key of Ferry's seal on promotion branch commits (see Deps.sealKey). */
    sealKey?: () => Promise<Uint8Array | undefined>;
    commitAuthor?: () => Promise<CommitAuthor | undefined>;
  },
): Deps {
  const config = (): DepsConfig => {
    if (!fallback.config) throw new Error("resolveDeps: the configuration is needed for cacheDir/platformRepo but was not given");
    return fallback.config;
  };
  const metrics = given.metrics ?? new FerryMetrics();
  const shared = given.deliveries && given.leases ? undefined : sharedState(fallback.config?.redisUrl, fallback.config?.appId, () => new DeliveryCache());
  if (shared) given.shutdown?.add("the Redis connection", () => shared.close());
  const reconcile = given.reconcile ?? reconcileSchedule(fallback.config);
  const logger = given.logger ?? fallback.logger;
  const notifier = given.notify
    ? undefined
    : new Notifier({
        logger: logger.child({ area: "notifications" }),
        ...(shared ? { once: shared.notifications } : {}),
        ...(fallback.config?.baseUrl ? { webUrl: webUrlOf(fallback.config.baseUrl) } : {}),
        ...(fallback.config?.portal?.publicUrl ? { portalUrl: fallback.config.portal.publicUrl } : {}),
        ...given.notifications,
        observe: (type, outcome) => metrics.notification(type, outcome),
      });
  if (notifier) given.shutdown?.add("the notifications", () => notifier.stop());
  const doraMetrics = given.doraMetrics ?? doraMetricsOf(fallback.config);
  return {
    clock: given.clock ?? (() => new Date()),
    gitops: authored(given.gitops ?? defaultGitopsPort({ onPushRetry: () => metrics.pushRetry() }), fallback.commitAuthor),
    metrics,
    cacheDir: given.cacheDir ?? config().cacheDir,
    logger: given.logger ?? fallback.logger,
    platformRepo: given.platformRepo ?? config().platformRepo,
    builtins: given.builtins ?? loadBuiltins(),
    platforms: given.platforms ?? new PlatformCache(),
    deliveries: given.deliveries ?? shared?.deliveries ?? new DeliveryCache(),
    leases: given.leases ?? shared?.leases ?? localLeases,
    queue: given.queue ?? new JobQueue({}, { logger: given.logger ?? fallback.logger }),
    botLogin: given.botLogin ?? fallback.botLogin ?? (async () => undefined),
    appId: given.appId ?? appIdOf(fallback),
    health: given.health ?? notObservedHealth,
    ...((given.sealKey ?? fallback.sealKey) ? { sealKey: given.sealKey ?? fallback.sealKey } : {}),
    ...(given.scheduler ? { scheduler: given.scheduler } : {}),
    ...(given.shutdown ? { shutdown: given.shutdown } : {}),
    ...(reconcile ? { reconcile } : {}),
    ...(doraMetrics ? { doraMetrics } : {}),
    ...(given.onReconciled ? { onReconciled: given.onReconciled } : {}),
    ...(given.onReleaseLanded ? { onReleaseLanded: given.onReleaseLanded } : {}),
    ...(given.runtimeStatus ? { runtimeStatus: given.runtimeStatus } : {}),
    ...(given.clusterRuntime ? { clusterRuntime: given.clusterRuntime } : {}),
    ...(given.watchRollout ? { watchRollout: given.watchRollout } : {}),
    ...(given.platformChanged ? { platformChanged: given.platformChanged } : {}),
    ...(given.onVerificationFailed ? { onVerificationFailed: given.onVerificationFailed } : {}),
    notify: given.notify ?? notifier!.notify,
    observeSignals: given.observeSignals ?? {
      verification: (result) => metrics.verification(result),
      query: (seconds, error) => metrics.prometheusQuery(seconds, error),
    },
    ...(given.portal ? { portal: given.portal } : {}),
    ...(given.mcp ? { mcp: given.mcp } : {}),
  };
}
