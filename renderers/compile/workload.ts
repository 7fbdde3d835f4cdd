/**
 * The objects Ferry renders for every component, whatever its type: the workload, its Service,
 * ServiceAccount and files ConfigMap. Built as cdk8s L1 (`Kube*`) constructs in the caller's
 * chart: typed, and much cheaper to synthesize than the L2 constructs.
 */
import type { Chart } from "cdk8s";
import {
  IntOrString,
  KubeConfigMap,
  KubeCronJob,
  KubeDeployment,
  KubeJob,
  KubeService,
  KubeServiceAccount,
  KubeStatefulSet,
  Quantity,
} from "cdk8s-plus-28/lib/imports/k8s.js";
import type {
  Container,
  EnvVar,
  ObjectMeta,
  PodSpec,
  PodTemplateSpec,
  Probe as K8sProbe,
  ResourceRequirements,
  Volume,
  VolumeMount,
} from "cdk8s-plus-28/lib/imports/k8s.js";
import type { ComponentSpec, Endpoint, Probe } from "../model/index.js";
import type { CompileInput, ResolvedDependency } from "../types.js";
import type { Scope } from "./checks.js";
import type { Report } from "./report.js";

/** Name of the container Ferry renders; trait patches address it as `containers/0`. */
export const MAIN_CONTAINER = "main";
/** Name of the pod volume holding container.files. */
export const FILES_VOLUME = "ferry-files";

/** What every builder here needs. */
export interface Build {
  readonly input: CompileInput;
  readonly chart: Chart;
  readonly report: Report;
  readonly type: Scope;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

export function meta(b: Build, name: string = b.name): ObjectMeta {
  return { name, namespace: b.input.namespace, labels: { ...b.labels } };
}

/** `UDP` endpoints use UDP; everything else is TCP. */
export function protocolOf(type: Endpoint["type"] | ResolvedDependency["endpointType"]): "TCP" | "UDP" {
  return type === "UDP" ? "UDP" : "TCP";
}

/** ConfigMap keys for files, in order: the path with `/` as `_`, made unique with a counter. */
export function fileKeys(files: readonly { mountPath: string }[]): string[] {
  const used = new Set<string>();
  return files.map((f) => {
    const base = f.mountPath.replace(/^\/+/, "").replace(/\//g, "_").replace(/[^-._a-zA-Z0-9]/g, "-") || "file";
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    return key;
  });
}

function portOf(port: number | string): IntOrString {
  return typeof port === "number" ? IntOrString.fromNumber(port) : IntOrString.fromString(port);
}

function probe(p: Probe): K8sProbe {
  return {
    ...(p.httpGet ? { httpGet: { path: p.httpGet.path, port: portOf(p.httpGet.port) } } : {}),
    ...(p.tcpSocket ? { tcpSocket: { port: portOf(p.tcpSocket.port) } } : {}),
    ...(p.exec ? { exec: { command: [...p.exec.command] } } : {}),
    ...(p.grpc ? { grpc: { port: p.grpc.port } } : {}),
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  };
}

function envVars(spec: ComponentSpec, dependencies: readonly ResolvedDependency[]): EnvVar[] {
  const out: EnvVar[] = spec.container.env.map((e) => {
    if (e.secretRef) return { name: e.name, valueFrom: { secretKeyRef: { name: e.secretRef.name, key: e.secretRef.key } } };
    if (e.configMapRef) return { name: e.name, valueFrom: { configMapKeyRef: { name: e.configMapRef.name, key: e.configMapRef.key } } };
    return { name: e.name, value: e.value ?? "" };
  });
  for (const d of dependencies) {
    if (d.env.url) out.push({ name: d.env.url, value: d.url });
    if (d.env.host) out.push({ name: d.env.host, value: d.host });
    if (d.env.port) out.push({ name: d.env.port, value: String(d.port) });
  }
  return out;
}

/** Requests cpu and memory, limit memory only; an environment's `resources` replaces the container's. */
function resources(b: Build): ResourceRequirements | undefined {
  const override = b.type.environment.resources;
  const source = (override !== null && typeof override === "object" ? override : b.input.release.spec.component.spec.container.resources ?? {}) as {
    cpu?: unknown;
    memory?: unknown;
  };
  const q = (v: unknown) => (v === undefined || v === null ? undefined : Quantity.fromString(String(v)));
  const cpu = q(source.cpu);
  const memory = q(source.memory);
  if (!cpu && !memory) return undefined;
  return {
    requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) },
    ...(memory ? { limits: { memory } } : {}),
  };
}

function container(b: Build, mounts: VolumeMount[]): Container {
  const spec = b.input.release.spec.component.spec;
  const c = spec.container;
  const probes = c.probes ?? {};
  const ports = Object.entries(spec.endpoints).map(([name, e]) => ({ name, containerPort: e.port, protocol: protocolOf(e.type) }));
  const env = envVars(spec, b.input.dependencies);
  return {
    name: MAIN_CONTAINER,
    image: c.image,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    ports: ports.length > 0 ? ports : undefined,
    env: env.length > 0 ? env : undefined,
    resources: resources(b),
    readinessProbe: probes.readiness ? probe(probes.readiness) : undefined,
    livenessProbe: probes.liveness ? probe(probes.liveness) : undefined,
    startupProbe: probes.startup ? probe(probes.startup) : undefined,
    volumeMounts: mounts.length > 0 ? mounts : undefined,
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

function podTemplate(b: Build, restartPolicy?: "OnFailure"): PodTemplateSpec {
  const files = b.input.release.spec.component.spec.container.files;
  const keys = fileKeys(files);
  const volumes: Volume[] = files.length > 0 ? [{ name: FILES_VOLUME, configMap: { name: `${b.name}-files` } }] : [];
  const mounts: VolumeMount[] = files.map((f, i) => ({ name: FILES_VOLUME, mountPath: f.mountPath, subPath: keys[i], readOnly: true }));
  const spec: PodSpec = {
    serviceAccountName: b.name,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [container(b, mounts)],
    volumes: volumes.length > 0 ? volumes : undefined,
    restartPolicy,
  };
  return { metadata: { labels: { ...b.labels } }, spec };
}

function integerSetting(b: Build, field: string, fallback: number): number {
  const v = b.type.environment[field];
  if (v === undefined) return fallback;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  b.report.add(["spec", "environments", b.input.environment.name, field], `${field} must be a non-negative integer for a ${b.input.release.spec.componentType.spec.workloadType} workload`, "compile/workload");
  return fallback;
}

function cronJob(b: Build): void {
  const params = b.type.parameters;
  const schedule = params.schedule;
  if (typeof schedule !== "string" || schedule.trim() === "") {
    b.report.add(["spec", "parameters", "schedule"], `a cronjob workload needs a schedule: ${b.type.label} must declare parameters.schedule and the component set it`, "compile/workload");
    return;
  }
  const suspend = b.type.environment.suspend;
  new KubeCronJob(b.chart, "workload", {
    metadata: meta(b),
    spec: {
      schedule,
      concurrencyPolicy: typeof params.concurrencyPolicy === "string" ? params.concurrencyPolicy : "Forbid",
      timeZone: typeof params.timeZone === "string" ? params.timeZone : undefined,
      suspend: typeof suspend === "boolean" ? suspend : false,
      jobTemplate: { metadata: { labels: { ...b.labels } }, spec: { template: podTemplate(b, "OnFailure") } },
    },
  });
}

/** The workload named after the component, by the type's workloadType. */
export function addWorkload(b: Build): void {
  const selector = { matchLabels: { ...b.selector } };
  switch (b.input.release.spec.componentType.spec.workloadType) {
    case "deployment":
      new KubeDeployment(b.chart, "workload", {
        metadata: meta(b),
        spec: { replicas: integerSetting(b, "replicas", 1), selector, template: podTemplate(b) },
      });
      return;
    case "statefulset":
      new KubeStatefulSet(b.chart, "workload", {
        metadata: meta(b),
        spec: { replicas: integerSetting(b, "replicas", 1), serviceName: b.name, selector, template: podTemplate(b) },
      });
      return;
    case "cronjob":
      cronJob(b);
      return;
    case "job":
      new KubeJob(b.chart, "workload", { metadata: meta(b), spec: { template: podTemplate(b, "OnFailure") } });
      return;
  }
}

/** Service (when there are endpoints), ServiceAccount and the files ConfigMap (when there are files). */
export function addCompanions(b: Build): void {
  const spec = b.input.release.spec.component.spec;
  const endpoints = Object.entries(spec.endpoints);
  if (endpoints.length > 0) {
    new KubeService(b.chart, "service", {
      metadata: meta(b),
      spec: {
        selector: { ...b.selector },
        ports: endpoints.map(([name, e]) => ({ name, port: e.port, targetPort: IntOrString.fromString(name), protocol: protocolOf(e.type) })),
      },
    });
  }
  new KubeServiceAccount(b.chart, "service-account", { metadata: meta(b), automountServiceAccountToken: false });
  const files = spec.container.files;
  if (files.length > 0) {
    const keys = fileKeys(files);
    const data: Record<string, string> = {};
    files.forEach((f, i) => {
      data[keys[i]!] = f.value;
    });
    new KubeConfigMap(b.chart, "files", { metadata: meta(b, `${b.name}-files`), data });
  }
}
