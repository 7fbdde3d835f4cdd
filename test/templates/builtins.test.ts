/**
 * Built-in component types and traits rendered: each gives objects that Kubernetes' own schemas
 * accept, with the shape the formats promise.
 */
import { describe, expect, it } from "vitest";
import { CelEngine } from "../../renderers/cel.js";
import { CompileCache } from "../../renderers/compile/cache.js";
import type { K8sObject } from "../../renderers/types.js";
import { schemaErrors } from "../support/k8s-schemas.js";
import { compileOk, componentYaml, dependency, find, kinds } from "../support/render-fixtures.js";

function expectValid(objects: readonly K8sObject[]): void {
  expect(objects.length).toBeGreaterThan(0);
  expect(objects.flatMap((o) => schemaErrors(o))).toEqual([]);
}

const SERVICE = componentYaml(
  "checkout-api",
  `
type: service
container:
  image: ghcr.io/acme/checkout-api:1.4.2
  command: [./server]
  args: [--port, "8080"]
  env:
    - {name: LOG_LEVEL, value: info}
    - {name: DB_PASSWORD, secretRef: {name: checkout-db, key: password}}
    - {name: FEATURES, configMapRef: {name: features, key: flags}}
  files:
    - {mountPath: /etc/checkout/config.yaml, value: "feature: on\\n"}
    - {mountPath: /etc/checkout/extra/config.yaml, value: "x: 1\\n"}
  resources: {cpu: 250m, memory: 256Mi}
  probes:
    readiness: {httpGet: {path: /healthz, port: http}}
    liveness: {tcpSocket: {port: 8080}, periodSeconds: 10}
endpoints:
  http: {type: HTTP, port: 8080, visibility: [project, organization, public], basePath: /api}
  metrics: {type: HTTP, port: 9090, visibility: [project]}
dependencies:
  - component: payments-api
    project: payments
    endpoint: http
    env: {url: PAYMENTS_URL, host: PAYMENTS_HOST, port: PAYMENTS_PORT}
traits:
  - type: autoscaler
    name: cpu
    parameters: {minReplicas: 2, maxReplicas: 10, targetCPUUtilization: 70}
  - type: route
    name: public
    parameters: {endpoint: http, host: shop.example.com, path: /api}
  - type: persistent-volume
    name: data
    parameters: {mountPath: /data, storageClass: fast}
  - type: pod-disruption-budget
    name: pdb
    parameters: {maxUnavailable: "50%"}
environments:
  dev: {replicas: 1}
  prod:
    replicas: 3
    resources: {cpu: 500m, memory: 1Gi}
    traits:
      cpu: {maxReplicas: 20}
      public: {host: shop.acme.com}
      data: {size: 20Gi}
`,
);

describe("type service with every built-in trait", () => {
  const dev = compileOk(SERVICE, { dependencies: [dependency()] });
  const prod = compileOk(SERVICE, { env: "prod", dependencies: [dependency({ namespace: "payments-prod" })] });

  it("renders objects valid against Kubernetes' schemas in every environment", () => {
    expectValid(dev);
    expectValid(prod);
  });

  it("renders exactly the expected objects, sorted by kind then name", () => {
    expect(kinds(dev)).toEqual([
      "ConfigMap/checkout-api-files",
      "Deployment/checkout-api",
      "HTTPRoute/checkout-api-public",
      "HorizontalPodAutoscaler/checkout-api",
      "NetworkPolicy/checkout-api-deny-all",
      "NetworkPolicy/checkout-api-egress",
      "NetworkPolicy/checkout-api-ingress",
      "PersistentVolumeClaim/checkout-api-data",
      "PodDisruptionBudget/checkout-api-pdb",
      "Service/checkout-api",
      "ServiceAccount/checkout-api",
    ]);
    expect(kinds(prod)).toContain("Ingress/checkout-api-public");
    expect(kinds(prod)).not.toContain("HTTPRoute/checkout-api-public");
  });

  it("labels every object and keeps selectors on stable labels only", () => {
    for (const o of dev) {
      expect(o.metadata.labels).toMatchObject({
        "app.kubernetes.io/name": "checkout-api",
        "app.kubernetes.io/instance": "checkout-api",
        "app.kubernetes.io/part-of": "storefront",
        "app.kubernetes.io/managed-by": "ferry",
        "app.kubernetes.io/component": "service",
        "ferry.dev/project": "storefront",
        "ferry.dev/component": "checkout-api",
        "ferry.dev/environment": "dev",
      });
      expect(o.metadata.labels?.["ferry.dev/release"]).toMatch(/^[0-9a-f]{12}$/);
      expect(o.metadata.namespace).toBe("storefront-dev");
    }
    const stable = { "ferry.dev/project": "storefront", "ferry.dev/component": "checkout-api" };
    const deployment = find(dev, "Deployment", "checkout-api");
    expect(deployment.spec.selector.matchLabels).toEqual(stable);
    expect(find(dev, "Service", "checkout-api").spec.selector).toEqual(stable);
    expect(find(dev, "PodDisruptionBudget", "checkout-api-pdb").spec.selector.matchLabels).toEqual(stable);
    expect(find(dev, "NetworkPolicy", "checkout-api-deny-all").spec.podSelector.matchLabels).toEqual(stable);
    expect(deployment.spec.template.metadata.labels["ferry.dev/release"]).toBe(deployment.metadata.labels["ferry.dev/release"]);
  });

  it("builds the main container: env, secretKeyRef, configMapKeyRef, dependency addresses", () => {
    const c = find(dev, "Deployment", "checkout-api").spec.template.spec.containers[0];
    expect(c.name).toBe("main");
    expect(c.image).toBe("ghcr.io/acme/checkout-api:1.4.2");
    expect(c.command).toEqual(["./server"]);
    expect(c.args).toEqual(["--port", "8080"]);
    expect(c.env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "checkout-db", key: "password" } } },
      { name: "FEATURES", valueFrom: { configMapKeyRef: { name: "features", key: "flags" } } },
      { name: "PAYMENTS_URL", value: "http://payments-api.payments-dev.svc.cluster.local:8443/v1" },
      { name: "PAYMENTS_HOST", value: "payments-api.payments-dev.svc.cluster.local" },
      { name: "PAYMENTS_PORT", value: "8443" },
    ]);
    expect(c.ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "metrics", containerPort: 9090, protocol: "TCP" },
    ]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: "/healthz", port: "http" } });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10 });
  });

  it("requests cpu and memory and limits memory only; an environment override replaces them", () => {
    const devRes = find(dev, "Deployment", "checkout-api").spec.template.spec.containers[0].resources;
    expect(devRes).toEqual({ requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "256Mi" } });
    const prodRes = find(prod, "Deployment", "checkout-api").spec.template.spec.containers[0].resources;
    expect(prodRes).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } });
  });

  it("runs with a restrictive security context and its own ServiceAccount without API tokens", () => {
    const pod = find(dev, "Deployment", "checkout-api").spec.template.spec;
    expect(pod.serviceAccountName).toBe("checkout-api");
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(find(dev, "ServiceAccount", "checkout-api").automountServiceAccountToken).toBe(false);
  });

  it("mounts each file from the ConfigMap with deterministic keys", () => {
    expect(find(dev, "ConfigMap", "checkout-api-files").data).toEqual({
      "etc_checkout_config.yaml": "feature: on\n",
      "etc_checkout_extra_config.yaml": "x: 1\n",
    });
    const pod = find(dev, "Deployment", "checkout-api").spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "ferry-files", configMap: { name: "checkout-api-files" } });
    expect(pod.containers[0].volumeMounts.slice(0, 2)).toEqual([
      { name: "ferry-files", mountPath: "/etc/checkout/config.yaml", subPath: "etc_checkout_config.yaml", readOnly: true },
      { name: "ferry-files", mountPath: "/etc/checkout/extra/config.yaml", subPath: "etc_checkout_extra_config.yaml", readOnly: true },
    ]);
  });

  it("exposes one Service port per endpoint, targeting the named container port", () => {
    expect(find(dev, "Service", "checkout-api").spec.ports).toEqual([
      { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
      { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
    ]);
  });

  it("autoscaler: HPA on the Deployment, per-environment bounds, and no replicas on the Deployment", () => {
    const hpa = find(dev, "HorizontalPodAutoscaler", "checkout-api");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "checkout-api" },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    });
    expect(find(prod, "HorizontalPodAutoscaler", "checkout-api").spec.maxReplicas).toBe(20);
    expect(find(dev, "Deployment", "checkout-api").spec).not.toHaveProperty("replicas");
  });

  it("route: an HTTPRoute on the environment's Gateway to the endpoint's Service port", () => {
    const route = find(dev, "HTTPRoute", "checkout-api-public");
    expect(route.apiVersion).toBe("gateway.networking.k8s.io/v1");
    expect(route.spec).toEqual({
      parentRefs: [{ name: "ferry", namespace: "gateway-system" }],
      hostnames: ["shop.example.com"],
      rules: [{ matches: [{ path: { type: "PathPrefix", value: "/api" } }], backendRefs: [{ name: "checkout-api", port: 8080 }] }],
    });
  });

  it("route: an Ingress where the environment sets routes: ingress, with its class and per-env host", () => {
    const ingress = find(prod, "Ingress", "checkout-api-public");
    expect(ingress.spec).toEqual({
      ingressClassName: "nginx",
      rules: [
        {
          host: "shop.acme.com",
          http: { paths: [{ path: "/api", pathType: "Prefix", backend: { service: { name: "checkout-api", port: { name: "http" } } } }] },
        },
      ],
    });
  });

  it("persistent-volume: PVC sized per environment, mounted into the main container", () => {
    const devPvc = find(dev, "PersistentVolumeClaim", "checkout-api-data");
    expect(devPvc.spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "1Gi" } } });
    expect(find(prod, "PersistentVolumeClaim", "checkout-api-data").spec.resources.requests.storage).toBe("20Gi");
    const pod = find(dev, "Deployment", "checkout-api").spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "checkout-api-data" } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "data", mountPath: "/data" });
  });

  it("pod-disruption-budget: only the bound that was set", () => {
    const pdb = find(dev, "PodDisruptionBudget", "checkout-api-pdb");
    expect(pdb.apiVersion).toBe("policy/v1");
    expect(pdb.spec.maxUnavailable).toBe("50%");
    expect(pdb.spec).not.toHaveProperty("minAvailable");
  });
});

describe("other built-in types", () => {
  it("web-application renders like a service", () => {
    const objects = compileOk(
      componentYaml(
        "shop-web",
        `
type: web-application
container: {image: "ghcr.io/acme/web:2", resources: {cpu: 100m, memory: 128Mi}}
endpoints:
  web: {type: HTTP, port: 3000, visibility: [public]}
traits:
  - {type: route, name: www, parameters: {endpoint: web, host: www.example.com}}
environments:
  dev: {replicas: 2}
`,
      ),
    );
    expectValid(objects);
    const d = find(objects, "Deployment", "shop-web");
    expect(d.spec.replicas).toBe(2);
    expect(d.metadata.labels["app.kubernetes.io/component"]).toBe("web-application");
    expect(find(objects, "HTTPRoute", "shop-web-www").spec.rules[0].matches[0].path.value).toBe("/");
  });

  it("worker renders a Deployment without Service and without ingress policy", () => {
    const objects = compileOk(
      componentYaml(
        "indexer",
        `
type: worker
container: {image: "ghcr.io/acme/indexer:1"}
traits:
  - {type: autoscaler, name: scale, parameters: {maxReplicas: 4}}
  - {type: persistent-volume, name: cache, parameters: {mountPath: /cache}}
`,
      ),
    );
    expectValid(objects);
    expect(kinds(objects)).toEqual([
      "Deployment/indexer",
      "HorizontalPodAutoscaler/indexer",
      "NetworkPolicy/indexer-deny-all",
      "NetworkPolicy/indexer-egress",
      "PersistentVolumeClaim/indexer-cache",
      "ServiceAccount/indexer",
    ]);
    const pod = find(objects, "Deployment", "indexer").spec.template.spec;
    expect(pod.volumes).toEqual([{ name: "cache", persistentVolumeClaim: { claimName: "indexer-cache" } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: "cache", mountPath: "/cache" }]);
    expect(pod.containers[0]).not.toHaveProperty("resources");
    expect(find(objects, "HorizontalPodAutoscaler", "indexer").spec).toMatchObject({ minReplicas: 1, maxReplicas: 4 });
  });

  it("scheduled-task renders a CronJob with defaults and per-environment suspend", () => {
    const yaml = componentYaml(
      "nightly-report",
      `
type: scheduled-task
container:
  image: "ghcr.io/acme/report:3"
  resources: {cpu: 50m, memory: 64Mi}
  files: [{mountPath: /etc/report.yaml, value: "a: b"}]
parameters: {schedule: "30 2 * * *", timeZone: Europe/Berlin}
traits:
  - {type: persistent-volume, name: out, parameters: {mountPath: /out}}
environments:
  prod: {suspend: true, resources: {memory: 256Mi}}
`,
    );
    const dev = compileOk(yaml);
    const prod = compileOk(yaml, { env: "prod" });
    expectValid(dev);
    expectValid(prod);
    expect(kinds(dev)).toEqual([
      "ConfigMap/nightly-report-files",
      "CronJob/nightly-report",
      "NetworkPolicy/nightly-report-deny-all",
      "NetworkPolicy/nightly-report-egress",
      "PersistentVolumeClaim/nightly-report-out",
      "ServiceAccount/nightly-report",
    ]);
    const cron = find(dev, "CronJob", "nightly-report");
    expect(cron.spec).toMatchObject({ schedule: "30 2 * * *", concurrencyPolicy: "Forbid", timeZone: "Europe/Berlin", suspend: false });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe("OnFailure");
    expect(pod.volumes).toEqual([
      { name: "ferry-files", configMap: { name: "nightly-report-files" } },
      { name: "out", persistentVolumeClaim: { claimName: "nightly-report-out" } },
    ]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "out", mountPath: "/out" });
    const prodCron = find(prod, "CronJob", "nightly-report");
    expect(prodCron.spec.suspend).toBe(true);
    expect(prodCron.spec.jobTemplate.spec.template.spec.containers[0].resources).toEqual({ requests: { memory: "256Mi" }, limits: { memory: "256Mi" } });
  });

  it("pod-disruption-budget with minAvailable", () => {
    const objects = compileOk(
      componentYaml(
        "api",
        `
type: service
container: {image: "ghcr.io/acme/api:1"}
endpoints: {grpc: {type: gRPC, port: 9000}}
traits: [{type: pod-disruption-budget, name: keep-one, parameters: {minAvailable: 1}}]
`,
      ),
    );
    expectValid(objects);
    expect(find(objects, "PodDisruptionBudget", "api-keep-one").spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: { "ferry.dev/project": "storefront", "ferry.dev/component": "api" } },
    });
  });

  it("egress: a NetworkPolicy to the given ranges and TCP ports, HTTPS anywhere by default", () => {
    const objects = compileOk(
      componentYaml(
        "bot",
        `
type: worker
container: {image: "ghcr.io/acme/bot:1"}
traits:
  - {type: egress, name: internet}
  - {type: egress, name: github, parameters: {cidrs: [0.0.0.0/0], except: [10.0.0.0/8, 192.168.0.0/16], ports: [443, 22]}}
`,
      ),
    );
    expectValid(objects);
    const selector = { matchLabels: { "ferry.dev/project": "storefront", "ferry.dev/component": "bot" } };
    expect(find(objects, "NetworkPolicy", "bot-internet").spec).toEqual({
      podSelector: selector,
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443, protocol: "TCP" }] }],
    });
    expect(find(objects, "NetworkPolicy", "bot-github").spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] } }],
        ports: [
          { port: 443, protocol: "TCP" },
          { port: 22, protocol: "TCP" },
        ],
      },
    ]);
  });

  it("uses the same CelEngine and cache across components without leaking state between them", () => {
    const cel = new CelEngine();
    const cache = new CompileCache();
    const a = compileOk(SERVICE, { cel, cache });
    const b = compileOk(SERVICE.replace(/checkout-api/g, "other-api"), { cel, cache });
    expect(find(b, "Deployment", "other-api").spec.template.spec.containers[0].volumeMounts).toHaveLength(3);
    expect(find(a, "Deployment", "checkout-api").spec.template.spec.containers[0].volumeMounts).toHaveLength(3);
    expect(find(b, "HTTPRoute", "other-api-public").spec.rules[0].backendRefs[0].name).toBe("other-api");
  });
});
