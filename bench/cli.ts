/**
 * Command-line start benchmark: `ferry --help` and `ferry validate` of the bundled example, each
 * run as a user runs it (`node bin/ferry.js`, the built output in dist/), against a bare
 * `node -e 0` measured in the same run. The three are interleaved so machine load hits them alike;
 * prints medians and the ratios against their targets.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** What is timed: a label, node's arguments, and the target as a multiple of `node -e 0`. */
const CASES = [
  { label: "ferry --help", args: ["bin/ferry.js", "--help"], target: 4 },
  { label: "ferry validate examples/apps", args: ["bin/ferry.js", "validate", "examples/apps", "--platform", "examples/platform"], target: 8 },
] as const;

export interface CliBenchResult {
  readonly baselineMs: number;
  readonly ratios: Readonly<Record<string, number>>;
  readonly held: boolean;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of one `node <args>` from the repository root; throws when it fails. */
function timeNode(args: readonly string[]): number {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the bench itself runs under tsx; the timed processes must not
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: "utf8" });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return ms;
}

export async function runCliBench(log: (line: string) => void = console.log, runs = 9): Promise<CliBenchResult> {
  if (!existsSync(`${ROOT}dist/cli/main.js`)) throw new Error("dist/ is missing: run `npm run build` first");
  for (const c of CASES) timeNode(c.args); // warm the file cache
  const baseline: number[] = [];
  const times = new Map<string, number[]>(CASES.map((c) => [c.label, []]));
  for (let i = 0; i < runs; i++) {
    baseline.push(timeNode(["-e", "0"]));
    for (const c of CASES) times.get(c.label)!.push(timeNode(c.args));
  }
  const baselineMs = median(baseline);
  const ratios: Record<string, number> = {};
  log(`cli start: wall time of each command as a new process, median of ${runs} interleaved runs, ${availableParallelism()} cores`);
  log(`  node -e 0                        ${baselineMs.toFixed(0).padStart(6)} ms`);
  let held = true;
  for (const c of CASES) {
    const ms = median(times.get(c.label)!);
    const ratio = ms / baselineMs;
    ratios[c.label] = ratio;
    held &&= ratio <= c.target;
    log(
      `  ${c.label.padEnd(31)}  ${ms.toFixed(0).padStart(6)} ms  ${ratio.toFixed(1).padStart(5)}x node -e 0 (target <= ${c.target}x) ${ratio <= c.target ? "holds" : "MISSED"}`,
    );
  }
  return { baselineMs, ratios, held };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runCliBench();
