/**
 * The one gatherer of a diagnosis's evidence, shared by `ferry diagnose` and ferry_diagnose
 * (operations/diagnose.ts), the status comment of a failed verification (flows/status) and the
 * portal's component page (portal/data.ts): the dependencies the release declares, each visible
 * dependency's signals (through the caller's Prometheus reader and its in-flight limit), one read
 * of the environment's cluster (pods, warning events, crashed containers' logs), the current logs
 * of the component's and its dependencies' pods (their first error lines), ranked by
 * core/diagnosis/rank.ts. What cannot be read is said in the notes, never dropped; a dependency
 * the viewer may not see is left out and named nowhere.
 */
import type { PodLogReader } from "../../adapters/kube/pod-logs.js";
import type { CausesDiagnosis, DependencyEvidence, PodLog } from "../../core/diagnosis/model.js";
import { diagnoseCauses } from "../../core/diagnosis/rank.js";
import { signalTraces } from "../../core/diagnosis/verification.js";
import type { SignalsReport } from "../../core/signals/report.js";
import type { ClusterObjects, Pod } from "../../core/status/cluster-objects.js";
import { componentKeys, keyString, selectComponent, type ComponentKey } from "../../core/status/components.js";
import { computeHealth, unknownHealth, type ComponentHealth } from "../../core/status/health.js";
import type { Dependency } from "../../renderers/model/index.js";
import { errorText } from "../errors.js";

/** The environment's cluster as read for the diagnosis, or why it was not. */
export type ClusterRead = { readonly snapshot: ClusterObjects } | { readonly note: string };

/** What {@link gatherEvidence} reads through (narrow ports: each front end binds its own). */
export interface EvidencePorts {
  /** The dependencies the release declares (its frozen Component); rejects when they cannot be read. */
  readonly dependencies: () => Promise<readonly Dependency[]>;
  /** One dependency's signals in the environment (the Prometheus reader of flows/signals, its in-flight limit). */
  readonly signalsOf: (project: string, component: string) => Promise<SignalsReport>;
  /** The environment's cluster. */
  readonly cluster: () => Promise<ClusterRead>;
  /** The pods' current logs (adapters/kube/pod-logs.ts); undefined: not read, said in the notes. */
  readonly podLogs: PodLogReader | undefined;
  /** Whether the viewer may see a dependency: one they may not is left out, unnamed. */
  readonly sees: (project: string, component: string) => boolean | Promise<boolean>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** What to diagnose: the component, its own signals as already read, and when its release landed. */
export interface EvidenceRequest {
  readonly key: ComponentKey;
  readonly report: SignalsReport;
  /** Unix seconds. @default unknown */
  readonly landedAt?: number | undefined;
  /** What the caller could not read (carried into the notes). @default none */
  readonly notes?: readonly string[];
}

/** Pods whose logs are read per component, at most. */
export const LOG_PODS = 5;
/** Lines of each container's log read. */
export const LOG_LINES = 50;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The running pods of a component, by name, at most {@link LOG_PODS}. */
function runningPods(objects: ClusterObjects): Pod[] {
  return objects.pods
    .filter((p) => p.status?.phase === "Running")
    .sort((a, b) => compare(a.metadata.name, b.metadata.name))
    .slice(0, LOG_PODS);
}

/** Reads the evidence (see the module comment) and ranks the causes. Never rejects for what it cannot read. */
export async function gatherEvidence(request: EvidenceRequest, ports: EvidencePorts): Promise<CausesDiagnosis> {
  const { key, report } = request;
  const notes: string[] = [...(request.notes ?? [])];

  let dependencies: readonly Dependency[] = [];
  try {
    dependencies = await ports.dependencies();
  } catch (e) {
    notes.push(`the dependencies of release ${report.release} could not be read (${errorText(e)}): dependencies unknown`);
  }
  const keys: (ComponentKey & { endpoint: string })[] = [];
  for (const dep of dependencies) {
    const project = dep.project ?? key.project;
    if (keys.some((k) => k.project === project && k.component === dep.component)) continue;
    if (!(await ports.sees(project, dep.component))) continue;
    keys.push({ project, component: dep.component, environment: key.environment, endpoint: dep.endpoint });
  }
  keys.sort((a, b) => compare(keyString(a), keyString(b)));

  const [cluster, depSignals] = await Promise.all([
    ports.cluster().catch((e: unknown): ClusterRead => ({ note: `the cluster was not read (${errorText(e)}): pods, events and logs not observed` })),
    Promise.all(
      keys.map((k) =>
        ports.signalsOf(k.project, k.component).then(
          (r) => {
            const unread = r.signals.filter((s) => s.value === null && s.series.length === 0).map((s) => s.name);
            if (unread.length > 0) notes.push(`not observed for ${k.project}/${k.component}: ${unread.join(", ")}`);
            return signalTraces(r);
          },
          (e: unknown) => {
            notes.push(`signals of ${k.project}/${k.component} not read: ${errorText(e)}`);
            return [];
          },
        ),
      ),
    ),
  ]);
  if ("note" in cluster) notes.push(cluster.note);
  const snapshot = "snapshot" in cluster ? cluster.snapshot : undefined;
  const running = snapshot ? componentKeys(snapshot).map(keyString) : [];
  const objectsOf = (k: ComponentKey): ClusterObjects | undefined => (snapshot && running.includes(keyString(k)) ? selectComponent(snapshot, k) : undefined);

  // The current logs of the component's and the dependencies' running pods, read once.
  const logsOf = async (k: ComponentKey): Promise<PodLog[]> => {
    const objects = objectsOf(k);
    const pods = objects ? runningPods(objects) : [];
    if (!ports.podLogs || pods.length === 0) return [];
    try {
      const read = await ports.podLogs(pods, LOG_LINES);
      notes.push(...read.errors);
      return read.logs.map((l) => ({ pod: l.pod, container: l.container, lines: l.lines }));
    } catch (e) {
      notes.push(`the logs of ${k.project}/${k.component}'s pods were not read: ${errorText(e)}`);
      return [];
    }
  };
  if (snapshot && !ports.podLogs) notes.push("the pods' logs were not read: no log reader for this cluster");
  const [ownLogs, ...depLogs] = await Promise.all([logsOf(key), ...keys.map(logsOf)]);

  const healthOf = (k: ComponentKey): ComponentHealth | undefined => {
    const objects = objectsOf(k);
    return objects ? computeHealth(objects, { now: ports.now() }) : undefined;
  };
  const evidence: DependencyEvidence[] = keys.map(({ endpoint, ...k }, i) => {
    const health = healthOf(k);
    return { key: k, endpoint, healthObserved: snapshot !== undefined, ...(health ? { health } : {}), signals: depSignals[i] ?? [], logs: depLogs[i] ?? [] };
  });
  const health = healthOf(key) ?? unknownHealth(snapshot ? `not running in ${key.environment}'s cluster` : "the cluster was not read");
  return diagnoseCauses({
    key,
    health,
    release: report.release,
    ...(request.landedAt !== undefined ? { landedAt: request.landedAt } : {}),
    signals: signalTraces(report),
    dependencies: evidence,
    logs: ownLogs ?? [],
    notes: [...new Set(notes)].sort(),
  });
}
