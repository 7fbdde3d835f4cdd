/**
 * What `ferry cost` (and the MCP tool `ferry_cost`) prints: the monthly estimate per environment,
 * project and component as JSON or a table, and the usage-based suggestions. Pure. Money is
 * rounded to cents and quantities to three decimals, so the output is byte-identical on re-runs.
 */
import type { CostEstimate, EnvironmentCost } from "./cost.js";
import { clusterEnvironmentName } from "./status/cluster-environment.js";
import { formatMoney, formatMoneyDelta, formatNumber, round } from "./cost.js";
import type { UsageSuggestion } from "./cost-usage.js";

/** One environment's usage read: its suggestions, or why it was not read. */
export interface EnvironmentUsage {
  readonly environment: string;
  /** The cluster, for an environment on several clusters: each is read through its own context. */
  readonly cluster?: string;
  readonly context?: string;
  /** Why no usage was read (no cluster context, unreachable, no metrics API). */
  readonly skipped?: string;
  readonly suggestions: readonly UsageSuggestion[];
}

/** Everything `ferry cost` reports. */
export interface CostReport {
  readonly currency: string;
  readonly environments: readonly EnvironmentCost[];
  /** Present with `--usage`. */
  readonly usage?: readonly EnvironmentUsage[];
}

/** Replicas counted (min) and the autoscalers' max, over the component's workloads. */
function replicasOf(e: CostEstimate): { min: number; max: number } | undefined {
  const workloads = e.lines.filter((l) => l.replicas > 0 || l.scaling !== undefined);
  if (workloads.length === 0) return undefined;
  return {
    min: workloads.reduce((s, l) => s + l.replicas, 0),
    max: workloads.reduce((s, l) => s + (l.scaling?.maxReplicas ?? l.replicas), 0),
  };
}

const money = (n: number) => round(n, 2);

/** One estimate's figures as JSON. */
function estimateJson(e: CostEstimate): object {
  const replicas = replicasOf(e);
  return {
    monthly: money(e.monthly),
    min: money(e.monthly),
    max: money(e.maxMonthly),
    ...(replicas ? { replicas: replicas.min, maxReplicas: replicas.max } : {}),
    cpu: round(e.cpu, 3),
    memoryGiB: round(e.memoryGiB, 3),
    storageGiB: round(e.storageGiB, 3),
  };
}

/** The JSON document: `{currency, environments: [{name, monthly, max, projects, components: [{project, component, monthly, min, max, ...}]}], usage?}`. */
export function costJson(report: CostReport): object {
  return {
    currency: report.currency,
    environments: report.environments.map((env) => ({
      name: env.environment,
      monthly: money(env.monthly),
      max: money(env.maxMonthly),
      projects: env.projects.map((p) => ({ project: p.project, monthly: money(p.monthly), max: money(p.maxMonthly) })),
      components: env.components.map((c) => ({
        project: c.project,
        component: c.component,
        ...estimateJson(c.estimate),
        ...(c.estimate.notes.length > 0 ? { notes: c.estimate.notes } : {}),
        ...(c.clusters ? { clusters: c.clusters.map((x) => ({ name: x.cluster, ...estimateJson(x.estimate) })) } : {}),
      })),
      ...(env.clusters ? { clusters: env.clusters.map((x) => ({ name: x.cluster, monthly: money(x.monthly), max: money(x.maxMonthly) })) } : {}),
    })),
    ...(report.usage
      ? {
          usage: report.usage.map((u) => ({
            environment: u.environment,
            ...(u.cluster !== undefined ? { cluster: u.cluster } : {}),
            ...(u.context ? { context: u.context } : {}),
            ...(u.skipped ? { skipped: u.skipped } : {}),
            suggestions: u.suggestions.map((s) => ({
              project: s.project,
              component: s.component,
              container: s.container,
              resource: s.resource,
              unit: s.resource === "cpu" ? "cores" : "bytes",
              request: round(s.request, 3),
              usage: round(s.usage, 3),
              ratio: round(s.ratio, 3),
              pods: s.pods,
              verdict: s.verdict,
              suggested: round(s.suggested, 3),
              replicas: s.replicas,
              monthlyDelta: money(s.monthlyDelta),
            })),
          })),
        }
      : {}),
  };
}

function table(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function replicasText(e: CostEstimate): string {
  const r = replicasOf(e);
  if (!r) return "-";
  return r.min === r.max ? String(r.min) : `${r.min}-${r.max}`;
}

/** The estimate as a table: one row per component, then per project and per environment totals. */
export function formatCostText(report: CostReport): string {
  const c = report.currency;
  const rows: string[][] = [["ENVIRONMENT", "COMPONENT", "REPLICAS", "CPU", "MEMORY GiB", "STORAGE GiB", "MONTHLY", "MAX"]];
  const notes: string[] = [];
  for (const env of report.environments) {
    const row = (where: string, name: string, e: CostEstimate) => [
      where,
      name,
      replicasText(e),
      formatNumber(e.cpu),
      formatNumber(e.memoryGiB),
      formatNumber(e.storageGiB),
      formatMoney(e.monthly, c),
      formatMoney(e.maxMonthly, c),
    ];
    for (const x of env.components) {
      rows.push(row(env.environment, `${x.project}/${x.component}`, x.estimate));
      // On several clusters: the component's row is the sum, then a row per cluster it runs in.
      for (const k of x.clusters ?? []) rows.push(row(clusterEnvironmentName(env.environment, k.cluster), `${x.project}/${x.component}`, k.estimate));
      notes.push(...x.estimate.notes.map((n) => `${env.environment} ${x.project}/${x.component}: ${n}`));
    }
    for (const p of env.projects)
      rows.push([env.environment, `${p.project} (project)`, "", "", "", "", formatMoney(p.monthly, c), formatMoney(p.maxMonthly, c)]);
    for (const k of env.clusters ?? [])
      rows.push([clusterEnvironmentName(env.environment, k.cluster), "total", "", "", "", "", formatMoney(k.monthly, c), formatMoney(k.maxMonthly, c)]);
    rows.push([env.environment, "total", "", "", "", "", formatMoney(env.monthly, c), formatMoney(env.maxMonthly, c)]);
  }
  const text = table(rows, new Set([2, 3, 4, 5, 6, 7]));
  const footer = "MONTHLY counts autoscaled workloads at minReplicas, MAX at maxReplicas.";
  return `${text}\n\n${footer}\n${notes.length > 0 ? `\nNot costed or counted as 0:\n${notes.map((n) => `  ${n}`).join("\n")}\n` : ""}`;
}

/** `250m` or `1.5` cores; `256Mi` or `1.5Gi`. */
export function formatAmount(resource: "cpu" | "memory", n: number): string {
  if (resource === "cpu") return n < 1 ? `${round(n * 1000, 1)}m` : formatNumber(n);
  const mi = n / 2 ** 20;
  return mi >= 1024 ? `${formatNumber(mi / 1024)}Gi` : `${round(mi, 1)}Mi`;
}

/** The usage suggestions as a table per environment, with every number they come from. */
export function formatUsageText(usage: readonly EnvironmentUsage[], currency: string): string {
  const out: string[] = [];
  for (const u of usage) {
    const title = `Usage in ${clusterEnvironmentName(u.environment, u.cluster)}${u.context ? ` (context ${u.context})` : ""}`;
    if (u.skipped) {
      out.push(`${title}: not read, ${u.skipped}`);
      continue;
    }
    if (u.suggestions.length === 0) {
      out.push(`${title}: no usage observed for the components`);
      continue;
    }
    const rows: string[][] = [["COMPONENT", "CONTAINER", "RESOURCE", "REQUEST", "USAGE", "USE", "PODS", "SUGGESTED", "REPLICAS", "MONTHLY DELTA", "VERDICT"]];
    for (const s of u.suggestions) {
      rows.push([
        `${s.project}/${s.component}`,
        s.container,
        s.resource,
        formatAmount(s.resource, s.request),
        formatAmount(s.resource, s.usage),
        `${Math.round(s.ratio * 100)}%`,
        String(s.pods),
        formatAmount(s.resource, s.suggested),
        String(s.replicas),
        formatMoneyDelta(s.monthlyDelta, currency),
        s.verdict === "over-provisioned" ? "over-provisioned: saving" : s.verdict === "under-provisioned" ? "under-provisioned: risk" : "ok",
      ]);
    }
    out.push(`${title}:\n${table(rows, new Set([3, 4, 5, 6, 7, 8, 9]))}`);
  }
  const rule =
    "Under 50% or over 90% of the request, the suggestion is the highest usage among the pods / 0.7, rounded up to 10m CPU or 16Mi memory; MONTHLY DELTA = (suggested - request) x replicas x price.";
  return `${out.join("\n\n")}\n\n${rule}\n`;
}
