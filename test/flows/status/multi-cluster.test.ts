/**
 * Status back for an environment on several clusters: prod on eu-1 (context kind-eu) and us-1
 * (kind-us), two fake Kubernetes API servers, one runtime observing both contexts. A release
 * landing in prod is watched in each cluster: deployment statuses on `prod/eu-1` and `prod/us-1`,
 * health per cluster, and the environment's aggregate Degraded naming the crashing cluster.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClusterRuntime } from "../../../flows/status/cluster-runtime.js";
import type { SettledEvent } from "../../../flows/status/watch-request.js";
import { formatStatusMarkdown } from "../../../presentation/markdown/status-overview.js";
import { Platform } from "../../../renderers/model/index.js";
import { crashLoopRollout, FakeKube, generateCerts, kubeconfigYaml, succeedingRollout, type FakeKubeCerts } from "../../support/fake-kube/index.js";
import { APP_REPO, RELEASE_2, startStatusScene, waitFor, type StatusScene } from "../../support/status-scene.js";

const START = new Date("2026-03-02T10:00:00Z");
const DEBOUNCE = 2_000;
const PROD = { project: "shop", component: "api", environment: "prod" } as const;

const platform = Platform.parse({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "Platform",
  metadata: { name: "acme" },
  spec: {
    projects: [{ name: "shop", repos: [APP_REPO] }],
    environments: [
      { name: "dev", gitops: { repo: "acme/gitops", path: "environments/dev" } },
      {
        name: "prod",
        production: true,
        gitops: { repo: "acme/gitops", path: "environments/prod" },
        clusters: [
          { name: "us-1", context: "kind-us", wave: 2 },
          { name: "eu-1", context: "kind-eu", wave: 1 },
        ],
      },
    ],
  },
});

let certs: FakeKubeCerts;
let scene: StatusScene;
let eu: FakeKube;
let us: FakeKube;
let runtime: ClusterRuntime;
let settled: SettledEvent[];

beforeAll(() => {
  certs = generateCerts();
});

beforeEach(async () => {
  scene = await startStatusScene(certs, START);
  eu = await FakeKube.start({ certs, now: scene.clock.now });
  us = await FakeKube.start({ certs, now: scene.clock.now });
  const yaml = kubeconfigYaml([
    { context: "kind-eu", server: eu.url, caPem: eu.caPem, token: eu.token },
    { context: "kind-us", server: us.url, caPem: us.caPem, token: us.token },
  ]);
  runtime = new ClusterRuntime({
    kubeConfig: { kind: "yaml", yaml },
    clock: scene.clock.date,
    timers: scene.clock,
    debounceMs: DEBOUNCE,
    degradedSettleMs: 5 * 60_000,
    trackDebounceMs: DEBOUNCE,
  }).start();
  settled = [];
  runtime.watches.onSettled((e) => {
    settled.push(e);
  });
});

afterEach(async () => {
  await runtime.stop();
  scene.github.assertNoViolations();
  await eu.close();
  await us.close();
  await scene.close();
});

function statuses(environment: string): { state: string; description: string }[] {
  return scene.github.deploymentsIn(APP_REPO, environment).flatMap((d) => d.statuses.map((s) => ({ state: s.state, description: s.description })));
}

describe("status back across an environment's clusters", () => {
  it("observes every cluster's context and refuses to watch prod without naming a cluster", async () => {
    const update = runtime.usePlatform(platform);
    expect(update).toEqual({ observed: ["kind-eu", "kind-us"], missing: [], changed: true });
    expect(runtime.observes("prod")).toBe(true);
    expect(runtime.observes("prod", "eu-1")).toBe(true);
    expect(runtime.observes("prod", "ap-1")).toBe(false);
    expect(runtime.observedTargets("prod").map((t) => [t.cluster, t.context, t.tracked])).toEqual([
      ["eu-1", "kind-eu", "prod/eu-1"],
      ["us-1", "kind-us", "prod/us-1"],
    ]);
    const request = { ...PROD, release: RELEASE_2, startedAt: START };
    expect(() => runtime.watch(request, scene.gh)).toThrow("cannot watch: cluster: prod is on several clusters (eu-1, us-1); name the one to watch");
    expect(() => runtime.watch({ ...request, cluster: "ap-1" }, scene.gh)).toThrow('cannot watch: cluster: prod has no cluster "ap-1"');
  });

  it("reports each cluster on prod/<cluster>, and the aggregate Degraded naming the crashing cluster", async () => {
    runtime.usePlatform(platform);
    await waitFor("both clusters read", () => runtime.observer.isSynced("kind-eu") && runtime.observer.isSynced("kind-us"));
    const appRepo = { repo: APP_REPO, sha: scene.appSha };
    for (const cluster of ["eu-1", "us-1"]) runtime.watch({ ...PROD, cluster, release: RELEASE_2, pr: scene.pr, appRepo, startedAt: START }, scene.gh);
    await runtime.watches.idle();
    expect(statuses("prod/eu-1").map((s) => s.state)).toEqual(["in_progress"]);
    expect(statuses("prod/us-1").map((s) => s.state)).toEqual(["in_progress"]);
    expect(statuses("prod")).toEqual([]);

    const workload = { ...PROD, release: RELEASE_2, now: START, generation: 2 };
    for (const s of succeedingRollout(workload).steps) eu.applyStep(s);
    for (const s of crashLoopRollout(workload).steps) us.applyStep(s);
    await waitFor("eu-1 Healthy, us-1 Degraded", () => {
      return runtime.observer.health("kind-eu", PROD).status === "Healthy" && runtime.observer.health("kind-us", PROD).status === "Degraded";
    });
    scene.clock.advance(DEBOUNCE);
    await runtime.watches.idle();
    expect(settled.map((e) => [e.environment, e.cluster, e.key.environment, e.outcome])).toEqual([["prod", "eu-1", "prod/eu-1", "healthy"]]);
    expect(statuses("prod/eu-1")).toEqual([
      { state: "in_progress", description: `Rolling out: ${RELEASE_2} in prod/eu-1` },
      { state: "success", description: `Healthy: ${RELEASE_2} in prod/eu-1, 2/2 ready` },
    ]);

    scene.clock.advance(5 * 60_000);
    await runtime.watches.idle();
    expect(settled.map((e) => [e.cluster, e.outcome])).toEqual([
      ["eu-1", "healthy"],
      ["us-1", "degraded"],
    ]);
    expect(statuses("prod/us-1").map((s) => s.state)).toEqual(["in_progress", "failure"]);
    // One status comment for the rollout: the aggregate line, a row and a section per cluster.
    const comments = scene.github.commentsOn(scene.pr.repo, scene.pr.number);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body.split("\n")[0]).toBe("<!-- ferry:status:prod:shop/api -->");
    expect(body).toContain("## Ferry status: `shop/api` in prod");
    expect(body).toMatch(/\*\*prod\*\* \(2 of 2 clusters in this rollout\): Degraded \(us-1: Degraded \(CrashLoopBackOff/);
    expect(body).toMatch(new RegExp(`\\| eu-1 \\| .* Healthy \\| \`${RELEASE_2}\` \\|`));
    expect(body).toMatch(new RegExp(`\\| us-1 \\| .* Degraded \\| \`${RELEASE_2}\` \\|`));
    expect(body.indexOf("### Cluster eu-1")).toBeGreaterThan(0);
    expect(body.indexOf("### Cluster us-1")).toBeGreaterThan(body.indexOf("### Cluster eu-1"));
    expect(body).toContain("### ❌ shop/api in prod/us-1 (`kind-us`): Degraded");
    expect(body).toContain("### ✅ shop/api in prod/eu-1 (`kind-eu`): Healthy");
    expect(statuses("prod/us-1")[1]!.description).toContain(`Degraded: ${RELEASE_2} in prod/us-1`);

    const eu1 = await runtime.health.health({ ...PROD, cluster: "eu-1" });
    expect(eu1).toMatchObject({ status: "Healthy", release: RELEASE_2, detail: "2/2 ready" });
    expect(eu1.healthySince).toBeInstanceOf(Date);
    expect((await runtime.health.health({ ...PROD, cluster: "us-1" })).status).toBe("Degraded");
    const aggregate = await runtime.health.health(PROD);
    expect(aggregate.status).toBe("Degraded");
    expect(aggregate.detail).toMatch(/^us-1: Degraded \(.*CrashLoopBackOff/);
    expect(aggregate.detail).not.toContain("eu-1");
    expect(aggregate.healthySince).toBeUndefined();

    // `/ferry status`: the aggregate row, then one row per cluster in wave order.
    const [prod] = runtime.overview({ project: "shop", component: "api", environments: ["prod"] });
    expect(prod?.components.map((c) => [c.health.status, c.clusters?.map((k) => [k.name, k.health.status])])).toEqual([
      [
        "Degraded",
        [
          ["eu-1", "Healthy"],
          ["us-1", "Degraded"],
        ],
      ],
    ]);
    const markdown = formatStatusMarkdown(prod ? [prod] : []);
    expect(markdown).toMatch(/\| prod \| `shop\/api` \| .* Degraded \| .*us-1: Degraded/);
    expect(markdown).toMatch(new RegExp(`\\| prod/eu-1 \\| \`shop/api\` \\| .* Healthy \\| \`${RELEASE_2}\` \\| 2/2 \\|`));
    expect(markdown).toContain("| prod/us-1 | `shop/api` |");
  });
});
