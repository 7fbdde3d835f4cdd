/**
 * A verification survives a restart of Ferry: its window is the one the `Verifying:` deployment
 * status recorded, not restarted. Driven like status-back.test.ts (the cluster runtime and its
 * wiring, a fake Kubernetes API, a contract-checked fake GitHub, a real Prometheus scraping the test
 * exporter every second, real time). A "restart" stops the runtime and its wiring mid-window and
 * builds new ones; the verification is resumed the way the reconcile pass repairs an `in_progress`
 * deployment (`watchRollout` with the release rebuilt from the deployment, flows/reconcile/pass.ts).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDeps } from "../../../app/deps.js";
import type { LandedRelease } from "../../../flows/promotion/events.js";
import { ClusterRuntime } from "../../../flows/status/cluster-runtime.js";
import { wireClusterRuntime, type ClusterWiring } from "../../../flows/status/rollout-wiring.js";
import { startVerification, type VerificationDeps } from "../../../flows/status/verification-run.js";
import type { SettledEvent } from "../../../flows/status/watch-request.js";
import type { FailedVerification } from "../../../core/promotion/rollback-on-failure.js";
import { HTTP_SIGNALS } from "../../../core/signals/defaults.js";
import { Platform } from "../../../renderers/model/index.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";
import { createTestProbot } from "../../support/fake-github/probot.js";
import { FakeKube, succeedingRollout } from "../../support/fake-kube/index.js";
import { waitFor } from "../../support/kube-helpers.js";
import { startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";

const APP_REPO = "acme/shop-api";
const DURATION_S = 6;
const silent = { child: () => silent, info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

let dir: string;
let kube: FakeKube;
let github: FakeGitHub;
let prom: PrometheusServer;
let gh: Awaited<ReturnType<ReturnType<typeof createTestProbot>["auth"]>>;
let sha: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-verification-resume-"));
  [kube, github, prom] = await Promise.all([FakeKube.start(), FakeGitHub.start({ contract: ContractIndex.load() }), startPrometheus()]);
  await writeFile(join(dir, "kubeconfig"), kube.kubeconfig(["kind-dev"]), { mode: 0o600 });
  const installation = github.addInstallation({ account: "acme" });
  await github.addRepo({ owner: "acme", name: "shop-api", files: { "README.md": "shop api\n" } });
  await github.addRepo({ owner: "acme", name: "gitops", files: { "README.md": "GitOps\n" } });
  sha = (await github.branchSha(APP_REPO))!;
  gh = await createTestProbot(github).auth(installation.id);
}, 60_000);
afterAll(async () => {
  await Promise.all([kube?.close(), github?.close(), prom?.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** build -> dev (kind-dev, Prometheus "local"; verify errorRate <= 5% for DURATION_S) -> staging. */
function platform(): Platform {
  const gitops = (env: string) => ({ repo: "acme/gitops", branch: "main", path: `environments/${env}` });
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [{ name: "shop", repos: [APP_REPO] }],
      observability: { prometheus: [{ name: "local", url: prom.url }] },
      signals: { errorRate: { query: HTTP_SIGNALS.errorRate!.query, unit: "ratio" } },
      environments: [
        { name: "build", gitops: gitops("build") },
        { name: "dev", cluster: { context: "kind-dev", prometheus: "local" }, gitops: gitops("dev") },
        { name: "staging", gitops: gitops("staging") },
      ],
      pipeline: [
        { from: "build", to: ["dev"], verify: { duration: `${DURATION_S}s`, signals: { errorRate: { max: 0.05 } } } },
        { from: "dev", to: ["staging"] },
      ],
    },
  });
}

/** One Ferry process: a cluster runtime and its wiring, recording promotions and failures. */
interface Ferry {
  readonly wiring: ClusterWiring;
  readonly runtime: ClusterRuntime;
  readonly promoted: LandedRelease[];
  readonly failures: FailedVerification[];
  readonly deps: VerificationDeps;
}

async function startFerry(): Promise<Ferry> {
  const promoted: LandedRelease[] = [];
  const failures: FailedVerification[] = [];
  const deps = {
    ...resolveDeps({ cacheDir: join(dir, "cache"), platformRepo: { owner: "acme", repo: "platform" }, logger: silent }, { logger: silent }),
    onVerificationFailed: async (failed: FailedVerification) => {
      failures.push(failed);
    },
  };
  // A failed GitHub write is retried soon (the scene's idle keep-alive connections can be reset).
  const runtime = new ClusterRuntime({ env: { KUBECONFIG: join(dir, "kubeconfig") }, debounceMs: 100, verifyMinIntervalMs: 1000, retryMs: 300 });
  const wiring = wireClusterRuntime({ runtime, deps: () => deps, promoteNext: async (_o, landed) => void promoted.push(landed) });
  await wiring.start();
  return { wiring, runtime, promoted, failures, deps };
}

/** The landed release as a landing gives it (`deployment`: as the reconcile pass rebuilds it from the `in_progress` deployment, flows/reconcile/pass.ts `watch`). */
function landed(component: string, deployment?: number): LandedRelease {
  return {
    environment: "dev",
    project: "shop",
    component,
    release: "r2",
    gitops: { owner: "acme", repo: "gitops" },
    source: { repo: APP_REPO, sha },
    ...(deployment !== undefined ? { inProgressDeployment: deployment } : {}),
  };
}

/** The deployment of `component` in dev. */
const deploymentOf = (component: string): number =>
  github.deploymentsIn(APP_REPO, "dev").find((d) => typeof d.payload === "object" && d.payload.component === component)!.id;

/** The component's deployment statuses in dev, oldest first. */
function statuses(component: string): { state: string; description: string; at: number }[] {
  return github
    .deploymentsIn(APP_REPO, "dev")
    .filter((d) => typeof d.payload === "object" && d.payload.component === component)
    .flatMap((d) => d.statuses.map((s) => ({ state: s.state, description: s.description, at: Date.parse(s.createdAt) / 1000 })));
}
const lines = (component: string) => statuses(component).map((s) => `${s.state}: ${s.description}`);
const verifyings = (component: string) => statuses(component).filter((s) => s.description.startsWith("Verifying:"));
const verdicts = (component: string) => statuses(component).filter((s) => s.state === "success" || s.state === "failure");

/** Lands r2 of `component` in dev, serves `errorRatio`, and waits until it is `Verifying:`; returns the process and the recorded start. */
async function verifying(component: string, errorRatio: number): Promise<{ ferry: Ferry; start: number }> {
  const ferry = await startFerry();
  prom.exporter.set("shop-dev", component, { rps: 100, errorRatio, latencySeconds: 0.05 });
  expect(await ferry.wiring.watchRollout(landed(component), gh, platform())).toBe(true);
  await waitFor("the observer has read kind-dev", () => ferry.runtime.observer.isSynced("kind-dev"));
  for (const step of succeedingRollout({ project: "shop", component, environment: "dev", release: "r2", generation: 2 }).steps) kube.applyStep(step);
  const first = await waitFor("Verifying", () => statuses(component).find((s) => s.description.startsWith("Verifying:")), 1000, 10);
  return { ferry, start: first.at };
}

async function stop(ferry: Ferry): Promise<void> {
  await ferry.wiring.stop();
  await github.settled();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a verification resumed after a restart keeps its original window", () => {
  it("restarted inside its window and watched again by the reconcile pass: observed until the ORIGINAL end, verified once, promoted once; a later pass watches nothing", async () => {
    const { ferry, start } = await verifying("web", 0);
    await sleep(3000);
    await stop(ferry);
    expect(verdicts("web")).toEqual([]);

    const again = await startFerry();
    expect(await again.wiring.watchRollout(landed("web", deploymentOf("web")), gh, platform())).toBe(true);
    const resumed = await waitFor("Verifying again", () => verifyings("web")[1], 6000, 10);
    await sleep(200);
    // The next reconcile pass while it is being verified here: that verification goes on, nothing is watched or posted anew.
    expect(await again.wiring.watchRollout(landed("web", deploymentOf("web")), gh, platform())).toBe(true);
    const [verdict] = await waitFor("the verdict", () => (verdicts("web").length > 0 ? verdicts("web") : undefined), 6000, 10);
    await again.wiring.idle();
    expect(lines("web").filter((l) => l.startsWith("in_progress: Rolling out:"))).toHaveLength(2);
    expect(verdicts("web")).toHaveLength(1);
    expect(`${verdict!.state}: ${verdict!.description}`).toBe("success: Verified: r2 in dev: every signal within its bounds");
    // The original window ends DURATION_S after the first Verifying: (at once when the resumed process settles after that);
    // a window restarted by the restart would end DURATION_S after the second Verifying:.
    expect(verdict!.at).toBeLessThanOrEqual(Math.max(start + DURATION_S, resumed.at) + 1);
    expect(verdict!.at).toBeLessThan(resumed.at + DURATION_S);
    expect(again.promoted.map((l) => `${l.component} ${l.release}`)).toEqual(["web r2"]);

    // The next reconcile pass (the deployment was in progress when it surveyed): the verdict stands, nothing is posted or promoted.
    const before = lines("web");
    expect(await again.wiring.watchRollout(landed("web", deploymentOf("web")), gh, platform())).toBe(true);
    await again.wiring.idle();
    await github.settled();
    expect(lines("web")).toEqual(before);
    expect(again.promoted).toHaveLength(1);
    await stop(again);
    github.assertNoViolations();
  }, 120_000);

  it("restarted until after its window: one look at the original end fails it at once with the ORIGINAL window; the hook runs once; resuming again posts nothing", async () => {
    const { ferry, start } = await verifying("api", 0);
    await sleep(1000);
    await stop(ferry);
    // While Ferry is down, the release starts failing; Ferry comes back after the window has run out.
    prom.exporter.set("shop-dev", "api", { rps: 100, errorRatio: 0.2, latencySeconds: 0.05 });
    while (Date.now() / 1000 <= start + DURATION_S + 1) {
      // Ferry is down; the scene keeps its connection to the fake GitHub in use (an idle keep-alive one can be reset when Ferry is back).
      await gh.rest.repos.get({ owner: "acme", repo: "shop-api" });
      await sleep(500);
    }

    const again = await startFerry();
    expect(await again.wiring.watchRollout(landed("api", deploymentOf("api")), gh, platform())).toBe(true);
    const resumed = await waitFor("Verifying again", () => verifyings("api")[1], 6000, 10);
    await waitFor("the verdict", () => verdicts("api").length > 0 || undefined, 6000, 10);
    await again.wiring.idle();
    const [verdict] = verdicts("api");
    expect(verdict!.description).toMatch(/^Verification failed: r2 in dev: errorRate 0\.\d+ > max 0\.05$/);
    // At once once Healthy again: no new window was observed.
    expect(verdict!.at).toBeLessThanOrEqual(resumed.at + 2);
    expect(again.failures).toHaveLength(1);
    expect(again.failures[0]!.report.window).toEqual({ from: start, to: start + DURATION_S });
    expect(again.failures[0]!.report.notes).toContain("resumed after a restart of Ferry: the window its first Verifying: status recorded is kept");
    expect(again.failures[0]!.report.signals).toEqual([expect.objectContaining({ name: "errorRate", verdict: "failed" })]);

    // Another replica resumes the same verification: the verdict already posted stands; nothing is posted, the hook is not run again.
    const before = lines("api");
    const replica = await startFerry();
    expect(await replica.wiring.watchRollout(landed("api", deploymentOf("api")), gh, platform())).toBe(true);
    await replica.wiring.idle();
    await github.settled();
    expect(lines("api")).toEqual(before);
    expect(replica.failures).toEqual([]);

    // A replica whose re-watch raced the verdict settles Healthy again: its verification finds the verdict recorded, runs no look, posts nothing.
    const now = new Date();
    const event: SettledEvent = {
      key: { project: "shop", component: "api", environment: "dev" },
      environment: "dev",
      release: "r2",
      status: "Healthy",
      outcome: "healthy",
      since: now,
      request: { environment: "dev", project: "shop", component: "api", release: "r2", appRepo: { repo: APP_REPO, sha }, startedAt: now },
    };
    const errors: unknown[] = [];
    const raced = startVerification(event, gh, platform(), replica.deps, replica.runtime.verification, (e) => errors.push(e));
    const outcome = await raced!.done;
    expect(outcome).toMatchObject({ result: "failed", alreadyPosted: { signal: "verify-failed", at: new Date(verdict!.at * 1000) } });
    expect(outcome.report).toBeUndefined();
    expect(errors).toEqual([]);
    await github.settled();
    expect(lines("api")).toEqual(before);
    await Promise.all([stop(again), stop(replica)]);
    github.assertNoViolations();
  }, 120_000);
});
