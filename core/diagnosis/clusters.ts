/**
 * The diagnosis of an environment on several clusters (`environments[].clusters`), from each
 * cluster's own (its signals from its own Prometheus, its release's landing from its own folder,
 * its pods, events and logs from its own context). Pure.
 */
import { SEVERITY } from "../status/cluster-environment.js";
import type { Finding } from "../status/diagnose.js";
import type { Cause, CausesDiagnosis } from "./model.js";

/** One cluster's diagnosis, named. */
export interface ClusterDiagnosis {
  readonly cluster: string;
  readonly diagnosis: CausesDiagnosis;
}

/**
 * The environment's diagnosis from its clusters' (wave order): every cluster's causes, each naming
 * its cluster, ranked by their rank in their cluster then wave order; the worst status; findings and
 * notes prefixed with their cluster; observed only when every cluster was (no cause in a cluster not
 * observed is no all-clear); `unread` names clusters not diagnosed at all (e.g. running no release).
 */
export function aggregateClusterDiagnoses(
  environment: string,
  clusters: readonly ClusterDiagnosis[],
  unread: readonly { readonly cluster: string; readonly reason: string }[] = [],
): CausesDiagnosis {
  const [first] = clusters;
  if (!first) throw new Error("aggregateClusterDiagnoses needs at least one cluster's diagnosis");
  const causes: Cause[] = clusters
    .flatMap(({ cluster, diagnosis }, order) => diagnosis.causes.map((c) => ({ cause: { ...c, cluster }, order })))
    .sort((a, b) => a.cause.rank - b.cause.rank || a.order - b.order)
    .map(({ cause }, i) => ({ ...cause, rank: i + 1 }));
  const worst = clusters.reduce((a, c) => (SEVERITY[c.diagnosis.status] > SEVERITY[a.diagnosis.status] ? c : a));
  const findings: Finding[] = clusters.flatMap(({ cluster, diagnosis }) => diagnosis.findings.map((f) => ({ ...f, cause: `${cluster}: ${f.cause}` })));
  const summarised = clusters.find((c) => c.diagnosis.summary !== "");
  const releases = [...new Set(clusters.map((c) => c.diagnosis.release))];
  const release = releases.length === 1 && unread.length === 0 ? releases[0] : undefined;
  const landings = clusters.map((c) => c.diagnosis.landedAt).filter((t): t is number => t !== undefined);
  const notes = [
    ...clusters.flatMap(({ cluster, diagnosis }) => diagnosis.notes.map((n) => `${cluster}: ${n}`)),
    ...unread.map((u) => `${u.cluster}: not diagnosed (${u.reason})`),
  ];
  if (releases.length > 1)
    notes.push(`the clusters run different releases: ${clusters.map((c) => `${c.cluster}: ${c.diagnosis.release ?? "unknown"}`).join("; ")}`);
  return {
    key: { ...first.diagnosis.key, environment },
    status: unread.length > 0 && SEVERITY[worst.diagnosis.status] < SEVERITY.Unknown ? "Unknown" : worst.diagnosis.status,
    summary: summarised ? `${summarised.cluster}: ${summarised.diagnosis.summary}` : "",
    findings,
    ...(release !== undefined ? { release } : {}),
    ...(release !== undefined && landings.length > 0 ? { landedAt: Math.min(...landings) } : {}),
    causes,
    observed: unread.length === 0 && clusters.every((c) => c.diagnosis.observed),
    notes,
  };
}
