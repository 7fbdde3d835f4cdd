/** `ferry status`: the status operation (operations/status.ts) as a table or JSON, with the problems on stderr. */
import { formatStatusText, statusJson } from "../../core/status/overview.js";
import { clusterStatus } from "../../operations/status.js";
import { list, parse, required } from "../args.js";
import type { CliIo, Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const status: Command = {
  help: `ferry status --platform DIR [--env ENV] [--component [PROJECT/]NAME] [--kubeconfig PATH] [--json]

Reads each selected environment's cluster (its kubeconfig context, environments[].cluster.context
in the platform) once and shows, per component: status (Healthy, Progressing, Degraded,
Suspended, Unknown), the release its ready pods run (-> the release being rolled out),
ready/desired replicas and the reason; then a diagnosis with a suggestion for every component
that is not healthy. Environments without a cluster context are skipped.

Exit codes: 0 every component is Healthy (or Suspended); 1 a component is Degraded, Progressing
or Unknown, an environment is unreachable, or a --component is found nowhere (the problems are
listed on stderr); 2 bad usage.

Options:
  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --env, -e ENV        only these environments (repeat or comma-separate); default: all
  --component, -c C    only these components, NAME or PROJECT/NAME (repeat or comma-separate)
  --kubeconfig PATH    kubeconfig file; default: $KUBECONFIG, else ~/.kube/config, else in-cluster
  --json               machine-readable output on stdout

Examples:
  ferry status --platform ../platform
  ferry status --platform ../platform --env prod --component storefront/checkout-api
  ferry status --platform ../platform --kubeconfig ~/.kube/acme.yaml --json`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, {
      platform: { type: "string", short: "p" },
      env: { type: "string", multiple: true, short: "e" },
      component: { type: "string", multiple: true, short: "c" },
      kubeconfig: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) {
      io.stdout(`${status.help}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const platformDir = required(values.platform, "--platform");
    if (values.kubeconfig === "") throw new UsageError("--kubeconfig is empty");

    const platform = loadPlatformForCommand(io, "status", platformDir);
    if (!platform) return EXIT.failed;
    const outcome = await clusterStatus({
      platform,
      envs: list(values.env),
      components: list(values.component),
      kubeconfig: values.kubeconfig,
      variables: io.env,
    });
    if (!outcome.ok) {
      io.stderr(`ferry status: ${outcome.error}\n`);
      return EXIT.failed;
    }
    const { statuses, filter, problems } = outcome.report;
    io.stdout(values.json ? `${JSON.stringify(statusJson(statuses, filter), null, 2)}\n` : formatStatusText(statuses));
    if (problems.length > 0) {
      io.stderr(`ferry status: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  ${p}\n`).join("")}`);
      return EXIT.failed;
    }
    return EXIT.ok;
  },
};
