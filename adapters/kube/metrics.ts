/**
 * Observed usage for `ferry cost --usage`: the PodMetrics of `metrics.k8s.io/v1beta1` in given
 * namespaces, joined by name with the pods Ferry labels (the pods carry the component's labels;
 * metrics-server copies them, but the pods are the reference).
 */
import { z } from "zod";
import { PodMetrics, podUsage, type PodUsage } from "../../core/cost-usage.js";
import { kubeGet } from "./client.js";
import { OBSERVED, labelSelectorFor, listCollection, type ComponentSelector } from "./collections.js";
import { configForContext, loadKubeConfig, type KubeConfigSource } from "./kubeconfig.js";

/** Options of {@link readPodUsage}. */
export interface PodUsageOptions {
  /** @default `{kind: "default"}` */
  readonly kubeConfig?: KubeConfigSource;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

const PodMetricsList = z.looseObject({ items: z.array(PodMetrics).default([]) });

const PODS = OBSERVED.find((r) => r.resource === "pods")!;

/** The usage of Ferry's pods in `namespaces` of one context, sorted by namespace and pod. Rejects with every failed request at once. */
export async function readPodUsage(
  context: string,
  namespaces: readonly string[],
  selector: ComponentSelector,
  options: PodUsageOptions = {},
): Promise<PodUsage[]> {
  const kc = configForContext(loadKubeConfig(options.kubeConfig, options.env), context);
  const labelSelector = labelSelectorFor(selector);
  const failures: string[] = [];
  const out: PodUsage[] = [];
  await Promise.all(
    [...new Set(namespaces)].map(async (namespace) => {
      try {
        const [pods, metricsText] = await Promise.all([
          listCollection(kc, PODS, namespace, labelSelector),
          kubeGet(kc, `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`, { labelSelector }),
        ]);
        const labels = new Map(pods.items.map((p) => [p.metadata.name, p.metadata.labels ?? {}]));
        const metrics = PodMetricsList.parse(JSON.parse(metricsText));
        for (const m of metrics.items) {
          const own = labels.get(m.metadata.name);
          if (own) out.push(podUsage({ ...m, metadata: { ...m.metadata, namespace } }, own));
        }
      } catch (e) {
        failures.push(`read usage in ${namespace}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
  );
  if (failures.length > 0) throw new Error(`cannot read usage from context ${JSON.stringify(context)}: ${failures.sort().join("; ")}`);
  return out.sort((a, b) => (`${a.namespace}/${a.pod}` < `${b.namespace}/${b.pod}` ? -1 : 1));
}
