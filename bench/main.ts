/** `npm run bench`: every benchmark, each printing its ratios against a baseline measured in the same run. */
import { runCliBench } from "./cli.js";
import { runGitBench } from "./git.js";
import { runRenderBench } from "./render.js";

const cli = await runCliBench();
console.log("");
const render = await runRenderBench();
console.log("");
const git = await runGitBench();
console.log("");
console.log(
  `summary: render ${render.ratioVsFloor.toFixed(2)}x floor (<= 2.0), scaling ${render.ratioScaling.toFixed(2)}x (<= 3.5); ` +
    `git 3,000 vs 30 ${git.ratioLargeVsSmall.toFixed(2)}x (<= 1.5), vs git CLI ${git.ratioVsGitCli.toFixed(2)}x; ` +
    `cli ${Object.entries(cli.ratios)
      .map(([label, ratio]) => `${label} ${ratio.toFixed(1)}x`)
      .join(", ")} node -e 0 (<= 4, <= 8)`,
);
