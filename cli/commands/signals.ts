import { GitopsError } from "../../adapters/git/errors.js";
import { formatEnvironmentSignalsText } from "../../core/signals/report.js";
import { TARGET_OPTIONS, TARGET_OPTIONS_HELP } from "../../operations/gitops-target.js";
import { readSignals } from "../../operations/signals.js";
import { parse, required } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const signals: Command = {
  help: `ferry signals PROJECT/COMPONENT --env ENV --platform DIR [--since DURATION] [--release ID] [--json]

Reads the component's golden signals (the built-in type's defaults, the platform's spec.signals
and its type's own) from the environment's Prometheus (cluster.prometheus), each over --since,
beside the previous release's values over an equal window before this release landed, and
judges them against the bounds of the pipeline step's verify. The release is the one the
environment's GitOps history says runs there. A signal that cannot be read is "not-observed".
An environment on several clusters (clusters) is read per cluster, each from its own folder's
history and its own Prometheus (clusters[].prometheus), and judged as a whole by the worst
cluster (failed, then not-observed, then verifying, then verified); the JSON then has clusters.
Exit 0 when verified or verifying, 1 when failed or not observed.

Options:
  --platform, -p DIR   platform repository checkout
  --env, -e ENV        the environment
  --since DURATION     the window of each value (\${window}) and the span of the series (default 5m)
  --release ID         judge this release instead of the one running
${TARGET_OPTIONS_HELP}
  --json               machine-readable output

Examples:
  ferry signals storefront/checkout-api --env prod --platform examples/platform
  ferry signals payments/payments-api --env staging --since 15m --json --platform ../platform`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      platform: { type: "string", short: "p" },
      env: { type: "string", short: "e" },
      since: { type: "string" },
      release: { type: "string" },
      json: { type: "boolean" },
      ...TARGET_OPTIONS,
    });
    if (values.help) {
      io.stdout(`${signals.help}\n`);
      return EXIT.ok;
    }
    const component = positionals[0] ?? "";
    const [, project, name] = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(component) ?? [];
    if (!project || !name) throw new UsageError("ferry signals needs PROJECT/COMPONENT");
    const env = required(values.env, "--env");
    const dir = required(values.platform, "--platform");
    const bundle = loadPlatformForCommand(io, "signals", dir);
    if (!bundle) return EXIT.failed;
    let report;
    try {
      report = await readSignals({
        platform: bundle,
        project,
        component: name,
        env,
        ...(values.since !== undefined ? { since: values.since } : {}),
        ...(values.release !== undefined ? { release: values.release } : {}),
        target: { gitops: values.gitops, branch: values.branch, path: values.path },
        cacheDir: values["cache-dir"],
        variables: io.env,
      });
    } catch (e) {
      if (e instanceof GitopsError) {
        io.stderr(`ferry signals: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatEnvironmentSignalsText(report));
    return report.verdict === "verified" || report.verdict === "verifying" ? EXIT.ok : EXIT.failed;
  },
};
