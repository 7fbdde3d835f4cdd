/**
 * `npm run test:load`: the load run (test/load/run.ts) at full size, once with one app process
 * and once with two sharing a redis-server. Loopback only, bounded in count and time; prints the
 * latencies and exits 1 when a guarantee broke.
 *
 * Options: `--deliveries N` (200), `--repos N` (20), `--concurrency N` (20), `--replicas 1|2|both` (both).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { formatLoadReport, runLoad } from "./run.js";

const Args = z.object({
  deliveries: z.coerce.number().int().positive().default(200),
  repos: z.coerce.number().int().positive().default(20),
  concurrency: z.coerce.number().int().positive().default(20),
  replicas: z.enum(["1", "2", "both"]).default("both"),
});

const { values } = parseArgs({
  options: { deliveries: { type: "string" }, repos: { type: "string" }, concurrency: { type: "string" }, replicas: { type: "string" } },
});
const args = Args.parse(values);
const modes: (1 | 2)[] = args.replicas === "both" ? [1, 2] : [Number(args.replicas) as 1 | 2];
let failed = false;
for (const replicas of modes) {
  console.log(`\n== load run: ${args.deliveries} deliveries, ${args.repos} repositories, concurrency ${args.concurrency}, ${replicas} app process(es)`);
  const report = await runLoad({ ...args, replicas, progress: (line) => console.log(`  ${line}`) });
  console.log(formatLoadReport(report));
  if (report.problems.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
