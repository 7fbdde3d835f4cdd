/** `ferry cost`: the cost operation (operations/cost.ts) as a table or JSON, with usage-based suggestions on request. */
import { costJson, formatCostText, formatUsageText } from "../../core/cost-report.js";
import { costWorkspace } from "../../operations/cost.js";
import { APP_OPTIONS, APP_OPTIONS_HELP, workspaceInput } from "../app-options.js";
import { parse } from "../args.js";
import type { Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { printDiagnostics } from "../output.js";

export const cost: Command = {
  help: `ferry cost [APP_DIR...] --platform DIR [--env ENV] [--repo OWNER/NAME] [--json] [--usage [--kubeconfig PATH]]

Renders every component of the app checkouts in memory (nothing is written) and estimates its
monthly cost per environment from the platform's spec.pricing: CPU and memory requests x
replicas, and the storage of PersistentVolumeClaims. A workload an autoscaler scales counts at
its minReplicas (MONTHLY) and shows the range up to maxReplicas (MAX). Jobs and CronJobs are
not costed. Totals per project and per environment follow the components.

With --usage, each environment's cluster (its kubeconfig context, environments[].cluster.context)
is read once: pod usage from metrics.k8s.io (metrics-server), matched to components by the
ferry.dev/* labels of the pods. A container resource whose highest usage among the pods is under
50% or over 90% of its request gets a suggested request of usage / 0.7 rounded up to 10m CPU or
16Mi memory, with the monthly saving (negative) or the cost of removing the risk (positive).

Exit codes: 0 costed (and every selected cluster with a context was read); 1 inputs have errors,
or a cluster could not be read for --usage; 2 bad usage.

Options:
${APP_OPTIONS_HELP}
  --usage              read observed usage from the clusters and suggest requests
  --kubeconfig PATH    kubeconfig file for --usage; default: $KUBECONFIG, else ~/.kube/config

Examples:
  ferry cost examples/apps --platform examples/platform
  ferry cost . --platform ../platform --env prod --json
  KUBECONFIG=~/.kube/acme.yaml ferry cost . --platform ../platform --env prod --usage`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...APP_OPTIONS, usage: { type: "boolean" }, kubeconfig: { type: "string" } });
    if (values.help) {
      io.stdout(`${cost.help}\n`);
      return EXIT.ok;
    }
    if (values.kubeconfig !== undefined && !values.usage) throw new UsageError("--kubeconfig needs --usage");
    if (values.kubeconfig === "") throw new UsageError("--kubeconfig is empty");
    const outcome = await costWorkspace(
      { ...workspaceInput(values, positionals), usage: values.usage ?? false, ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}) },
      io.env,
    );
    printDiagnostics(io, outcome.diagnostics);
    if (!outcome.ok) {
      io.stderr("ferry cost: inputs have errors; nothing was costed\n");
      return EXIT.failed;
    }
    const { report, problems } = outcome;
    if (values.json) io.stdout(`${JSON.stringify(costJson(report), null, 2)}\n`);
    else io.stdout(`${formatCostText(report)}${report.usage ? `\n${formatUsageText(report.usage, report.currency)}` : ""}`);
    if (problems.length > 0) {
      io.stderr(`ferry cost: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  ${p}\n`).join("")}`);
      return EXIT.failed;
    }
    return EXIT.ok;
  },
};
