/**
 * Verification budget (issue 23): a real local Prometheus scraping every second an exporter with
 * 500 components' HTTP and pod series.
 *
 * - One verification pass (all five signals of a `service` component in one environment, through
 *   the app's verifier) timed p50/p95 against the floor measured in the same run: the same instant
 *   queries fetched from `/api/v1/query` with Node's fetch, no Ferry code. Target: p95 < 50 ms.
 * - Queries per pass, counted at the port and by Prometheus itself: must equal the signals.
 * - 500 verifications at once (2 s windows, a look a second, a baseline each) in a fresh process,
 *   sharing one in-flight limit as the app's ClusterRuntime does, measured three ways: under tsx
 *   from the sources; under plain node against dist/ (as production runs), the verification's
 *   modules loaded; and under plain node against dist/ with every module `npm start` loads loaded
 *   first. Each prints its RSS once loaded, after one full collection (the idle app, before the
 *   first verification), its peak and the difference (what the verifications cost). Target: the
 *   app's peak RSS (the last way) < 200 MiB.
 *
 * The scene lives in test/load/verification.ts (it needs test/support, which benchmarks do not
 * import) and runs in its own process. dist/ must be built and current: `npm run build` first.
 */
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { runScene } from "./scene.js";
import { quantile } from "./stats.js";

const TARGET_P95_MS = 50;
const TARGET_PEAK_MIB = 200;

/** process.memoryUsage() in MiB. */
interface MemoryMiB {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** One process of concurrent verifications (test/load/verification-concurrent.ts's ConcurrentSample). */
interface Concurrent {
  readonly runtime: "tsx" | "node";
  readonly loaded: "scene" | "app";
  readonly seconds: number;
  readonly loadedRssMiB: number;
  readonly collected: boolean;
  readonly idle: MemoryMiB;
  readonly peak: MemoryMiB;
  readonly end: MemoryMiB;
  readonly queriesPerVerification: readonly [number, number];
  readonly prometheusQueries: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly notObserved: Readonly<Record<string, number>>;
}

/** What test/load/verification.ts prints (its VerificationSample). */
interface Sample {
  readonly components: number;
  readonly signals: number;
  readonly passMs: readonly number[];
  readonly floorMs: readonly number[];
  readonly portQueriesPerPass: readonly [number, number];
  readonly prometheusQueriesPerPass: number;
  readonly passVerdicts: Readonly<Record<string, number>>;
  readonly concurrent: readonly Concurrent[];
}

export interface VerificationBenchResult {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly ratioP50: number;
  readonly ratioP95: number;
  readonly queriesPerPass: number;
  readonly signals: number;
  /** The app's peak RSS: node from dist/, every module `npm start` loads loaded. */
  readonly peakRssMiB: number;
  /** Its RSS before the first verification. */
  readonly idleRssMiB: number;
  readonly held: boolean;
}

/** Runs test/load/verification.ts; its result is the sample. */
function verificationScene(quick: boolean): Promise<Sample> {
  return runScene("test/load/verification.ts", quick ? ["--quick"] : []);
}

const counts = (r: Readonly<Record<string, number>>) =>
  Object.entries(r)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ") || "none";

export async function runVerificationBench(log: (line: string) => void = console.log, quick = false): Promise<VerificationBenchResult> {
  log(`verification: local Prometheus (1 s scrapes) with 500 components' series, ${availableParallelism()} cores`);
  const s = await verificationScene(quick);
  const p50Ms = quantile(s.passMs, 0.5);
  const p95Ms = quantile(s.passMs, 0.95);
  const floorP50 = quantile(s.floorMs, 0.5);
  const floorP95 = quantile(s.floorMs, 0.95);
  const ratioP50 = p50Ms / floorP50;
  const ratioP95 = p95Ms / floorP95;
  log(
    `  one pass (${s.signals} signals, ${s.passMs.length} passes): p50 ${p50Ms.toFixed(1)} ms, p95 ${p95Ms.toFixed(1)} ms; ` +
      `floor (the same queries with http.get, keep-alive) p50 ${floorP50.toFixed(1)} ms, p95 ${floorP95.toFixed(1)} ms: ${ratioP50.toFixed(2)}x / ${ratioP95.toFixed(2)}x floor (${counts(s.passVerdicts)})`,
  );
  log(`  p95 target < ${TARGET_P95_MS} ms: ${p95Ms < TARGET_P95_MS ? "holds" : "MISSED"}`);
  const [minQ, maxQ] = s.portQueriesPerPass;
  const queriesHeld = minQ === s.signals && maxQ === s.signals && s.prometheusQueriesPerPass === s.signals;
  log(
    `  queries per pass: ${minQ}..${maxQ} at the port, ${s.prometheusQueriesPerPass.toFixed(2)} counted by Prometheus; = ${s.signals} signals: ${queriesHeld ? "holds" : "MISSED"}`,
  );
  const label = (c: Concurrent) =>
    c.runtime === "tsx"
      ? "tsx, from the sources"
      : c.loaded === "app"
        ? "node, from dist/, the app's modules loaded"
        : "node, from dist/, the verification's modules";
  const mib = (n: number) => n.toFixed(0);
  for (const c of s.concurrent) {
    const [minV, maxV] = c.queriesPerVerification;
    log(
      `  ${s.components} verifications at once (2 s windows, a look a second, a baseline each) [${label(c)}]: ${c.seconds.toFixed(1)} s, ${counts(c.outcomes)}; ` +
        `queries per verification ${minV}..${maxV} (Prometheus counted ${c.prometheusQueries})`,
    );
    for (const [reason, n] of Object.entries(c.notObserved)) log(`    not observed x${n}: ${reason}`);
    log(
      `    RSS with the modules loaded ${mib(c.loadedRssMiB)} MiB, ${c.collected ? "after one full collection" : "not collected"} ${mib(c.idle.rss)} MiB before the first verification, peak ${mib(c.peak.rss)} MiB: the verifications +${mib(c.peak.rss - c.idle.rss)} MiB; ` +
        `heap used ${mib(c.idle.heapUsed)} -> peak ${mib(c.peak.heapUsed)} (garbage not yet collected included) -> ${mib(c.end.heapUsed)} MiB at the end (outcomes held${c.collected ? ", collected" : ""}); ` +
        `heap total peak ${mib(c.peak.heapTotal)}, external peak ${mib(c.peak.external)} (array buffers ${mib(c.peak.arrayBuffers)}) MiB`,
    );
  }
  const app = s.concurrent.find((c) => c.runtime === "node" && c.loaded === "app");
  if (!app) throw new Error("the scene did not measure the app from dist/");
  const allVerified = s.concurrent.every((c) => c.outcomes["verified"] === s.components);
  log(
    `  peak RSS target < ${TARGET_PEAK_MIB} MiB, judged on node from dist/ with the app's modules loaded: ${mib(app.peak.rss)} MiB (${mib(app.idle.rss)} of it before the first verification): ${app.peak.rss < TARGET_PEAK_MIB ? "holds" : "MISSED"}`,
  );
  if (!allVerified) log(`  MISSED: not every verification ended verified`);
  return {
    p50Ms,
    p95Ms,
    ratioP50,
    ratioP95,
    queriesPerPass: maxQ,
    signals: s.signals,
    peakRssMiB: app.peak.rss,
    idleRssMiB: app.idle.rss,
    held: p95Ms < TARGET_P95_MS && queriesHeld && allVerified && app.peak.rss < TARGET_PEAK_MIB,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runVerificationBench(console.log, process.argv.includes("--quick"));
}
