/**
 * The API resources the fake Kubernetes API server knows, with the discovery documents and
 * server-side print columns (Table) the real kube-apiserver serves for them.
 */

/** One API resource (a collection such as `apps/v1 deployments`). */
export interface ResourceType {
  /** API group; "" for the core group. */
  group: string;
  version: string;
  /** Plural lowercase name used in paths. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** @default every verb (create, delete, ..., watch) */
  verbs?: string[];
}

/** Every resource the fake serves. */
export const RESOURCES: readonly ResourceType[] = [
  { group: "", version: "v1", resource: "pods", singular: "pod", kind: "Pod", namespaced: true, shortNames: ["po"], categories: ["all"] },
  { group: "", version: "v1", resource: "events", singular: "event", kind: "Event", namespaced: true, shortNames: ["ev"], categories: [] },
  {
    group: "apps",
    version: "v1",
    resource: "deployments",
    singular: "deployment",
    kind: "Deployment",
    namespaced: true,
    shortNames: ["deploy"],
    categories: ["all"],
  },
  {
    group: "apps",
    version: "v1",
    resource: "replicasets",
    singular: "replicaset",
    kind: "ReplicaSet",
    namespaced: true,
    shortNames: ["rs"],
    categories: ["all"],
  },
  {
    group: "apps",
    version: "v1",
    resource: "statefulsets",
    singular: "statefulset",
    kind: "StatefulSet",
    namespaced: true,
    shortNames: ["sts"],
    categories: ["all"],
  },
  { group: "batch", version: "v1", resource: "jobs", singular: "job", kind: "Job", namespaced: true, shortNames: [], categories: ["all"] },
  { group: "batch", version: "v1", resource: "cronjobs", singular: "cronjob", kind: "CronJob", namespaced: true, shortNames: ["cj"], categories: ["all"] },
  {
    group: "autoscaling",
    version: "v2",
    resource: "horizontalpodautoscalers",
    singular: "horizontalpodautoscaler",
    kind: "HorizontalPodAutoscaler",
    namespaced: true,
    shortNames: ["hpa"],
    categories: ["all"],
  },
];

/**
 * The other kinds Ferry renders (Services, ConfigMaps, ServiceAccounts, Namespaces,
 * NetworkPolicies, PodDisruptionBudgets), served when a test starts the fake with
 * `rendered: true` (drift reads them back).
 */
export const RENDERED_RESOURCES: readonly ResourceType[] = [
  { group: "", version: "v1", resource: "services", singular: "service", kind: "Service", namespaced: true, shortNames: ["svc"], categories: ["all"] },
  { group: "", version: "v1", resource: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true, shortNames: ["cm"], categories: [] },
  {
    group: "",
    version: "v1",
    resource: "serviceaccounts",
    singular: "serviceaccount",
    kind: "ServiceAccount",
    namespaced: true,
    shortNames: ["sa"],
    categories: [],
  },
  { group: "", version: "v1", resource: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false, shortNames: ["ns"], categories: [] },
  {
    group: "networking.k8s.io",
    version: "v1",
    resource: "networkpolicies",
    singular: "networkpolicy",
    kind: "NetworkPolicy",
    namespaced: true,
    shortNames: ["netpol"],
    categories: [],
  },
  {
    group: "policy",
    version: "v1",
    resource: "poddisruptionbudgets",
    singular: "poddisruptionbudget",
    kind: "PodDisruptionBudget",
    namespaced: true,
    shortNames: ["pdb"],
    categories: [],
  },
];

/**
 * The resource metrics API (`metrics.k8s.io/v1beta1` PodMetrics, as metrics-server serves it:
 * get and list only), served when a test starts the fake with `metrics: true` (`ferry cost
 * --usage` and `kubectl top pod` read it).
 */
export const METRICS_RESOURCES: readonly ResourceType[] = [
  {
    group: "metrics.k8s.io",
    version: "v1beta1",
    resource: "pods",
    singular: "",
    kind: "PodMetrics",
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ["get", "list"],
  },
];

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(r: { group: string; version: string }): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

/** The resource type of an object, from its apiVersion and kind. */
export function resourceForObject(apiVersion: string, kind: string, resources: readonly ResourceType[] = RESOURCES): ResourceType | undefined {
  return resources.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}

/** The resource type at `group/version/resource`. */
export function resourceAt(group: string, version: string, resource: string, resources: readonly ResourceType[] = RESOURCES): ResourceType | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** `GET /api`. */
export function coreVersions(serverAddress: string): object {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groups(resources: readonly ResourceType[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of resources) {
    if (r.group === "") continue;
    const versions = out.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    out.set(r.group, versions);
  }
  return out;
}

function apiGroup(name: string, versions: string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** `GET /apis`. */
export function groupList(resources: readonly ResourceType[] = RESOURCES): object {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups(resources)].map(([name, versions]) => apiGroup(name, versions)),
  };
}

/** `GET /apis/<group>`, or undefined for an unknown group. */
export function groupDocument(name: string, resources: readonly ResourceType[] = RESOURCES): object | undefined {
  const versions = groups(resources).get(name);
  return versions ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(name, versions) } : undefined;
}

/** `GET /api/v1` or `GET /apis/<group>/<version>`, or undefined for an unknown group version. */
export function resourceList(group: string, version: string, served: readonly ResourceType[] = RESOURCES): object | undefined {
  const rs = served.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: object[] = [];
  for (const r of rs) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs ?? VERBS,
      ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    });
    if (r.group === "" && r.resource === "pods") {
      resources.push({ name: "pods/log", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion({ group, version }), resources };
}

/** `GET /version`. */
export function versionInfo(): object {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-fake",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-01-01T00:00:00Z",
    goVersion: "go1.23.4",
    compiler: "gc",
    platform: "linux/amd64",
  };
}
