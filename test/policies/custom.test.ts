import { describe, expect, it } from "vitest";
import { checkPolicies } from "../../policies/index.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../renderers/load.js";
import type { Loaded } from "../../renderers/load.js";
import type { Policy } from "../../renderers/model/index.js";
import { configMap, deployment, hpa, input, service } from "./fixtures.js";

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
