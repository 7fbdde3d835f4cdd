/**
 * The Octokit class the app runs with.
 *
 * Probot 14's `ProbotOctokit` already includes `@octokit/plugin-throttling` and
 * `@octokit/plugin-retry` (see node_modules/probot/lib/octokit/probot-octokit.js); adding them
 * again would install the hooks twice. Ferry configures them instead: rate-limit waits are
 * retried a bounded number of times (Probot's default retries forever), and server errors are
 * retried by the retry plugin; client errors (4xx) are never retried.
 */
import { ProbotOctokit } from "probot";
import { conditionalRequests, ResponseCache } from "./github-cache.js";
import type { GitHubResponse } from "./metrics.js";

/** Options of {@link createFerryOctokit}. */
export interface FerryOctokitOptions {
  /**
   * Queue requests the way GitHub asks (one write per second, back off on rate limits). Tests
   * against a local fake turn it off.
   * @default true
   */
  readonly throttle?: boolean;
  /**
   * Milliseconds between two writes of one installation, every write (for a GitHub Enterprise
   * Server that does not limit the app, and for tests against a local fake). With `REDIS_URL`,
   * replicas no longer share this spacing.
   * @default {@link DEFAULT_WRITE_BUDGET}: a burst of writes at once, then one a second (one per 3 s
   * for writes that notify people); with a shared Redis connection, Octokit's spacing shared by
   * the replicas (1 s between writes, 3 s before a write that notifies)
   */
  readonly writeIntervalMs?: number;
  /** How often a rate-limited request is retried before it fails. @default 3 */
  readonly rateLimitRetries?: number;
  /** How often a request failing with a 5xx (or a network error) is retried. @default 3 */
  readonly retries?: number;
  /** Told of every answer (or failure) of every client of the class, e.g. `FerryMetrics.githubResponse`. @default nobody */
  readonly observe?: (response: GitHubResponse) => void;
  /**
   * Conditional GETs (`If-None-Match`; GitHub does not count a 304 against the rate limit): `true`
   * keeps a {@link ResponseCache} of default size shared by every client of the class, a cache
   * given is used (and can be inspected), `false` turns them off.
   * @default true
   */
  readonly conditionalRequests?: boolean | ResponseCache;
  /**
   * The app's id, put into the throttling's limiter ids (`ferry:<app id>`): with a Redis connection
   * (REDIS_URL) the limiters' keys carry it (`b_octokit-global-ferry:<app id>_settings`), so two
   * Ferry apps sharing one Redis neither share nor reset each other's limits.
   * @default Probot's ids (`no-id`), the same for every app
   */
  readonly appId?: number;
}

interface RetryableRequest {
  readonly method: string;
  readonly url: string;
}

interface LogTarget {
  readonly log: { warn(message: string): void };
}

type LimitHandler = (retryAfter: number, options: RetryableRequest, octokit: LogTarget, retryCount: number) => boolean;

/** What Ferry gives Octokit's throttling and retry plugins. */
export interface FerryOctokitSettings {
  readonly throttle:
    | { readonly enabled: false }
    | {
        readonly enabled: true;
        readonly onRateLimit: LimitHandler;
        readonly onSecondaryRateLimit: LimitHandler;
        /** The write limiters: Ferry's budget ({@link DEFAULT_WRITE_BUDGET}, or `writeIntervalMs` apart); Octokit's own when left out. */
        readonly write?: LimiterGroup;
        readonly notifications?: LimiterGroup;
      };
  readonly retry: { readonly retries: number; readonly doNotRetry: readonly number[] };
}

/** What Octokit's throttling asks of a limiter group (a Bottleneck.Group has it). */
interface LimiterGroup {
  key(id: string): { schedule<T>(options: object, task: () => Promise<T>): Promise<T> };
}

/** A limiter group that starts one task per key every `intervalMs` milliseconds at most. */
export function spacedGroup(intervalMs: number): LimiterGroup {
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new Error(`the write interval must be a non-negative number of milliseconds, got ${intervalMs}`);
  const next = new Map<string, number>();
  return {
    key: (id) => ({
      async schedule(_options, task) {
        const now = Date.now();
        const at = Math.max(now, next.get(id) ?? 0);
        next.set(id, at + intervalMs);
        if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
        return task();
      },
    }),
  };
}

/**
 * A limiter group that lets `burst` tasks per key start at once and then one every `intervalMs`
 * (a token bucket: a token comes back every `intervalMs`, at most `burst` are kept). Over any
 * window of `t` ms at most `burst + t / intervalMs` tasks start, so the sustained rate is the
 * same as one every `intervalMs`; only a short burst, such as the few writes of one release, no
 * longer waits.
 */
export function burstGroup(burst: number, intervalMs: number): LimiterGroup {
  if (!Number.isInteger(burst) || burst < 1) throw new Error(`the write burst must be a positive whole number, got ${burst}`);
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new Error(`the write interval must be a non-negative number of milliseconds, got ${intervalMs}`);
  // Per key, the time at which the bucket would be full again were nothing else taken (GCRA).
  const full = new Map<string, number>();
  const window = (burst - 1) * intervalMs;
  return {
    key: (id) => ({
      async schedule(_options, task) {
        const now = Date.now();
        const due = Math.max(now, full.get(id) ?? 0);
        const at = Math.max(now, due - window);
        full.set(id, due + intervalMs);
        if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
        return task();
      },
    }),
  };
}

/**
 * The app's default write budget per installation: GitHub asks integrations to space writes about
 * a second apart and limits content-creating requests to 80 a minute. Ten writes may go at once
 * (a release makes four or five: check run, deployment, its statuses), then one a second, so no
 * minute holds more than 70; writes that notify people (pull requests, comments) keep 3 s apart
 * after a burst of three.
 */
export const DEFAULT_WRITE_BUDGET = { write: { burst: 10, intervalMs: 1000 }, notifications: { burst: 3, intervalMs: 3000 } } as const;

/** The options Ferry gives Octokit's throttling and retry plugins. */
export function ferryOctokitOptions(opts: FerryOctokitOptions = {}): FerryOctokitSettings {
  const limit = opts.rateLimitRetries ?? 3;
  const onLimit =
    (what: string): LimitHandler =>
    (retryAfter, options, octokit, retryCount) => {
      const again = retryCount < limit;
      octokit.log.warn(
        `${what} hit on ${options.method} ${options.url}; ${again ? `retrying in ${retryAfter}s (attempt ${retryCount + 1} of ${limit})` : "giving up"}`,
      );
      return again;
    };
  const { write, notifications } = DEFAULT_WRITE_BUDGET;
  const spacing =
    opts.writeIntervalMs === undefined
      ? { write: burstGroup(write.burst, write.intervalMs), notifications: burstGroup(notifications.burst, notifications.intervalMs) }
      : { write: spacedGroup(opts.writeIntervalMs), notifications: spacedGroup(opts.writeIntervalMs) };
  return {
    throttle:
      opts.throttle === false
        ? { enabled: false }
        : { enabled: true, onRateLimit: onLimit("rate limit"), onSecondaryRateLimit: onLimit("secondary rate limit"), ...spacing },
    retry: { retries: opts.retries ?? 3, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
  };
}

type RequestFn = (options: { readonly method: string }) => Promise<{ readonly status: number; readonly headers: GitHubResponse["headers"] }>;

/** What {@link observeRequests} needs of an Octokit instance. */
interface Hookable {
  readonly hook: { wrap(name: "request", wrapper: (request: RequestFn, options: { readonly method: string }) => ReturnType<RequestFn>): void };
}

/** The installation an Octokit instance acts as (Probot passes `auth.installationId`), or "app". */
function installationOf(options: { readonly auth?: unknown }): string {
  const id = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  return typeof id === "number" || typeof id === "string" ? String(id) : "app";
}

/**
 * An Octokit plugin telling `observe` of every request's answer. It wraps the throttling and
 * retry plugins, so a request retried counts once, with its final answer.
 */
export function observeRequests(observe: (response: GitHubResponse) => void): (octokit: Hookable, options: { readonly auth?: unknown }) => void {
  return (octokit, options) => {
    const installation = installationOf(options);
    octokit.hook.wrap("request", async (request, req) => {
      try {
        const response = await request(req);
        observe({ method: req.method, status: response.status, headers: response.headers, installation });
        return response;
      } catch (e) {
        const failure = e as { status?: unknown; response?: { headers?: GitHubResponse["headers"] } };
        observe({
          method: req.method,
          status: typeof failure.status === "number" ? failure.status : 0,
          headers: failure.response?.headers ?? {},
          installation,
        });
        throw e;
      }
    });
  };
}

function withoutWriteGroups<T extends { readonly write?: LimiterGroup; readonly notifications?: LimiterGroup }>(
  throttle: T,
): Omit<T, "write" | "notifications"> {
  const { write: _write, notifications: _notifications, ...rest } = throttle;
  return rest;
}

/** `ferry:<app id>`, or `ferry:<app id>/<id>` when Probot gave the client a limiter id. */
function limiterId(appId: number, given: unknown): string {
  const prefix = `ferry:${appId}`;
  if (typeof given !== "string" && typeof given !== "number") return prefix;
  const id = String(given);
  return id === prefix || id.startsWith(`${prefix}/`) ? id : `${prefix}/${id}`;
}

/**
 * `ProbotOctokit` with Ferry's throttling and retry settings, `observe` told of every answer (a
 * 304 as a 304), and conditional GETs answered from the response cache on a 304.
 */
export function createFerryOctokit(opts: FerryOctokitOptions = {}): typeof ProbotOctokit {
  const ours = ferryOctokitOptions(opts);
  const configured = ProbotOctokit.defaults((instance: Record<string, unknown>) => {
    const theirs = (instance.throttle ?? {}) as Record<string, unknown>;
    // Probot hands installation clients the app client's throttle options plus an `id`, and with
    // REDIS_URL a Bottleneck connection shared by replicas: those stay, Ferry's limit handlers win
    // over Probot's (which never retries a secondary rate limit). A disabled throttle stays disabled.
    // Replicas sharing a Redis connection keep Octokit's write spacing, which they share (an
    // in-memory budget per replica would multiply the rate), unless a write interval was given.
    const shared = theirs.connection !== undefined && opts.writeIntervalMs === undefined;
    const own = ours.throttle.enabled && shared ? withoutWriteGroups(ours.throttle) : ours.throttle;
    const id = opts.appId !== undefined ? { id: limiterId(opts.appId, theirs.id) } : {};
    const throttle = ours.throttle.enabled ? { ...theirs, ...own, ...id } : { ...theirs, enabled: false };
    return { ...instance, throttle, retry: { ...ours.retry, ...(instance.retry as object | undefined) } };
  }) as typeof ProbotOctokit;
  const observed = opts.observe ? (configured.plugin(observeRequests(opts.observe) as never) as unknown as typeof ProbotOctokit) : configured;
  const cache =
    opts.conditionalRequests === false ? undefined : opts.conditionalRequests instanceof ResponseCache ? opts.conditionalRequests : new ResponseCache();
  // Registered last, so it wraps `observe`: the metrics count a 304 as a 304, callers get the 200.
  return cache ? (observed.plugin(conditionalRequests(cache) as never) as unknown as typeof ProbotOctokit) : observed;
}
