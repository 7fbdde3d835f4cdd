/**
 * Every compile check, each with an input that fails it: the diagnostic names the field of the
 * component document, points at its line and column, and says what is wrong. Nothing renders.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { CelEngine } from "../../../renderers/cel.js";
import { compileComponent } from "../../../renderers/compile/component.js";
import { COMPONENT_FILE, compile, componentYaml, environment, fixture, platform } from "../../support/render-fixtures.js";

/** The errors of a compile, with the line of `marker` in the source (first match) for locating. */
function errorsOf(yaml: string, opts: Parameters<typeof compile>[1] = {}): Diagnostic[] {
  const r = compile(yaml, opts);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(r.objects).toEqual([]);
  expect(errors.length).toBeGreaterThan(0);
  return errors;
}

/** 1-based line of the first line of `yaml` containing `marker`. */
function lineOf(yaml: string, marker: string): number {
  const i = yaml.split("\n").findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in fixture`);
  return i + 1;
}

function summary(d: Diagnostic) {
  return { field: d.field, line: d.line, message: d.message };
}

const BASE = `
type: service
container: {image: "ghcr.io/acme/api:1"}
endpoints: {http: {type: HTTP, port: 8080}}
`;

describe("compile checks", () => {
  it("rejects a trait the component type does not allow", () => {
    const yaml = componentYaml(
      "job",
      `
type: scheduled-task
container: {image: "ghcr.io/acme/job:1"}
parameters: {schedule: "@daily"}
traits:
  - {type: persistent-volume, name: data, parameters: {mountPath: /data}}
  - {type: autoscaler, name: cpu, parameters: {maxReplicas: 3}}
`,
    );
    const [d, ...rest] = errorsOf(yaml);
    expect(rest).toEqual([]);
    expect(summary(d!)).toEqual({
      field: "spec.traits[1].type",
      line: lineOf(yaml, "type: autoscaler"),
      message: 'trait "autoscaler" is not allowed for component type "scheduled-task"; allowed: egress, persistent-volume',
    });
    expect(d!.file).toBe(COMPONENT_FILE);
    expect(d!.column).toBeGreaterThan(1);
    expect(d!).toMatchObject({ component: "storefront/job", environment: "dev", code: "compile/trait-not-allowed" });
  });

  it("rejects two trait instances with the same name", () => {
    const yaml = componentYaml(
      "api",
      `${BASE}traits:
  - {type: pod-disruption-budget, name: pdb, parameters: {minAvailable: 1}}
  - {type: autoscaler, name: pdb, parameters: {maxReplicas: 3}}
`,
    );
    const errors = errorsOf(yaml);
    expect(errors.map(summary)).toEqual([
      {
        field: "spec.traits[1].name",
        line: lineOf(yaml, "type: autoscaler"),
        message: 'trait instance name "pdb" is already used by spec.traits[0]; instance names must be unique',
      },
    ]);
  });

  it("checks the type's parameters with JSON Schema: required, format, enum, unknown fields", () => {
    const yaml = componentYaml(
      "job",
      `
type: scheduled-task
container: {image: "ghcr.io/acme/job:1"}
parameters:
  concurrencyPolicy: Sometimes
  timeZone: Mars/Olympus
  retries: 3
`,
    );
    const errors = errorsOf(yaml).map(summary);
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          field: "spec.parameters.schedule",
          line: lineOf(yaml, "parameters:"),
          message: 'missing required field "schedule" (parameters of component type "scheduled-task")',
        },
        { field: "spec.parameters.retries", line: lineOf(yaml, "retries"), message: 'unknown field "retries" (parameters of component type "scheduled-task")' },
        {
          field: "spec.parameters.concurrencyPolicy",
          line: lineOf(yaml, "Sometimes"),
          message: '"Sometimes" is not one of "Allow", "Forbid", "Replace" (parameters of component type "scheduled-task")',
        },
        {
          field: "spec.parameters.timeZone",
          line: lineOf(yaml, "Mars"),
          message: '"Mars/Olympus": must match format "time-zone" (parameters of component type "scheduled-task")',
        },
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it("checks the cron format of a schedule", () => {
    const yaml = componentYaml("job", `\ntype: scheduled-task\ncontainer: {image: "ghcr.io/acme/job:1"}\nparameters: {schedule: "every day"}\n`);
    expect(errorsOf(yaml).map(summary)).toEqual([
      {
        field: "spec.parameters.schedule",
        line: lineOf(yaml, "every day"),
        message: '"every day": must match format "cron" (parameters of component type "scheduled-task")',
      },
    ]);
  });

  it("rejects parameters for a type that declares none", () => {
    const yaml = componentYaml("api", `${BASE}parameters: {color: blue}\n`);
    expect(errorsOf(yaml).map(summary)).toEqual([
      { field: "spec.parameters.color", line: lineOf(yaml, "color"), message: 'unknown field "color" (parameters of component type "service")' },
    ]);
  });

  it("checks trait parameters, located inside the trait instance", () => {
    const yaml = componentYaml(
      "api",
      `${BASE}traits:
  - type: autoscaler
    name: cpu
    parameters:
      minReplicas: 0
      targetCPUUtilization: 150
`,
    );
    const errors = errorsOf(yaml).map(summary);
    expect(errors).toEqual([
      {
        field: "spec.traits[0].parameters.maxReplicas",
        line: lineOf(yaml, "    parameters:"),
        message: 'missing required field "maxReplicas" (parameters of trait "cpu" (autoscaler))',
      },
      {
        field: "spec.traits[0].parameters.minReplicas",
        line: lineOf(yaml, "minReplicas: 0"),
        message: '0: must be >= 1 (parameters of trait "cpu" (autoscaler))',
      },
      {
        field: "spec.traits[0].parameters.targetCPUUtilization",
        line: lineOf(yaml, "targetCPUUtilization"),
        message: '150: must be <= 100 (parameters of trait "cpu" (autoscaler))',
      },
    ]);
  });

  it("folds anyOf branches into one message", () => {
    const yaml = componentYaml("api", `${BASE}traits: [{type: pod-disruption-budget, name: pdb, parameters: {minAvailable: half}}]\n`);
    const [d] = errorsOf(yaml).map(summary);
    expect(d?.field).toBe("spec.traits[0].parameters.minAvailable");
    expect(d?.message).toMatch(/^"half" does not fit: must be integer or must match pattern/);
  });

  it("rejects an override of a field the type does not declare overridable, listing those it does", () => {
    const yaml = componentYaml(
      "api",
      `${BASE}environments:
  dev:
    replicas: 2
    image: ghcr.io/acme/api:2
`,
    );
    const [d, ...rest] = errorsOf(yaml);
    expect(rest).toEqual([]);
    expect(summary(d!)).toEqual({
      field: "spec.environments.dev.image",
      line: lineOf(yaml, "image: ghcr.io/acme/api:2"),
      message: '"image" cannot be set per environment: component type "service" does not declare it in environmentConfigs; overridable: replicas, resources',
    });
    expect(d!.column).toBe(7);
    expect(d!.code).toBe("compile/override");
  });

  it("checks override values against environmentConfigs", () => {
    const yaml = componentYaml("api", `${BASE}environments:\n  dev: {replicas: -1, resources: {cpu: lots}}\n`);
    expect(errorsOf(yaml).map(summary)).toEqual([
      {
        field: "spec.environments.dev.replicas",
        line: lineOf(yaml, "replicas: -1"),
        message: '-1: must be >= 0 (environmentConfigs of component type "service")',
      },
      { field: "spec.environments.dev.resources.cpu", line: lineOf(yaml, "replicas: -1"), message: expect.stringMatching(/^"lots": must match pattern/) },
    ]);
  });

  it("checks only the environment being compiled", () => {
    const yaml = componentYaml("api", `${BASE}environments:\n  prod: {replicas: -1}\n`);
    expect(compile(yaml, { env: "dev" }).diagnostics).toEqual([]);
    expect(errorsOf(yaml, { env: "prod" }).map((d) => d.field)).toEqual(["spec.environments.prod.replicas"]);
  });

  it("checks per-environment trait overrides against the trait's environmentConfigs", () => {
    const yaml = componentYaml(
      "api",
      `${BASE}traits:
  - {type: autoscaler, name: cpu, parameters: {maxReplicas: 5}}
  - {type: pod-disruption-budget, name: pdb, parameters: {minAvailable: 1}}
environments:
  dev:
    traits:
      cpu: {maxReplicas: zero, targetCPUUtilization: 50}
      pdb: {minAvailable: 2}
      ghost: {size: 1Gi}
`,
    );
    expect(errorsOf(yaml).map(summary)).toEqual([
      {
        field: "spec.environments.dev.traits.cpu.targetCPUUtilization",
        line: lineOf(yaml, "maxReplicas: zero"),
        message:
          '"targetCPUUtilization" cannot be set per environment: trait "cpu" (autoscaler) does not declare it in environmentConfigs; overridable: maxReplicas, minReplicas',
      },
      {
        field: "spec.environments.dev.traits.cpu.maxReplicas",
        line: lineOf(yaml, "maxReplicas: zero"),
        message: '"zero": must be integer (environmentConfigs of trait "cpu" (autoscaler))',
      },
      {
        field: "spec.environments.dev.traits.pdb.minAvailable",
        line: lineOf(yaml, "pdb: {minAvailable: 2}"),
        message:
          '"minAvailable" cannot be set per environment: trait "pdb" (pod-disruption-budget) does not declare it in environmentConfigs; overridable: none',
      },
      { field: "spec.environments.dev.traits.ghost", line: lineOf(yaml, "ghost"), message: 'no trait instance is named "ghost"; instances: cpu, pdb' },
    ]);
  });

  it("evaluates the type's CEL validations with the type's message", () => {
    const worker = componentYaml("w", `\ntype: worker\ncontainer: {image: "ghcr.io/acme/w:1"}\nendpoints: {http: {type: HTTP, port: 80}}\n`);
    expect(errorsOf(worker).map(summary)).toEqual([
      {
        field: "spec.type",
        line: lineOf(worker, "type: worker"),
        message: 'a worker has no endpoints; remove spec.endpoints or use the type service (component type "worker")',
      },
    ]);
    const web = componentYaml("web", `\ntype: web-application\ncontainer: {image: "ghcr.io/acme/w:1"}\nendpoints: {rpc: {type: gRPC, port: 9000}}\n`);
    expect(errorsOf(web).map((d) => d.message)).toEqual(['a web application needs at least one endpoint of type HTTP (component type "web-application")']);
    const service = componentYaml("svc", `\ntype: service\ncontainer: {image: "ghcr.io/acme/w:1"}\n`);
    expect(errorsOf(service).map((d) => d.message)).toEqual(['a service must expose at least one endpoint (component type "service")']);
  });

  it("evaluates trait validations, located at the trait instance", () => {
    const yaml = componentYaml(
      "api",
      `${BASE}traits:
  - {type: route, name: web, parameters: {endpoint: admin}}
  - {type: route, name: www, parameters: {endpoint: http, host: a.example.com}}
  - {type: autoscaler, name: cpu, parameters: {minReplicas: 5, maxReplicas: 3}}
  - {type: pod-disruption-budget, name: pdb, parameters: {}}
`,
    );
    expect(errorsOf(yaml).map(summary)).toEqual([
      {
        field: "spec.traits[0]",
        line: lineOf(yaml, "endpoint: admin"),
        message: `the route's endpoint must name one of the component's endpoints (trait "web" (route))`,
      },
      {
        field: "spec.traits[0]",
        line: lineOf(yaml, "endpoint: admin"),
        message: 'a route needs a host, in parameters.host or per environment (trait "web" (route))',
      },
      { field: "spec.traits[1]", line: lineOf(yaml, "name: www"), message: 'the routed endpoint must list public in its visibility (trait "www" (route))' },
      { field: "spec.traits[2]", line: lineOf(yaml, "name: cpu"), message: 'minReplicas must not be larger than maxReplicas (trait "cpu" (autoscaler))' },
      {
        field: "spec.traits[3]",
        line: lineOf(yaml, "name: pdb"),
        message: 'set exactly one of minAvailable or maxUnavailable (trait "pdb" (pod-disruption-budget))',
      },
    ]);
  });

  it("reports a validation rule that fails to evaluate", () => {
    const type = `apiVersion: ferry.dev/v1alpha1
kind: ComponentType
metadata: {name: strict}
spec:
  workloadType: deployment
  validations:
    - {rule: "component.nope > 1", message: never shown}
    - {rule: "size(component.endpoints)", message: not a bool}
`;
    const yaml = componentYaml("svc", `\ntype: strict\ncontainer: {image: "ghcr.io/acme/w:1"}\n`);
    const messages = errorsOf(yaml, { types: [type] }).map((d) => d.message);
    expect(messages).toEqual([
      expect.stringMatching(/^validation of component type "strict" could not be evaluated: CEL "component\.nope > 1": .*nope/),
      'validation of component type "strict" could not be evaluated: CEL "size(component.endpoints)": must evaluate to a bool, got number',
    ]);
  });

  it("rejects a probe port that names no endpoint", () => {
    const yaml = componentYaml(
      "api",
      `
type: service
container:
  image: "ghcr.io/acme/api:1"
  probes:
    readiness: {httpGet: {path: /h, port: admin}}
endpoints: {http: {type: HTTP, port: 8080}}
`,
    );
    expect(errorsOf(yaml).map(summary)).toEqual([
      { field: "spec.container.probes.readiness.httpGet.port", line: lineOf(yaml, "port: admin"), message: 'port "admin" names no endpoint; endpoints: http' },
    ]);
  });

  it("rejects a dependency env var that the container already sets, and duplicate file mounts", () => {
    const yaml = componentYaml(
      "api",
      `
type: service
container:
  image: "ghcr.io/acme/api:1"
  env: [{name: PAY_URL, value: x}]
  files:
    - {mountPath: /etc/a.yaml, value: a}
    - {mountPath: /etc/a.yaml, value: b}
endpoints: {http: {type: HTTP, port: 8080}}
dependencies:
  - {component: payments-api, project: payments, endpoint: http, env: {url: PAY_URL}}
`,
    );
    expect(errorsOf(yaml).map(summary)).toEqual([
      { field: "spec.container.files[1].mountPath", line: lineOf(yaml, "value: b"), message: '"/etc/a.yaml" is already mounted by spec.container.files[0]' },
      {
        field: "spec.dependencies[0].env.url",
        line: lineOf(yaml, "component: payments-api"),
        message: 'environment variable "PAY_URL" is already set by spec.container.env[0]',
      },
    ]);
  });

  it("collects every problem of a component in one run", () => {
    const yaml = componentYaml(
      "job",
      `
type: scheduled-task
container: {image: "ghcr.io/acme/job:1"}
parameters: {}
traits:
  - {type: route, name: r, parameters: {endpoint: http}}
environments:
  dev: {replicas: 2}
`,
    );
    expect(errorsOf(yaml).map((d) => d.field)).toEqual(["spec.parameters.schedule", "spec.environments.dev.replicas", "spec.traits[0].type"]);
  });

  it("without a locator, diagnostics name the release file and the field", () => {
    const f = fixture(componentYaml("api", `${BASE}environments: {dev: {image: x}}\n`));
    const r = compileComponent({
      release: f.release,
      platform: platform(),
      environment: environment("dev"),
      namespace: "storefront-dev",
      dependencies: [],
      cel: new CelEngine(),
    });
    expect(r.diagnostics.map((d) => [d.file, d.line, d.field])).toEqual([
      [`releases/storefront/api/${f.release.metadata.name}.yaml`, 0, "spec.environments.dev.image"],
    ]);
  });
});
