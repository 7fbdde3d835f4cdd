/**
 * Server-side printing: the `meta.k8s.io/v1 Table` the kube-apiserver returns when a client
 * (kubectl get) asks for `application/json;as=Table;v=v1;g=meta.k8s.io`. Columns follow the
 * real printers for Deployments and Pods; other kinds get Name and Age.
 */
import type { KubeObject } from "./objects.js";
import type { ResourceType } from "./resources.js";

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

function col(name: string, type = "string", format = "", priority = 0): Column {
  return { name, type, format, description: name, priority };
}

/** Kubernetes' `duration.HumanDuration` (the AGE column). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.floor(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const y = Math.floor(hours / 24 / 365);
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${y}y` : `${y}y${d}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {};
}
function arr(v: unknown): Rec[] {
  return Array.isArray(v) ? v.map(rec) : [];
}
function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

function age(obj: KubeObject, now: number): string {
  const created = Date.parse(String(obj.metadata.creationTimestamp ?? ""));
  return Number.isNaN(created) ? "<unknown>" : humanDuration(now - created);
}

/** The STATUS column of `kubectl get pods` (kubectl's printPod, without init containers). */
export function podStatusColumn(pod: KubeObject): string {
  const status = rec(pod.status);
  let reason = typeof status.reason === "string" ? status.reason : String(status.phase ?? "Unknown");
  let hasRunning = false;
  const statuses = arr(status.containerStatuses);
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i] ?? {};
    const state = rec(cs.state);
    const waiting = rec(state.waiting);
    const terminated = rec(state.terminated);
    if (typeof waiting.reason === "string" && waiting.reason !== "") reason = waiting.reason;
    else if (typeof terminated.reason === "string" && terminated.reason !== "") reason = terminated.reason;
    else if (state.terminated !== undefined) reason = `ExitCode:${num(terminated.exitCode)}`;
    else if (state.running !== undefined && cs.ready === true) hasRunning = true;
  }
  if (reason === "Completed" && hasRunning) reason = "Running";
  if (pod.metadata.deletionTimestamp !== undefined) reason = "Terminating";
  return reason;
}

function podRestarts(pod: KubeObject, now: number): string {
  let restarts = 0;
  let last = 0;
  for (const cs of arr(rec(pod.status).containerStatuses)) {
    restarts += num(cs.restartCount);
    const finished = Date.parse(String(rec(rec(cs.lastState).terminated).finishedAt ?? ""));
    if (!Number.isNaN(finished) && finished > last) last = finished;
  }
  return last > 0 && restarts > 0 ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

function table(r: ResourceType): { columns: Column[]; cells: (o: KubeObject, now: number) => unknown[] } {
  switch (r.kind) {
    case "Deployment":
      return {
        columns: [col("Name", "string", "name"), col("Ready"), col("Up-to-date", "integer"), col("Available", "integer"), col("Age")],
        cells: (o, now) => {
          const spec = rec(o.spec);
          const status = rec(o.status);
          const desired = typeof spec.replicas === "number" ? spec.replicas : 1;
          return [o.metadata.name, `${num(status.readyReplicas)}/${desired}`, num(status.updatedReplicas), num(status.availableReplicas), age(o, now)];
        },
      };
    case "Pod":
      return {
        columns: [col("Name", "string", "name"), col("Ready"), col("Status"), col("Restarts"), col("Age")],
        cells: (o, now) => {
          const statuses = arr(rec(o.status).containerStatuses);
          const containers = arr(rec(o.spec).containers).length;
          const ready = statuses.filter((cs) => cs.ready === true).length;
          return [o.metadata.name, `${ready}/${containers}`, podStatusColumn(o), podRestarts(o, now), age(o, now)];
        },
      };
    default:
      return { columns: [col("Name", "string", "name"), col("Age")], cells: (o, now) => [o.metadata.name, age(o, now)] };
  }
}

/** The Table for a list of objects of one resource type; rows carry PartialObjectMetadata. */
export function toTable(r: ResourceType, items: KubeObject[], resourceVersion: string, now: number): object {
  const t = table(r);
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: t.columns,
    rows: items.map((o) => ({
      cells: t.cells(o, now),
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
