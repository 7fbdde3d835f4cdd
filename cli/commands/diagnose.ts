/** `ferry diagnose`: the diagnose operation (operations/diagnose.ts) as text or JSON. */
import { GitopsError } from "../../adapters/git/errors.js";
import { formatDiagnosisText } from "../../core/diagnosis/text.js";
import { diagnoseComponent } from "../../operations/diagnose.js";
import { TARGET_OPTIONS, TARGET_OPTIONS_HELP } from "../../operations/gitops-target.js";
import { parse, required } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand } from "../output.js";

export const diagnose: Command = {
  help: `ferry diagnose PROJECT/COMPONENT --env ENV --platform DIR [--since DURATION] [--kubeconfig PATH] [--json]

Ranks the likely causes of a component's trouble in one environment, deterministically, each with
the evidence it stands on: which of its signals moved and when, against the moment its release
landed (from the environment's GitOps history); its pods' states, warning events and first error
log lines (one read of the environment's cluster, environments[].cluster.context); and the health
and signals of the dependencies its release declares. A dependency whose signals rose before this
component's is named the likely cause ahead of the release; a rise right after the release landed,
with nothing upstream before it, blames the release. What could not be read is listed as a note,
never taken as quiet. An environment on several clusters is diagnosed in each cluster (its own
Prometheus, folder and context) and as a whole: each cause names its cluster; the JSON has clusters.

Exit codes: 0 no likely cause (signals read, nothing moved, the pods are fine); 1 likely causes found,
or none of the component's signals could be read; 2 bad usage.

Options:
  --platform, -p DIR   platform repository checkout
  --env, -e ENV        the environment
  --since DURATION     how far back the signals are read (\${window} and the series' span; default 30m):
                       make it reach back before the release landed
  --kubeconfig PATH    kubeconfig file; default: $KUBECONFIG, else ~/.kube/config, else in-cluster
${TARGET_OPTIONS_HELP}
  --json               machine-readable output

Examples:
  ferry diagnose storefront/checkout-api --env prod --platform examples/platform
  ferry diagnose payments/payments-api --env staging --since 15m --json --platform ../platform`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      platform: { type: "string", short: "p" },
      env: { type: "string", short: "e" },
      since: { type: "string" },
      kubeconfig: { type: "string" },
      json: { type: "boolean" },
      ...TARGET_OPTIONS,
    });
    if (values.help) {
      io.stdout(`${diagnose.help}\n`);
      return EXIT.ok;
    }
    const component = positionals[0] ?? "";
    const [, project, name] = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(component) ?? [];
    if (!project || !name) throw new UsageError("ferry diagnose needs PROJECT/COMPONENT");
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
    const env = required(values.env, "--env");
    const dir = required(values.platform, "--platform");
    if (values.kubeconfig === "") throw new UsageError("--kubeconfig is empty");
    const bundle = loadPlatformForCommand(io, "diagnose", dir);
    if (!bundle) return EXIT.failed;
    let report;
    try {
      report = await diagnoseComponent({
        platform: bundle,
        project,
        component: name,
        env,
        ...(values.since !== undefined ? { since: values.since } : {}),
        ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
        target: { gitops: values.gitops, branch: values.branch, path: values.path },
        cacheDir: values["cache-dir"],
        variables: io.env,
      });
    } catch (e) {
      if (e instanceof GitopsError) {
        io.stderr(`ferry diagnose: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDiagnosisText(report));
    return report.causes.length === 0 && report.observed ? EXIT.ok : EXIT.failed;
  },
};
