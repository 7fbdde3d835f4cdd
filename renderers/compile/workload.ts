/**
 * The objects Ferry renders for every component, whatever its type: the workload, its Service,
 * ServiceAccount and files ConfigMap.
 *
 * They are plain objects typed with kubernetes-models' interfaces (type-only imports), added to
 * the caller's cdk8s chart as `ApiObject`s. Measured on 1,000 components, this synthesizes in
 * about half the time of the cdk8s-plus-28 L1 `Kube*` classes, whose generated `toJson_*`
 * converters dominated the compile profile, and an order of magnitude faster than L2.
 */
import { ApiObject } from "cdk8s";
import type { ApiObjectProps, Chart } from "cdk8s";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import type { ComponentSpec, Endpoint, Probe } from "../model/index.js";
import { shortJson } from "../short-json.js";
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

type ObjectMeta = NonNullable<IDeployment["metadata"]>;

/** Metadata of a standard object: its name (the component's by default), namespace and labels. */
export function objectMeta(b: Build, name: string = b.name): ObjectMeta {
  return { name, namespace: b.input.namespace, labels: { ...b.labels } };
}

/** A typed Kubernetes object, as it goes into the chart. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: ObjectMeta;
}

/** Adds a typed object to the chart under a construct id unique within it. */
export function addToChart<T extends Manifest>(b: Build, id: string, obj: T): void {
  new ApiObject(b.chart, id, obj as unknown as ApiObjectProps);
}

/** `UDP` endpoints use UDP; everything else is TCP. */
export function protocolOf(type: Endpoint["type"] | ResolvedDependency["endpointType"]): "TCP" | "UDP" {
  return type === "UDP" ? "UDP" : "TCP";
}

/** ConfigMap keys for files, in order: the path with `/` as `_`, made unique with a counter. */
export function fileKeys(files: readonly { mountPath: string }[]): string[] {
  const used = new Set<string>();
  return files.map((f) => {
    const base =
      f.mountPath
        .replace(/^\/+/, "")
        .replace(/\//g, "_")
        .replace(/[^-._a-zA-Z0-9]/g, "-") || "file";
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    return key;
  });
}

function probe(p: Probe): IProbe {
  return {
    ...(p.httpGet ? { httpGet: { path: p.httpGet.path, port: p.httpGet.port } } : {}),
    ...(p.tcpSocket ? { tcpSocket: { port: p.tcpSocket.port } } : {}),
    ...(p.exec ? { exec: { command: [...p.exec.command] } } : {}),
    ...(p.grpc ? { grpc: { port: p.grpc.port } } : {}),
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  };
}

function envVars(spec: ComponentSpec, dependencies: readonly ResolvedDependency[]): IEnvVar[] {
  const out: IEnvVar[] = spec.container.env.map((e) => {
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
function resources(b: Build): IResourceRequirements | undefined {
  const override = b.type.environment.resources;
  const source = (override !== null && typeof override === "object" ? override : (b.input.release.spec.component.spec.container.resources ?? {})) as {
    cpu?: unknown;
    memory?: unknown;
  };
  const q = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  const cpu = q(source.cpu);
  const memory = q(source.memory);
  if (!cpu && !memory) return undefined;
  return {
    requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) },
    ...(memory ? { limits: { memory } } : {}),
  };
}

function container(b: Build, mounts: IVolumeMount[]): IContainer {
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

function podTemplate(b: Build, restartPolicy?: "OnFailure"): IPodTemplateSpec {
  const files = b.input.release.spec.component.spec.container.files;
  const keys = fileKeys(files);
  const volumes: IVolume[] = files.length > 0 ? [{ name: FILES_VOLUME, configMap: { name: `${b.name}-files` } }] : [];
  const mounts: IVolumeMount[] = files.map((f, i) => ({ name: FILES_VOLUME, mountPath: f.mountPath, subPath: keys[i], readOnly: true }));
  const spec: IPodSpec = {
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
  b.report.add(
    ["spec", "environments", b.input.environment.name, field],
    `${field} must be a non-negative integer for a ${b.input.release.spec.componentType.spec.workloadType} workload`,
    "compile/workload",
  );
  return fallback;
}

function cronJob(b: Build): void {
  const params = b.type.parameters;
  const schedule = params.schedule;
  if (typeof schedule !== "string" || schedule.trim() === "") {
    b.report.add(
      ["spec", "parameters", "schedule"],
      `a cronjob workload needs a schedule: ${b.type.label} must declare parameters.schedule and the component set it`,
      "compile/workload",
    );
    return;
  }
  const policy = params.concurrencyPolicy ?? "Forbid";
  if (policy !== "Allow" && policy !== "Forbid" && policy !== "Replace") {
    b.report.add(["spec", "parameters", "concurrencyPolicy"], `${shortJson(policy)} is not one of "Allow", "Forbid", "Replace"`, "compile/workload");
    return;
  }
  const suspend = b.type.environment.suspend;
  addToChart<ICronJob>(b, "workload", {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: objectMeta(b),
    spec: {
      schedule,
      concurrencyPolicy: policy,
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
      addToChart<IDeployment>(b, "workload", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: objectMeta(b),
        spec: { replicas: integerSetting(b, "replicas", 1), selector, template: podTemplate(b) },
      });
      return;
    case "statefulset":
      addToChart<IStatefulSet>(b, "workload", {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: objectMeta(b),
        spec: { replicas: integerSetting(b, "replicas", 1), serviceName: b.name, selector, template: podTemplate(b) },
      });
      return;
    case "cronjob":
      cronJob(b);
      return;
    case "job":
      addToChart<IJob>(b, "workload", { apiVersion: "batch/v1", kind: "Job", metadata: objectMeta(b), spec: { template: podTemplate(b, "OnFailure") } });
      return;
  }
}

/** Service (when there are endpoints), ServiceAccount and the files ConfigMap (when there are files). */
export function addCompanions(b: Build): void {
  const spec = b.input.release.spec.component.spec;
  const endpoints = Object.entries(spec.endpoints);
  if (endpoints.length > 0) {
    addToChart<IService>(b, "service", {
      apiVersion: "v1",
      kind: "Service",
      metadata: objectMeta(b),
      spec: {
        selector: { ...b.selector },
        ports: endpoints.map(([name, e]) => ({ name, port: e.port, targetPort: name, protocol: protocolOf(e.type) })),
      },
    });
  }
  addToChart<IServiceAccount>(b, "service-account", { apiVersion: "v1", kind: "ServiceAccount", metadata: objectMeta(b), automountServiceAccountToken: false });
  const files = spec.container.files;
  if (files.length > 0) {
    const keys = fileKeys(files);
    const data: Record<string, string> = {};
    files.forEach((f, i) => {
      data[keys[i]!] = f.value;
    });
    addToChart<IConfigMap>(b, "files", { apiVersion: "v1", kind: "ConfigMap", metadata: objectMeta(b, `${b.name}-files`), data });
  }
}
