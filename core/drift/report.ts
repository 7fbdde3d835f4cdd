/**
 * The drift report: assembled from the environment and cluster comparisons, and written as text
 * (`ferry drift`) and JSON (`ferry drift --json`); the check run's conclusion here, its Markdown in
 * presentation/markdown/drift-check.ts. Pure.
 */
import type { DriftFinding, DriftNote, DriftReport, EnvironmentClustersDrift, LiveFieldDiff, ObjectRef, ReleaseRow } from "./model.js";
import { refText } from "./model.js";
import { clusterEnvironmentName } from "../status/cluster-environment.js";
import type { EnvironmentsDrift } from "./environments.js";

/** The name of the check run on a GitOps branch head. */
export const DRIFT_CHECK = "Ferry / drift";

/** The parts a report is made of. */
export interface DriftParts {
  /** The environments looked at, in the platform's order. */
  readonly environments: readonly string[];
  readonly between: EnvironmentsDrift;
  /** Per environment whose cluster was read: its findings. */
  readonly clusters: readonly { readonly environment: string; readonly findings: readonly DriftFinding[] }[];
  readonly notes?: readonly DriftNote[];
  readonly problems?: readonly string[];
  /** Each environment on several clusters: each cluster's state and the aggregate (core/drift/clusters.ts). */
  readonly clusterStates?: readonly EnvironmentClustersDrift[];
}

const KIND_ORDER: Record<DriftFinding["kind"], number> = { release: 0, environments: 1, missing: 2, modified: 3, orphan: 4 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort key of a finding after its kind: environment (in platform order), component or object. */
function sortKey(f: DriftFinding, order: readonly string[]): [number, number, string] {
  const idx = (e: string) => (order.includes(e) ? order.indexOf(e) : order.length);
  switch (f.kind) {
    case "release":
      return [KIND_ORDER[f.kind], 0, f.component];
    case "environments":
      return [
        KIND_ORDER[f.kind],
        0,
        `${f.component} ${String(idx(f.environments[0])).padStart(4, "0")} ${String(idx(f.environments[1])).padStart(4, "0")} ${f.object}`,
      ];
    default:
      return [
        KIND_ORDER[f.kind] + 10 * idx(f.environment),
        idx(f.environment),
        `${f.cluster === undefined ? "" : `${f.cluster} `}${f.object.kind}/${f.object.namespace ?? ""}/${f.object.name}`,
      ];
  }
}

/** The report, findings sorted: releases, environment differences, then per environment (in order) missing, modified, orphan. */
export function driftReport(parts: DriftParts): DriftReport {
  const order = parts.environments;
  const findings = [...parts.between.findings, ...parts.clusters.flatMap((c) => c.findings)].sort((a, b) => {
    const [ka, ia, sa] = sortKey(a, order);
    const [kb, ib, sb] = sortKey(b, order);
    return ka - kb || ia - ib || compareText(sa, sb);
  });
  const notes = [...parts.between.notes, ...(parts.notes ?? [])].sort(
    (a, b) => compareText(a.environment ?? "", b.environment ?? "") || compareText(a.component ?? "", b.component ?? "") || compareText(a.message, b.message),
  );
  const clusters = parts.clusterStates ?? [];
  return {
    environments: order,
    releases: parts.between.releases,
    findings,
    notes,
    problems: [...(parts.problems ?? [])].sort(),
    ...(clusters.length > 0 ? { clusters } : {}),
  };
}

/** True when the report found drift or could not look everywhere. */
export function hasDrift(report: DriftReport): boolean {
  return report.findings.length > 0;
}

/** A value as the reports show it: JSON, shortened; `(absent)` for a missing field. */
export function valueText(v: unknown, max = 80): string {
  if (v === undefined) return "(absent)";
  const text = JSON.stringify(v) ?? String(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A field path as the reports show it. */
export function pathText(path: string): string {
  return path === "" ? "(whole object)" : path;
}

/** A release as the reports show it (`-` for none). */
export function releaseText(r: string | null): string {
  return r ?? "-";
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

function liveLines(fields: readonly LiveFieldDiff[]): string[] {
  return fields.map((d) => `    ${pathText(d.path)}: git ${valueText(d.git)}, live ${valueText(d.live)}`);
}

function headline(f: DriftFinding, envs: readonly string[]): string {
  switch (f.kind) {
    case "release":
      return `${f.component}: ${envs.map((e) => `${e} ${releaseText(f.releases[e] ?? null)}`).join(", ")}`;
    case "environments":
      return f.onlyIn !== undefined
        ? `${f.component} ${f.object}: only in ${f.onlyIn}'s files (${f.environments.join(" and ")} run the same release)`
        : `${f.component} ${f.object}: ${f.environments.join(" and ")} differ beyond their declared overrides`;
    case "missing":
      return `${clusterEnvironmentName(f.environment, f.cluster)} ${refText(f.object)}: in git, missing in the cluster`;
    case "modified":
      return `${clusterEnvironmentName(f.environment, f.cluster)} ${refText(f.object)}: edited in the cluster`;
    case "orphan":
      return `${clusterEnvironmentName(f.environment, f.cluster)} ${refText(f.object)}: in the cluster, labelled as Ferry's, not in git`;
  }
}

/** The readable report: releases per component, then each finding with its fields, then notes. */
export function formatDriftText(report: DriftReport): string {
  const envs = report.environments;
  const out = table([
    ["COMPONENT", ...envs.map((e) => e.toUpperCase())],
    ...report.releases.map((r) => [r.component, ...envs.map((e) => releaseText(r.releases[e] ?? null))]),
  ]);
  if (report.releases.length === 0) out.push("(no components in the GitOps repositories)");
  out.push("");
  if (report.findings.length === 0) out.push("No drift.");
  else out.push(`Drift (${report.findings.length} finding${report.findings.length === 1 ? "" : "s"}):`);
  for (const f of report.findings) {
    out.push(`  ${f.kind === "release" ? "release differs: " : ""}${headline(f, envs)}`);
    if (f.kind === "modified") out.push(...liveLines(f.fields));
    if (f.kind === "environments")
      for (const d of f.fields)
        out.push(
          `    ${pathText(d.path)}: ${f.environments.map((e) => `${e} ${valueText(d.git[e])}`).join(", ")} (the release renders ${f.environments.map((e) => `${e} ${valueText(d.expected[e])}`).join(", ")})`,
        );
  }
  if (report.clusters !== undefined) {
    out.push("", "Clusters (an environment is clean only when every cluster is):");
    out.push(
      ...table(
        report.clusters.flatMap((e) => [
          [e.environment, e.state],
          ...e.clusters.map((c) => [
            clusterEnvironmentName(e.environment, c.name),
            c.state === "drift" ? `drift (${c.findings} finding${c.findings === 1 ? "" : "s"})` : c.state,
          ]),
        ]),
      ).map((l) => `  ${l}`),
    );
  }
  if (report.notes.length > 0) {
    out.push("", "Not compared:");
    for (const n of report.notes)
      out.push(`  ${[n.environment, n.component].filter(Boolean).join(" ")}${n.environment || n.component ? ": " : ""}${n.message}`);
  }
  return `${out.join("\n")}\n`;
}

function refJson(ref: ObjectRef): object {
  return { apiVersion: ref.apiVersion, kind: ref.kind, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), name: ref.name };
}

function orNull(v: unknown): unknown {
  return v === undefined ? null : v;
}

function findingJson(f: DriftFinding): object {
  switch (f.kind) {
    case "release":
      return f;
    case "environments":
      return {
        kind: f.kind,
        component: f.component,
        environments: f.environments,
        object: f.object,
        ...(f.onlyIn !== undefined ? { onlyIn: f.onlyIn } : {}),
        fields: f.fields.map((d) => ({
          path: d.path,
          git: Object.fromEntries(Object.entries(d.git).map(([k, v]) => [k, orNull(v)])),
          expected: Object.fromEntries(Object.entries(d.expected).map(([k, v]) => [k, orNull(v)])),
        })),
      };
    case "modified":
      return {
        kind: f.kind,
        environment: f.environment,
        ...(f.cluster !== undefined ? { cluster: f.cluster } : {}),
        object: refJson(f.object),
        fields: f.fields.map((d) => ({ path: d.path, git: orNull(d.git), live: orNull(d.live) })),
      };
    default:
      return { kind: f.kind, environment: f.environment, ...(f.cluster !== undefined ? { cluster: f.cluster } : {}), object: refJson(f.object) };
  }
}

/** The report as JSON-ready data (absent values as null). */
export function driftJson(report: DriftReport): object {
  return {
    drift: hasDrift(report),
    environments: report.environments,
    releases: report.releases.map((r: ReleaseRow) => ({ component: r.component, releases: r.releases })),
    findings: report.findings.map(findingJson),
    notes: report.notes,
    problems: report.problems,
    ...(report.clusters !== undefined ? { clusters: report.clusters } : {}),
  };
}

/** The check run's conclusion: failure for drift against git or the cluster, neutral while releases only differ, success otherwise. */
export function driftConclusion(report: DriftReport): "success" | "neutral" | "failure" {
  if (report.findings.some((f) => f.kind !== "release") || report.problems.length > 0) return "failure";
  return report.findings.length > 0 ? "neutral" : "success";
}

/** The part of a report about some environments (one GitOps repository's): every release row and release finding, the rest where it touches them. */
export function reportFor(report: DriftReport, environments: readonly string[]): DriftReport {
  const mine = (e: string | undefined) => e === undefined || environments.includes(e);
  return {
    ...report,
    findings: report.findings.filter((f) =>
      f.kind === "release" ? true : f.kind === "environments" ? f.environments.some((e) => environments.includes(e)) : environments.includes(f.environment),
    ),
    notes: report.notes.filter((n) => mine(n.environment)),
    ...(report.clusters !== undefined ? { clusters: report.clusters.filter((c) => environments.includes(c.environment)) } : {}),
  };
}
