import { describe, expect, it } from "vitest";
import { checkPolicies } from "../../policies/index.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { K8sObject } from "../../renderers/types.js";
import { component, configMap, cronJob, deployment, goodContainer, hpa, input, platform, release, service, statefulSet } from "./fixtures.js";

/** Findings of one policy only. */
function findings(objects: K8sObject[], code: string, over: Parameters<typeof input>[1] = {}): Diagnostic[] {
  return checkPolicies(input(objects, over)).filter((d) => d.code === `policy/${code}`);
}

const messages = (list: readonly Diagnostic[]) => list.map((d) => d.message);

describe("clean component", () => {
  it("passes every built-in in every environment", () => {
    const objects = [deployment(), service(), hpa(3), configMap(), cronJob()];
    for (const envName of ["dev", "staging", "prod"]) {
      expect(checkPolicies(input(objects, { envName, platform: platform({ allowedRegistries: ["ghcr.io/acme/"] }) }))).toEqual([]);
    }
  });
});

describe("resources-set", () => {
  it("reports each container missing requests or the memory limit, naming the fields", () => {
    const objects = [
      deployment({
        containers: [goodContainer({ resources: { requests: { cpu: "250m", memory: "256Mi" } } }), goodContainer({ name: "proxy", resources: undefined })],
        podSpec: { initContainers: [goodContainer({ name: "migrate", resources: { requests: { memory: "64Mi" }, limits: { memory: "64Mi" } } })] },
      }),
    ];
    const found = findings(objects, "resources-set", { envName: "dev" });
    expect(messages(found)).toEqual([
      'init container "migrate" has no resources.requests.cpu (cpu and memory requests and a memory limit are required)',
      'container "main" has no resources.limits.memory (cpu and memory requests and a memory limit are required)',
      'container "proxy" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory (cpu and memory requests and a memory limit are required)',
    ]);
    expect(found.map((d) => d.field)).toEqual([
      "spec.template.spec.initContainers[0].resources",
      "spec.template.spec.containers[0].resources",
      "spec.template.spec.containers[1].resources",
    ]);
  });

  it("checks CronJob containers under jobTemplate", () => {
    const found = findings([cronJob({ containers: [{ name: "report", image: "ghcr.io/acme/report:2.0.0" }] })], "resources-set");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ resource: "CronJob/nightly-report", field: "spec.jobTemplate.spec.template.spec.containers[0].resources" });
  });

  it("accepts numeric quantities and a missing CPU limit", () => {
    const c = goodContainer({ resources: { requests: { cpu: 1, memory: "1Gi" }, limits: { memory: "1Gi" } } });
    expect(findings([deployment({ containers: [c] })], "resources-set")).toEqual([]);
  });
});

describe("no-latest-tag", () => {
  const withImages = (...images: string[]) => deployment({ containers: images.map((image, i) => goodContainer({ name: `c${i}`, image })) });

  it("reports latest and untagged images in production", () => {
    const found = findings([withImages("nginx:latest", "ghcr.io/acme/api", "localhost:5000/acme/api", "ghcr.io/acme/api:1.2.3")], "no-latest-tag");
    expect(messages(found)).toEqual([
      'container "c0" image "nginx:latest" uses the latest tag; pin a version tag or an @sha256 digest',
      'container "c1" image "ghcr.io/acme/api" has no tag, so it pulls latest; pin a version tag or an @sha256 digest',
      'container "c2" image "localhost:5000/acme/api" has no tag, so it pulls latest; pin a version tag or an @sha256 digest',
    ]);
  });

  it("accepts digest-pinned images, even with a latest tag", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(findings([withImages(`ghcr.io/acme/api@${digest}`, `ghcr.io/acme/api:latest@${digest}`)], "no-latest-tag")).toEqual([]);
  });

  it("does not check environments that are not production", () => {
    expect(findings([withImages("nginx:latest")], "no-latest-tag", { envName: "staging" })).toEqual([]);
  });

  it("checks CronJob and ephemeral containers", () => {
    const objects = [
      cronJob({ containers: [goodContainer({ name: "report", image: "ghcr.io/acme/report:latest", readinessProbe: undefined })] }),
      deployment({ podSpec: { ephemeralContainers: [{ name: "debug", image: "busybox" }] } }),
    ];
    expect(findings(objects, "no-latest-tag").map((d) => d.resource)).toEqual(["CronJob/nightly-report", "Deployment/checkout-api"]);
  });
});

describe("allowed-registries", () => {
  const settings = { allowedRegistries: ["ghcr.io/acme/", "registry.acme.internal/"] };

  it("reports images from other registries", () => {
    const objects = [
      deployment({ containers: [goodContainer(), goodContainer({ name: "proxy", image: "docker.io/envoyproxy/envoy:v1.31.0" })] }),
      cronJob({ containers: [goodContainer({ name: "report", image: "ghcr.io/evil/acme:1.0.0" })] }),
    ];
    const found = findings(objects, "allowed-registries", { platform: platform(settings), envName: "dev" });
    expect(messages(found)).toEqual([
      'container "proxy" image "docker.io/envoyproxy/envoy:v1.31.0" is not from an allowed registry (ghcr.io/acme/, registry.acme.internal/)',
      'container "report" image "ghcr.io/evil/acme:1.0.0" is not from an allowed registry (ghcr.io/acme/, registry.acme.internal/)',
    ]);
  });

  it("allows every image when the list is empty", () => {
    const objects = [deployment({ containers: [goodContainer({ image: "docker.io/library/nginx:1.27.1" })] })];
    expect(findings(objects, "allowed-registries")).toEqual([]);
  });
});

describe("no-privileged", () => {
  it("reports privileged containers, host namespaces and hostPath volumes", () => {
    const objects = [
      deployment({
        containers: [goodContainer({ securityContext: { runAsNonRoot: true, privileged: true } })],
        podSpec: {
          hostNetwork: true,
          hostPID: true,
          hostIPC: true,
          volumes: [
            { name: "docker", hostPath: { path: "/var/run/docker.sock" } },
            { name: "tmp", emptyDir: {} },
          ],
        },
      }),
    ];
    const found = findings(objects, "no-privileged", { envName: "dev" });
    expect(messages(found)).toEqual([
      "the pod shares the host's network namespace (hostNetwork: true)",
      "the pod shares the host's process ID namespace (hostPID: true)",
      "the pod shares the host's IPC namespace (hostIPC: true)",
      'volume "docker" mounts the host path "/var/run/docker.sock"',
      'container "main" runs privileged (securityContext.privileged: true)',
    ]);
    expect(found.every((d) => d.severity === "error")).toBe(true);
  });

  it("reports a privileged init container of a CronJob, and passes explicit false", () => {
    const cj = cronJob({
      podSpec: { hostNetwork: false, initContainers: [goodContainer({ name: "setup", securityContext: { runAsNonRoot: true, privileged: true } })] },
    });
    const ok = deployment({ containers: [goodContainer({ securityContext: { runAsNonRoot: true, privileged: false } })] });
    expect(messages(findings([cj, ok], "no-privileged"))).toEqual(['init container "setup" runs privileged (securityContext.privileged: true)']);
  });
});

describe("run-as-non-root", () => {
  const noPodContext = { securityContext: undefined };

  it("accepts runAsNonRoot on the pod or on every container", () => {
    const onPod = deployment({ containers: [goodContainer({ securityContext: {} })] });
    const onContainers = deployment({ podSpec: noPodContext });
    expect(findings([onPod, onContainers], "run-as-non-root")).toEqual([]);
  });

  it("reports containers that may run as root", () => {
    const objects = [
      deployment({ containers: [goodContainer({ securityContext: undefined }), goodContainer({ name: "sidecar" })], podSpec: noPodContext }),
      deployment({ name: "b", containers: [goodContainer({ securityContext: { runAsNonRoot: false } })] }),
      cronJob({ containers: [goodContainer({ name: "report", securityContext: { runAsUser: 0 } })] }),
    ];
    expect(messages(findings(objects, "run-as-non-root"))).toEqual([
      'container "main" may run as root: neither the pod nor the container sets securityContext.runAsNonRoot: true',
      'container "main" sets securityContext.runAsNonRoot: false',
      'container "report" runs as user 0 (root)',
    ]);
  });
});

describe("readiness-probe", () => {
  it("reports serving containers behind a Service without a readiness probe", () => {
    const objects = [deployment({ containers: [goodContainer({ readinessProbe: undefined })] }), service()];
    const found = findings(objects, "readiness-probe");
    expect(messages(found)).toEqual(['container "main" receives traffic from Service "checkout-api" but has no readinessProbe']);
    expect(found[0]?.severity).toBe("warning");
  });

  it("only checks containers that expose a target port, falling back to all when none does", () => {
    const sidecar = goodContainer({ name: "log-shipper", ports: undefined, readinessProbe: undefined });
    expect(findings([deployment({ containers: [goodContainer(), sidecar] }), service()], "readiness-probe")).toEqual([]);
    const unnamed = [goodContainer({ ports: undefined, readinessProbe: undefined }), sidecar];
    expect(findings([deployment({ containers: unnamed }), service()], "readiness-probe").map((d) => d.message)).toEqual([
      'container "main" receives traffic from Service "checkout-api" but has no readinessProbe',
      'container "log-shipper" receives traffic from Service "checkout-api" but has no readinessProbe',
    ]);
  });

  it("matches numeric target ports and StatefulSets", () => {
    const objects = [statefulSet({ containers: [goodContainer({ readinessProbe: undefined })] }), service(undefined, [{ port: 80, targetPort: 8080 }])];
    expect(findings(objects, "readiness-probe").map((d) => d.resource)).toEqual(["StatefulSet/checkout-api"]);
  });

  it("ignores workloads no Service selects (workers) and jobs", () => {
    const worker = deployment({ containers: [goodContainer({ readinessProbe: undefined })] });
    expect(findings([worker], "readiness-probe")).toEqual([]);
    expect(findings([worker, service({ "app.kubernetes.io/name": "other" })], "readiness-probe")).toEqual([]);
    expect(findings([cronJob(), service()], "readiness-probe")).toEqual([]);
  });
});

describe("production-replicas", () => {
  it("reports Deployments and StatefulSets with fewer than 2 replicas in production", () => {
    const found = findings([deployment({ replicas: 1 }), statefulSet({ replicas: 1 })], "production-replicas");
    expect(messages(found)).toEqual([
      'Deployment "checkout-api" runs 1 replica(s) in production; set replicas to at least 2 or add an autoscaler with minReplicas >= 2',
      'StatefulSet "checkout-api" runs 1 replica(s) in production; set replicas to at least 2 or add an autoscaler with minReplicas >= 2',
    ]);
  });

  it("counts a missing replicas field as 1", () => {
    expect(findings([deployment({ replicas: null })], "production-replicas")).toHaveLength(1);
  });

  it("lets an autoscaler with minReplicas >= 2 satisfy it, and blames one with a lower minimum", () => {
    expect(findings([deployment({ replicas: null }), hpa(2)], "production-replicas")).toEqual([]);
    const low = findings([deployment({ replicas: 3 }), hpa(undefined)], "production-replicas");
    expect(low.map((d) => [d.resource, d.message])).toEqual([
      [
        "HorizontalPodAutoscaler/checkout-api-cpu",
        'HorizontalPodAutoscaler "checkout-api-cpu" lets Deployment "checkout-api" scale down to 1 replica(s) in production; minReplicas must be at least 2',
      ],
    ]);
  });

  it("ignores autoscalers of other workloads and non-production environments", () => {
    expect(findings([deployment({ replicas: 1 }), hpa(3, "other")], "production-replicas")).toHaveLength(1);
    expect(findings([deployment({ replicas: 1 })], "production-replicas", { envName: "dev" })).toEqual([]);
  });
});

describe("no-public-without-route", () => {
  const publicEndpoints = {
    endpoints: {
      http: { type: "HTTP", port: 8080, visibility: ["public"] },
      admin: { type: "HTTP", port: 9000, visibility: ["project", "public"] },
      metrics: { type: "HTTP", port: 9090, visibility: ["project"] },
    },
  };

  it("reports public endpoints no route trait exposes", () => {
    const c = component({ ...publicEndpoints, traits: [{ type: "route", name: "shop", parameters: { endpoint: "http", host: "shop.acme.example" } }] });
    const found = findings([deployment()], "no-public-without-route", { release: release(c), envName: "dev" });
    expect(found.map((d) => [d.resource, d.message, d.field])).toEqual([
      [
        "Component/checkout-api",
        'endpoint "admin" has public visibility but no route trait exposes it (add a trait of type route with endpoint: admin)',
        "spec.component.spec.endpoints.admin.visibility",
      ],
    ]);
  });

  it("passes when each public endpoint has a route, or the only endpoint has one without endpoint", () => {
    const routed = component({
      ...publicEndpoints,
      traits: [
        { type: "route", name: "shop", parameters: { endpoint: "http", host: "shop.acme.example" } },
        { type: "route", name: "admin", parameters: { endpoint: "admin", host: "admin.acme.example" } },
      ],
    });
    expect(findings([], "no-public-without-route", { release: release(routed) })).toEqual([]);
    const single = component({
      endpoints: { http: { type: "HTTP", port: 8080, visibility: ["public"] } },
      traits: [{ type: "route", name: "shop", parameters: { host: "shop.acme.example" } }],
    });
    expect(findings([], "no-public-without-route", { release: release(single) })).toEqual([]);
  });
});
