/**
 * The one-shot read of one kubeconfig context behind `ferry status`: every observed collection
 * listed once (no watch), Warning events kept only when they are about a listed object, and the
 * logs of failing containers.
 */
import { CoreV1Api } from "@kubernetes/client-node";
import { emptyObjects, logKey, objectId, sortedObjects, type ClusterObjects, type ClusterSnapshot } from "../../core/status/cluster-objects.js";
import { componentEvents } from "../../core/status/components.js";
import { OBSERVED, labelSelectorFor, listCollection, type ComponentSelector, type ObservedObject } from "./collections.js";
import { configForContext, loadKubeConfig, type KubeConfigSource } from "./kubeconfig.js";
import { logsWanted, readContainerLog } from "./logs.js";

/** Options of {@link snapshotCluster}. */
export interface SnapshotOptions {
  /** @default `{kind: "default"}` */
  kubeConfig?: KubeConfigSource;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default all namespaces */
  namespaces?: string[];
  /** Fetch previous-container logs of crashed containers. @default true */
  fetchLogs?: boolean;
  /** @default 20 */
  logTailLines?: number;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One-shot, list-only read of one context (for `ferry status`): lists every observed collection
 * once with the selector, keeps Warning events about the listed objects only, fetches logs of
 * crashed containers, and returns the snapshot. Rejects with every list failure at once.
 */
export async function snapshotCluster(context: string, selector: ComponentSelector = {}, options: SnapshotOptions = {}): Promise<ClusterSnapshot> {
  const kc = configForContext(loadKubeConfig(options.kubeConfig, options.env), context);
  const labelSelector = labelSelectorFor(selector);
  const namespaces: (string | undefined)[] = options.namespaces ?? [undefined];
  const listed = emptyObjects();
  const failures: string[] = [];
  await Promise.all(
    OBSERVED.flatMap((resource) =>
      namespaces.map(async (namespace) => {
        try {
          const { items, problems } = await listCollection(kc, resource, namespace, labelSelector);
          (listed[resource.field] as ObservedObject[]).push(...items.map((o) => ({ ...o, kind: resource.kind })));
          failures.push(...problems);
        } catch (e) {
          failures.push(`list ${resource.resource}${namespace ? ` in ${namespace}` : ""}: ${describe(e)}`);
        }
      }),
    ),
  );
  if (failures.length > 0) throw new Error(`cannot read context ${JSON.stringify(context)}: ${failures.sort().join("; ")}`);
  const objects = sortedObjects(listed);
  const seen = new Set(componentEvents(objects).map((e) => objectId(e)));
  objects.events = objects.events.filter((e) => seen.has(objectId(e)));
  if (options.fetchLogs ?? true) {
    const core = kc.makeApiClient(CoreV1Api);
    const tail = options.logTailLines ?? 20;
    await Promise.all(
      objects.pods.flatMap((pod) =>
        logsWanted(pod).map(async (want) => {
          try {
            const lines = await readContainerLog(core, pod, want, tail);
            if (lines.length > 0) objects.logs[logKey(pod.metadata.namespace ?? "", pod.metadata.name, want.container)] = lines;
          } catch {
            // logs are best effort: a pod may have been replaced since it was listed
          }
        }),
      ),
    );
  }
  const logs: ClusterObjects["logs"] = {};
  for (const k of Object.keys(objects.logs).sort()) {
    const lines = objects.logs[k];
    if (lines) logs[k] = lines;
  }
  return { context, ...objects, logs };
}
