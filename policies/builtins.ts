/**
 * Ferry's built-in guardrails: one explicit registry, name → definition.
 *
 * Each check looks at one component's rendered objects in one environment (and, for checks on
 * inputs, at the component itself) and returns every violation it finds, not just the first.
 * Platforms switch built-ins off with `policies.disable` and re-scope them with
 * `policies.configure.<name>`; the engine (`./index.ts`) applies that.
 */
import type { K8sObject } from "../renderers/types.js";
import { asArray, asNumber, asRecord, asString, get, isSet } from "./json.js";
import { POD_KINDS, SERVING_KINDS, containersOf, parseImage, podSpecs, selects } from "./pods.js";
import type { ContainerRef } from "./pods.js";
import type { BuiltinPolicy, PolicyContext, Violation } from "./types.js";

const IMAGE_SOURCE = ["spec", "container", "image"] as const;
const TYPE_SOURCE = ["spec", "type"] as const;

function quote(s: string): string {
  return JSON.stringify(s);
}

function describeContainer(c: ContainerRef): string {
  const what = c.list === "initContainers" ? "init container" : c.list === "ephemeralContainers" ? "ephemeral container" : "container";
  return `${what} ${quote(c.name)}`;
}

/** Every container of every pod-bearing object, including ephemeral ones when asked. */
function allContainers(objects: readonly K8sObject[], withEphemeral = false): ContainerRef[] {
  const lists = withEphemeral ? (["initContainers", "containers", "ephemeralContainers"] as const) : (["initContainers", "containers"] as const);
  return podSpecs(objects).flatMap((p) => containersOf(p, lists));
}

function images(objects: readonly K8sObject[]): { ref: ContainerRef; image: string }[] {
  return allContainers(objects, true).map((ref) => ({ ref, image: asString(ref.container.image) ?? "" }));
}

/** Where the component declares its resources for this environment (override first). */
function resourcesSource(ctx: PolicyContext): (string | number)[] {
  const env = ctx.environment.name;
  return ctx.component.spec.environments[env]?.resources !== undefined ? ["spec", "environments", env, "resources"] : ["spec", "container", "resources"];
}

const REQUIRED_RESOURCES = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "memory"],
] as const;

function resourcesSet(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const ref of allContainers(ctx.objects)) {
    const missing = REQUIRED_RESOURCES.filter((p) => !isSet(get(ref.container, ["resources", ...p]))).map((p) => `resources.${p.join(".")}`);
    if (missing.length === 0) continue;
    out.push({
      object: ref.pod.object,
      path: [...ref.path, "resources"],
      source: resourcesSource(ctx),
      message: `${describeContainer(ref)} has no ${missing.join(", ")} (cpu and memory requests and a memory limit are required)`,
    });
  }
  return out;
}

function noLatestTag(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const { ref, image } of images(ctx.objects)) {
    const parsed = parseImage(image);
    if (parsed.digest !== undefined) continue;
    let problem: string | undefined;
    if (parsed.tag === undefined) problem = "has no tag, so it pulls latest; pin a version tag or an @sha256 digest";
    else if (parsed.tag === "latest") problem = "uses the latest tag; pin a version tag or an @sha256 digest";
    if (!problem) continue;
    out.push({
      object: ref.pod.object,
      path: [...ref.path, "image"],
      source: IMAGE_SOURCE,
      message: `${describeContainer(ref)} image ${quote(image)} ${problem}`,
    });
  }
  return out;
}

function allowedRegistries(ctx: PolicyContext): Violation[] {
  const allowed = ctx.settings.allowedRegistries;
  if (allowed.length === 0) return [];
  const out: Violation[] = [];
  for (const { ref, image } of images(ctx.objects)) {
    if (allowed.some((prefix) => image.startsWith(prefix))) continue;
    out.push({
      object: ref.pod.object,
      path: [...ref.path, "image"],
      source: IMAGE_SOURCE,
      message: `${describeContainer(ref)} image ${quote(image)} is not from an allowed registry (${allowed.join(", ")})`,
    });
  }
  return out;
}

const HOST_NAMESPACES = [
  ["hostNetwork", "network"],
  ["hostPID", "process ID"],
  ["hostIPC", "IPC"],
] as const;

function noPrivileged(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const pod of podSpecs(ctx.objects)) {
    for (const [field, what] of HOST_NAMESPACES) {
      if (pod.spec[field] !== true) continue;
      out.push({
        object: pod.object,
        path: [...pod.path, field],
        source: TYPE_SOURCE,
        message: `the pod shares the host's ${what} namespace (${field}: true)`,
      });
    }
    asArray(pod.spec.volumes).forEach((raw, i) => {
      const volume = asRecord(raw);
      const hostPath = asRecord(volume?.hostPath);
      if (!volume || !hostPath) return;
      out.push({
        object: pod.object,
        path: [...pod.path, "volumes", i, "hostPath"],
        source: TYPE_SOURCE,
        message: `volume ${quote(asString(volume.name) ?? `#${i}`)} mounts the host path ${quote(asString(hostPath.path) ?? "")}`,
      });
    });
    for (const ref of containersOf(pod, ["initContainers", "containers", "ephemeralContainers"])) {
      if (get(ref.container, ["securityContext", "privileged"]) !== true) continue;
      out.push({
        object: pod.object,
        path: [...ref.path, "securityContext", "privileged"],
        source: TYPE_SOURCE,
        message: `${describeContainer(ref)} runs privileged (securityContext.privileged: true)`,
      });
    }
  }
  return out;
}

function runAsNonRoot(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const pod of podSpecs(ctx.objects)) {
    const podNonRoot = get(pod.spec, ["securityContext", "runAsNonRoot"]);
    const podUser = get(pod.spec, ["securityContext", "runAsUser"]);
    for (const ref of containersOf(pod)) {
      const own = get(ref.container, ["securityContext", "runAsNonRoot"]);
      const user = get(ref.container, ["securityContext", "runAsUser"]) ?? podUser;
      const base = { object: pod.object, source: TYPE_SOURCE };
      if (user === 0) {
        out.push({ ...base, path: [...ref.path, "securityContext", "runAsUser"], message: `${describeContainer(ref)} runs as user 0 (root)` });
        continue;
      }
      if (own === true || (own === undefined && podNonRoot === true)) continue;
      out.push({
        ...base,
        path: [...ref.path, "securityContext", "runAsNonRoot"],
        message:
          own === false
            ? `${describeContainer(ref)} sets securityContext.runAsNonRoot: false`
            : `${describeContainer(ref)} may run as root: neither the pod nor the container sets securityContext.runAsNonRoot: true`,
      });
    }
  }
  return out;
}

/** Ports a Service sends traffic to on its pods: each port's targetPort, or the port itself. */
function targetPorts(service: K8sObject): (string | number)[] {
  return asArray(get(service, ["spec", "ports"]))
    .map(asRecord)
    .filter((p): p is Record<string, unknown> => p !== undefined)
    .map((p) => (p.targetPort ?? p.port) as unknown)
    .filter((t): t is string | number => typeof t === "string" || typeof t === "number");
}

function servesPort(ref: ContainerRef, ports: readonly (string | number)[]): boolean {
  return asArray(ref.container.ports).some((raw) => {
    const p = asRecord(raw);
    return p !== undefined && ports.some((t) => (typeof t === "number" ? p.containerPort === t : p.name === t));
  });
}

/**
 * Containers behind a Service need a readiness probe. A workload is behind a Service when one of
 * the component's Services has a non-empty selector matching its pod template labels; of its
 * containers, those exposing one of the Service's target ports (by number or name) are checked,
 * or all of them when none declares a matching port.
 */
function readinessProbe(ctx: PolicyContext): Violation[] {
  const services = ctx.objects.filter((o) => o.kind === "Service");
  const out: Violation[] = [];
  for (const pod of podSpecs(ctx.objects, SERVING_KINDS)) {
    const behind = services.filter((s) => selects(asRecord(get(s, ["spec", "selector"])) ?? {}, pod.labels));
    if (behind.length === 0) continue;
    const ports = behind.flatMap(targetPorts);
    const containers = containersOf(pod, ["containers"]);
    const serving = containers.filter((c) => servesPort(c, ports));
    for (const ref of serving.length > 0 ? serving : containers) {
      if (asRecord(ref.container.readinessProbe)) continue;
      out.push({
        object: pod.object,
        path: [...ref.path, "readinessProbe"],
        source: ["spec", "container", "probes", "readiness"],
        message: `${describeContainer(ref)} receives traffic from Service ${behind.map((s) => quote(s.metadata.name)).join(", ")} but has no readinessProbe`,
      });
    }
  }
  return out;
}

function hpaTargets(hpa: K8sObject, obj: K8sObject): boolean {
  const ref = asRecord(get(hpa, ["spec", "scaleTargetRef"]));
  return ref !== undefined && ref.kind === obj.kind && ref.name === obj.metadata.name;
}

/**
 * Production workloads need two replicas at least. When a HorizontalPodAutoscaler targets the
 * workload it owns the replica count, so its minReplicas (default 1) must be >= 2; otherwise the
 * workload's replicas (default 1) must be.
 */
function productionReplicas(ctx: PolicyContext): Violation[] {
  const hpas = ctx.objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
  const autoscalerAt = ctx.component.spec.traits.findIndex((t) => t.type === "autoscaler");
  const out: Violation[] = [];
  for (const obj of ctx.objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")) {
    const scaling = hpas.filter((h) => hpaTargets(h, obj));
    if (scaling.length > 0) {
      for (const hpa of scaling) {
        const min = asNumber(get(hpa, ["spec", "minReplicas"])) ?? 1;
        if (min >= 2) continue;
        out.push({
          object: hpa,
          path: ["spec", "minReplicas"],
          source: autoscalerAt >= 0 ? ["spec", "traits", autoscalerAt, "parameters", "minReplicas"] : ["spec", "traits"],
          message: `HorizontalPodAutoscaler ${quote(hpa.metadata.name)} lets ${obj.kind} ${quote(obj.metadata.name)} scale down to ${min} replica(s) in production; minReplicas must be at least 2`,
        });
      }
      continue;
    }
    const replicas = asNumber(get(obj, ["spec", "replicas"])) ?? 1;
    if (replicas >= 2) continue;
    out.push({
      object: obj,
      path: ["spec", "replicas"],
      source: ["spec", "environments", ctx.environment.name, "replicas"],
      message: `${obj.kind} ${quote(obj.metadata.name)} runs ${replicas} replica(s) in production; set replicas to at least 2 or add an autoscaler with minReplicas >= 2`,
    });
  }
  return out;
}

/**
 * A public endpoint is only reachable through a route, so it needs a `route` trait pointing at
 * it: one whose `endpoint` parameter names it, or one without `endpoint` when the component has
 * a single endpoint.
 */
function noPublicWithoutRoute(ctx: PolicyContext): Violation[] {
  const { endpoints, traits } = ctx.component.spec;
  const names = Object.keys(endpoints).sort();
  const routes = traits.filter((t) => t.type === "route");
  const out: Violation[] = [];
  for (const name of names) {
    if (!endpoints[name]?.visibility.includes("public")) continue;
    const routed = routes.some((r) => {
      const target = r.parameters.endpoint;
      return target === name || (target === undefined && names.length === 1);
    });
    if (routed) continue;
    const path = ["spec", "endpoints", name, "visibility"];
    out.push({
      path,
      source: path,
      message: `endpoint ${quote(name)} has public visibility but no route trait exposes it (add a trait of type route with endpoint: ${name})`,
    });
  }
  return out;
}

/** Every built-in policy, by name. */
export const BUILTIN_POLICIES = {
  "resources-set": {
    description: "Every container (init containers too) sets cpu and memory requests and a memory limit.",
    severity: "error",
    scope: "all",
    appliesTo: POD_KINDS,
    check: resourcesSet,
  },
  "no-latest-tag": {
    description: "In production, no image uses the latest tag or no tag at all; a version tag or an @sha256 digest is required.",
    severity: "error",
    scope: "production",
    appliesTo: POD_KINDS,
    check: noLatestTag,
  },
  "allowed-registries": {
    description: "Every image starts with one of policies.allowedRegistries (no check when that list is empty).",
    severity: "error",
    scope: "all",
    appliesTo: POD_KINDS,
    check: allowedRegistries,
  },
  "no-privileged": {
    description: "No privileged containers, no hostNetwork, hostPID or hostIPC, no hostPath volumes.",
    severity: "error",
    scope: "all",
    appliesTo: POD_KINDS,
    check: noPrivileged,
  },
  "run-as-non-root": {
    description: "Every container runs as non-root: runAsNonRoot true on the pod or the container (not overridden to false), and never runAsUser 0.",
    severity: "error",
    scope: "all",
    appliesTo: POD_KINDS,
    check: runAsNonRoot,
  },
  "readiness-probe": {
    description: "Containers that receive traffic from a Service (the Service's selector matches their pod template) have a readinessProbe.",
    severity: "warning",
    scope: "all",
    appliesTo: SERVING_KINDS,
    check: readinessProbe,
  },
  "production-replicas": {
    description:
      "In production, Deployments and StatefulSets run at least 2 replicas: replicas >= 2, or minReplicas >= 2 on the HorizontalPodAutoscaler that scales them.",
    severity: "error",
    scope: "production",
    appliesTo: ["Deployment", "StatefulSet", "HorizontalPodAutoscaler"],
    check: productionReplicas,
  },
  "no-public-without-route": {
    description: "An endpoint with public visibility has a route trait that exposes it.",
    severity: "error",
    scope: "all",
    appliesTo: ["Component"],
    check: noPublicWithoutRoute,
  },
} as const satisfies Record<string, BuiltinPolicy>;

export type BuiltinPolicyName = keyof typeof BUILTIN_POLICIES;

/** Built-in names in registry order. */
export const BUILTIN_POLICY_NAMES = Object.keys(BUILTIN_POLICIES) as BuiltinPolicyName[];

/** Whether `name` is a built-in policy (own keys only). */
export function isBuiltinPolicy(name: string): name is BuiltinPolicyName {
  return Object.prototype.hasOwnProperty.call(BUILTIN_POLICIES, name);
}
