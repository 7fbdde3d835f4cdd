import { GitopsError } from "../../adapters/git/errors.js";
import { formatDoraText } from "../../core/dora/text.js";
import { parse, required } from "../args.js";
import { TARGET_OPTIONS, TARGET_OPTIONS_HELP } from "../../operations/gitops-target.js";
import { readDora } from "../../operations/dora.js";
import type { Command } from "../io.js";
import { EXIT } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const dora: Command = {
  help: `ferry dora --platform DIR [--project P] [--component P/C] [--env ENV] [--since 30d] [--json]

DORA figures of one environment, from its GitOps history and the deployment statuses Ferry
posted on GitHub (docs/dora.md): deployments and deployment frequency, lead time for changes
(app commit to Healthy, or Verified where the step has verify), change failure rate (deployments
followed by a rollback, a failed verification or a Degraded settle) and time to restore, each with
the count it stands on, and one row per component. Without GITHUB_TOKEN the figures that need the
deployment statuses are reported not observed (null), never 0.

Options:
  --platform, -p DIR   platform repository checkout
  --project P          only this project's components
  --component P/C      only this component
  --env, -e ENV        the environment (default: the first production environment)
  --since DURATION     how far back: 30d, 12h, 2w, 90m (default 30d)
${TARGET_OPTIONS_HELP}
  --json               machine-readable output

Environment: GITHUB_TOKEN (the deployment statuses and app commits), GITHUB_API_URL (default
https://api.github.com).

Examples:
  ferry dora --platform ../platform --env prod --since 30d
  ferry dora --platform ../platform --component shop/api --json`,
  async run(argv, io) {
    const { values } = parse(argv, {
      platform: { type: "string", short: "p" },
      project: { type: "string" },
      component: { type: "string" },
      env: { type: "string", short: "e" },
      since: { type: "string" },
      json: { type: "boolean" },
      ...TARGET_OPTIONS,
    });
    if (values.help) {
      io.stdout(`${dora.help}\n`);
      return EXIT.ok;
    }
    const dir = required(values.platform, "--platform");
    const bundle = loadPlatformForCommand(io, "dora", dir);
    if (!bundle) return EXIT.failed;
    let report;
    try {
      report = await readDora({
        platform: bundle,
        ...(values.project !== undefined ? { project: values.project } : {}),
        ...(values.component !== undefined ? { component: values.component } : {}),
        ...(values.env !== undefined ? { env: values.env } : {}),
        ...(values.since !== undefined ? { since: values.since } : {}),
        target: { gitops: values.gitops, branch: values.branch, path: values.path },
        cacheDir: values["cache-dir"],
        variables: io.env,
      });
    } catch (e) {
      if (e instanceof GitopsError) {
        io.stderr(`ferry dora: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const { notes, ...figures } = report;
      io.stdout(formatDoraText(figures, notes));
    }
    return EXIT.ok;
  },
};
