/**
 * Status: what the clusters run, per environment and component, read once (list only) from each
 * environment's kubeconfig context, with health, release, ready/desired, the reason and a
 * diagnosis for anything not healthy. An environment on several clusters is read in each cluster:
 * per component the aggregate, and each cluster's beside it (`clusters`).
 */
import { loadKubeConfig, type KubeConfigSource } from "../adapters/kube/kubeconfig.js";
import type { ComponentSelector } from "../adapters/kube/collections.js";
import { snapshotCluster } from "../adapters/kube/snapshot.js";
import {
  clusterComponentStatuses,
  componentStatuses,
  problems,
  type ClusterRead,
  type ComponentFilter,
  type EnvironmentStatus,
} from "../core/status/overview.js";
import { clustersOf, type Environment } from "../renderers/model/index.js";
import type { PlatformBundle } from "../renderers/platform.js";
import { UsageError } from "./errors.js";
import type { EnvironmentVariables } from "./variables.js";
import { selectEnvironments } from "./workspace.js";

/** What to look at: the loaded platform, which environments and components, and where the kubeconfig is. */
export interface StatusInput {
  readonly platform: PlatformBundle;
  /** Environment names; none: all. */
  readonly envs: readonly string[];
  /** `name` or `project/name` entries; none: every component. */
  readonly components: readonly string[];
  /** A kubeconfig file; default: $KUBECONFIG, else ~/.kube/config, else in-cluster. */
  readonly kubeconfig?: string;
  /** Supplies KUBECONFIG for the default kubeconfig. */
  readonly variables: EnvironmentVariables;
}

/** The clients status uses, passed in so tests can point them elsewhere. */
export interface StatusDeps {
  readonly loadKubeConfig: typeof loadKubeConfig;
  readonly snapshotCluster: typeof snapshotCluster;
  readonly now: () => number;
}

const DEFAULT_DEPS: StatusDeps = { loadKubeConfig, snapshotCluster, now: () => Date.now() };

export interface StatusReport {
  readonly statuses: readonly EnvironmentStatus[];
  readonly filter: ComponentFilter;
  /** One line per problem: a component not Healthy or Suspended, an unreachable environment, a component found nowhere. */
  readonly problems: readonly string[];
}

/** The report, or why no cluster could be asked (the kubeconfig did not load). */
export type StatusOutcome = { readonly ok: true; readonly report: StatusReport } | { readonly ok: false; readonly error: string };

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks component names (`name` or `project/name`) against the platform's projects; throws a UsageError naming every bad one. */
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

async function environmentStatus(
  env: Environment,
  kubeConfig: KubeConfigSource,
  filter: ComponentFilter,
  now: number,
  snapshot: StatusDeps["snapshotCluster"],
): Promise<EnvironmentStatus> {
  const clusters = clustersOf(env);
  if (clusters.length > 0) {
    const reads = await Promise.all(
      clusters.map(async (c): Promise<ClusterRead> => {
        try {
          const objects = await snapshot(c.context, selectorFor(env.name, filter.components ?? []), { kubeConfig });
          return { name: c.name, wave: c.wave, context: c.context, components: componentStatuses(objects, env.name, filter, now) };
        } catch (e) {
          return { name: c.name, wave: c.wave, context: c.context, unreachable: message(e), components: [] };
        }
      }),
    );
    const unreachable = reads.filter((r) => r.unreachable !== undefined);
    return {
      environment: env.name,
      ...(unreachable.length === reads.length ? { unreachable: unreachable.map((r) => `${r.name}: ${r.unreachable ?? ""}`).join("; ") } : {}),
      components: clusterComponentStatuses(env.name, reads),
    };
  }
  const context = env.cluster?.context;
  if (context === undefined) return { environment: env.name, skipped: "no cluster context in the platform (environments[].cluster.context)", components: [] };
  try {
    const objects = await snapshot(context, selectorFor(env.name, filter.components ?? []), { kubeConfig });
    return { environment: env.name, context, components: componentStatuses(objects, env.name, filter, now) };
  } catch (e) {
    return { environment: env.name, context, unreachable: message(e), components: [] };
  }
}

/** Reads each selected environment's cluster once; unknown environments or components and no cluster context at all are usage errors. */
export async function clusterStatus(input: StatusInput, deps: StatusDeps = DEFAULT_DEPS): Promise<StatusOutcome> {
  const envs = selectEnvironments(input.platform.platform.spec.environments, input.envs);
  checkComponents(
    input.components,
    input.platform.platform.spec.projects.map((p) => p.name),
  );
  if (!envs.some((e) => e.cluster?.context !== undefined || clustersOf(e).length > 0)) {
    throw new UsageError(`no selected environment has a cluster context (environments[].cluster.context): ${envs.map((e) => e.name).join(", ")}`);
  }

  let kubeConfig: KubeConfigSource;
  try {
    const source: KubeConfigSource = input.kubeconfig ? { kind: "file", path: input.kubeconfig } : { kind: "default" };
    kubeConfig = { kind: "config", config: deps.loadKubeConfig(source, { ...input.variables }) };
  } catch (e) {
    return { ok: false, error: `cannot load the kubeconfig${input.kubeconfig ? ` ${input.kubeconfig}` : ""}: ${message(e)}` };
  }

  const filter: ComponentFilter = { components: input.components };
  const now = deps.now();
  const statuses = await Promise.all(envs.map((env) => environmentStatus(env, kubeConfig, filter, now, deps.snapshotCluster)));
  return { ok: true, report: { statuses, filter, problems: problems(statuses, filter) } };
}
