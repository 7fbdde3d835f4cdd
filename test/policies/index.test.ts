import { describe, expect, it } from "vitest";
import { BUILTIN_POLICY_NAMES, checkPolicies, checkPolicySettings, describePolicies } from "../../policies/index.js";
import { CelEngine } from "../../renderers/cel.js";
import { loadPlatformSources } from "../../renderers/load.js";
import type { Locator } from "../../renderers/types.js";
import { component, configMap, cronJob, deployment, goodContainer, hpa, input, platform, release, service } from "./fixtures.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { Loaded } from "../../renderers/load.js";
import type { Policy } from "../../renderers/model/index.js";

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

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects: [{name: storefront}]
  environments:
    - {name: dev, gitops: {repo: acme/gitops, path: environments/dev}}
    - {name: prod, production: true, gitops: {repo: acme/gitops-prod}}
`;

/** Loads Policy documents through the real loader, so diagnostics carry file and line. */
function loadPolicies(docs: Record<string, string>): Loaded<Policy>[] {
  const files = new Map<string, string>([[".ferry/platform.yaml", PLATFORM]]);
  for (const [name, text] of Object.entries(docs)) files.set(`.ferry/policies/${name}.yaml`, text);
  const diagnostics: Diagnostic[] = [];
  const sources = loadPlatformSources("platform", files, diagnostics);
  expect(diagnostics).toEqual([]);
  return [...sources.policies];
}

function policyDoc(name: string, spec: string): string {
  return `apiVersion: ferry.dev/v1alpha1\nkind: Policy\nmetadata: {name: ${name}}\nspec:\n${spec}`;
}

/** Findings with the production-replicas built-in left out (the fixtures' Deployment runs 1 replica). */
function run(policies: Loaded<Policy>[], objects = [deployment({ replicas: 1 }), service(), configMap()], envName = "dev") {
  return checkPolicies(input(objects, { policies, envName })).filter((d) => !d.code.startsWith("policy/production-"));
}

describe("custom Policy documents", () => {
  it("passes objects the rule holds for and reports each one it does not", () => {
    const policies = loadPolicies({
      "team-label": policyDoc(
        "team-label",
        `  severity: warning
  match: {kinds: [Deployment, Service]}
  rule: "'ferry.dev/component' in object.metadata.labels && object.metadata.name != 'checkout-api'"
  message: objects must not be named checkout-api
`,
      ),
    });
    const found = run(policies);
    expect(found.map((d) => [d.severity, d.code, d.resource, d.message])).toEqual([
      [
        "warning",
        "policy/team-label",
        "Deployment/checkout-api",
        `objects must not be named checkout-api (rule "'ferry.dev/component' in object.metadata.labels && object.metadata.name != 'checkout-api'" is false)`,
      ],
      [
        "warning",
        "policy/team-label",
        "Service/checkout-api",
        `objects must not be named checkout-api (rule "'ferry.dev/component' in object.metadata.labels && object.metadata.name != 'checkout-api'" is false)`,
      ],
    ]);
    expect(found[0]).toMatchObject({ component: "storefront/checkout-api", environment: "dev", file: "storefront/checkout-api/deployment-checkout-api.yaml" });
    expect(found.map((d) => d.policy)).toEqual(["team-label", "team-label"]);
  });

  it("checks every kind when match.kinds is empty and nothing when the rule holds", () => {
    const policies = loadPolicies({ named: policyDoc("named", `  rule: "size(object.metadata.name) > 0"\n  message: objects need names\n`) });
    expect(run(policies)).toEqual([]);
    const failing = loadPolicies({ named: policyDoc("named", `  rule: "object.kind == 'Deployment'"\n  message: only deployments\n`) });
    expect(run(failing).map((d) => d.resource)).toEqual(["Service/checkout-api", "ConfigMap/checkout-api-files"]);
  });

  it("sees metadata, target and the component spec", () => {
    const policies = loadPolicies({
      ctx: policyDoc(
        "ctx",
        `  match: {kinds: [ConfigMap]}
  rule: >-
    metadata.project == 'storefront' && metadata.name == 'checkout-api' && metadata.environment == 'prod'
    && metadata.namespace == 'storefront-prod' && size(metadata.release) == 12 && metadata.labels.team == 'checkout'
    && target.name == 'prod' && target.production && target.gitops.repo == 'acme/gitops-prod' && component.container.image.startsWith('ghcr.io/acme/')
  message: context is wrong
`,
      ),
    });
    expect(run(policies, [configMap()], "prod")).toEqual([]);
    expect(run(policies, [configMap()], "dev").map((d) => d.code)).toEqual(["policy/ctx"]);
  });

  it("only runs in the environments it lists", () => {
    const policies = loadPolicies({
      "prod-hpa": policyDoc(
        "prod-hpa",
        `  environments: [prod]
  match: {kinds: [HorizontalPodAutoscaler]}
  rule: "object.spec.maxReplicas > object.spec.minReplicas"
  message: autoscalers in prod need room to scale
`,
      ),
    });
    const objects = [deployment({ replicas: null }), hpa(10)];
    expect(run(policies, objects, "dev")).toEqual([]);
    expect(run(policies, objects, "prod").map((d) => [d.code, d.resource, d.severity])).toEqual([
      ["policy/prod-hpa", "HorizontalPodAutoscaler/checkout-api-cpu", "error"],
    ]);
  });

  it("reports a rule that does not parse once, at the rule's line, as an error naming the policy", () => {
    const policies = loadPolicies({ broken: policyDoc("broken", `  severity: warning\n  rule: "object.kind =="\n  message: broken\n`) });
    const found = run(policies);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: "error",
      code: "policy/broken",
      file: "platform/.ferry/policies/broken.yaml",
      line: 6,
      field: "spec.rule",
      policy: "broken",
    });
    expect(found[0]?.message).toMatch(/^Policy "broken": the rule does not parse: CEL "object.kind ==": /);
  });

  it("reports a rule that fails to evaluate or is not a bool per object, without stopping", () => {
    const policies = loadPolicies({
      replicas: policyDoc("replicas", `  rule: "object.spec.replicas >= 2"\n  message: two replicas\n`),
      "not-bool": policyDoc("not-bool", `  match: {kinds: [ConfigMap]}\n  rule: "object.metadata.name"\n  message: not a bool\n`),
    });
    const found = run(policies);
    expect(found.map((d) => [d.severity, d.code, d.resource, d.line, d.policy])).toEqual([
      ["error", "policy/not-bool", "ConfigMap/checkout-api-files", 6, "not-bool"],
      ["error", "policy/replicas", "Deployment/checkout-api", 0, "replicas"],
      ["error", "policy/replicas", "Service/checkout-api", 5, "replicas"],
      ["error", "policy/replicas", "ConfigMap/checkout-api-files", 5, "replicas"],
    ]);
    expect(found[0]?.message).toBe(
      'Policy "not-bool" could not be checked on ConfigMap/checkout-api-files: CEL "object.metadata.name": must evaluate to a bool, got string',
    );
    expect(found[2]?.message).toBe('Policy "replicas" could not be checked on Service/checkout-api: CEL "object.spec.replicas >= 2": No such key: replicas');
    expect(found[1]?.message).toBe('two replicas (rule "object.spec.replicas >= 2" is false)');
  });

  it("refuses a Policy named like a built-in and policies for unknown environments", () => {
    const policies = loadPolicies({
      clash: policyDoc("no-latest-tag", `  rule: "false"\n  message: clash\n`),
      typo: policyDoc("typo", `  environments: [production]\n  rule: "true"\n  message: typo\n`),
    });
    const found = run(policies);
    expect(found.map((d) => [d.code, d.file, d.field, d.message, d.policy])).toEqual([
      [
        "policy/settings",
        "platform/.ferry/policies/clash.yaml",
        "metadata.name",
        'Policy "no-latest-tag" has the name of a built-in policy; rename it (built-ins are re-scoped with policies.configure)',
        "no-latest-tag",
      ],
      [
        "policy/settings",
        "platform/.ferry/policies/typo.yaml",
        "spec.environments[0]",
        'unknown environment "production"; the platform has dev, staging, prod',
        "typo",
      ],
    ]);
  });

  it("accepts bare Policy values and locates findings on the component", () => {
    const policy: Policy = {
      apiVersion: "ferry.dev/v1alpha1",
      kind: "Policy",
      metadata: { name: "no-configmaps" },
      spec: { severity: "error", environments: [], match: { kinds: ["ConfigMap"] }, rule: "false", message: "no config maps" },
    };
    const found = checkPolicies(
      input([configMap()], { policies: [policy], envName: "dev", locate: () => ({ file: "app/.ferry/c.yaml", line: 3, column: 3 }) }),
    );
    expect(found).toEqual([
      {
        severity: "error",
        file: "app/.ferry/c.yaml",
        line: 3,
        column: 3,
        field: "metadata.name",
        message: 'no config maps (rule "false" is false)',
        code: "policy/no-configmaps",
        component: "storefront/checkout-api",
        environment: "dev",
        resource: "ConfigMap/checkout-api-files",
        policy: "no-configmaps",
      },
    ]);
  });
});
