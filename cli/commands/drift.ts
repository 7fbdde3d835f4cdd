/** `ferry drift`: the drift operation (operations/drift.ts) as text or JSON. */
import { driftJson, formatDriftText, hasDrift } from "../../core/drift/report.js";
import { driftOfEnvironments } from "../../operations/drift.js";
import { TARGET_OPTIONS, TARGET_OPTIONS_HELP } from "../../operations/gitops-target.js";
import { list, parse, required } from "../args.js";
import type { CliIo, Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const drift: Command = {
  help: `ferry drift --platform DIR [--env ENV] [--gitops URL|PATH] [--kubeconfig PATH] [--json]

Reads each selected environment's GitOps target and shows:
  - which release each environment runs, per component, and every component whose
    environments do not all run the same release;
  - for environments running the same release, what differs between their manifests beyond
    what that release renders for each (the component's environments: overrides and the
    platform's environment settings are expected; anything else is drift);
  - for environments with a cluster context (environments[].cluster.context), objects of git
    missing in the cluster, objects whose live fields differ from the fields git sets (status,
    server-set metadata and defaults git does not set are ignored), and live objects labelled
    app.kubernetes.io/managed-by=ferry for the environment that git no longer has.

Exit codes: 0 no drift; 1 drift found, a cluster could not be read (listed on stderr) or a GitOps
target could not be read; 2 bad usage.

Options:
  --platform, -p DIR   platform repository checkout (holds .ferry/platform.yaml)
  --env, -e ENV        only these environments (repeat or comma-separate); default: all
${TARGET_OPTIONS_HELP}
  --kubeconfig PATH    kubeconfig file; default: $KUBECONFIG, else ~/.kube/config, else in-cluster
  --json               machine-readable output on stdout

Examples:
  ferry drift --platform ../platform
  ferry drift --platform ../platform --env staging,prod --json
  ferry drift --platform ../platform --gitops ../gitops --kubeconfig ~/.kube/acme.yaml`,
  async run(argv: readonly string[], io: CliIo) {
    const { values, positionals } = parse(argv, {
      platform: { type: "string", short: "p" },
      env: { type: "string", multiple: true, short: "e" },
      kubeconfig: { type: "string" },
      json: { type: "boolean" },
      ...TARGET_OPTIONS,
    });
    if (values.help) {
      io.stdout(`${drift.help}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const platformDir = required(values.platform, "--platform");
    if (values.kubeconfig === "") throw new UsageError("--kubeconfig is empty");

    const platform = loadPlatformForCommand(io, "drift", platformDir);
    if (!platform) return EXIT.failed;
    const outcome = await driftOfEnvironments({
      platform,
      envs: list(values.env),
      target: { gitops: values.gitops, branch: values.branch, path: values.path },
      cacheDir: values["cache-dir"],
      kubeconfig: values.kubeconfig,
      variables: io.env,
    });
    if (!outcome.ok) {
      io.stderr(`ferry drift: ${outcome.error}\n`);
      return EXIT.failed;
    }
    const { report } = outcome;
    io.stdout(values.json ? `${JSON.stringify(driftJson(report), null, 2)}\n` : formatDriftText(report));
    if (report.problems.length > 0) {
      io.stderr(
        `ferry drift: ${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}:\n${report.problems.map((p) => `  ${p}\n`).join("")}`,
      );
    }
    return hasDrift(report) || report.problems.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
