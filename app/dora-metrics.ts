/**
 * The DORA gauges of `/metrics` (app/metrics.ts `doraSource`): every environment's figures over the
 * last `windowSeconds`, and each project's in it (flows/dora/read.ts `doraGaugeRows`, the reader
 * `ferry dora` and the portal share), read with the platform repository's installation client
 * (`installation`).
 *
 * Computed on scrape, at most once per `ttlSeconds`: a scrape within that time of the last
 * computation is answered from it; the first scrape after it computes again (concurrent scrapes
 * share one computation). A computation that fails leaves the gauges absent (never 0, never
 * stale) and is logged; an environment whose history cannot be read is left out and logged.
 */
import type { GitHub } from "../adapters/github/types.js";
import { doraGaugeRows, type DoraGaugeRow } from "../flows/dora/read.js";
import { errorText } from "../flows/errors.js";
import { RunContext } from "../flows/run-context.js";
import type { FlowServices } from "../flows/services.js";

/** `Deps.doraMetrics`. */
export interface DoraMetricsSettings {
  /** How far back the figures look, in seconds. @default 30 days (as `ferry dora`) */
  readonly windowSeconds?: number;
  /** Seconds a computation answers scrapes for. @default 300 */
  readonly ttlSeconds?: number;
}

export const DORA_METRICS_WINDOW_SECONDS = 30 * 86_400;
export const DORA_METRICS_TTL_SECONDS = 300;

/** `compute` at most once per `ttlMs` (one computation at a time), its rows served in between; a failure serves none until the next try. */
export function cachedRows(
  compute: () => Promise<readonly DoraGaugeRow[]>,
  opts: { readonly ttlMs: number; readonly now: () => number; readonly onError: (e: unknown) => void },
): () => Promise<readonly DoraGaugeRow[]> {
  let last: { at: number; rows: readonly DoraGaugeRow[] } | undefined;
  let running: Promise<readonly DoraGaugeRow[]> | undefined;
  return async () => {
    if (last && opts.now() - last.at < opts.ttlMs) return last.rows;
    running ??= (async () => {
      const at = opts.now();
      try {
        const rows = await compute();
        last = { at, rows };
        return rows;
      } catch (e) {
        opts.onError(e);
        last = { at, rows: [] };
        return [];
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
}

/** What the computation needs of the app. */
export type DoraMetricsDeps = Pick<FlowServices, "gitops" | "cacheDir" | "logger" | "platformRepo" | "platforms" | "builtins" | "clock">;

/** The rows source the app registers on its metrics. */
export function doraMetricsSource(
  installation: () => Promise<GitHub>,
  deps: DoraMetricsDeps,
  settings: DoraMetricsSettings,
): () => Promise<readonly DoraGaugeRow[]> {
  const window = settings.windowSeconds ?? DORA_METRICS_WINDOW_SECONDS;
  const compute = async (): Promise<DoraGaugeRow[]> => {
    const octokit = await installation();
    const run = new RunContext(octokit, deps);
    const platform = (await run.platform()).bundle?.platform;
    if (!platform) throw new Error("the platform could not be read");
    const { rows, failed } = await doraGaugeRows(
      { octokit, resolve: (env) => run.resolver.resolve(env), gitops: deps.gitops, cacheDir: deps.cacheDir },
      platform,
      window,
      deps.clock().getTime(),
    );
    for (const f of failed) deps.logger.warn({ environment: f.environment, error: f.error }, "DORA metrics: the environment's history could not be read");
    return rows;
  };
  return cachedRows(compute, {
    ttlMs: (settings.ttlSeconds ?? DORA_METRICS_TTL_SECONDS) * 1000,
    now: () => deps.clock().getTime(),
    onError: (e) => deps.logger.warn({ error: errorText(e) }, "DORA metrics: not computed"),
  });
}
