/**
 * Verification budget (issue 23): a real local Prometheus scraping every second an exporter with
 * 500 components' HTTP and pod series.
 *
 * - One verification pass (all five signals of a `service` component in one environment, through
 *   the app's verifier) timed p50/p95 against the floor measured in the same run: the same instant
 *   queries fetched from `/api/v1/query` with Node's fetch, no Ferry code. Target: p95 < 50 ms.
 * - Queries per pass, counted at the port and by Prometheus itself: must equal the signals.
 * - 500 verifications at once (2 s windows, a look a second, a baseline each) in a fresh process,
 *   sharing one in-flight limit as the app's ClusterRuntime does: its peak RSS, target < 200 MiB.
 *
 * The scene lives in test/load/verification.ts (it needs test/support, which benchmarks do not
 * import) and runs in its own process.
 */
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { runScene } from "./scene.js";
import { quantile } from "./stats.js";

const TARGET_P95_MS = 50;
const TARGET_PEAK_MIB = 200;

/** What test/load/verification.ts prints (its VerificationSample). */
interface Sample {
  readonly components: number;
  readonly signals: number;
  readonly passMs: readonly number[];
  readonly floorMs: readonly number[];
  readonly portQueriesPerPass: readonly [number, number];
  readonly prometheusQueriesPerPass: number;
  readonly passVerdicts: Readonly<Record<string, number>>;
  readonly concurrent: {
    readonly seconds: number;
    readonly idleRssMiB: number;
    readonly peakRssMiB: number;
    readonly peakHeapMiB: number;
    readonly queriesPerVerification: readonly [number, number];
    readonly prometheusQueries: number;
    readonly outcomes: Readonly<Record<string, number>>;
    readonly notObserved: Readonly<Record<string, number>>;
  };
}

export interface VerificationBenchResult {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly ratioP50: number;
  readonly ratioP95: number;
  readonly queriesPerPass: number;
  readonly signals: number;
  readonly peakRssMiB: number;
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
      `floor (the same queries with fetch) p50 ${floorP50.toFixed(1)} ms, p95 ${floorP95.toFixed(1)} ms: ${ratioP50.toFixed(2)}x / ${ratioP95.toFixed(2)}x floor (${counts(s.passVerdicts)})`,
  );
  log(`  p95 target < ${TARGET_P95_MS} ms: ${p95Ms < TARGET_P95_MS ? "holds" : "MISSED"}`);
  const [minQ, maxQ] = s.portQueriesPerPass;
  const queriesHeld = minQ === s.signals && maxQ === s.signals && s.prometheusQueriesPerPass === s.signals;
  log(
    `  queries per pass: ${minQ}..${maxQ} at the port, ${s.prometheusQueriesPerPass.toFixed(2)} counted by Prometheus; = ${s.signals} signals: ${queriesHeld ? "holds" : "MISSED"}`,
  );
  const c = s.concurrent;
  const [minV, maxV] = c.queriesPerVerification;
  log(
    `  ${s.components} verifications at once (2 s windows, a look a second, a baseline each): ${c.seconds.toFixed(1)} s, ${counts(c.outcomes)}; ` +
      `queries per verification ${minV}..${maxV} (Prometheus counted ${c.prometheusQueries})`,
  );
  for (const [reason, n] of Object.entries(c.notObserved)) log(`    not observed x${n}: ${reason}`);
  log(`  peak RSS ${c.peakRssMiB.toFixed(0)} MiB (${c.idleRssMiB.toFixed(0)} MiB of it before the first verification: node, tsx and the modules)`);
  log(`  peak RSS target < ${TARGET_PEAK_MIB} MiB: ${c.peakRssMiB < TARGET_PEAK_MIB ? "holds" : "MISSED"}`);
  log(
    `  peak heap used ${c.peakHeapMiB.toFixed(0)} MiB (garbage not yet collected included) < ${TARGET_PEAK_MIB} MiB: ${c.peakHeapMiB < TARGET_PEAK_MIB ? "holds" : "MISSED"}`,
  );
  return {
    p50Ms,
    p95Ms,
    ratioP50,
    ratioP95,
    queriesPerPass: maxQ,
    signals: s.signals,
    peakRssMiB: c.peakRssMiB,
    held: p95Ms < TARGET_P95_MS && queriesHeld && c.peakRssMiB < TARGET_PEAK_MIB,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runVerificationBench(console.log, process.argv.includes("--quick"));
}
