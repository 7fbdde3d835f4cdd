/**
 * A promotion into a production on two clusters in two waves, end to end: signed deliveries → the
 * app → contract-checked fake GitHub and real GitOps repositories. eu-1 is wave 1, us-1 wave 2,
 * `waves.soak: 30m`. The health source (given in deps, `HealthQuery.cluster` per cluster) is the
 * test's: wave 2 opens only after eu-1 is Healthy on the release for the soak (the periodic
 * reconcile pass opens it); a crash in eu-1 stops the rollout there and names the cluster.
 */
import { describe, expect, it } from "vitest";
import { parseCommitMessage } from "../../../core/gitops/trailers.js";
import type { HealthQuery, HealthReport, HealthSource } from "../../../core/promotion/health.js";
import { GITOPS_REPO, sceneTeardown } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import { git, ManualScheduler, mustPromotion, PROD_REPO, releaseImage, review, startPromotionScene } from "../../support/promotion-scene.js";
import type { PromotionScene } from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
      approvals: {required: 0}
    - name: staging
      gitops: {repo: acme/gitops, branch: main, path: environments/staging}
      approvals: {required: 1}
      autoMerge: true
    - name: prod
      clusters:
        - {name: us-1, context: prod-us-1, wave: 2}
        - {name: eu-1, context: prod-eu-1, wave: 1}
      gitops: {repo: ${PROD_REPO}, branch: main, path: environments/prod}
      approvals: {required: 0}
      autoMerge: true
  pipeline:
    - from: dev
      to: [staging]
    - from: staging
      to: [prod]
      waves: {soak: 30m}
`;

/** Health the test sets per environment or cluster (`prod/eu-1`); anything unset is not observed. */
class TestHealth implements HealthSource {
  readonly reports = new Map<string, HealthReport>();
  readonly asked: HealthQuery[] = [];
  health(q: HealthQuery): Promise<HealthReport> {
    this.asked.push(q);
    return Promise.resolve(this.reports.get(q.cluster ? `${q.environment}/${q.cluster}` : q.environment) ?? { status: "NotObserved" });
  }
}

/** Files a commit of the prod repository changed. */
async function changedIn(s: Scene, ref: string): Promise<string[]> {
  return (await git(s, PROD_REPO, ["show", "--name-only", "--format=", ref])).split("\n").filter(Boolean).sort();
}

/** The release the component's Deployment carries in one cluster's folder of prod. */
async function releaseInCluster(s: Scene, cluster: string): Promise<string | undefined> {
  const text = await git(s, PROD_REPO, ["show", `main:environments/prod/${cluster}/shop/api/deployment-api.yaml`]).catch(() => undefined);
  return text ? /ferry\.dev\/release: ([0-9a-f]{12})/.exec(text)?.[1] : undefined;
}

function wavePulls(s: Scene, wave: number) {
  return s.fake.pullsIn(PROD_REPO).filter((pr) => pr.head.ref === `ferry/promote/shop/api/prod/wave-${wave}`);
}

/** Starts the scene, releases 1.1.0 into dev, approves staging: the release lands in staging and wave 1 into prod. */
async function throughWaveOne(): Promise<{ p: PromotionScene; health: TestHealth; reconcile: ManualScheduler; release: string }> {
  const health = new TestHealth();
  const reconcile = new ManualScheduler();
  const p = await startPromotionScene({ platform: PLATFORM, deps: { health, reconcile, scheduler: new ManualScheduler() } });
  scenes.track(p.s);
  const { release } = await releaseImage(p, "ghcr.io/acme/api:1.1.0");
  health.reports.set("staging", { status: "Healthy", release, healthySince: new Date("2026-03-02T07:00:00Z") });
  await review(p, mustPromotion(p.s, "staging"), "alice");
  return { p, health, reconcile, release };
}

describe("a promotion into prod on two clusters, wave by wave", () => {
  it("wave 1 writes only eu-1's folder; wave 2 opens only once eu-1 is Healthy on the release for the soak", async () => {
    const { p, health, reconcile, release } = await throughWaveOne();
    const s = p.s;

    // Wave 1: its own pull request, naming the wave and its cluster, merged by Ferry (no approvals in prod).
    const [one] = wavePulls(s, 1);
    expect(one).toBeDefined();
    expect(one!.title).toBe(`ferry: promote shop/api ${release} from staging to prod (wave 1: eu-1)`);
    expect(one!.body).toContain("<!-- ferry:promotion shop/api -> prod -->");
    expect(one!.body).toContain("<!-- ferry:wave 1 eu-1 -->");
    expect(s.fake.mustPull(PROD_REPO, one!.number).mergedAt).not.toBeNull();
    const written = await changedIn(s, "main");
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((f) => f.startsWith("environments/prod/") && !f.startsWith("environments/prod/eu-1/"))).toEqual([]);
    expect(written).toContain("environments/prod/eu-1/shop/api/deployment-api.yaml");
    expect(parseCommitMessage(await git(s, PROD_REPO, ["log", "-1", "--format=%B", "main"])).trailers).toMatchObject({
      "Ferry-Environment": ["prod"],
      "Ferry-Release": [release],
      "Ferry-Wave": ["1"],
      "Ferry-Clusters": ["eu-1"],
    });
    expect(await releaseInCluster(s, "eu-1")).toBe(release);
    expect(await releaseInCluster(s, "us-1")).toBeUndefined();

    // eu-1 is not observed yet, then Healthy for 10 minutes: no wave 2.
    expect(wavePulls(s, 2)).toEqual([]);
    health.reports.set("prod/eu-1", { status: "Healthy", release, healthySince: p.clock.now() });
    p.clock.tick(10 * 60_000);
    await reconcile.runAll();
    expect(wavePulls(s, 2)).toEqual([]);
    expect(health.asked).toContainEqual({ environment: "prod", cluster: "eu-1", project: "shop", component: "api" });

    // Past the soak: the periodic pass opens wave 2, which writes only us-1's folder.
    p.clock.tick(21 * 60_000);
    await reconcile.runAll();
    const [two] = wavePulls(s, 2);
    expect(two?.title).toBe(`ferry: promote shop/api ${release} from staging to prod (wave 2: us-1)`);
    expect(s.fake.mustPull(PROD_REPO, two!.number).mergedAt).not.toBeNull();
    const second = await changedIn(s, "main");
    expect(second.filter((f) => f.startsWith("environments/prod/") && !f.startsWith("environments/prod/us-1/"))).toEqual([]);
    expect(second).toContain("environments/prod/us-1/shop/api/deployment-api.yaml");
    expect(await releaseInCluster(s, "us-1")).toBe(release);
    expect(await releaseInCluster(s, "eu-1")).toBe(release);
    // Every cluster holds it: nothing more opens on the next pass.
    await reconcile.runAll();
    expect(s.fake.pullsIn(PROD_REPO, "open")).toEqual([]);
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);
  });

  it("a crash in wave 1 stops the rollout there: no wave 2, and wave 1's pull request names the cluster", async () => {
    const { p, health, reconcile, release } = await throughWaveOne();
    const s = p.s;
    const [one] = wavePulls(s, 1);
    expect(s.fake.mustPull(PROD_REPO, one!.number).mergedAt).not.toBeNull();

    health.reports.set("prod/eu-1", { status: "Degraded", release, detail: "CrashLoopBackOff" });
    p.clock.tick(45 * 60_000);
    await reconcile.runAll();
    await reconcile.runAll();
    expect(wavePulls(s, 2)).toEqual([]);
    expect(await releaseInCluster(s, "us-1")).toBeUndefined();
    const stopped = s.fake.commentsOn(PROD_REPO, one!.number).filter((c) => c.body.includes("stopped at wave 1"));
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.body).toContain(`The rollout of \`${release}\` into prod stopped at wave 1: eu-1`);
    expect(stopped[0]!.body).toContain("eu-1 is Degraded (CrashLoopBackOff)");
  });
});
