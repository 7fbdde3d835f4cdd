/**
 * The memory half of the verification budget (issue 23), run by test/load/verification.ts in a
 * fresh process per measurement: `components` verifications started at once against the
 * Prometheus at `--concurrent=<url>` (2 s windows, a look every second, the previous release as
 * baseline), sharing one in-flight limit as the app's ClusterRuntime does, with the process's
 * memory sampled every 50 ms.
 *
 * It runs two ways: under tsx from the sources (`node --import tsx`), and under plain node against
 * the compiled modules in dist/ (test/load/from-dist.ts compiles this file and its test imports
 * and points the product imports at dist/), as the app runs in production. `--preload=<file>`
 * first imports every module that file imports (dist/app/main.js: everything `npm start` loads,
 * loaded but not started), so the idle figure is the app's and the peak is the app's with the
 * verifications on top. Before the idle figure one full collection runs (with --expose-gc, which
 * changes no heap sizing), as an app that has run a while has long collected the garbage of its
 * start; the RSS before it is printed too. Prints one JSON line, its {@link ConcurrentSample}.
 *
 * Only product modules, node: builtins and test/support may be imported here (see from-dist.ts).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { PrometheusPort } from "../../adapters/prometheus/client.js";
import { inFlightLimit, type InFlightLimit } from "../../adapters/prometheus/limit.js";
import { prometheusOfEnvironment, type EnvironmentPrometheus } from "../../flows/signals/read.js";
import { systemTimers } from "../../flows/status/timers.js";
import { verifyRelease } from "../../flows/status/verification.js";
import type { Platform } from "../../renderers/model/index.js";
import { verifyPlatform } from "../support/verify-platform.js";

const MiB = 1024 * 1024;

/** The platform of the scene: prod reads the Prometheus at `url`, dev -> prod verifies the five signals of a `service` for `duration`. */
export function scenePlatform(url: string, duration: string): Platform {
  return verifyPlatform(url, {
    duration,
    signals: { errorRate: { max: 0.05 }, latencyP95: { maxIncrease: 1.5 }, restarts: { max: 0 }, cpu: { max: 0.9 }, memory: { max: 0.9 } },
  });
}

/** A port that counts its calls. */
export function counted(prometheus: EnvironmentPrometheus, limit: InFlightLimit = (p) => p): { prometheus: EnvironmentPrometheus; calls: () => number } {
  if (!prometheus.ok) throw new Error(prometheus.error);
  let n = 0;
  const inner = limit(prometheus.port);
  const port: PrometheusPort = {
    query: (expr, time) => (n++, inner.query(expr, time)),
    queryRange: (expr, start, end, step) => (n++, inner.queryRange(expr, start, end, step)),
  };
  return { prometheus: { ...prometheus, port }, calls: () => n };
}

export function componentNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, "0")}`);
}

export function tally(rs: readonly string[]): Record<string, number> {
  return Object.fromEntries([...new Set(rs)].sort().map((r) => [r, rs.filter((x) => x === r).length]));
}

/** process.memoryUsage() in MiB. */
export interface MemoryMiB {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** What one process of concurrent verifications measured. */
export interface ConcurrentSample {
  /** How the modules ran: `tsx` (the sources) or `node` (dist/), and what was loaded before (`scene`: the verification's modules; `app`: also everything `npm start` loads). */
  readonly runtime: "tsx" | "node";
  readonly loaded: "scene" | "app";
  readonly seconds: number;
  /** RSS in MiB once every module is loaded, before the one full collection that precedes {@link idle}. */
  readonly loadedRssMiB: number;
  /** Whether that collection ran (the process had --expose-gc). */
  readonly collected: boolean;
  /** Before the first verification, every module loaded (and collected). */
  readonly idle: MemoryMiB;
  /** Each field's highest value while the verifications ran (sampled every 50 ms; RSS also the OS's own high-water mark). */
  readonly peak: MemoryMiB;
  /** After they all ended, the outcomes still held (after one full collection, when it can run). */
  readonly end: MemoryMiB;
  /** Port calls of each verification (min, max). */
  readonly queriesPerVerification: readonly [number, number];
  readonly outcomes: Readonly<Record<string, number>>;
  /** Why verifications were not observed: each first reason, counted. */
  readonly notObserved: Readonly<Record<string, number>>;
}

const inMiB = (m: NodeJS.MemoryUsage): MemoryMiB => ({
  rss: m.rss / MiB,
  heapTotal: m.heapTotal / MiB,
  heapUsed: m.heapUsed / MiB,
  external: m.external / MiB,
  arrayBuffers: m.arrayBuffers / MiB,
});

/** One full collection, when the process has --expose-gc. */
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Imports every module `file` imports statically (not `file` itself, which may run something). */
async function preload(file: string): Promise<void> {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/^import\s[^;]*?from\s+"([^"]+)";/gm)) {
    const spec = m[1]!;
    await import(spec.startsWith(".") ? pathToFileURL(resolve(dirname(file), spec)).href : spec);
  }
}

/** Verifies `components` components at once (see the module comment). */
export async function verifyAtOnce(url: string, components: number, loaded: ConcurrentSample["loaded"]): Promise<ConcurrentSample> {
  const c = scenePlatform(url, "2s");
  const environment = c.spec.environments[1]!;
  const verify = c.spec.pipeline[0]!.verify!;
  // One full collection first (the scene runs this with --expose-gc, which sizes nothing): the
  // garbage of loading the modules is gone, as in an app that has been running a while.
  const loadedRss = process.memoryUsage().rss;
  collect();
  const idle = process.memoryUsage();
  const peak = { ...idle };
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as (keyof NodeJS.MemoryUsage)[]) peak[k] = Math.max(peak[k], m[k]);
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
  peak.rss = Math.max(peak.rss, process.resourceUsage().maxRSS * 1024);
  const calls = results.map((r) => r.calls);
  return {
    runtime: process.execArgv.some((a) => a.includes("tsx")) ? "tsx" : "node",
    loaded,
    seconds,
    loadedRssMiB: loadedRss / MiB,
    collected: typeof (globalThis as { gc?: unknown }).gc === "function",
    idle: inMiB(idle),
    peak: inMiB(peak),
    end: inMiB((collect(), process.memoryUsage())),
    queriesPerVerification: [Math.min(...calls), Math.max(...calls)],
    outcomes: tally(results.map((r) => r.outcome.result)),
    notObserved: tally(
      results
        .filter((r) => r.outcome.result === "not-observed")
        .map((r) => `${r.outcome.signals[0]?.name}: ${r.outcome.signals[0]?.reason.replace(/[0-9.]+/g, "N")}`),
    ),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const url = arg("concurrent");
  if (url === undefined) throw new Error("usage: verification-concurrent --concurrent=<prometheus url> [--components=N] [--preload=<file>]");
  const file = arg("preload");
  if (file !== undefined) await preload(file);
  console.log(JSON.stringify(await verifyAtOnce(url, Number(arg("components") ?? 500), file === undefined ? "scene" : "app")));
}
