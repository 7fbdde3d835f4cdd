import { describe, expect, it } from "vitest";
import { BUILTIN_POLICY_NAMES, checkPolicies, checkPolicySettings, describePolicies } from "../../policies/index.js";
import { CelEngine } from "../../renderers/cel.js";
import { loadPlatformSources } from "../../renderers/load.js";
import type { Locator } from "../../renderers/types.js";
import { component, cronJob, deployment, goodContainer, hpa, input, platform, release, service } from "./fixtures.js";

/** A Deployment with one problem per built-in that looks at pods, plus a latest-tag sidecar. */
function badDeployment() {
  return deployment({
    replicas: 1,
    containers: [
      goodContainer({ image: "docker.io/library/nginx:latest", resources: undefined, readinessProbe: undefined, securityContext: { privileged: true } }),
      goodContainer({ name: "sidecar", image: "ghcr.io/acme/shipper", ports: undefined }),
    ],
    podSpec: { securityContext: undefined, hostNetwork: true },
  });
}

describe("checkPolicies", () => {
  it("reports every violation of a run, across policies and objects, with scope and location", () => {
    const p = platform({ allowedRegistries: ["ghcr.io/acme/"] });
    const c = component({ endpoints: { http: { type: "HTTP", port: 8080, visibility: ["public"] } } });
    const found = checkPolicies(
      input([badDeployment(), service(), cronJob({ containers: [{ name: "report", image: "busybox" }] })], { platform: p, release: release(c) }),
    );
    expect(found.map((d) => `${d.code} ${d.resource}`)).toEqual([
      "policy/resources-set Deployment/checkout-api",
      "policy/resources-set CronJob/nightly-report",
      "policy/no-latest-tag Deployment/checkout-api",
      "policy/no-latest-tag Deployment/checkout-api",
      "policy/no-latest-tag CronJob/nightly-report",
      "policy/allowed-registries Deployment/checkout-api",
      "policy/allowed-registries CronJob/nightly-report",
      "policy/no-privileged Deployment/checkout-api",
      "policy/no-privileged Deployment/checkout-api",
      "policy/run-as-non-root Deployment/checkout-api",
      "policy/readiness-probe Deployment/checkout-api",
      "policy/production-replicas Deployment/checkout-api",
      "policy/no-public-without-route Component/checkout-api",
    ]);
    for (const d of found) {
      expect(d).toMatchObject({ component: "storefront/checkout-api", environment: "prod", line: 0 });
      // Each built-in's finding names it by its id.
      expect(`policy/${d.policy}`).toBe(d.code);
    }
    expect(found[0]).toMatchObject({ file: "storefront/checkout-api/deployment-checkout-api.yaml", field: "spec.template.spec.containers[0].resources" });
    expect(found.at(-1)?.file).toBe(`releases/storefront/checkout-api/${release(c).metadata.name}.yaml`);
  });

  it("uses outputPath for the file when the component has no source", () => {
    const [d] = checkPolicies(input([deployment({ replicas: 1 })], { outputPath: (o) => `out/${o.kind}.yaml` }));
    expect(d).toMatchObject({ file: "out/Deployment.yaml", field: "spec.replicas", code: "policy/production-replicas" });
  });

  it("puts the component's file and line on findings when a locator is given", () => {
    const asked: string[] = [];
    const locate: Locator = (path) => {
      asked.push(path.join("."));
      return { file: "examples/apps/acme/checkout-api/.ferry/checkout-api.yaml", line: 12, column: 5 };
    };
    const found = checkPolicies(input([deployment({ containers: [goodContainer({ image: "ghcr.io/acme/api:latest" })] })], { locate }));
    expect(found).toEqual([
      {
        severity: "error",
        file: "examples/apps/acme/checkout-api/.ferry/checkout-api.yaml",
        line: 12,
        column: 5,
        field: "spec.container.image",
        message: 'container "main" image "ghcr.io/acme/api:latest" uses the latest tag; pin a version tag or an @sha256 digest',
        code: "policy/no-latest-tag",
        component: "storefront/checkout-api",
        environment: "prod",
        resource: "Deployment/checkout-api",
        policy: "no-latest-tag",
      },
    ]);
    expect(asked).toEqual(["spec.container.image"]);
  });

  it("points resource findings at the environment override when the component sets one", () => {
    const c = component({ environments: { prod: { replicas: 1, resources: { cpu: "1", memory: "1Gi" } } } });
    const paths: string[] = [];
    const locate: Locator = (path) => {
      paths.push(path.join("."));
      return { file: "c.yaml", line: 1, column: 1 };
    };
    checkPolicies(input([deployment({ replicas: 1, containers: [goodContainer({ resources: undefined })] })], { release: release(c), locate }));
    expect(paths).toEqual(["spec.environments.prod.resources", "spec.environments.prod.replicas"]);
  });

  it("accepts the component instead of a release", () => {
    const found = checkPolicies({ ...input([deployment({ replicas: 1 })]), release: undefined, component: component() });
    expect(found.map((d) => d.component)).toEqual(["storefront/checkout-api"]);
  });
});

describe("platform settings", () => {
  it("switches built-ins off with disable", () => {
    const p = platform({ disable: ["production-replicas", "no-latest-tag"] });
    const objects = [deployment({ replicas: 1, containers: [goodContainer({ image: "ghcr.io/acme/api:latest" })] })];
    expect(checkPolicies(input(objects))).toHaveLength(2);
    expect(checkPolicies(input(objects, { platform: p }))).toEqual([]);
  });

  it("re-scopes severity and environments with configure", () => {
    const p = platform({
      configure: {
        "no-latest-tag": { environments: ["staging"] },
        "production-replicas": { severity: "warning" },
        "readiness-probe": { severity: "error", environments: ["dev", "prod"] },
      },
    });
    const objects = [deployment({ replicas: 1, containers: [goodContainer({ image: "ghcr.io/acme/api:latest", readinessProbe: undefined })] }), service()];
    const run = (envName: string) => checkPolicies(input(objects, { platform: p, envName })).map((d) => `${d.severity} ${d.code}`);
    expect(run("dev")).toEqual(["error policy/readiness-probe"]);
    expect(run("staging")).toEqual(["error policy/no-latest-tag"]);
    expect(run("prod")).toEqual(["error policy/readiness-probe", "warning policy/production-replicas"]);
  });

  it("reports unknown names in disable and configure, and unknown environments, once per call", () => {
    const p = platform({
      disable: ["no-latest-tags", "run-as-non-root"],
      configure: {
        "resource-set": { severity: "warning" },
        "production-replicas": { environments: ["production"] },
        "run-as-non-root": { severity: "warning" },
      },
    });
    const found = checkPolicies(input([], { platform: p }));
    expect(found.map((d) => [d.severity, d.field, d.message])).toEqual([
      ["error", "spec.policies.disable[0]", `unknown built-in policy "no-latest-tags" in policies.disable; built-ins are ${BUILTIN_POLICY_NAMES.join(", ")}`],
      [
        "error",
        "spec.policies.configure.resource-set",
        `unknown built-in policy "resource-set" in policies.configure; built-ins are ${BUILTIN_POLICY_NAMES.join(", ")}`,
      ],
      ["error", "spec.policies.configure.production-replicas.environments[0]", 'unknown environment "production"; the platform has dev, staging, prod'],
      ["warning", "spec.policies.configure.run-as-non-root", 'built-in policy "run-as-non-root" is disabled, so its configure entry has no effect'],
    ]);
    expect(found.every((d) => d.code === "policy/settings" && d.file === ".ferry/platform.yaml")).toBe(true);
    // Entries of a built-in name it; unknown names are no policy.
    expect(found.map((d) => d.policy)).toEqual([undefined, undefined, "production-replicas", "run-as-non-root"]);
    expect(checkPolicies(input([], { platform: p, checkSettings: false }))).toEqual([]);
  });

  it("locates settings errors in platform.yaml when loaded from a file", () => {
    const files = new Map([
      [
        ".ferry/platform.yaml",
        [
          "apiVersion: ferry.dev/v1alpha1",
          "kind: Platform",
          "metadata: {name: acme}",
          "spec:",
          "  projects: [{name: storefront}]",
          "  environments:",
          "    - {name: prod, production: true, gitops: {repo: acme/gitops}}",
          "  policies:",
          "    disable: [resources-set, no-such-policy]",
          "",
        ].join("\n"),
      ],
    ]);
    const diagnostics: Parameters<typeof loadPlatformSources>[2] = [];
    const sources = loadPlatformSources("platform", files, diagnostics);
    expect(diagnostics).toEqual([]);
    const loaded = sources.platform;
    expect(loaded).toBeDefined();
    const found = checkPolicySettings(loaded!, [], new CelEngine());
    expect(found.map((d) => `${d.file}:${d.line}:${d.column} ${d.field}`)).toEqual(["platform/.ferry/platform.yaml:9:30 spec.policies.disable[1]"]);
  });
});

describe("describePolicies", () => {
  it("lists built-ins with settings applied, then platform policies", () => {
    const p = platform({ disable: ["run-as-non-root"], configure: { "no-latest-tag": { severity: "warning", environments: ["staging", "prod"] } } });
    const custom = {
      apiVersion: "ferry.dev/v1alpha1" as const,
      kind: "Policy" as const,
      metadata: { name: "hpa-headroom" },
      spec: {
        severity: "warning" as const,
        environments: ["prod"],
        match: { kinds: ["HorizontalPodAutoscaler"] },
        rule: "true",
        message: "autoscalers need headroom",
      },
    };
    const list = describePolicies(p, [custom]);
    expect(list.map((d) => d.name)).toEqual([...BUILTIN_POLICY_NAMES, "hpa-headroom"]);
    const byName = new Map(list.map((d) => [d.name, d]));
    expect(byName.get("no-latest-tag")).toMatchObject({ severity: "warning", environments: ["staging", "prod"], source: "builtin", enabled: true });
    expect(byName.get("production-replicas")).toMatchObject({ severity: "error", environments: ["prod"] });
    expect(byName.get("resources-set")).toMatchObject({ environments: ["dev", "staging", "prod"] });
    expect(byName.get("run-as-non-root")).toMatchObject({ enabled: false, environments: [] });
    expect(byName.get("readiness-probe")?.severity).toBe("warning");
    expect(byName.get("hpa-headroom")).toEqual({
      name: "hpa-headroom",
      description: "autoscalers need headroom",
      severity: "warning",
      environments: ["prod"],
      source: "platform",
      enabled: true,
      appliesTo: ["HorizontalPodAutoscaler"],
    });
  });

  it("gives every built-in a DNS-label name, a description and the kinds it reports on", () => {
    for (const d of describePolicies(platform())) {
      expect(d.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(d.description.length).toBeGreaterThan(20);
      expect(d.appliesTo.length).toBeGreaterThan(0);
    }
  });
});

describe("clean inputs with an autoscaler", () => {
  it("pass in production", () => {
    expect(checkPolicies(input([deployment({ replicas: null }), hpa(3), service()]))).toEqual([]);
  });
});
