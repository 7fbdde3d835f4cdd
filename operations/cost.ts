/**
 * Cost: render the app checkouts in memory and estimate each component's monthly cost per
 * environment from the platform's `pricing`; with `usage`, read each environment's cluster
 * (PodMetrics) and suggest requests. Shared by `ferry cost` and the MCP tool `ferry_cost`.
 */
import { z } from "zod";
import type { Diagnostic } from "../renderers/diagnostics.js";
import type { Environment, Pricing } from "../renderers/model/index.js";
import { clustersOf, namespaceFor } from "../renderers/model/index.js";
import { clusterEnvironmentName } from "../core/status/cluster-environment.js";
import { costByEnvironment } from "../core/cost.js";
import type { RenderedObjects } from "../core/cost.js";
import { suggestRequests } from "../core/cost-usage.js";
import type { CostReport, EnvironmentUsage } from "../core/cost-report.js";
import { loadKubeConfig, type KubeConfigSource } from "../adapters/kube/kubeconfig.js";
import { readPodUsage } from "../adapters/kube/metrics.js";
import { renderWorkspace } from "./render.js";
import type { EnvironmentVariables } from "./variables.js";
import { WorkspaceInput } from "./workspace.js";

/** The workspace to cost, and whether to read usage from the clusters. */
export const CostInput = WorkspaceInput.extend({
  usage: z.boolean().default(false).describe("read observed usage (metrics.k8s.io) from each environment's cluster and suggest requests"),
  kubeconfig: z.string().min(1).optional().describe("kubeconfig file for --usage; default: $KUBECONFIG, else ~/.kube/config, else in-cluster"),
});
export type CostInput = Readonly<z.input<typeof CostInput>>;

/** The clients `usage` reads through, passed in so tests can point them elsewhere. */
export interface CostDeps {
  readonly loadKubeConfig: typeof loadKubeConfig;
  readonly readPodUsage: typeof readPodUsage;
}

const DEFAULT_DEPS: CostDeps = { loadKubeConfig, readPodUsage };

/** The report, or the input errors (nothing is costed when any input has an error); `problems` are usage reads that failed. */
export type CostOutcome =
  | { readonly ok: false; readonly diagnostics: Diagnostic[] }
  | { readonly ok: true; readonly report: CostReport; readonly diagnostics: Diagnostic[]; readonly problems: readonly string[] };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function clusterUsage(
  env: Environment,
  cluster: string | undefined,
  context: string,
  components: readonly RenderedObjects[],
  kubeConfig: KubeConfigSource,
  pricing: Pricing,
  deps: CostDeps,
): Promise<EnvironmentUsage> {
  const where = { environment: env.name, ...(cluster !== undefined ? { cluster } : {}), context };
  const namespaces = [...new Set(components.map((c) => namespaceFor(env, c.project)))].sort();
  try {
    const pods = await deps.readPodUsage(context, namespaces, { environment: env.name }, { kubeConfig });
    return { ...where, suggestions: suggestRequests(env.name, components, pods, pricing) };
  } catch (e) {
    return { ...where, skipped: `unreachable: ${message(e)}`, suggestions: [] };
  }
}

/** An environment's usage: of its one cluster, or of each of its clusters (wave order) with that cluster's objects. */
async function environmentUsage(
  env: Environment,
  components: readonly RenderedObjects[],
  kubeConfig: KubeConfigSource,
  pricing: Pricing,
  deps: CostDeps,
): Promise<EnvironmentUsage[]> {
  const clusters = clustersOf(env);
  if (clusters.length > 0)
    return Promise.all(
      clusters.map((c) =>
        clusterUsage(
          env,
          c.name,
          c.context,
          components.map((x) => ({ ...x, objects: x.clusters?.find((o) => o.cluster === c.name)?.objects ?? [] })),
          kubeConfig,
          pricing,
          deps,
        ),
      ),
    );
  const context = env.cluster?.context;
  if (context === undefined)
    return [{ environment: env.name, skipped: "no cluster context in the platform (environments[].cluster.context)", suggestions: [] }];
  return [await clusterUsage(env, undefined, context, components, kubeConfig, pricing, deps)];
}

/** Renders and costs the workspace; with `usage`, reads each selected environment's cluster once. */
export async function costWorkspace(raw: CostInput, variables: EnvironmentVariables = {}, deps: CostDeps = DEFAULT_DEPS): Promise<CostOutcome> {
  const input = CostInput.parse(raw);
  const r = renderWorkspace(input);
  if (!("result" in r) || !r.ok) return { ok: false, diagnostics: r.diagnostics };
  const pricing = r.ws.bundle.platform.spec.pricing;
  const waveOrder = (env: string, cluster: string) => {
    const order = clustersOf(r.ws.environments.find((e) => e.name === env) ?? {}).map((c) => c.name);
    return order.indexOf(cluster);
  };
  const rendered: RenderedObjects[] = r.result.rendered.map((x) => ({
    environment: x.environment,
    project: x.release.metadata.project,
    component: x.release.metadata.component,
    objects: x.objects,
    ...(x.clusters ? { clusters: [...x.clusters].sort((a, b) => waveOrder(x.environment, a.cluster) - waveOrder(x.environment, b.cluster)) } : {}),
  }));
  const environments = costByEnvironment(
    rendered,
    r.ws.environments.map((e) => e.name),
    pricing,
  );
  if (!input.usage) return { ok: true, report: { currency: pricing.currency, environments }, diagnostics: r.diagnostics, problems: [] };

  let kubeConfig: KubeConfigSource;
  try {
    const source: KubeConfigSource = input.kubeconfig ? { kind: "file", path: input.kubeconfig } : { kind: "default" };
    kubeConfig = { kind: "config", config: deps.loadKubeConfig(source, { ...variables }) };
  } catch (e) {
    const problem = `cannot load the kubeconfig${input.kubeconfig ? ` ${input.kubeconfig}` : ""}: ${message(e)}`;
    const usage = r.ws.environments.map((env): EnvironmentUsage => ({ environment: env.name, skipped: problem, suggestions: [] }));
    return { ok: true, report: { currency: pricing.currency, environments, usage }, diagnostics: r.diagnostics, problems: [problem] };
  }
  const usage = (
    await Promise.all(
      r.ws.environments.map((env) =>
        environmentUsage(
          env,
          rendered.filter((x) => x.environment === env.name),
          kubeConfig,
          pricing,
          deps,
        ),
      ),
    )
  ).flat();
  const problems = usage.flatMap((u) => (u.context !== undefined && u.skipped ? [`${clusterEnvironmentName(u.environment, u.cluster)}: ${u.skipped}`] : []));
  return { ok: true, report: { currency: pricing.currency, environments, usage }, diagnostics: r.diagnostics, problems };
}
