/** Drift of git against a cluster (core/drift/cluster.ts). */
import { describe, expect, it } from "vitest";
import { clusterDrift, ferryObjectsSelector, kindsToScan } from "../../../core/drift/cluster.js";
import type { K8sObject } from "../../../renderers/types.js";
import { R1, deployment, live, liveState, service } from "../../support/drift-objects.js";

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
    expect(ferryObjectsSelector("prod")).toBe("app.kubernetes.io/managed-by=ferry,ferry.dev/environment=prod,!ferry.dev/preview");
  });
});
