/**
 * Render scaling benchmark: the in-process render (no files) of 10,000 components x 3 environments
 * against 1,000 x 3, each in its own fresh process so each peak memory (max RSS) is its own.
 * Prints wall times, peak memory and the ratio measured in this run, with the targets.
 * The 10,000 case takes about a minute; `--small-only` measures only 1,000 x 3.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { renderOrg } from "./render.js";

const ENVS = ["dev", "staging", "prod"] as const;
const SCALING_TARGET = 11;
const PEAK_TARGET_MIB = 400;

interface CaseResult {
  readonly components: number;
  readonly ms: number;
  readonly peakMiB: number;
  readonly objects: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Run inside the child: warm up, render `components` x 3 `runs` times, report the median and the peak. */
function measureHere(components: number, runs: number): CaseResult {
  renderOrg(50, ["dev"]); // warm up module loading and JIT
  const times: number[] = [];
  let objects = 0;
  for (let i = 0; i < runs; i++) {
    const { result, ms } = renderOrg(components, ENVS);
    times.push(ms);
    objects = result.rendered.reduce((n, r) => n + r.objects.length, 0);
  }
  return { components, ms: median(times), peakMiB: process.resourceUsage().maxRSS / 1024, objects };
}

/** One case in a fresh process of this same file (same loader flags), so its peak memory is its own. */
function measureInChild(components: number, runs: number): CaseResult {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, [...process.execArgv, self, "--case", String(components), String(runs)], {
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`render scale case ${components} exited ${run.status}:\n${run.stderr}`);
  const line = run.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as CaseResult;
}

export interface ScaleBenchResult {
  readonly ratio?: number;
  readonly peakSmallMiB: number;
}

export async function runScaleBench(log: (line: string) => void = console.log, options: { readonly large?: boolean } = {}): Promise<ScaleBenchResult> {
  const small = measureInChild(1000, 3);
  log(`render scaling: in process, no files, each case in a fresh process, ${availableParallelism()} cores`);
  log(
    `  1,000 x 3  (${small.objects} objects)   ${small.ms.toFixed(0).padStart(7)} ms (median of 3)  peak RSS ${small.peakMiB.toFixed(0)} MiB (target < ${PEAK_TARGET_MIB}) ${small.peakMiB < PEAK_TARGET_MIB ? "holds" : "MISSED"}`,
  );
  if (options.large === false) return { peakSmallMiB: small.peakMiB };
  const large = measureInChild(10000, 1);
  const ratio = large.ms / small.ms;
  log(`  10,000 x 3 (${large.objects} objects)  ${large.ms.toFixed(0).padStart(7)} ms (one run)      peak RSS ${large.peakMiB.toFixed(0)} MiB`);
  log(`  ratio 10,000 / 1,000   ${ratio.toFixed(2)}x for 10x the work (target <= ${SCALING_TARGET}x) ${ratio <= SCALING_TARGET ? "holds" : "MISSED"}`);
  return { ratio, peakSmallMiB: small.peakMiB };
}

const caseAt = process.argv.indexOf("--case");
if (caseAt >= 0) {
  console.log(JSON.stringify(measureHere(Number(process.argv[caseAt + 1]), Number(process.argv[caseAt + 2] ?? 1))));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runScaleBench(console.log, { large: !process.argv.includes("--small-only") });
}
