import { describe, expect, it } from "vitest";
import { compareCost, estimateCost, formatMoney, formatMoneyDelta, formatNumber, objectsFromFiles, parseQuantity } from "../../core/cost.js";
import { Pricing } from "../../renderers/model/index.js";
import type { K8sObject } from "../../renderers/types.js";
import { toYaml } from "../../renderers/canonical.js";
import { claim, hpa, deployment as sizedDeployment } from "../support/cost-objects.js";

const pricing = Pricing.parse({ cpu: 23, memory: 3.1, storage: 0.1, currency: "EUR" });
const GiB = 2 ** 30;

function deployment(
  name: string,
  replicas: number | undefined,
  containers: Record<string, unknown>[],
  initContainers: Record<string, unknown>[] = [],
): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "storefront-prod" },
    spec: { ...(replicas === undefined ? {} : { replicas }), template: { spec: { containers, initContainers } } },
  };
}
const container = (cpu?: string, memory?: string, extra: Record<string, unknown> = {}) => ({
  name: "main",
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
  ...extra,
});

describe("parseQuantity", () => {
  it("reads decimal, binary and exponent suffixes", () => {
    const cases: [string | number, number][] = [
      ["250m", 0.25],
      ["1", 1],
      ["1.5", 1.5],
      [".5", 0.5],
      [2, 2],
      ["100n", 1e-7],
      ["5u", 5e-6],
      ["512Mi", 512 * 2 ** 20],
      ["1Gi", GiB],
      ["64Ki", 65536],
      ["2Ti", 2 * 2 ** 40],
      ["1k", 1000],
      ["1M", 1e6],
      ["1G", 1e9],
      ["1e3", 1000],
      ["1E", 1e18],
      ["1.5e-3", 0.0015],
      ["+3", 3],
    ];
    const precise = (v: number | undefined) => (v === undefined ? v : Number(v.toPrecision(12)));
    expect(cases.map(([q]) => [q, precise(parseQuantity(q))])).toEqual(cases.map(([q, v]) => [q, precise(v)]));
  });

  it("refuses what is not a quantity", () => {
    const bad = ["", "abc", "1Gb", "1 Gi", "Mi", "1mi", "1KI", "--1"];
    expect(bad.filter((q) => parseQuantity(q) !== undefined)).toEqual([]);
    expect(parseQuantity(Number.NaN)).toBeUndefined();
  });
});

describe("estimateCost", () => {
  it("multiplies pod requests by replicas and prices them per vCPU and GiB", () => {
    const c = estimateCost([deployment("api", 3, [container("250m", "256Mi")])], pricing);
    expect(c.cpu).toBeCloseTo(0.75);
    expect(c.memoryGiB).toBeCloseTo(0.75);
    expect(c.monthly).toBeCloseTo(0.75 * 23 + 0.75 * 3.1);
    expect(c.lines).toEqual([{ resource: "Deployment/api", replicas: 3, cpu: 0.75, memoryGiB: 0.75, storageGiB: 0, monthly: c.monthly }]);
  });

  it("counts the autoscaler's minReplicas instead of spec.replicas, 1 when it has none", () => {
    const hpa = (target: string, minReplicas?: number): K8sObject => ({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: target, namespace: "storefront-prod" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, ...(minReplicas ? { minReplicas } : {}), maxReplicas: 10 },
    });
    const c = estimateCost([deployment("api", 1, [container("1", "1Gi")]), hpa("api", 4), deployment("web", 5, [container("1", "1Gi")]), hpa("web")], pricing);
    expect(c.lines.map((l) => [l.resource, l.replicas])).toEqual([
      ["Deployment/api", 4],
      ["Deployment/web", 1],
    ]);
    expect(c.cpu).toBe(5);
  });

  it("scales each cluster's workload by its own cluster's autoscaler when an environment's clusters come in turn", () => {
    // environments/prod/eu-1/... then environments/prod/us-1/...: the same names, us-1 overriding the autoscaler.
    const c = estimateCost(
      [sizedDeployment("api", 1, "500m", "512Mi"), hpa("api", 3, 20), sizedDeployment("api", 1, "500m", "768Mi"), hpa("api", 4, 30)],
      pricing,
    );
    expect(c.lines.map((l) => [l.resource, l.replicas, l.scaling?.maxReplicas])).toEqual([
      ["Deployment/api", 3, 20],
      ["Deployment/api", 4, 30],
    ]);
    expect(c.cpu).toBeCloseTo(3.5);
    expect(c.memoryGiB).toBeCloseTo(3 * 0.5 + 4 * 0.75);
  });

  it("adds sidecars, takes the larger of init containers and the sum, and counts limits when requests are missing", () => {
    const c = estimateCost(
      [
        deployment(
          "api",
          undefined,
          [container("500m", "256Mi"), { name: "limited", resources: { limits: { cpu: "250m", memory: "128Mi" } } }],
          [container("2", "64Mi", { name: "migrate" }), container("100m", "64Mi", { name: "proxy", restartPolicy: "Always" })],
        ),
      ],
      pricing,
    );
    expect(c.lines[0]!.replicas).toBe(1);
    expect(c.cpu).toBe(2);
    expect(c.memoryGiB).toBeCloseTo((256 + 128 + 64) / 1024);
  });

  it("prices storage of claims and StatefulSet claim templates per replica; notes what it cannot cost", () => {
    const objects: K8sObject[] = [
      { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { resources: { requests: { storage: "10Gi" } } } },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db" },
        spec: {
          replicas: 2,
          template: { spec: { containers: [container("1", "2Gi")] } },
          volumeClaimTemplates: [{ metadata: { name: "wal" }, spec: { resources: { requests: { storage: "5G" } } } }],
        },
      },
      { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "backup" }, spec: {} },
      deployment("bad", 1, [container("lots", "1Gi")]),
    ];
    const c = estimateCost(objects, pricing);
    expect(c.storageGiB).toBeCloseTo(10 + (2 * 5e9) / GiB);
    expect(c.cpu).toBe(2);
    expect(c.memoryGiB).toBe(5);
    expect(c.notes).toEqual([
      "CronJob/backup is not costed: a CronJob runs on a schedule",
      'Deployment/bad: cpu "lots" is not a Kubernetes quantity; counted as 0',
    ]);
    expect(c.monthly).toBeCloseTo(2 * 23 + 5 * 3.1 + c.storageGiB * 0.1);
  });

  it("compares before and after and formats money deterministically", () => {
    const before = estimateCost([deployment("api", 2, [container("250m", "512Mi")])], pricing);
    const after = estimateCost([deployment("api", 3, [container("500m", "512Mi")])], pricing);
    const cmp = compareCost(before, after);
    expect(cmp.delta.cpu).toBeCloseTo(1);
    expect(cmp.delta.memoryGiB).toBeCloseTo(0.5);
    expect(formatMoney(before.monthly, "EUR")).toBe("EUR 14.60");
    expect(formatMoney(after.monthly, "EUR")).toBe("EUR 39.15");
    expect(formatMoneyDelta(cmp.delta.monthly, "EUR")).toBe("+EUR 24.55");
    expect(formatMoneyDelta(-cmp.delta.monthly, "EUR")).toBe("-EUR 24.55");
    expect(formatMoneyDelta(0.001, "EUR")).toBe("EUR 0.00");
    expect([formatNumber(0.1 + 0.2), formatNumber(1, true), formatNumber(-0.5, true), formatNumber(0, true)]).toEqual(["0.3", "+1", "-0.5", "0"]);
  });

  it("reads objects from rendered YAML files and notes files that are not objects", () => {
    const files = new Map([
      ["b/deployment-api.yaml", toYaml(deployment("api", 2, [container("1", "1Gi")]))],
      ["a/broken.yaml", "kind: [unclosed"],
      ["a/list.yaml", "- 1\n- 2\n"],
    ]);
    const { objects, notes } = objectsFromFiles(files);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Deployment/api"]);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^a\/broken.yaml: not valid YAML/);
    expect(notes[1]).toBe("a/list.yaml: not a Kubernetes object");
    expect(estimateCost(objects, pricing).cpu).toBe(2);
  });
});

describe("the monthly cost of a component", () => {
  it("is requests x replicas x price; an autoscaled workload counts minReplicas and shows the range to maxReplicas", () => {
    const plain = estimateCost([sizedDeployment("worker", 2, "250m", "256Mi")], pricing);
    expect(plain.monthly).toBeCloseTo(2 * (0.25 * 23 + 0.25 * 3.1));
    expect(plain.maxMonthly).toBe(plain.monthly);

    const scaled = estimateCost([sizedDeployment("api", 1, "500m", "512Mi"), hpa("api", 3, 20)], pricing);
    const perPod = 0.5 * 23 + 0.5 * 3.1; // 13.05
    expect(scaled.monthly).toBeCloseTo(3 * perPod); // 39.15
    expect(scaled.maxMonthly).toBeCloseTo(20 * perPod); // 261
    expect(scaled.lines[0]).toMatchObject({ resource: "Deployment/api", replicas: 3, scaling: { maxReplicas: 20 } });
  });

  it("prices a claim's size per GiB-month, the same at min and max", () => {
    const c = estimateCost([claim("data", "200Gi"), sizedDeployment("db", 1, "1", "1Gi"), hpa("db", 1, 3)], pricing);
    expect(c.storageGiB).toBe(200);
    expect(c.monthly).toBeCloseTo(200 * 0.1 + 23 + 3.1);
    expect(c.maxMonthly).toBeCloseTo(200 * 0.1 + 3 * (23 + 3.1));
  });
});
