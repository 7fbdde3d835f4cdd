/**
 * The current logs of a component's pods, read on demand for a diagnosis (`flows/diagnosis`): a
 * pod can be Ready and still fail requests, so its running containers' last lines are read too,
 * not only the crashed ones the observer keeps (logs.ts). Bounded: the pods and lines asked for.
 */
import { CoreV1Api } from "@kubernetes/client-node";
import type { Pod } from "../../core/status/cluster-objects.js";
import { configForContext, loadKubeConfig, type KubeConfigSource } from "./kubeconfig.js";
import { readContainerLog } from "./logs.js";

/** One container's last lines. */
export interface ContainerLogTail {
  readonly pod: string;
  readonly container: string;
  readonly lines: readonly string[];
}

/** Reads the last `tailLines` of each container of `pods` (current instance); a log that cannot be read is in `errors`. */
export type PodLogReader = (pods: readonly Pod[], tailLines: number) => Promise<{ logs: ContainerLogTail[]; errors: string[] }>;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The containers running in `pod` (its spec's when it reports no status). */
function containersOf(pod: Pod): string[] {
  const statuses = pod.status?.containerStatuses;
  if (statuses && statuses.length > 0) return statuses.filter((c) => c.state?.running).map((c) => c.name);
  return (pod.spec?.containers ?? []).map((c) => c.name);
}

/** The reader of `context`'s pod logs through the kubeconfig `source` (throws when the context is not in it). */
export function podLogReader(context: string, source: KubeConfigSource = { kind: "default" }, env: NodeJS.ProcessEnv = process.env): PodLogReader {
  const core = configForContext(loadKubeConfig(source, env), context).makeApiClient(CoreV1Api);
  return async (pods, tailLines) => {
    const errors: string[] = [];
    const read = await Promise.all(
      pods.flatMap((pod) =>
        containersOf(pod).map(async (container): Promise<ContainerLogTail | undefined> => {
          try {
            const lines = await readContainerLog(core, pod, { container, previous: false, marker: "" }, tailLines);
            return { pod: pod.metadata.name, container, lines };
          } catch (e) {
            errors.push(`log of ${pod.metadata.name}/${container} not read: ${describe(e)}`);
            return undefined;
          }
        }),
      ),
    );
    return { logs: read.filter((l): l is ContainerLogTail => l !== undefined), errors: errors.sort() };
  };
}
