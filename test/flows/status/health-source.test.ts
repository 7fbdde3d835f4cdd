/**
 * The cluster-backed HealthSource as the promotion gates use it: real health from the fake
 * Kubernetes API, healthySince tracked on an injected clock so the soak gate opens only after
 * the soak time, backdated from GitHub deployment statuses after a restart, and restarted when
 * the component dips out of Healthy between two gate evaluations.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { evaluateGates, GatesInput, type GatesResult } from "../../../core/promotion/gates/index.js";
import type { HealthReport } from "../../../core/promotion/health.js";
import { ClusterHealthSource, deploymentHealthySince } from "../../../flows/status/health-source.js";
import { RolloutWatches } from "../../../flows/status/rollout-watches.js";
import { PipelineStep } from "../../../renderers/model/index.js";
import { crashLoopRollout, generateCerts, succeedingRollout, type FakeKubeCerts } from "../../support/fake-kube/index.js";
import { APP_REPO, CONTEXT, ENVIRONMENTS, KEY, RELEASE_2, startStatusScene, waitFor, workload, type StatusScene } from "../../support/status-scene.js";

const START = new Date("2026-03-02T10:00:00Z");
const MINUTE = 60_000;
const QUERY = { environment: "dev", project: "shop", component: "api" } as const;
const STEP = PipelineStep.parse({ from: "dev", to: ["staging"], soak: "30m" });

let certs: FakeKubeCerts;
let scene: StatusScene;

beforeAll(() => {
  certs = generateCerts();
});

beforeEach(async () => {
  scene = await startStatusScene(certs, START);
});

afterEach(async () => {
  scene.github.assertNoViolations();
  await scene.close();
});

const health = () => scene.observer.health(CONTEXT, KEY);

async function rolledOut(): Promise<void> {
  for (const s of succeedingRollout(workload(RELEASE_2, START)).steps) scene.kube.applyStep(s);
  await waitFor("Healthy on the release", () => health().status === "Healthy" && health().release === RELEASE_2);
}

/** The gates of promoting RELEASE_2 dev → staging with `report` as dev's health, at the scene's clock. */
function gates(report: HealthReport): GatesResult {
  const [dev, staging] = ENVIRONMENTS;
  return evaluateGates(
    GatesInput.parse({
      release: RELEASE_2,
      source: dev!,
      target: staging!,
      step: STEP,
      diagnostics: [],
      reviews: [],
      headSha: "c".repeat(40),
      author: "ferry[bot]",
      permissions: {},
      health: report,
      now: scene.clock.date(),
    }),
  );
}

const gate = (r: GatesResult, name: string) => r.gates.find((g) => g.name === name);

describe("ClusterHealthSource", () => {
  it("reports a healthy release with healthySince, so the soak gate passes only after the soak time", async () => {
    await rolledOut();
    const source = new ClusterHealthSource({ observer: scene.observer, environments: ENVIRONMENTS, clock: scene.clock.date });
    const first = await source.health(QUERY);
    expect(first).toEqual({ status: "Healthy", release: RELEASE_2, healthySince: START, detail: "2/2 ready" });
    const now = gates(first);
    expect(gate(now, "source-health")).toMatchObject({ state: "pass" });
    expect(gate(now, "soak")).toMatchObject({ state: "pending", summary: "Healthy in dev for 0s of 30m; holds from 2026-03-02 10:30 UTC" });

    scene.clock.advance(29 * MINUTE);
    const later = gates(await source.health(QUERY));
    expect(gate(later, "soak")).toMatchObject({ state: "pending", summary: "Healthy in dev for 29m of 30m; holds from 2026-03-02 10:30 UTC" });
    expect(later.conclusion).toBe("action_required");

    scene.clock.advance(MINUTE);
    const soaked = await source.health(QUERY);
    expect(soaked.healthySince).toEqual(START);
    const open = gates(soaked);
    expect(gate(open, "soak")).toMatchObject({ state: "pass", summary: "Healthy in dev for 30m (soak 30m)" });
    expect(open.conclusion).toBe("success");
  });

  it("answers NotObserved without a cluster context and Unknown for a component the cluster does not run", async () => {
    const source = new ClusterHealthSource({ observer: scene.observer, environments: ENVIRONMENTS, clock: scene.clock.date });
    await expect(source.health({ ...QUERY, environment: "staging" })).resolves.toEqual({
      status: "NotObserved",
      detail: "environment staging has no cluster context",
    });
    const missing = await source.health(QUERY);
    expect(missing).toMatchObject({ status: "Unknown" });
    expect(missing.healthySince).toBeUndefined();
    // staging requires health: an unseen source blocks (pending) instead of passing.
    expect(gate(gates(missing), "source-health")).toMatchObject({ state: "pending" });
    expect(gate(gates(missing), "source-health")?.summary).toMatch(
      /^dev health is Unknown \(0\/0 ready; no Deployment, StatefulSet, CronJob or Job found\); promoting dev → staging requires it \(staging sets requireHealth\)$/,
    );
  });

  it("a restarted app takes healthySince from the Healthy deployment status instead of starting the soak again", async () => {
    await rolledOut();
    // Before the restart: the watches saw the release Healthy at START and recorded it on GitHub.
    const watches = new RolloutWatches({ observer: scene.observer, environments: ENVIRONMENTS, clock: scene.clock.date, timers: scene.clock });
    const watch = watches.watch({ ...KEY, release: RELEASE_2, appRepo: { repo: APP_REPO, sha: scene.appSha }, startedAt: START }, scene.gh);
    await expect(watch.done).resolves.toMatchObject({ outcome: "healthy" });
    await watches.stop();

    scene.clock.advance(30 * MINUTE);
    const forgetful = new ClusterHealthSource({ observer: scene.observer, environments: ENVIRONMENTS, clock: scene.clock.date });
    const fresh = await forgetful.health(QUERY);
    expect(fresh.healthySince).toEqual(scene.clock.date());
    expect(gate(gates(fresh), "soak")).toMatchObject({ state: "pending" });

    const lookups: string[] = [];
    const restarted = new ClusterHealthSource({
      observer: scene.observer,
      environments: ENVIRONMENTS,
      clock: scene.clock.date,
      healthySince: deploymentHealthySince({
        github: () => scene.gh,
        repos: (q) => {
          lookups.push(`${q.project}/${q.component}`);
          return [{ owner: "acme", repo: "shop-api" }];
        },
      }),
    });
    const recovered = await restarted.health(QUERY);
    expect(recovered).toEqual({ status: "Healthy", release: RELEASE_2, healthySince: START, detail: "2/2 ready" });
    expect(gate(gates(recovered), "soak")).toMatchObject({ state: "pass", summary: "Healthy in dev for 30m (soak 30m)" });
    // Looked up once per Healthy period, not on every evaluation.
    await restarted.health(QUERY);
    expect(lookups).toEqual(["shop/api"]);
  });

  it("restarts the soak when the component dips out of Healthy between two evaluations (track)", async () => {
    await rolledOut();
    const source = new ClusterHealthSource({
      observer: scene.observer,
      environments: ENVIRONMENTS,
      clock: scene.clock.date,
      timers: scene.clock,
      trackDebounceMs: 1000,
    });
    const stop = source.track();
    try {
      expect((await source.health(QUERY)).healthySince).toEqual(START);
      scene.clock.advance(10 * MINUTE);
      const [, crashing] = crashLoopRollout(workload(RELEASE_2, START)).steps;
      scene.kube.applyStep(crashing!);
      await waitFor("crash loop", () => health().status === "Degraded");
      scene.clock.advance(1000);
      expect(source.tracker.current(KEY)).toBeUndefined();

      scene.clock.advance(5 * MINUTE);
      const [, available] = succeedingRollout(workload(RELEASE_2, START)).steps;
      scene.kube.applyStep(available!);
      await waitFor("healthy again", () => health().status === "Healthy");
      // The change is seen when the coalescing window closes.
      scene.clock.advance(1000);
      const back = scene.clock.date();
      const report = await source.health(QUERY);
      expect(report.healthySince).toEqual(back);
      expect(gate(gates(report), "soak")).toMatchObject({ state: "pending" });
    } finally {
      stop();
    }
  });
});
