/**
 * The status overview of `ferry status` (and `/ferry status` replies): per environment, every
 * component's health, release, ready/desired and reason, with a diagnosis for those not healthy.
 * Pure: built from cluster snapshots, rendered as a text table or JSON (the Markdown is
 * presentation/markdown/status-overview.ts).
 */
import { diagnose, type Diagnosis } from "./diagnose.js";
import { computeHealth, unknownHealth, type ComponentHealth, type HealthStatus } from "./health.js";
import { aggregateClusterHealth } from "./cluster-environment.js";
import type { ClusterObjects } from "./cluster-objects.js";
import { componentKeys, selectComponent, type ComponentKey } from "./components.js";

/** Which components to show. */
export interface ComponentFilter {
  /** `name` or `project/name` entries. @default every component */
  readonly components?: readonly string[];
}

/** One component in one environment. */
export interface ComponentStatus {
  readonly key: ComponentKey;
  /** For an environment on several clusters: the aggregate (core/status/cluster-environment.ts), its message naming the clusters not Healthy. */
  readonly health: ComponentHealth;
  readonly diagnosis: Diagnosis;
  /** For an environment on several clusters: the component in each cluster, in wave order. @default on one cluster */
  readonly clusters?: readonly ClusterComponentStatus[];
}

/** One component in one cluster of an environment on several clusters. */
export interface ClusterComponentStatus {
  readonly name: string;
  readonly wave: number;
  readonly context: string;
  /** Why the cluster could not be read (the component is then NotObserved there). */
  readonly unreachable?: string;
  readonly health: ComponentHealth;
  readonly diagnosis: Diagnosis;
}

/** One cluster of an environment on several clusters as read: its components, or why it could not be read. */
export interface ClusterRead {
  readonly name: string;
  readonly wave: number;
  readonly context: string;
  readonly unreachable?: string;
  readonly components: readonly ComponentStatus[];
}

/**
 * The components of an environment on several clusters from each cluster's read (wave order): per
 * component the aggregate health (Healthy only when every cluster is, on one release; NotObserved
 * when a cluster is unreachable or lacks it) with each cluster's own beside it.
 */
export function clusterComponentStatuses(environment: string, reads: readonly ClusterRead[]): ComponentStatus[] {
  const keys = new Map<string, ComponentKey>();
  for (const r of reads) for (const c of r.components) keys.set(`${c.key.project}/${c.key.component}`, c.key);
  return [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, key]) => {
      const clusters = reads.map((r): ClusterComponentStatus => {
        const found = r.components.find((c) => c.key.project === key.project && c.key.component === key.component);
        const health: ComponentHealth = found
          ? found.health
          : { ...unknownHealth(r.unreachable !== undefined ? `unreachable: ${r.unreachable}` : "not found in this cluster"), status: "NotObserved" };
        return {
          name: r.name,
          wave: r.wave,
          context: r.context,
          ...(r.unreachable !== undefined ? { unreachable: r.unreachable } : {}),
          health,
          diagnosis: found ? found.diagnosis : diagnose({ key, health }),
        };
      });
      const aggregate = aggregateClusterHealth(
        clusters.map((c) => ({
          cluster: c.name,
          report: {
            status: c.health.status,
            ...(c.health.release !== undefined ? { release: c.health.release } : {}),
            detail: reasonText(c.health) || c.health.message,
          },
        })),
      );
      const releases = [...new Set(clusters.map((c) => c.health.release))];
      const health: ComponentHealth = {
        ...unknownHealth(aggregate.status === "Healthy" ? "" : (aggregate.detail ?? "")),
        status: aggregate.status,
        ...(aggregate.release !== undefined ? { release: aggregate.release } : {}),
        ...(releases.length === 1 && releases[0] !== undefined ? { release: releases[0] } : {}),
        readyReplicas: clusters.reduce((n, c) => n + c.health.readyReplicas, 0),
        desiredReplicas: clusters.reduce((n, c) => n + c.health.desiredReplicas, 0),
      };
      const envKey = { ...key, environment };
      return { key: envKey, health, diagnosis: { ...diagnose({ key: envKey, health }), findings: [] }, clusters };
    });
}

/** One environment: its components, or why they could not be read. */
export interface EnvironmentStatus {
  readonly environment: string;
  /** Kubeconfig context, when the environment has one. */
  readonly context?: string;
  /** Why the cluster could not be read. */
  readonly unreachable?: string;
  /** Why the environment was not looked at (no cluster context). */
  readonly skipped?: string;
  readonly components: readonly ComponentStatus[];
}

/** Whether `key` is selected by `filter`. */
export function selects(filter: ComponentFilter, key: ComponentKey): boolean {
  const wanted = filter.components ?? [];
  if (wanted.length === 0) return true;
  return wanted.some((w) => (w.includes("/") ? w === `${key.project}/${key.component}` : w === key.component));
}

/** The components of `environment` found in a snapshot, with health and diagnosis, sorted. */
export function componentStatuses(snapshot: ClusterObjects, environment: string, filter: ComponentFilter = {}, now?: number): ComponentStatus[] {
  return componentKeys(snapshot)
    .filter((k) => k.environment === environment && selects(filter, k))
    .map((key) => {
      const health = computeHealth(selectComponent(snapshot, key), now === undefined ? {} : { now });
      return { key, health, diagnosis: diagnose({ key, health }) };
    });
}

/** Statuses that count as fine for the exit code (Suspended is a choice, not a failure). */
/** The states that need no diagnosis. */
export const FINE: readonly HealthStatus[] = ["Healthy", "Suspended"];

/** What is wrong overall: one line per problem (empty when everything is fine). */
export function problems(envs: readonly EnvironmentStatus[], filter: ComponentFilter = {}): string[] {
  const out: string[] = [];
  for (const e of envs) {
    if (e.unreachable !== undefined) out.push(`${e.environment}: unreachable (${e.unreachable})`);
    for (const c of e.components) {
      if (!FINE.includes(c.health.status))
        out.push(`${e.environment} ${c.key.project}/${c.key.component}: ${c.health.status}${c.health.message ? ` (${c.health.message})` : ""}`);
    }
  }
  const looked = envs.filter((e) => e.unreachable === undefined && e.skipped === undefined);
  for (const wanted of filter.components ?? []) {
    const found = looked.some((e) => e.components.some((c) => selects({ components: [wanted] }, c.key)));
    if (!found && looked.length > 0) out.push(`${wanted}: not found in ${looked.map((e) => e.environment).join(", ")}`);
  }
  return out;
}

function releaseText(h: ComponentHealth): string {
  const running = h.release ?? "-";
  return h.desiredRelease !== undefined && h.desiredRelease !== h.release ? `${running} -> ${h.desiredRelease}` : running;
}

/** Why a component is not Healthy, on one line (empty when it is). */
export function reasonText(h: ComponentHealth): string {
  if (h.status === "Healthy") return "";
  return h.message.replace(/\s+/g, " ").trim();
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/** The readable overview: a table of every component, then notes and a diagnosis per component that is not fine. */
export function formatStatusText(envs: readonly EnvironmentStatus[]): string {
  const rows: string[][] = [["ENVIRONMENT", "COMPONENT", "STATUS", "RELEASE", "READY", "REASON"]];
  const notes: string[] = [];
  for (const e of envs) {
    if (e.skipped !== undefined) {
      notes.push(`${e.environment}: skipped (${e.skipped})`);
      continue;
    }
    if (e.unreachable !== undefined) {
      rows.push([e.environment, "-", "Unreachable", "-", "-", e.unreachable.replace(/\s+/g, " ")]);
      continue;
    }
    if (e.components.length === 0) notes.push(`${e.environment}: no components found${e.context ? ` in context ${e.context}` : ""}`);
    for (const c of e.components) {
      rows.push([
        e.environment,
        `${c.key.project}/${c.key.component}`,
        c.health.status,
        releaseText(c.health),
        `${c.health.readyReplicas}/${c.health.desiredReplicas}`,
        reasonText(c.health),
      ]);
      for (const k of c.clusters ?? []) {
        rows.push([
          `${e.environment}/${k.name}`,
          `${c.key.project}/${c.key.component}`,
          k.health.status,
          releaseText(k.health),
          `${k.health.readyReplicas}/${k.health.desiredReplicas}`,
          reasonText(k.health),
        ]);
      }
    }
  }
  const out = table(rows);
  if (notes.length > 0) out.push("", ...notes);
  for (const e of envs) {
    const looks = e.components.flatMap((c) => [
      { where: e.environment, c },
      ...(c.clusters ?? []).map((k) => ({ where: `${e.environment}/${k.name}`, c: { key: c.key, health: k.health, diagnosis: k.diagnosis } })),
    ]);
    for (const { where, c } of looks) {
      if (FINE.includes(c.health.status) || c.diagnosis.findings.length === 0) continue;
      out.push("", `${where} ${c.key.project}/${c.key.component}: ${c.health.status}`);
      for (const f of c.diagnosis.findings) {
        out.push(`  ${f.kind}: ${f.cause}`, `    suggestion: ${f.suggestion}`);
        if (f.logTail && f.logTail.length > 0) {
          out.push(`    last log lines of ${f.logSource ?? "the container"}:`, ...f.logTail.map((l) => `      | ${l}`));
        }
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** The overview as JSON-ready data (stable key order, sorted lists). */
export function statusJson(envs: readonly EnvironmentStatus[], filter: ComponentFilter = {}): object {
  const issues = problems(envs, filter);
  return {
    ok: issues.length === 0,
    problems: issues,
    environments: envs.map((e) => ({
      environment: e.environment,
      ...(e.context !== undefined ? { context: e.context } : {}),
      ...(e.unreachable !== undefined ? { unreachable: e.unreachable } : {}),
      ...(e.skipped !== undefined ? { skipped: e.skipped } : {}),
      components: e.components.map((c) => ({
        project: c.key.project,
        component: c.key.component,
        status: c.health.status,
        message: c.health.message,
        release: c.health.release ?? null,
        desiredRelease: c.health.desiredRelease ?? null,
        readyReplicas: c.health.readyReplicas,
        desiredReplicas: c.health.desiredReplicas,
        reasons: c.health.reasons,
        warnings: c.health.warnings,
        diagnosis: { summary: c.diagnosis.summary, findings: c.diagnosis.findings },
        ...(c.clusters
          ? {
              clusters: c.clusters.map((k) => ({
                name: k.name,
                wave: k.wave,
                context: k.context,
                ...(k.unreachable !== undefined ? { unreachable: k.unreachable } : {}),
                status: k.health.status,
                message: k.health.message,
                release: k.health.release ?? null,
                desiredRelease: k.health.desiredRelease ?? null,
                readyReplicas: k.health.readyReplicas,
                desiredReplicas: k.health.desiredReplicas,
                reasons: k.health.reasons,
                warnings: k.health.warnings,
                diagnosis: { summary: k.diagnosis.summary, findings: k.diagnosis.findings },
              })),
            }
          : {}),
      })),
    })),
  };
}
