/**
 * Push-to-commit latency benchmark: signed push deliveries, each releasing one component, through
 * the real app (Probot in process, the Octokit class and defaults `npm start` uses) against the
 * contract-checked fake GitHub on loopback with no added latency and a real git server. Prints the
 * delivery-to-GitOps-commit times (p50, p95) and the GitHub API calls of each release counted at
 * the fake (median, max), against their targets.
 *
 * The scene lives in test/load/latency.ts (it needs test/support, which benchmarks do not import)
 * and runs in its own process; the first push includes the app's cold start (installation token,
 * first clone of the GitOps repository).
 */
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { runScene } from "./scene.js";
import { quantile } from "./stats.js";

const TARGET_P50_MS = 1000;
const TARGET_CALLS = 20;

export interface LatencyBenchResult {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly callsMedian: number;
  readonly callsMax: number;
  readonly held: boolean;
}

/** Runs test/load/latency.ts; its result is the samples. */
function latencyScene(pushes: number): Promise<{ commitMs: number; apiCalls: number }[]> {
  return runScene("test/load/latency.ts", [`--pushes=${pushes}`]);
}

export async function runLatencyBench(log: (line: string) => void = console.log, pushes = 15): Promise<LatencyBenchResult> {
  log(`push-to-commit latency: ${pushes} signed push deliveries through the app, fake GitHub on loopback (no added latency), ${availableParallelism()} cores`);
  const samples = await latencyScene(pushes);
  const times = samples.map((s) => s.commitMs);
  const calls = samples.map((s) => s.apiCalls);
  const p50Ms = quantile(times, 0.5);
  const p95Ms = quantile(times, 0.95);
  const callsMedian = quantile(calls, 0.5);
  const callsMax = Math.max(...calls);
  log(`  delivery -> GitOps commit: p50 ${p50Ms.toFixed(0)} ms, p95 ${p95Ms.toFixed(0)} ms (first push, cold: ${times[0]?.toFixed(0)} ms)`);
  log(`  p50 target < ${TARGET_P50_MS} ms: ${p50Ms < TARGET_P50_MS ? "holds" : "MISSED"}`);
  log(`  GitHub API calls per release (delivery -> completed Ferry / release check): median ${callsMedian}, max ${callsMax}`);
  log(`  calls target <= ${TARGET_CALLS}: ${callsMax <= TARGET_CALLS ? "holds" : "MISSED"}`);
  return { p50Ms, p95Ms, callsMedian, callsMax, held: p50Ms < TARGET_P50_MS && callsMax <= TARGET_CALLS };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = process.argv.find((a) => a.startsWith("--pushes="));
  await runLatencyBench(console.log, arg ? Number(arg.slice("--pushes=".length)) : 15);
}
