/** Hand-built inputs for policy tests: a platform, components and rendered objects as plain JSON. */
import { CelEngine } from "../../renderers/cel.js";
import { Component, Platform } from "../../renderers/model/index.js";
import type { Environment, PolicySettings } from "../../renderers/model/index.js";
import { cutRelease } from "../../renderers/release.js";
import type { Release } from "../../renderers/release.js";
import type { K8sObject } from "../../renderers/types.js";
import { ComponentType } from "../../renderers/model/index.js";
import type { PolicyInput } from "../../policies/index.js";

/** A platform with dev, staging and a production prod; `policies` merged into its settings. */
export function platform(policies: Partial<PolicySettings> = {}): Platform {
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [{ name: "storefront", repos: ["acme/checkout-api"] }],
      environments: [
        { name: "dev", gitops: { repo: "acme/gitops", path: "environments/dev" } },
        { name: "staging", gitops: { repo: "acme/gitops", path: "environments/staging" } },
        { name: "prod", production: true, gitops: { repo: "acme/gitops-prod", path: "environments/prod" } },
      ],
      policies,
    },
  });
}

export function env(p: Platform, name: string): Environment {
  const e = p.spec.environments.find((x) => x.name === name);
  if (!e) throw new Error(`no environment ${name}`);
  return e;
}

/** The checkout-api component; `spec` fields override the defaults. */
export function component(spec: Record<string, unknown> = {}): Component {
  return Component.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Component",
    metadata: { name: "checkout-api", project: "storefront", labels: { team: "checkout" } },
    spec: {
      type: "service",
      container: { image: "ghcr.io/acme/checkout-api:1.4.2", resources: { cpu: "250m", memory: "256Mi" } },
      endpoints: { http: { type: "HTTP", port: 8080, visibility: ["project"] } },
      ...spec,
    },
  });
}

const serviceType = ComponentType.parse({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "ComponentType",
  metadata: { name: "service" },
  spec: { workloadType: "deployment" },
});

export function release(c: Component = component()): Release {
  return cutRelease(c, serviceType, []);
}

type Json = Record<string, unknown>;

/** A container that passes every built-in policy. */
export function goodContainer(overrides: Json = {}): Json {
  return {
    name: "main",
    image: "ghcr.io/acme/checkout-api:1.4.2",
    ports: [{ name: "http", containerPort: 8080 }],
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "256Mi" } },
    readinessProbe: { httpGet: { path: "/healthz", port: "http" } },
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
    ...overrides,
  };
}

const LABELS = { "app.kubernetes.io/name": "checkout-api", "ferry.dev/component": "checkout-api", "ferry.dev/project": "storefront" };

function podTemplate(containers: Json[], podSpec: Json): Json {
  return {
    metadata: { labels: { ...LABELS } },
    spec: { serviceAccountName: "checkout-api", securityContext: { runAsNonRoot: true }, containers, ...podSpec },
  };
}

/** A realistic Deployment as the compiler renders it. */
export function deployment(opts: { name?: string; replicas?: number | null; containers?: Json[]; podSpec?: Json } = {}): K8sObject {
  const spec: Json = {
    selector: { matchLabels: { ...LABELS } },
    template: podTemplate(opts.containers ?? [goodContainer()], opts.podSpec ?? {}),
  };
  if (opts.replicas !== null) spec.replicas = opts.replicas ?? 3;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: opts.name ?? "checkout-api", namespace: "storefront-prod", labels: { ...LABELS } },
    spec,
  };
}

export function statefulSet(opts: { replicas?: number; containers?: Json[] } = {}): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "checkout-api", namespace: "storefront-prod", labels: { ...LABELS } },
    spec: {
      replicas: opts.replicas ?? 3,
      serviceName: "checkout-api",
      selector: { matchLabels: { ...LABELS } },
      template: podTemplate(opts.containers ?? [goodContainer()], {}),
    },
  };
}

/** A CronJob: containers sit under spec.jobTemplate.spec.template.spec. */
export function cronJob(opts: { containers?: Json[]; podSpec?: Json } = {}): K8sObject {
  const containers = opts.containers ?? [goodContainer({ name: "report", readinessProbe: undefined, ports: undefined })];
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "nightly-report", namespace: "storefront-prod", labels: { ...LABELS } },
    spec: {
      schedule: "0 2 * * *",
      concurrencyPolicy: "Forbid",
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          template: {
            metadata: { labels: { ...LABELS } },
            spec: { restartPolicy: "OnFailure", securityContext: { runAsNonRoot: true }, containers, ...opts.podSpec },
          },
        },
      },
    },
  };
}

export function service(selector: Record<string, string> = { ...LABELS }, ports: Json[] = [{ name: "http", port: 8080, targetPort: "http" }]): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "checkout-api", namespace: "storefront-prod", labels: { ...LABELS } },
    spec: { selector, ports },
  };
}

export function hpa(minReplicas: number | undefined, target = "checkout-api", kind = "Deployment"): K8sObject {
  const spec: Json = {
    scaleTargetRef: { apiVersion: "apps/v1", kind, name: target },
    maxReplicas: 10,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
  };
  if (minReplicas !== undefined) spec.minReplicas = minReplicas;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "checkout-api-cpu", namespace: "storefront-prod", labels: { ...LABELS } },
    spec,
  };
}

export function configMap(): K8sObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "checkout-api-files", namespace: "storefront-prod" },
    data: { "config.yaml": "feature: on\n" },
  };
}

/** A policy input for the prod environment with sensible defaults; fields override. */
export function input(
  objects: K8sObject[],
  over: Partial<Omit<PolicyInput, "release" | "component">> & { release?: Release; envName?: string } = {},
): PolicyInput {
  const p = (over.platform as Platform | undefined) ?? platform();
  const { envName, release: rel, ...rest } = over;
  return {
    objects,
    platform: p,
    environment: env(p, envName ?? "prod"),
    cel: new CelEngine(),
    ...rest,
    release: rel ?? release(),
  };
}
