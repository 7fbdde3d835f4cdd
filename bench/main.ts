/** `npm run bench`: every benchmark, each printing its ratios against a baseline measured in the same run. */
import { runCliBench } from "./cli.js";
import { runGitBench } from "./git.js";
import { runE2eBench } from "./e2e.js";
import { runLatencyBench } from "./latency.js";
import { runPublishBench } from "./publish.js";
import { runRenderBench } from "./render.js";
import { runScaleBench } from "./scale.js";
import { runVerificationBench } from "./verification.js";

/** `npm run bench -- --quick` leaves out the 10,000-component render (about a minute) and sends 5 pushes instead of 15. */
const quick = process.argv.includes("--quick");

const cli = await runCliBench();
console.log("");
const render = await runRenderBench();
console.log("");
const scale = await runScaleBench(console.log, { large: !quick });
console.log("");
const e2e = await runE2eBench();
console.log("");
const git = await runGitBench();
console.log("");
const publish = await runPublishBench();
console.log("");
const latency = await runLatencyBench(console.log, quick ? 5 : 15);
console.log("");
const verification = await runVerificationBench(console.log, quick);
console.log("");
console.log(
  `summary: render ${render.ratioVsFloor.toFixed(2)}x floor (<= 2.0), scaling ${render.ratioScaling.toFixed(2)}x (<= 3.5); ` +
    `10,000 vs 1,000 x 3 ${scale.ratio === undefined ? "skipped (--quick)" : `${scale.ratio.toFixed(2)}x`} (<= 11), peak ${scale.peakSmallMiB.toFixed(0)} MiB (< 400); ` +
    `ferry render ${e2e.faster.toFixed(1)}x faster than kubectl kustomize (>= 20); ` +
    `git 3,000 vs 30 ${git.ratioLargeVsSmall.toFixed(2)}x (<= 1.5), vs git CLI ${git.ratioVsGitCli.toFixed(2)}x; ` +
    `publish 10,000 vs 30 ${publish.ratio.toFixed(2)}x (<= 1.5); ` +
    `push-to-commit p50 ${latency.p50Ms.toFixed(0)} ms (< 1000), p95 ${latency.p95Ms.toFixed(0)} ms, API calls per release max ${latency.callsMax} (<= 20); ` +
    `verification pass p95 ${verification.p95Ms.toFixed(0)} ms (< 50), ${verification.ratioP95.toFixed(2)}x floor, ${verification.queriesPerPass} queries for ${verification.signals} signals, ` +
    `500 at once peak ${verification.peakRssMiB.toFixed(0)} MiB (< 200; node from dist/ with the app's modules, ${verification.idleRssMiB.toFixed(0)} MiB before); ` +
    `cli ${Object.entries(cli.ratios)
      .map(([label, ratio]) => `${label} ${ratio.toFixed(1)}x`)
      .join(", ")} node -e 0 (<= 4, <= 8)`,
);
