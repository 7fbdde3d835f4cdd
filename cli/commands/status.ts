/**
 * `ferry status`: what the clusters run, per environment and component, read once (list only)
 * from each environment's kubeconfig context, with health, release, ready/desired, the reason and
 * a diagnosis for anything not healthy.
 */
import type { ComponentSelector } from "../../adapters/kube/collections.js";
import { loadKubeConfig, type KubeConfigSource } from "../../adapters/kube/kubeconfig.js";
import { snapshotCluster } from "../../adapters/kube/snapshot.js";
import { componentStatuses, formatStatusText, problems, statusJson, type ComponentFilter, type EnvironmentStatus } from "../../core/status/overview.js";
import type { Environment } from "../../renderers/model/index.js";
import { list, parse, required } from "../args.js";
import type { CliIo, Command } from "../io.js";
import { EXIT, UsageError } from "../io.js";
import { loadPlatformForCommand, selectEnvironments } from "../../operations/workspace.js";

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks `--component` values (`name` or `project/name`) against the platform's projects; throws a UsageError naming every bad one. */
function checkComponents(values: readonly string[], projects: readonly string[]): void {
  const bad: string[] = [];
  for (const v of values) {
    const parts = v.split("/");
    if (parts.length > 2 || parts.some((p) => !NAME.test(p))) bad.push(`--component ${JSON.stringify(v)} is not a component name or project/name`);
    else if (parts.length === 2 && !projects.includes(parts[0] ?? ""))
      bad.push(`--component ${JSON.stringify(v)}: unknown project ${JSON.stringify(parts[0])}; the platform has ${projects.join(", ")}`);
  }
  if (bad.length > 0) throw new UsageError(bad.join("\n"));
}

function selectorFor(env: string, components: readonly string[]): ComponentSelector {
  const only = components.length === 1 ? components[0] : undefined;
  if (only === undefined) return { environment: env };
  const [a, b] = only.split("/");
  return b === undefined ? { environment: env, component: a } : { environment: env, project: a, component: b };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function environmentStatus(env: Environment, kubeConfig: KubeConfigSource, filter: ComponentFilter, now: number): Promise<EnvironmentStatus> {
  const context = env.cluster?.context;
  if (context === undefined) return { environment: env.name, skipped: "no cluster context in the platform (environments[].cluster.context)", components: [] };
  try {
    const snapshot = await snapshotCluster(context, selectorFor(env.name, filter.components ?? []), { kubeConfig });
    return { environment: env.name, context, components: componentStatuses(snapshot, env.name, filter, now) };
  } catch (e) {
    return { environment: env.name, context, unreachable: message(e), components: [] };
  }
}

export const status: Command = {
  summary: "show what the clusters run: health, release and diagnosis per component",
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

    const bundle = loadPlatformForCommand(io, "status", platformDir);
    if (!bundle) return EXIT.failed;
    const envs = selectEnvironments(bundle.platform.spec.environments, list(values.env));
    const components = list(values.component);
    checkComponents(
      components,
      bundle.platform.spec.projects.map((p) => p.name),
    );
    if (!envs.some((e) => e.cluster?.context !== undefined)) {
      throw new UsageError(`no selected environment has a cluster context (environments[].cluster.context): ${envs.map((e) => e.name).join(", ")}`);
    }

    let kubeConfig: KubeConfigSource;
    try {
      const source: KubeConfigSource = values.kubeconfig ? { kind: "file", path: values.kubeconfig } : { kind: "default" };
      kubeConfig = { kind: "config", config: loadKubeConfig(source, { ...io.env }) };
    } catch (e) {
      io.stderr(`ferry status: cannot load the kubeconfig${values.kubeconfig ? ` ${values.kubeconfig}` : ""}: ${message(e)}\n`);
      return EXIT.failed;
    }

    const filter: ComponentFilter = { components };
    const now = Date.now();
    const statuses = await Promise.all(envs.map((env) => environmentStatus(env, kubeConfig, filter, now)));
    const issues = problems(statuses, filter);
    io.stdout(values.json ? `${JSON.stringify(statusJson(statuses, filter), null, 2)}\n` : formatStatusText(statuses));
    if (issues.length > 0) {
      io.stderr(`ferry status: ${issues.length} problem${issues.length === 1 ? "" : "s"}:\n${issues.map((p) => `  ${p}\n`).join("")}`);
      return EXIT.failed;
    }
    return EXIT.ok;
  },
};
