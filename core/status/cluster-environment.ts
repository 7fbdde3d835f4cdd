/**
 * An environment on several clusters (`environments[].clusters`), as status back sees it: the
 * name of one cluster's GitHub deployment environment, and the environment's aggregate health
 * from its clusters' reports.
 */
import type { HealthReport } from "../promotion/health.js";
import type { HealthStatus } from "./health.js";

/** The GitHub deployment environment of `cluster` of `environment`: `<env>/<cluster>`; `<env>` for an environment on one cluster. */
export function clusterEnvironmentName(environment: string, cluster?: string): string {
  return cluster === undefined ? environment : `${environment}/${cluster}`;
}

/** How bad a status is, for the aggregate (worst wins; NotObserved is handled before). */
export const SEVERITY: Record<HealthStatus, number> = { Healthy: 0, Suspended: 1, Progressing: 2, Unknown: 3, Degraded: 4, NotObserved: 5 };

/** One cluster's report, named. */
export interface ClusterReport {
  readonly cluster: string;
  readonly report: HealthReport;
}

/**
 * The environment's health from its clusters' (wave order): Healthy only when every cluster is
 * Healthy on the same release (since the latest of their `healthySince`), NotObserved when any
 * cluster is not observed, else the worst status; the detail names each cluster that is not
 * Healthy (e.g. "us-1: Degraded (CrashLoopBackOff)"), or the releases when they differ.
 */
export function aggregateClusterHealth(reports: readonly ClusterReport[]): HealthReport {
  if (reports.length === 0) return { status: "NotObserved", detail: "the environment lists no cluster" };
  const notHealthy = reports.filter((r) => r.report.status !== "Healthy");
  const named = (rs: readonly ClusterReport[]): string =>
    rs.map((r) => `${r.cluster}: ${r.report.status}${r.report.detail ? ` (${r.report.detail})` : ""}`).join("; ");
  const notObserved = reports.filter((r) => r.report.status === "NotObserved");
  if (notObserved.length > 0) return { status: "NotObserved", detail: named(notObserved) };
  const releases = [...new Set(reports.map((r) => r.report.release))];
  if (notHealthy.length === 0) {
    const release = releases.length === 1 ? releases[0] : undefined;
    if (release === undefined)
      return {
        status: "Progressing",
        detail: `clusters run different releases: ${reports.map((r) => `${r.cluster}: ${r.report.release ?? "unknown"}`).join("; ")}`,
      };
    const sinces = reports.map((r) => r.report.healthySince);
    const latest = sinces.every((s) => s !== undefined)
      ? sinces.reduce<Date | undefined>((a, s) => (a === undefined || (s && s.getTime() > a.getTime()) ? s : a), undefined)
      : undefined;
    return {
      status: "Healthy",
      release,
      ...(latest ? { healthySince: latest } : {}),
      detail: `${reports.length}/${reports.length} clusters Healthy`,
    };
  }
  const worst = notHealthy.reduce((a, r) => (SEVERITY[r.report.status] > SEVERITY[a.report.status] ? r : a));
  const release = releases.length === 1 ? releases[0] : undefined;
  return { status: worst.report.status, ...(release !== undefined ? { release } : {}), detail: named(notHealthy) };
}
