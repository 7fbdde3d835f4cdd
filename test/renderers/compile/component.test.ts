/**
 * Platform-defined component types and traits go through the same machinery as the built-ins:
 * a statefulset-based `database` type with a ConfigMap resource template, and a custom trait
 * that creates objects and patches the workload.
 */
import { describe, expect, it } from "vitest";
import { CelEngine } from "../../../renderers/cel.js";
import { CompileCache } from "../../../renderers/compile/cache.js";
import { compileComponent } from "../../../renderers/compile/component.js";
import type { K8sObject } from "../../../renderers/types.js";
import { schemaErrors } from "../../support/k8s-schemas.js";
import { compile, compileOk, componentYaml, environment, find, fixture, kinds, platform } from "../../support/render-fixtures.js";

const DATABASE = `apiVersion: ferry.dev/v1alpha1
kind: ComponentType
metadata: {name: database}
spec:
  workloadType: statefulset
  parameters:
    openAPIV3Schema:
      type: object
      additionalProperties: false
      required: [engine]
      properties:
        engine: {type: string, enum: [postgres, mysql]}
        maxConnections: {type: integer, minimum: 1, default: 100}
  environmentConfigs:
    openAPIV3Schema:
      type: object
      properties:
        replicas: {type: integer, minimum: 1, default: 1}
        resources: {type: object}
        backups: {type: boolean, default: false}
  allowedTraits: [persistent-volume, metrics]
  validations:
    - rule: "size(component.endpoints) == 1"
      message: a database exposes exactly one endpoint
  resources:
    - id: config
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: "\${metadata.name}-config"
          labels: {ferry.dev/component: overridden, team: data}
        data:
          engine: "\${parameters.engine}"
          max_connections: "\${string(parameters.maxConnections)}"
          replicas: "\${string(environment.replicas)}"
    - id: backup
      includeWhen: "\${environment.backups}"
      template:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: "\${metadata.name}-backup"}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: backup
                      image: "ghcr.io/acme/\${parameters.engine}-backup:1"
                      args: ["--host", "\${metadata.name}.\${metadata.namespace}.svc.cluster.local"]
`;

const METRICS = `apiVersion: ferry.dev/v1alpha1
kind: Trait
metadata: {name: metrics}
spec:
  parameters:
    openAPIV3Schema:
      type: object
      additionalProperties: false
      properties:
        port: {type: integer, default: 9187}
        image: {type: string, default: "ghcr.io/acme/exporter:1"}
  environmentConfigs:
    openAPIV3Schema: {type: object, properties: {scrape: {type: boolean, default: true}}}
  creates:
    - includeWhen: "\${environment.scrape}"
      template:
        apiVersion: v1
        kind: Service
        metadata:
          name: "\${metadata.name}-\${trait.name}"
          annotations: {prometheus.io/scrape: "true", prometheus.io/port: "\${string(parameters.port)}"}
        spec:
          selector: "\${metadata.selectorLabels}"
          ports: [{name: metrics, port: "\${parameters.port}", targetPort: "\${parameters.port}"}]
  patches:
    - target: {group: apps, version: v1, kind: StatefulSet, name: "\${metadata.name}"}
      operations:
        - op: add
          path: /spec/template/spec/containers/-
          value:
            name: "\${trait.name}"
            image: "\${parameters.image}"
            ports: [{name: metrics, containerPort: "\${parameters.port}"}]
            securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}
        - op: add
          path: /spec/template/metadata/annotations
          value: {prometheus.io/scrape: "true"}
    - target: {version: v1, kind: Service}
      includeWhen: "\${target.production}"
      operations:
        - {op: add, path: /metadata/labels/ferry.dev~1tier, value: gold}
`;

const ORDERS_DB = componentYaml(
  "orders-db",
  `
type: database
container:
  image: postgres:16
  resources: {cpu: "1", memory: 2Gi}
endpoints:
  pg: {type: TCP, port: 5432, visibility: [project]}
parameters: {engine: postgres}
traits:
  - {type: persistent-volume, name: data, parameters: {mountPath: /var/lib/postgresql/data}}
  - {type: metrics, name: exporter}
environments:
  prod:
    replicas: 3
    backups: true
    traits:
      data: {size: 100Gi}
`,
  "payments",
);

describe("custom component type: database (statefulset + resource templates)", () => {
  const dev = compileOk(ORDERS_DB, { types: [DATABASE], traits: [METRICS] });
  const prod = compileOk(ORDERS_DB, { types: [DATABASE], traits: [METRICS], env: "prod" });

  it("renders a StatefulSet with its Service as serviceName, valid against Kubernetes' schemas", () => {
    expect([...dev, ...prod].flatMap((o) => schemaErrors(o))).toEqual([]);
    const sts = find(dev, "StatefulSet", "orders-db");
    expect(sts.spec).toMatchObject({
      replicas: 1,
      serviceName: "orders-db",
      selector: { matchLabels: { "ferry.dev/project": "payments", "ferry.dev/component": "orders-db" } },
    });
    expect(find(prod, "StatefulSet", "orders-db").spec.replicas).toBe(3);
    expect(sts.metadata.labels["app.kubernetes.io/component"]).toBe("database");
  });

  it("renders the type's resources with parameters and environment values, Ferry's labels winning", () => {
    const cm = find(dev, "ConfigMap", "orders-db-config");
    expect(cm.data).toEqual({ engine: "postgres", max_connections: "100", replicas: "1" });
    expect(cm.metadata.labels.team).toBe("data");
    expect(cm.metadata.labels["ferry.dev/component"]).toBe("orders-db");
    expect(find(prod, "ConfigMap", "orders-db-config").data.replicas).toBe("3");
  });

  it("includes a resource only where includeWhen holds", () => {
    expect(kinds(dev)).not.toContain("CronJob/orders-db-backup");
    const backup = find(prod, "CronJob", "orders-db-backup");
    expect(backup.metadata.namespace).toBe("payments-prod");
    expect(backup.spec.jobTemplate.spec.template.spec.containers[0]).toEqual({
      name: "backup",
      image: "ghcr.io/acme/postgres-backup:1",
      args: ["--host", "orders-db.payments-prod.svc.cluster.local"],
    });
  });

  it("applies the built-in persistent-volume trait to the StatefulSet", () => {
    const pod = find(prod, "StatefulSet", "orders-db").spec.template.spec;
    expect(pod.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "orders-db-data" } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: "data", mountPath: "/var/lib/postgresql/data" }]);
    expect(find(prod, "PersistentVolumeClaim", "orders-db-data").spec.resources.requests.storage).toBe("100Gi");
  });
});

describe("a preview's render: ferry.dev/preview", () => {
  // The type's ConfigMap template claims the label itself; its backup CronJob's pod template names no labels.
  const claiming = DATABASE.replace("team: data}", 'team: data, ferry.dev/preview: "1"}');
  type Labelled = { metadata?: { labels?: Record<string, string> } } | undefined;
  const podTemplates = (objects: K8sObject[]): Labelled[] =>
    objects.flatMap((o) => {
      const spec = o.spec as { template?: Labelled; jobTemplate?: Labelled & { spec?: { template?: Labelled } } } | undefined;
      return [spec?.template, spec?.jobTemplate, spec?.jobTemplate?.spec?.template].filter((t) => t !== undefined);
    });

  it("is on every object and pod template of a preview, templates' and patched ones included, so every pod carries it", () => {
    const objects = compileOk(ORDERS_DB, { types: [claiming], traits: [METRICS], env: "prod", preview: 7 });
    expect(kinds(objects)).toEqual(expect.arrayContaining(["CronJob/orders-db-backup", "StatefulSet/orders-db", "ConfigMap/orders-db-config"]));
    for (const o of objects) expect(o.metadata.labels?.["ferry.dev/preview"], `${o.kind}/${o.metadata.name}`).toBe("7");
    const templates = podTemplates(objects);
    expect(templates).toHaveLength(3); // the StatefulSet's, the CronJob's jobTemplate and its pod template
    for (const t of templates) expect(t?.metadata?.labels?.["ferry.dev/preview"]).toBe("7");
  });

  it("is on nothing of an environment's render, even where a template or the component claims it", () => {
    const db = ORDERS_DB.replace("metadata:\n", 'metadata:\n  labels: {ferry.dev/preview: "2"}\n');
    expect(db).toContain("ferry.dev/preview");
    const objects = compileOk(db, { types: [claiming], traits: [METRICS], env: "prod" });
    expect(find(objects, "ConfigMap", "orders-db-config").metadata.labels.team).toBe("data");
    expect(JSON.stringify(objects)).not.toContain("ferry.dev/preview");
  });
});

describe("custom trait: creates and patches", () => {
  const dev = compileOk(ORDERS_DB, { types: [DATABASE], traits: [METRICS] });
  const prod = compileOk(ORDERS_DB, { types: [DATABASE], traits: [METRICS], env: "prod" });

  it("creates an object whose typed template values keep their types", () => {
    const svc = find(dev, "Service", "orders-db-exporter");
    expect(svc.spec).toEqual({
      selector: { "ferry.dev/project": "payments", "ferry.dev/component": "orders-db" },
      ports: [{ name: "metrics", port: 9187, targetPort: 9187 }],
    });
    expect(svc.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "9187" });
  });

  it("patches the workload: a sidecar appended after the main container", () => {
    const pod = find(dev, "StatefulSet", "orders-db").spec.template;
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(["main", "exporter"]);
    expect(pod.spec.containers[1].ports).toEqual([{ name: "metrics", containerPort: 9187 }]);
    expect(pod.metadata.annotations).toEqual({ "prometheus.io/scrape": "true" });
  });

  it("applies a patch with includeWhen only where it holds, to every matching object", () => {
    const tiered = (objs: typeof dev) => objs.filter((o) => o.kind === "Service").map((o) => [o.metadata.name, o.metadata.labels?.["ferry.dev/tier"]]);
    expect(tiered(dev)).toEqual([
      ["orders-db", undefined],
      ["orders-db-exporter", undefined],
    ]);
    expect(tiered(prod)).toEqual([
      ["orders-db", "gold"],
      ["orders-db-exporter", "gold"],
    ]);
  });

  it("skips creates whose includeWhen is false per environment", () => {
    const yaml = ORDERS_DB.replace("        data: {size: 100Gi}", "        data: {size: 100Gi}\n        exporter: {scrape: false}");
    expect(kinds(compileOk(yaml, { types: [DATABASE], traits: [METRICS], env: "prod" }))).not.toContain("Service/orders-db-exporter");
  });
});

describe("patch and template failures", () => {
  const trait = (patches: string, creates = "[]") => `apiVersion: ferry.dev/v1alpha1
kind: Trait
metadata: {name: tweak}
spec:
  creates: ${creates}
  patches:
${patches}
`;
  const component = (type = "tweak") =>
    componentYaml(
      "api",
      `
type: custom-service
container: {image: "ghcr.io/acme/api:1"}
traits:
  - {type: ${type}, name: t1}
`,
    );
  const SERVICE_TYPE = `apiVersion: ferry.dev/v1alpha1
kind: ComponentType
metadata: {name: custom-service}
spec:
  workloadType: deployment
  allowedTraits: [tweak]
`;

  it("names the trait, patch, operation index, path and object of a failing operation", () => {
    const yaml = component();
    const r = compile(yaml, {
      types: [SERVICE_TYPE],
      traits: [
        trait(`    - target: {group: apps, version: v1, kind: Deployment}
      operations:
        - {op: add, path: /metadata/annotations, value: {a: b}}
        - {op: replace, path: /spec/template/spec/nodeName, value: x}
        - {op: add, path: /spec/paused, value: true}`),
      ],
    });
    expect(r.objects).toEqual([]);
    expect(r.diagnostics.map((d) => ({ field: d.field, line: d.line, message: d.message, resource: d.resource, code: d.code }))).toEqual([
      {
        field: "spec.traits[0]",
        line: yaml.split("\n").findIndex((l) => l.includes("type: tweak")) + 1,
        message: expect.stringMatching(
          /^trait "t1" \(tweak\) patches\[0\]\.operations\[1\] \(replace \/spec\/template\/spec\/nodeName\) on Deployment\/api failed: .+/,
        ),
        resource: "Deployment/api",
        code: "compile/patch",
      },
    ]);
  });

  it("reports a failed test operation", () => {
    const r = compile(component(), {
      types: [SERVICE_TYPE],
      traits: [trait(`    - target: {group: apps, version: v1, kind: Deployment}\n      operations: [{op: test, path: /spec/replicas, value: 5}]`)],
    });
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/patches\[0\]\.operations\[0\] \(test \/spec\/replicas\) on Deployment\/api failed: Test operation failed/),
    ]);
  });

  it("reports CEL errors in patches and creates with the expression", () => {
    const r = compile(component(), {
      types: [SERVICE_TYPE],
      traits: [
        trait(
          `    - target: {group: apps, version: v1, kind: Deployment, name: "\${metadata.nam}"}\n      operations: [{op: add, path: /spec/paused, value: "\${parameters.paused}"}]`,
          `[{template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "\${trait.name}-\${trait.nope}"}}}]`,
        ),
      ],
    });
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^trait "t1" \(tweak\) creates\[0\] at metadata\.name: \$\{trait\.nope\}: .*nope/),
    ]);
    const patchOnly = compile(component(), {
      types: [SERVICE_TYPE],
      traits: [
        trait(
          `    - target: {group: apps, version: v1, kind: Deployment, name: "\${metadata.nam}"}\n      operations: [{op: add, path: /spec/paused, value: "\${parameters.paused}"}]`,
        ),
      ],
    });
    expect(patchOnly.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^trait "t1" \(tweak\) patches\[0\] at target\.name: \$\{metadata\.nam\}: /),
      expect.stringMatching(/^trait "t1" \(tweak\) patches\[0\] at operations\[0\]\.value: \$\{parameters\.paused\}: /),
    ]);
  });

  it("rejects a created object that collides with a rendered one, or lacks a name", () => {
    const r = compile(component(), {
      types: [SERVICE_TYPE],
      traits: [
        trait(
          "    []",
          `
    - template: {apiVersion: v1, kind: ServiceAccount, metadata: {name: "\${metadata.name}"}}
    - template: {apiVersion: v1, kind: ConfigMap, metadata: {labels: {a: b}}}
    - template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}
    - template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}`,
        ),
      ],
    });
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      `trait "t1" (tweak) creates[0] renders ServiceAccount/api, which Ferry's standard objects already renders`,
      'trait "t1" (tweak) creates[1]: metadata.name must be a DNS-1123 name, got undefined',
      `trait "t1" (tweak) creates[3] renders ConfigMap/x, which trait "t1" (tweak) creates[2] already renders`,
    ]);
  });

  it("reports an unknown trait type and one the type does not allow", () => {
    const r = compile(component("route"), { types: [SERVICE_TYPE] });
    expect(r.diagnostics.map((d) => [d.field, d.message])).toEqual([
      ["spec.traits[0].type", 'trait "route" is not allowed for component type "custom-service"; allowed: tweak'],
    ]);
    const missing = compile(component(), { types: [SERVICE_TYPE] });
    expect(missing.diagnostics.map((d) => [d.field, d.message])).toEqual([["spec.traits[0].type", 'unknown trait "tweak"; the release holds: none']]);
  });

  it("reports an invalid parameter schema of a platform type", () => {
    const broken = SERVICE_TYPE.replace("allowedTraits: [tweak]", "parameters: {openAPIV3Schema: {type: object, properties: {x: {type: strnig}}}}");
    const r = compile(componentYaml("api", `\ntype: custom-service\ncontainer: {image: "ghcr.io/acme/api:1"}\n`), { types: [broken] });
    expect(r.diagnostics.map((d) => [d.field, d.code])).toEqual([["spec.parameters", "compile/schema"]]);
    expect(r.diagnostics[0]?.message).toMatch(/^component type "custom-service" has an invalid parameters schema: /);
  });

  it("requires a schedule for a custom cronjob type", () => {
    const cronType = `apiVersion: ferry.dev/v1alpha1
kind: ComponentType
metadata: {name: batch}
spec:
  workloadType: cronjob
`;
    const r = compile(componentYaml("nightly", `\ntype: batch\ncontainer: {image: "ghcr.io/acme/n:1"}\n`), { types: [cronType] });
    expect(r.diagnostics.map((d) => [d.field, d.code])).toEqual([["spec.parameters.schedule", "compile/workload"]]);
  });

  it("renders a job workload", () => {
    const jobType = `apiVersion: ferry.dev/v1alpha1
kind: ComponentType
metadata: {name: migration}
spec:
  workloadType: job
`;
    const objects = compileOk(componentYaml("migrate", `\ntype: migration\ncontainer: {image: "ghcr.io/acme/m:1"}\n`), { types: [jobType] });
    expect(objects.flatMap((o) => schemaErrors(o))).toEqual([]);
    expect(find(objects, "Job", "migrate").spec.template.spec.restartPolicy).toBe("OnFailure");
  });
});

describe("determinism", () => {
  it("gives deep-equal output in the same order for the same input, across caches and engines", () => {
    const a = compileOk(ORDERS_DB, { types: [DATABASE], traits: [METRICS], env: "prod" });
    const b = compileOk(ORDERS_DB, { types: [DATABASE], traits: [METRICS], env: "prod" });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(b).toEqual(a);
  });

  it("does not change the release it compiles and returns objects that share nothing with it", () => {
    const f = fixture(ORDERS_DB, { types: [DATABASE], traits: [METRICS] });
    const before = JSON.stringify(f.release);
    const input = {
      release: f.release,
      platform: platform(),
      environment: environment("prod"),
      namespace: "payments-prod",
      dependencies: [],
      cel: new CelEngine(),
      cache: new CompileCache(),
    };
    const first = compileComponent(input);
    (first.objects[0]!.metadata.labels as Record<string, string>).mutated = "yes";
    const second = compileComponent(input);
    expect(JSON.stringify(f.release)).toBe(before);
    expect(second.objects[0]?.metadata.labels).not.toHaveProperty("mutated");
    expect(second.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(first.objects.map((o) => `${o.kind}/${o.metadata.name}`));
  });
});
