/** Waves (core/promotion/waves.ts): what comes next in a wave-by-wave promotion into an environment on several clusters. */
import { describe, expect, it } from "vitest";
import { planWaves, rollbackClusters, waveOfCluster, wavesOf } from "../../../core/promotion/waves.js";
import type { ClusterVerification, WavesInput } from "../../../core/promotion/waves.js";
import type { HealthReport } from "../../../core/promotion/health.js";

const NOW = new Date("2026-03-10T12:00:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const CLUSTERS = [
  { name: "us-1", wave: 2 },
  { name: "eu-1", wave: 1 },
  { name: "ap-1", wave: 2 },
];
const healthy = (release: string, minutes: number): HealthReport => ({ status: "Healthy", release, healthySince: ago(minutes) });

function input(over: Partial<WavesInput>): WavesInput {
  return { clusters: CLUSTERS, release: "r2", deployed: new Map(), health: new Map(), soak: "30m", now: NOW, ...over };
}

describe("wavesOf", () => {
  it("groups clusters by wave, waves ascending and clusters by name", () => {
    expect(wavesOf(CLUSTERS)).toEqual([
      { wave: 1, clusters: ["eu-1"] },
      { wave: 2, clusters: ["ap-1", "us-1"] },
    ]);
    expect(waveOfCluster(CLUSTERS, "us-1")).toEqual({ wave: 2, clusters: ["ap-1", "us-1"] });
    expect(waveOfCluster(CLUSTERS, "xx-1")).toBeUndefined();
    expect(wavesOf([])).toEqual([]);
  });
});

describe("planWaves", () => {
  it("opens the first wave when no cluster holds the release, whatever the health says", () => {
    const d = planWaves(
      input({
        deployed: new Map([
          ["eu-1", "r1"],
          ["us-1", "r1"],
          ["ap-1", "r1"],
        ]),
      }),
    );
    expect(d).toMatchObject({ kind: "open", wave: { wave: 1, clusters: ["eu-1"] } });
  });

  it("waits on the previous wave's cluster until it has been Healthy on the release for the soak, saying how long is left", () => {
    const d = planWaves(
      input({
        deployed: new Map([
          ["eu-1", "r2"],
          ["us-1", "r1"],
        ]),
        health: new Map([["eu-1", healthy("r2", 10)]]),
      }),
    );
    expect(d.kind).toBe("wait");
    if (d.kind !== "wait") return;
    expect(d.cluster).toBe("eu-1");
    expect(d.wave.wave).toBe(1);
    expect(d.remainingSeconds).toBe(20 * 60);
    expect(d.reason).toBe("wave 2 waits on wave 1: eu-1 is Healthy for 10m of 30m; holds from 2026-03-10 12:20 UTC");
  });

  it("opens the next wave once every cluster of the previous one is Healthy on the release for the soak", () => {
    const d = planWaves(input({ deployed: new Map([["eu-1", "r2"]]), health: new Map([["eu-1", healthy("r2", 30)]]) }));
    expect(d).toMatchObject({ kind: "open", wave: { wave: 2, clusters: ["ap-1", "us-1"] } });
    expect(d.reason).toBe("wave 1 (eu-1) runs r2 Healthy for 30m");
  });

  it("waits while the previous wave's cluster is not observed, still runs the old release, or is Progressing", () => {
    const deployed = new Map([["eu-1", "r2"]]);
    const unseen = planWaves(input({ deployed }));
    expect(unseen).toMatchObject({ kind: "wait", cluster: "eu-1" });
    expect(unseen.reason).toContain("eu-1's health is not observed");
    const old = planWaves(input({ deployed, health: new Map([["eu-1", healthy("r1", 600)]]) }));
    expect(old.reason).toContain("eu-1 still runs r1");
    const rolling = planWaves(input({ deployed, health: new Map([["eu-1", { status: "Progressing", release: "r2", detail: "1/3 ready" }]]) }));
    expect(rolling).toMatchObject({ kind: "wait", cluster: "eu-1" });
    expect(rolling.reason).toContain("eu-1 is Progressing (1/3 ready)");
    const noSince = planWaves(input({ deployed, health: new Map([["eu-1", { status: "Healthy", release: "r2" }]]) }));
    expect(noSince.reason).toContain("since when eu-1 is Healthy is not known");
  });

  it("stops at the wave of a cluster that took the release and is Degraded on it, naming the cluster", () => {
    const d = planWaves(
      input({
        deployed: new Map([["eu-1", "r2"]]),
        health: new Map<string, HealthReport>([["eu-1", { status: "Degraded", release: "r2", detail: "CrashLoopBackOff" }]]),
      }),
    );
    expect(d).toEqual({
      kind: "stop",
      wave: { wave: 1, clusters: ["eu-1"] },
      cluster: "eu-1",
      reason: "the rollout of r2 stops at wave 1: eu-1 is Degraded (CrashLoopBackOff) on r2",
    });
  });

  it("does not stop for a cluster that is Degraded but never took the release", () => {
    const d = planWaves(
      input({ deployed: new Map([["eu-1", "r1"]]), health: new Map<string, HealthReport>([["eu-1", { status: "Degraded", release: "r1" }]]) }),
    );
    expect(d).toMatchObject({ kind: "open", wave: { wave: 1 } });
  });

  it("stops when a cluster of a later wave fails, even after the earlier waves were through", () => {
    const d = planWaves(
      input({
        deployed: new Map([
          ["eu-1", "r2"],
          ["us-1", "r2"],
          ["ap-1", "r2"],
        ]),
        health: new Map<string, HealthReport>([
          ["eu-1", healthy("r2", 90)],
          ["ap-1", healthy("r2", 5)],
          ["us-1", { status: "Degraded", release: "r2", detail: "OOMKilled" }],
        ]),
      }),
    );
    expect(d).toMatchObject({ kind: "stop", cluster: "us-1", wave: { wave: 2 } });
  });

  it("with verify, counts the soak from each cluster's verification and stops on a failed one", () => {
    const deployed = new Map([["eu-1", "r2"]]);
    const health = new Map([["eu-1", healthy("r2", 120)]]);
    const verifying = new Map<string, ClusterVerification>([["eu-1", { signal: "verifying" }]]);
    expect(planWaves(input({ deployed, health, verification: verifying })).reason).toContain("r2 is not verified in eu-1 yet (verifying)");
    const verified = new Map<string, ClusterVerification>([["eu-1", { signal: "verified", at: ago(10) }]]);
    expect(planWaves(input({ deployed, health, verification: verified }))).toMatchObject({ kind: "wait", remainingSeconds: 20 * 60 });
    const long = new Map<string, ClusterVerification>([["eu-1", { signal: "verified", at: ago(45) }]]);
    expect(planWaves(input({ deployed, health, verification: long }))).toMatchObject({ kind: "open", wave: { wave: 2 } });
    const failed = new Map<string, ClusterVerification>([["eu-1", { signal: "failed", detail: "error rate 4% > 1%" }]]);
    expect(planWaves(input({ deployed, health, verification: failed }))).toMatchObject({
      kind: "stop",
      cluster: "eu-1",
      reason: "the rollout of r2 stops at wave 1: r2 failed its verification in eu-1: error rate 4% > 1%",
    });
  });

  it("without a soak, Healthy on the release is enough", () => {
    const d = planWaves(input({ soak: undefined, deployed: new Map([["eu-1", "r2"]]), health: new Map([["eu-1", healthy("r2", 0)]]) }));
    expect(d).toMatchObject({ kind: "open", wave: { wave: 2 } });
  });

  it("is done when every cluster holds the release", () => {
    const all = new Map([
      ["eu-1", "r2"],
      ["us-1", "r2"],
      ["ap-1", "r2"],
    ]);
    const health = new Map([
      ["eu-1", healthy("r2", 90)],
      ["us-1", healthy("r2", 1)],
      ["ap-1", healthy("r2", 1)],
    ]);
    expect(planWaves(input({ deployed: all, health }))).toEqual({ kind: "done", reason: "every cluster holds r2" });
  });
});

describe("rollbackClusters", () => {
  const held = (eu: string | undefined, ap: string | undefined, us: string | undefined) =>
    new Map([
      ["eu-1", eu],
      ["ap-1", ap],
      ["us-1", us],
    ]);
  it("writes only the clusters holding what the first wave's first cluster holds (the release the rollout brought)", () => {
    expect(rollbackClusters(CLUSTERS, held("r3", "r1", "r1"))).toEqual(["eu-1"]);
    expect(rollbackClusters(CLUSTERS, held("r3", "r3", "r1"))).toEqual(["eu-1", "ap-1"]);
    expect(rollbackClusters(CLUSTERS, held("r3", "r3", "r3"))).toEqual(["eu-1", "ap-1", "us-1"]);
    // A wave that never got the release keeps its folder even when it runs neither release (nor none at all).
    expect(rollbackClusters(CLUSTERS, held("r3", undefined, "r0"))).toEqual(["eu-1"]);
  });
  it("is every cluster for an environment in one wave, or when the first cluster holds no release", () => {
    expect(rollbackClusters(CLUSTERS, held(undefined, "r1", "r1"))).toBeUndefined();
    expect(
      rollbackClusters(
        [
          { name: "eu-1", wave: 1 },
          { name: "us-1", wave: 1 },
        ],
        new Map([
          ["eu-1", "r2"],
          ["us-1", "r1"],
        ]),
      ),
    ).toBeUndefined();
  });
});
