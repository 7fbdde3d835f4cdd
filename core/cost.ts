/**
 * Monthly cost estimates of rendered manifests from the Platform's `pricing`. Pure.
 *
 * What is counted: the CPU and memory requests of each workload's pod (Kubernetes' effective
 * request: the sum over containers and sidecar init containers, or the largest plain init
 * container when that is more) times its replicas, and the storage requested by
 * PersistentVolumeClaims and StatefulSet volume claim templates (times replicas). A workload
 * scaled by a HorizontalPodAutoscaler counts the autoscaler's `minReplicas` (Kubernetes' default
 * 1) instead of `spec.replicas`, and carries the range up to its `maxReplicas` (`scaling`,
 * `maxMonthly`). A container with only a limit is counted at its limit (as
 * Kubernetes defaults the request to it). Jobs, CronJobs and DaemonSets run an unknown number of
 * pods: they are listed in `notes`, not costed. Prices are per month: `cpu` per vCPU requested,
 * `memory` per GiB (2^30 bytes) requested, `storage` per GiB of volume.
 */
import { parseAllDocuments } from "yaml";
import type { Pricing } from "../renderers/model/index.js";
import type { K8sObject } from "../renderers/types.js";

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/**
 * The value of a Kubernetes quantity (`250m` → 0.25, `1Gi` → 1073741824, `1k` → 1000, `1e3` →
 * 1000, `1E` → 10^18); undefined when `q` is not one.
 */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === "number") return Number.isFinite(q) ? q : undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1 : 1;
  const base = Number(m[2]);
  const scale = m[3] !== undefined ? 10 ** Number(m[3]) : SUFFIX[m[4] ?? ""]!;
  return sign * base * scale;
}

const GIB = 2 ** 30;

/** One costed object. */
export interface CostLine {
  /** `Kind/name` */
  readonly resource: string;
  readonly replicas: number;
  /** vCPU requested in total (all replicas). */
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly storageGiB: number;
  readonly monthly: number;
  /** Only for a workload a HorizontalPodAutoscaler scales: its maxReplicas and the monthly cost at that many. */
  readonly scaling?: { readonly maxReplicas: number; readonly maxMonthly: number };
}

/** A monthly estimate of a set of objects. */
export interface CostEstimate {
  readonly currency: string;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly storageGiB: number;
  /** At the autoscalers' minReplicas: the figure. */
  readonly monthly: number;
  /** At the autoscalers' maxReplicas (equal to `monthly` without autoscalers). */
  readonly maxMonthly: number;
  /** Costed objects, sorted by resource. */
  readonly lines: readonly CostLine[];
  /** What was not costed and why (sorted). */
  readonly notes: readonly string[];
}

/** Before, after and the difference. */
export interface CostComparison {
  readonly before: CostEstimate;
  readonly after: CostEstimate;
  readonly delta: { readonly cpu: number; readonly memoryGiB: number; readonly storageGiB: number; readonly monthly: number };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => obj(o)?.[k], v);

interface Requests {
  cpu: number;
  memory: number;
}

function containerRequests(c: unknown, where: string, notes: string[]): Requests {
  const read = (what: "cpu" | "memory"): number => {
    const raw = at(c, "resources", "requests", what) ?? at(c, "resources", "limits", what);
    if (raw === undefined || raw === null) return 0;
    const v = typeof raw === "string" || typeof raw === "number" ? parseQuantity(raw) : undefined;
    if (v === undefined) {
      notes.push(`${where}: ${what} ${JSON.stringify(raw)} is not a Kubernetes quantity; counted as 0`);
      return 0;
    }
    return v;
  };
  return { cpu: read("cpu"), memory: read("memory") };
}

/** Kubernetes' effective pod request: max(sum of containers and sidecars, each plain init container). */
function podRequests(spec: unknown, where: string, notes: string[]): Requests {
  const sum: Requests = { cpu: 0, memory: 0 };
  const add = (r: Requests) => {
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  };
  for (const c of arr(at(spec, "containers"))) add(containerRequests(c, where, notes));
  const init: Requests[] = [];
  for (const c of arr(at(spec, "initContainers"))) {
    const r = containerRequests(c, where, notes);
    if (at(c, "restartPolicy") === "Always") add(r);
    else init.push(r);
  }
  return {
    cpu: Math.max(sum.cpu, ...init.map((r) => r.cpu)),
    memory: Math.max(sum.memory, ...init.map((r) => r.memory)),
  };
}

function storageOf(claimSpec: unknown, where: string, notes: string[]): number {
  const raw = at(claimSpec, "resources", "requests", "storage");
  if (raw === undefined || raw === null) return 0;
  const v = typeof raw === "string" || typeof raw === "number" ? parseQuantity(raw) : undefined;
  if (v === undefined) {
    notes.push(`${where}: storage ${JSON.stringify(raw)} is not a Kubernetes quantity; counted as 0`);
    return 0;
  }
  return v;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "ReplicaSet"]);
const UNCOUNTED: Readonly<Record<string, string>> = {
  Job: "a Job runs for an unknown time",
  CronJob: "a CronJob runs on a schedule",
  DaemonSet: "a DaemonSet runs one pod per node",
};

const key = (kind: string, ns: unknown, name: string) => `${kind}/${typeof ns === "string" ? ns : ""}/${name}`;

/** Estimates the monthly cost of `objects` at `pricing`. */
export function estimateCost(objects: readonly K8sObject[], pricing: Pricing): CostEstimate {
  const notes: string[] = [];
  const lines: CostLine[] = [];
  // Autoscalers by the workload they scale. The objects of an environment on several clusters come
  // cluster by cluster, each with the same workload names: the n-th workload of a name is scaled by
  // the n-th autoscaler naming it (its own cluster's), never by another cluster's.
  const hpa = new Map<string, { min: number; max: number }[]>();
  const taken = new Map<string, number>();
  const scaling = (k: string): { min: number; max: number } | undefined => {
    const list = hpa.get(k);
    if (!list) return undefined;
    const i = taken.get(k) ?? 0;
    taken.set(k, i + 1);
    return list[Math.min(i, list.length - 1)];
  };
  for (const o of objects) {
    if (o.kind !== "HorizontalPodAutoscaler") continue;
    const ref = at(o, "spec", "scaleTargetRef");
    const kind = at(ref, "kind");
    const name = at(ref, "name");
    const minSet = at(o, "spec", "minReplicas");
    const maxSet = at(o, "spec", "maxReplicas");
    if (typeof kind === "string" && typeof name === "string") {
      const min = typeof minSet === "number" ? minSet : 1;
      const k = key(kind, o.metadata.namespace, name);
      hpa.set(k, [...(hpa.get(k) ?? []), { min, max: typeof maxSet === "number" ? Math.max(min, maxSet) : min }]);
    }
  }
  const price = (cpu: number, memoryGiB: number, storageGiB: number) => cpu * pricing.cpu + memoryGiB * pricing.memory + storageGiB * pricing.storage;
  for (const o of objects) {
    const resource = `${o.kind}/${o.metadata.name}`;
    if (WORKLOADS.has(o.kind) || o.kind === "Pod") {
      const scaled = o.kind === "Pod" ? undefined : scaling(key(o.kind, o.metadata.namespace, o.metadata.name));
      const specReplicas = at(o, "spec", "replicas");
      const replicas = o.kind === "Pod" ? 1 : (scaled?.min ?? (typeof specReplicas === "number" ? specReplicas : 1));
      const pod = podRequests(o.kind === "Pod" ? at(o, "spec") : at(o, "spec", "template", "spec"), resource, notes);
      const claims =
        o.kind === "StatefulSet" ? arr(at(o, "spec", "volumeClaimTemplates")).reduce<number>((s, t) => s + storageOf(at(t, "spec"), resource, notes), 0) : 0;
      const cpu = pod.cpu * replicas;
      const memoryGiB = (pod.memory * replicas) / GIB;
      const storageGiB = (claims * replicas) / GIB;
      const monthly = price(cpu, memoryGiB, storageGiB);
      const perPod = price(pod.cpu, pod.memory / GIB, claims / GIB);
      lines.push({
        resource,
        replicas,
        cpu,
        memoryGiB,
        storageGiB,
        monthly,
        ...(scaled ? { scaling: { maxReplicas: scaled.max, maxMonthly: perPod * scaled.max } } : {}),
      });
    } else if (o.kind === "PersistentVolumeClaim") {
      const storageGiB = storageOf(at(o, "spec"), resource, notes) / GIB;
      lines.push({ resource, replicas: 0, cpu: 0, memoryGiB: 0, storageGiB, monthly: price(0, 0, storageGiB) });
    } else if (UNCOUNTED[o.kind]) {
      notes.push(`${resource} is not costed: ${UNCOUNTED[o.kind]}`);
    }
  }
  lines.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  const total = (f: (l: CostLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  return {
    currency: pricing.currency,
    cpu: total((l) => l.cpu),
    memoryGiB: total((l) => l.memoryGiB),
    storageGiB: total((l) => l.storageGiB),
    monthly: total((l) => l.monthly),
    maxMonthly: total((l) => l.scaling?.maxMonthly ?? l.monthly),
    lines,
    notes: [...new Set(notes)].sort(),
  };
}

/** Compares two estimates (after − before). */
export function compareCost(before: CostEstimate, after: CostEstimate): CostComparison {
  return {
    before,
    after,
    delta: {
      cpu: after.cpu - before.cpu,
      memoryGiB: after.memoryGiB - before.memoryGiB,
      storageGiB: after.storageGiB - before.storageGiB,
      monthly: after.monthly - before.monthly,
    },
  };
}

/** One component's objects as rendered for one environment (what {@link costByEnvironment} reads). */
export interface RenderedObjects {
  readonly environment: string;
  readonly project: string;
  readonly component: string;
  readonly objects: readonly K8sObject[];
  /** For an environment on several clusters: each cluster's objects (core/render.ts `RenderedCluster`). */
  readonly clusters?: readonly { readonly cluster: string; readonly objects: readonly K8sObject[] }[];
}

/** One component's estimate in one environment. */
export interface ComponentCost {
  readonly project: string;
  readonly component: string;
  /** For an environment on several clusters: the sum of its clusters' (the component runs once per cluster). */
  readonly estimate: CostEstimate;
  /** For an environment on several clusters: each cluster's estimate, in the order rendered. */
  readonly clusters?: readonly { readonly cluster: string; readonly estimate: CostEstimate }[];
}

/** A cluster's total in an environment on several clusters. */
export interface ClusterCost {
  readonly cluster: string;
  readonly monthly: number;
  readonly maxMonthly: number;
}

/** A project's total in one environment. */
export interface ProjectCost {
  readonly project: string;
  readonly monthly: number;
  readonly maxMonthly: number;
}

/** One environment: every component's estimate (sorted by project, then component) and the totals. */
export interface EnvironmentCost {
  readonly environment: string;
  readonly currency: string;
  readonly monthly: number;
  readonly maxMonthly: number;
  readonly projects: readonly ProjectCost[];
  readonly components: readonly ComponentCost[];
  /** For an environment on several clusters: each cluster's total (they add up to the environment's). */
  readonly clusters?: readonly ClusterCost[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Totals of components' estimates in one environment. */
export function environmentCost(environment: string, components: readonly ComponentCost[], currency: string): EnvironmentCost {
  const sorted = [...components].sort((a, b) => byName(a.project, b.project) || byName(a.component, b.component));
  const projects = [...new Set(sorted.map((c) => c.project))].map((project): ProjectCost => {
    const own = sorted.filter((c) => c.project === project);
    return { project, monthly: own.reduce((s, c) => s + c.estimate.monthly, 0), maxMonthly: own.reduce((s, c) => s + c.estimate.maxMonthly, 0) };
  });
  const clusterNames = [...new Set(sorted.flatMap((c) => (c.clusters ?? []).map((x) => x.cluster)))];
  const clusters = clusterNames.map((cluster): ClusterCost => {
    const own = sorted.flatMap((c) => (c.clusters ?? []).filter((x) => x.cluster === cluster));
    return { cluster, monthly: own.reduce((s, x) => s + x.estimate.monthly, 0), maxMonthly: own.reduce((s, x) => s + x.estimate.maxMonthly, 0) };
  });
  return {
    environment,
    currency,
    monthly: projects.reduce((s, p) => s + p.monthly, 0),
    maxMonthly: projects.reduce((s, p) => s + p.maxMonthly, 0),
    projects,
    components: sorted,
    ...(clusters.length > 0 ? { clusters } : {}),
  };
}

/** Several estimates as one (a component on several clusters): figures and lines added, notes once each. */
export function sumEstimates(estimates: readonly CostEstimate[], currency: string): CostEstimate {
  const add = (f: (e: CostEstimate) => number) => estimates.reduce((s, e) => s + f(e), 0);
  return {
    currency,
    cpu: add((e) => e.cpu),
    memoryGiB: add((e) => e.memoryGiB),
    storageGiB: add((e) => e.storageGiB),
    monthly: add((e) => e.monthly),
    maxMonthly: add((e) => e.maxMonthly),
    lines: estimates.flatMap((e) => e.lines),
    notes: [...new Set(estimates.flatMap((e) => e.notes))].sort(),
  };
}

/** One component's estimate: of its objects, or on several clusters, each cluster's and their sum. */
function componentCost(r: RenderedObjects, pricing: Pricing): ComponentCost {
  if (r.clusters === undefined || r.clusters.length === 0) return { project: r.project, component: r.component, estimate: estimateCost(r.objects, pricing) };
  const clusters = r.clusters.map((c) => ({ cluster: c.cluster, estimate: estimateCost(c.objects, pricing) }));
  return {
    project: r.project,
    component: r.component,
    estimate: sumEstimates(
      clusters.map((c) => c.estimate),
      pricing.currency,
    ),
    clusters,
  };
}

/** Per environment (in the order of `environments`): each component's monthly estimate and the totals per project and environment. */
export function costByEnvironment(rendered: readonly RenderedObjects[], environments: readonly string[], pricing: Pricing): EnvironmentCost[] {
  return environments.map((env) =>
    environmentCost(
      env,
      rendered.filter((r) => r.environment === env).map((r) => componentCost(r, pricing)),
      pricing.currency,
    ),
  );
}

/** The Kubernetes objects of rendered YAML files (path → text); unreadable documents are noted. */
export function objectsFromFiles(files: ReadonlyMap<string, string>): { objects: K8sObject[]; notes: string[] } {
  const objects: K8sObject[] = [];
  const notes: string[] = [];
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        notes.push(`${path}: not valid YAML (${doc.errors[0]!.message.split("\n")[0]})`);
        continue;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      const o = obj(value);
      if (!o || typeof o.kind !== "string" || typeof at(o, "metadata", "name") !== "string") {
        notes.push(`${path}: not a Kubernetes object`);
        continue;
      }
      objects.push(o as K8sObject);
    }
  }
  return { objects, notes };
}

/** Rounds to `digits` decimals, without `-0` (for display and JSON). */
export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(n * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** `EUR 12.30` */
export function formatMoney(amount: number, currency: string): string {
  return `${currency} ${round(amount, 2).toFixed(2)}`;
}

/** `+EUR 1.20`, `-EUR 0.50`, `EUR 0.00` */
export function formatMoneyDelta(amount: number, currency: string): string {
  const r = round(amount, 2);
  return r > 0 ? `+${formatMoney(r, currency)}` : r < 0 ? `-${formatMoney(-r, currency)}` : formatMoney(0, currency);
}

/** A quantity for display: at most 3 decimals, trailing zeros dropped; `signed` adds `+`. */
export function formatNumber(n: number, signed = false): string {
  const r = round(n, 3);
  const text = String(r);
  return signed && r > 0 ? `+${text}` : text;
}
