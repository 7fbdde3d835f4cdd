/** An environment on several clusters: its deployment environment names and its aggregate health. */
import { describe, expect, it } from "vitest";
import { aggregateClusterHealth, clusterEnvironmentName } from "../../../core/status/cluster-environment.js";

const t = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("clusterEnvironmentName", () => {
  it("names a cluster's deployment environment <env>/<cluster>, and keeps <env> without one", () => {
    expect(clusterEnvironmentName("prod", "eu-1")).toBe("prod/eu-1");
    expect(clusterEnvironmentName("prod")).toBe("prod");
  });
});

describe("aggregateClusterHealth", () => {
  it("is Healthy only when every cluster is Healthy on the same release, since the latest of theirs", () => {
    const h = aggregateClusterHealth([
      { cluster: "eu-1", report: { status: "Healthy", release: "r1", healthySince: t(10) } },
      { cluster: "us-1", report: { status: "Healthy", release: "r1", healthySince: t(30) } },
    ]);
    expect(h).toEqual({ status: "Healthy", release: "r1", healthySince: t(30), detail: "2/2 clusters Healthy" });
  });

  it("is the worst status, naming only the clusters that are not Healthy", () => {
    const h = aggregateClusterHealth([
      { cluster: "eu-1", report: { status: "Healthy", release: "r1", healthySince: t(10) } },
      { cluster: "us-1", report: { status: "Degraded", release: "r1", detail: "CrashLoopBackOff" } },
      { cluster: "ap-1", report: { status: "Progressing", release: "r1", detail: "1/2 ready" } },
    ]);
    expect(h.status).toBe("Degraded");
    expect(h.healthySince).toBeUndefined();
    expect(h.detail).toBe("us-1: Degraded (CrashLoopBackOff); ap-1: Progressing (1/2 ready)");
    expect(h.detail).not.toContain("eu-1");
  });

  it("is NotObserved when any cluster is not observed, even if another is Degraded", () => {
    const h = aggregateClusterHealth([
      { cluster: "eu-1", report: { status: "Degraded", release: "r1" } },
      { cluster: "us-1", report: { status: "NotObserved", detail: "cluster context us is not observed" } },
    ]);
    expect(h).toEqual({ status: "NotObserved", detail: "us-1: NotObserved (cluster context us is not observed)" });
  });

  it("is not Healthy while Healthy clusters run different releases (a wave half-way)", () => {
    const h = aggregateClusterHealth([
      { cluster: "eu-1", report: { status: "Healthy", release: "r2", healthySince: t(1) } },
      { cluster: "us-1", report: { status: "Healthy", release: "r1", healthySince: t(1) } },
    ]);
    expect(h.status).toBe("Progressing");
    expect(h.detail).toBe("clusters run different releases: eu-1: r2; us-1: r1");
    expect(h.healthySince).toBeUndefined();
  });

  it("has no healthySince when a cluster's is unknown, and is NotObserved with no cluster", () => {
    const h = aggregateClusterHealth([
      { cluster: "eu-1", report: { status: "Healthy", release: "r1", healthySince: t(1) } },
      { cluster: "us-1", report: { status: "Healthy", release: "r1" } },
    ]);
    expect(h.status).toBe("Healthy");
    expect(h.healthySince).toBeUndefined();
    expect(aggregateClusterHealth([]).status).toBe("NotObserved");
  });
});
