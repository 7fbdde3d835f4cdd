/** The pure drift computation: git against a cluster, environments against each other, the report. */
import { describe, expect, it } from "vitest";
import { clusterDrift, ferryObjectsSelector, kindsToScan } from "../../../core/drift/cluster.js";
import { environmentsDrift, type ComponentManifests, type EnvironmentManifests } from "../../../core/drift/environments.js";
import { liveFieldDiffs, valueAt } from "../../../core/drift/fields.js";
import { refKey, refOf } from "../../../core/drift/model.js";
import { driftConclusion, driftReport, formatDriftText } from "../../../core/drift/report.js";
import { formatDriftMarkdown } from "../../../presentation/markdown/drift-check.js";
import type { K8sObject } from "../../../renderers/types.js";

const R1 = "0a1b2c3d4e5f";
const R2 = "1b2c3d4e5f60";

function deployment(env: string, release: string, replicas: number, image = "ghcr.io/acme/api:1.0.0"): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "api",
      namespace: `shop-${env}`,
      labels: { "app.kubernetes.io/managed-by": "ferry", "ferry.dev/environment": env, "ferry.dev/release": release },
    },
    spec: {
      replicas,
      template: {
        spec: {
          containers: [{ name: "main", image, env: [{ name: "MODE", value: "web" }], ports: [{ name: "http", containerPort: 8080 }] }],
          volumes: [],
        },
      },
    },
  };
}

function service(env: string): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "api", namespace: `shop-${env}`, labels: { "app.kubernetes.io/managed-by": "ferry" } },
    spec: { ports: [{ name: "http", port: 80 }] },
  };
}

interface LiveContainer {
  name: string;
  image: string;
  env: { name: string; value: string }[];
  imagePullPolicy?: string;
  terminationMessagePath?: string;
}

interface LiveShape {
  metadata: K8sObject["metadata"] & { labels: Record<string, string> };
  spec: { replicas?: number; revisionHistoryLimit?: number; template: { spec: { containers: LiveContainer[]; volumes?: unknown[] } } };
  status?: unknown;
}

/** What the API server gives back for an applied object: server metadata, defaults, status. */
function live(o: K8sObject, edit: (x: LiveShape) => void = () => undefined): K8sObject {
  const x = structuredClone(o) as unknown as LiveShape;
  x.metadata = {
    ...x.metadata,
    uid: "u-1",
    resourceVersion: "42",
    generation: 3,
    creationTimestamp: "2025-01-01T00:00:00Z",
    managedFields: [{ manager: "argocd" }],
  };
  x.metadata.annotations = { "deployment.kubernetes.io/revision": "3" };
  const main = x.spec?.template?.spec.containers[0];
  if (main) {
    x.spec.revisionHistoryLimit = 10;
    main.imagePullPolicy = "IfNotPresent";
    main.terminationMessagePath = "/dev/termination-log";
    delete x.spec.template.spec.volumes; // the API server drops empty lists
  }
  x.status = { replicas: 2, readyReplicas: 2 };
  edit(x);
  return x as unknown as K8sObject;
}

function liveState(objects: K8sObject[], labelled: K8sObject[] = objects) {
  return { objects: new Map(objects.map((o) => [refKey(refOf(o)), o])), labelled };
}

describe("git against a cluster", () => {
  it("finds nothing when the cluster adds only status, server metadata and defaults", () => {
    const git = [deployment("prod", R1, 2), service("prod")];
    expect(clusterDrift("prod", git, liveState(git.map((o) => live(o))))).toEqual([]);
  });

  it("names the hand-edited fields with git and live values, a hand-added list item included", () => {
    const git = [deployment("prod", R1, 2)];
    const edited = live(git[0]!, (x) => {
      x.spec.replicas = 5;
      const container = x.spec.template.spec.containers[0]!;
      container.image = "ghcr.io/acme/api:hotfix";
      container.env.push({ name: "DEBUG", value: "1" });
      x.metadata.labels["ferry.dev/release"] = "hand";
    });
    const [finding, ...rest] = clusterDrift("prod", git, liveState([edited]));
    expect(rest).toEqual([]);
    expect(finding).toEqual({
      kind: "modified",
      environment: "prod",
      object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop-prod", name: "api" },
      fields: [
        { path: 'metadata.labels["ferry.dev/release"]', git: R1, live: "hand" },
        { path: "spec.replicas", git: 2, live: 5 },
        { path: "spec.template.spec.containers[name=main].env[name=DEBUG]", git: undefined, live: { name: "DEBUG", value: "1" } },
        { path: "spec.template.spec.containers[name=main].image", git: "ghcr.io/acme/api:1.0.0", live: "ghcr.io/acme/api:hotfix" },
      ],
    });
  });

  it("reports an object of git the cluster lacks as missing", () => {
    const git = [deployment("prod", R1, 2), service("prod")];
    expect(clusterDrift("prod", git, liveState([live(git[0]!)]))).toEqual([
      { kind: "missing", environment: "prod", object: { apiVersion: "v1", kind: "Service", namespace: "shop-prod", name: "api" } },
    ]);
  });

  it("reports a labelled live object git no longer has, but not one a controller owns", () => {
    const git = [deployment("prod", R1, 2)];
    const orphan: K8sObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "old-files", namespace: "shop-prod", labels: { "app.kubernetes.io/managed-by": "ferry" } },
    };
    const owned: K8sObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "report-123",
        namespace: "shop-prod",
        ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "report", controller: true }],
      },
    };
    const findings = clusterDrift("prod", git, liveState([live(git[0]!)], [live(git[0]!), orphan, owned]));
    expect(findings).toEqual([
      { kind: "orphan", environment: "prod", object: { apiVersion: "v1", kind: "ConfigMap", namespace: "shop-prod", name: "old-files" } },
    ]);
  });

  it("matches an object whatever its version, and looks for orphans of git's kinds and Ferry's", () => {
    const hpa: K8sObject = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "api", namespace: "n" },
      spec: { maxReplicas: 3 },
    };
    expect(clusterDrift("prod", [hpa], liveState([{ ...hpa, apiVersion: "autoscaling/v1" }]))).toEqual([]);
    const crd: K8sObject = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "n" } };
    const kinds = kindsToScan([crd, hpa]).map((k) => `${k.apiVersion} ${k.kind}`);
    expect(kinds).toContain("example.com/v1 Widget");
    expect(kinds).toContain("v1 Service");
    expect(kinds.filter((k) => k === "autoscaling/v2 HorizontalPodAutoscaler")).toHaveLength(1);
    expect(ferryObjectsSelector("prod")).toBe("app.kubernetes.io/managed-by=ferry,ferry.dev/environment=prod");
  });
});

function held(release: string | undefined, objects: K8sObject[], expected: ComponentManifests["expected"] = objects): ComponentManifests {
  return { release, objects, expected };
}

function env(environment: string, components: Record<string, ComponentManifests>): EnvironmentManifests {
  return { environment, components: new Map(Object.entries(components)) };
}

describe("environments against each other", () => {
  it("lists each environment's release and reports a component whose releases differ", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R2, [deployment("staging", R2, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.releases).toEqual([{ component: "shop/api", releases: { staging: R2, prod: R1 } }]);
    expect(result.findings).toEqual([{ kind: "release", component: "shop/api", releases: { staging: R2, prod: R1 } }]);
  });

  it("does not report a declared override (prod's replicas) nor the namespace and environment label", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.findings).toEqual([]);
  });

  it("reports a field edited in one environment's files beyond its override, with what the release renders", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 5, "ghcr.io/acme/api:hotfix")], [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.findings).toEqual([
      {
        kind: "environments",
        component: "shop/api",
        environments: ["staging", "prod"],
        object: "Deployment api",
        fields: [
          { path: "spec.replicas", git: { staging: 1, prod: 5 }, expected: { staging: 1, prod: 3 } },
          {
            path: "spec.template.spec.containers[name=main].image",
            git: { staging: "ghcr.io/acme/api:1.0.0", prod: "ghcr.io/acme/api:hotfix" },
            expected: { staging: "ghcr.io/acme/api:1.0.0", prod: "ghcr.io/acme/api:1.0.0" },
          },
        ],
      },
    ]);
  });

  it("reports an override that did not land and an object only one environment's files hold", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 1), service("prod")], [deployment("prod", R1, 3)]) }),
    ]);
    expect(result.findings).toEqual([
      {
        kind: "environments",
        component: "shop/api",
        environments: ["staging", "prod"],
        object: "Deployment api",
        fields: [{ path: "spec.replicas", git: { staging: 1, prod: 1 }, expected: { staging: 1, prod: 3 } }],
      },
      { kind: "environments", component: "shop/api", environments: ["staging", "prod"], object: "Service api", onlyIn: "prod", fields: [] },
    ]);
  });

  it("notes a pair it cannot compare because a release does not render", () => {
    const result = environmentsDrift([
      env("staging", { "shop/api": held(R1, [deployment("staging", R1, 1)]) }),
      env("prod", { "shop/api": held(R1, [deployment("prod", R1, 9)], { problem: "releases/shop/api/0a1b2c3d4e5f.yaml is missing" }) }),
    ]);
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([
      { component: "shop/api", message: `staging and prod (release ${R1}) not compared: releases/shop/api/0a1b2c3d4e5f.yaml is missing` },
    ]);
  });
});

describe("the report", () => {
  const between = environmentsDrift([
    env("staging", { "shop/api": held(R2, [deployment("staging", R2, 1)]) }),
    env("prod", { "shop/api": held(R1, [deployment("prod", R1, 3)]) }),
  ]);
  const prodGit = [deployment("prod", R1, 3), service("prod")];
  const prod = clusterDrift("prod", prodGit, liveState([live(prodGit[0]!, (x) => (x.spec.replicas = 5))]));
  const report = driftReport({
    environments: ["staging", "prod"],
    between,
    clusters: [{ environment: "prod", findings: prod }],
    notes: [{ environment: "staging", message: "no cluster context" }],
  });

  it("sorts findings the same whatever order they come in", () => {
    const again = driftReport({
      environments: ["staging", "prod"],
      between,
      clusters: [{ environment: "prod", findings: [...prod].reverse() }],
      notes: [{ environment: "staging", message: "no cluster context" }],
    });
    expect(again).toEqual(report);
    expect(report.findings.map((f) => f.kind)).toEqual(["release", "missing", "modified"]);
  });

  it("writes a text report and a markdown table of findings for the check, failing on drift against the cluster", () => {
    expect(formatDriftText(report)).toContain("  prod Deployment shop-prod/api: edited in the cluster\n    spec.replicas: git 3, live 5\n");
    const md = formatDriftMarkdown(report);
    expect(md).toContain("| Environment | Object | Drift | Field | Git | Live / expected |");
    expect(md).toContain("| prod | `Deployment shop-prod/api` | edited in the cluster | `spec.replicas` | 3 | 5 |");
    expect(md).toContain("| prod | `Service shop-prod/api` | missing in the cluster | – | present | absent |");
    expect(md).toContain(`| staging, prod | \`shop/api\` | release differs | – | staging: ${R2}, prod: ${R1} | – |`);
    expect(md).toContain("- staging: no cluster context");
    expect(driftConclusion(report)).toBe("failure");
    expect(driftConclusion(driftReport({ environments: ["staging", "prod"], between, clusters: [] }))).toBe("neutral");
    expect(driftConclusion(driftReport({ environments: ["prod"], between: { releases: [], findings: [], notes: [] }, clusters: [] }))).toBe("success");
  });

  it("reads a value back at a path it wrote", () => {
    const o = live(deployment("prod", R1, 3));
    expect(valueAt(o, "spec.template.spec.containers[name=main].image")).toBe("ghcr.io/acme/api:1.0.0");
    expect(valueAt(o, 'metadata.labels["ferry.dev/environment"]')).toBe("prod");
    expect(liveFieldDiffs(deployment("prod", R1, 3), o)).toEqual([]);
  });
});
