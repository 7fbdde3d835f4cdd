/**
 * Verification in status back, driven through the cluster runtime and its wiring (the whole app
 * on real time: app-failure-rollback, app-soak and app-unobserved.test.ts beside this one): a fake
 * Kubernetes API over HTTPS watched through a kubeconfig, a contract-checked fake GitHub for the
 * deployment statuses, a real Prometheus scraping the test exporter every second, real time.
 *
 * A release whose pods all get Ready but whose error ratio jumps to 20% is posted `Verifying:`
 * instead of `Healthy:`, then `Verification failed:` naming errorRate with its value and bound; no
 * promotion opens, the failure hook is told with the report, and Ferry's own metrics count it. A
 * release without errors is `Verified:` once the window has run out, and only then promoted. The
 * rollout's status comment (on the commit) shows the Signals table with the numbers and the links.
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
import type { FailedVerification } from "../../../core/promotion/rollback-on-failure.js";
import { HTTP_SIGNALS } from "../../../core/signals/defaults.js";
import { Platform } from "../../../renderers/model/index.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";
import { createTestProbot } from "../../support/fake-github/probot.js";
import { FakeKube, succeedingRollout } from "../../support/fake-kube/index.js";
import { waitFor } from "../../support/kube-helpers.js";
import { startPrometheus, type PrometheusServer } from "../../support/prometheus-server.js";

const APP_REPO = "acme/shop-api";
const silent = { child: () => silent, info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

let dir: string;
let kube: FakeKube;
let github: FakeGitHub;
let prom: PrometheusServer;
let gh: Awaited<ReturnType<ReturnType<typeof createTestProbot>["auth"]>>;
let sha: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-verification-"));
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

/** build (no cluster) -> dev (kind-dev, Prometheus "local"; verify errorRate <= 5% for 4 s) -> staging. */
function platform(): Platform {
  const gitops = (env: string) => ({ repo: "acme/gitops", branch: "main", path: `environments/${env}` });
  return Platform.parse({
    apiVersion: "ferry.dev/v1alpha1",
    kind: "Platform",
    metadata: { name: "acme" },
    spec: {
      projects: [{ name: "shop", repos: [APP_REPO] }],
      observability: { prometheus: [{ name: "local", url: prom.url }], links: { logs: "https://logs.example/search?ns=${namespace}&release=${release}" } },
      // The scene has no GitOps history to read the release's ComponentType from: the platform declares the signal.
      signals: { errorRate: { query: HTTP_SIGNALS.errorRate!.query, unit: "ratio" } },
      environments: [
        { name: "build", gitops: gitops("build") },
        { name: "dev", cluster: { context: "kind-dev", prometheus: "local" }, gitops: gitops("dev") },
        { name: "staging", gitops: gitops("staging") },
      ],
      pipeline: [
        { from: "build", to: ["dev"], verify: { duration: "4s", signals: { errorRate: { max: 0.05 } } } },
        { from: "dev", to: ["staging"] },
      ],
    },
  });
}

/** What one watched rollout of `component` (release r2, Ready in kind-dev) ended with. */
interface Run {
  /** Deployment statuses of the component in dev: `state: description`. */
  readonly statuses: string[];
  /** Whether the next promotions had opened when `Verifying:` was first seen. */
  readonly promotedWhileVerifying: boolean;
  readonly promoted: LandedRelease[];
  readonly failures: FailedVerification[];
  readonly metrics: string;
  /** The rollout's status comment on the commit (the last version). */
  readonly comment: string | undefined;
}

/** Serves `errorRatio` from the landing on, lands r2 of `component` in dev, lets its pods get Ready and waits until the verification has ended. */
async function rollout(component: string, errorRatio: number): Promise<Run> {
  const failures: FailedVerification[] = [];
  const promoted: LandedRelease[] = [];
  const deps = {
    ...resolveDeps({ cacheDir: join(dir, "cache"), platformRepo: { owner: "acme", repo: "platform" }, logger: silent }, { logger: silent }),
    onVerificationFailed: async (failed: FailedVerification) => {
      failures.push(failed);
    },
  };
  const runtime = new ClusterRuntime({ env: { KUBECONFIG: join(dir, "kubeconfig") }, debounceMs: 100, verifyMinIntervalMs: 1000 });
  const wiring: ClusterWiring = wireClusterRuntime({
    runtime,
    deps: () => deps,
    promoteNext: async (_octokit, landed) => {
      promoted.push(landed);
    },
  });
  const statuses = () =>
    github
      .deploymentsIn(APP_REPO, "dev")
      .filter((d) => typeof d.payload === "object" && d.payload.component === component)
      .flatMap((d) => d.statuses.map((s) => `${s.state}: ${s.description}`));
  try {
    await wiring.start();
    prom.exporter.set("shop-dev", component, { rps: 100, errorRatio, latencySeconds: 0.05 });
    const landed: LandedRelease = {
      environment: "dev",
      project: "shop",
      component,
      release: "r2",
      gitops: { owner: "acme", repo: "gitops" },
      source: { repo: APP_REPO, sha },
    };
    expect(await wiring.watchRollout(landed, gh, platform())).toBe(true);
    await waitFor("the observer has read kind-dev", () => runtime.observer.isSynced("kind-dev"));
    for (const step of succeedingRollout({ project: "shop", component, environment: "dev", release: "r2", generation: 2 }).steps) kube.applyStep(step);
    await waitFor("Healthy, verifying", () => statuses().some((s) => s.includes("Verifying:")), 1000, 10);
    const promotedWhileVerifying = promoted.length > 0;
    await waitFor("the verification ended", () => statuses().some((s) => /^(failure|success):/.test(s)), 2000, 10);
    await wiring.idle();
    await runtime.watches.idle();
    const comment = github.commitCommentsOn(APP_REPO, sha).find((c) => c.body.startsWith(`<!-- ferry:status:dev:shop/${component} -->`))?.body;
    return { statuses: statuses(), promotedWhileVerifying, promoted, failures, metrics: await deps.metrics.text(), comment };
  } finally {
    await wiring.stop();
    await github.settled();
    github.assertNoViolations();
  }
}

describe("verification through the cluster runtime", () => {
  it("a Ready release serving 20% errors fails verification: failure deployment status with the numbers, no promotion, the hook told, counted in the metrics", async () => {
    const run = await rollout("api", 0.2);
    expect(run.statuses[0]).toBe("in_progress: Rolling out: r2 in dev");
    expect(run.statuses).toContain("in_progress: Verifying: r2 in dev, 2/2 ready; observing its signals for 4s");
    expect(run.statuses.at(-1)).toMatch(/^failure: Verification failed: r2 in dev: errorRate 0\.(19|2)\d* > max 0\.05$/);
    // Never reported Healthy/success: Ready pods are not a working service.
    expect(run.statuses.filter((s) => s.startsWith("success:"))).toEqual([]);

    expect(run.promoted).toEqual([]);
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatchObject({ project: "shop", component: "api", environment: "dev", release: "r2" });
    expect(run.failures[0]!.report.verdict).toBe("failed");
    expect(run.failures[0]!.report.signals).toEqual([expect.objectContaining({ name: "errorRate", verdict: "failed", max: 0.05 })]);

    // What /metrics serves (app/endpoints.ts answers with FerryMetrics.text()).
    expect(run.metrics).toMatch(/^ferry_verifications_total\{result="failed"\} 1$/m);
    expect(run.metrics).toMatch(/^ferry_prometheus_query_seconds_count [1-9]\d*$/m);

    // The status comment shows the verdict with the failing numbers, the bound and the links.
    expect(run.comment).toContain("### Signals");
    expect(run.comment).toMatch(/\*\*Verification: ❌ failed\*\* for release `r2` in dev \(kind-dev\)/);
    const row = run.comment?.split("\n").find((line) => line.startsWith("| `errorRate` |"));
    expect(row).toMatch(/^\| `errorRate` \| [^|]+ \| (19(\.\d+)?|20(\.0+)?) ?% \| ≤ 5 ?% \| ❌ failed \|/);
    expect(run.comment).toContain("Links: [logs](https://logs.example/search?ns=shop-dev&release=r2)");
    // ... and, after the Signals, the likely causes: the release, with errorRate's numbers as evidence.
    const causes = run.comment?.slice(run.comment.indexOf("### Likely causes")) ?? "";
    expect(run.comment?.indexOf("### Likely causes")).toBeGreaterThan(run.comment?.indexOf("### Signals") ?? Infinity);
    expect(causes).toMatch(/^1\. \*\*(high|medium)\*\* \(release r2\): Release r2, landed at [^:]+:\d\d:\d\d UTC: errorRate rose from [\d.]+ to 0\.(19|2)\d*/m);
    expect(causes).toMatch(
      /^ {3}- signal: errorRate of shop\/[\w-]+ rose from [\d.]+ \((baseline|window start)\) to 0\.(19|2)\d* at .+, above its bound 0\.05; now 0\.(19|2)\d*$/m,
    );
    // The scene has no platform repository to read the release's dependencies through: said, not dropped.
    expect(causes).toContain("_Note: the dependencies of release r2 could not be read (");
  }, 60_000);

  it("a release without errors is Verified once the window has run out, and only then are its next promotions opened", async () => {
    const run = await rollout("web", 0);
    expect(run.promotedWhileVerifying).toBe(false);
    expect(run.statuses.slice(-2)).toEqual([
      "in_progress: Verifying: r2 in dev, 2/2 ready; observing its signals for 4s",
      "success: Verified: r2 in dev: every signal within its bounds",
    ]);
    expect(run.promoted.map((l) => `${l.project}/${l.component} ${l.release} from ${l.environment}`)).toEqual(["shop/web r2 from dev"]);
    expect(run.failures).toEqual([]);
    expect(run.metrics).toMatch(/^ferry_verifications_total\{result="verified"\} 1$/m);
    expect(run.comment).toMatch(/\*\*Verification: ✅ verified\*\*/);
    expect(run.comment).toMatch(/^\| `errorRate` \| [^|]+ \| 0 ?% \| ≤ 5 ?% \| ✅ verified \|/m);
    expect(run.comment).not.toContain("Likely causes");
  }, 60_000);
});
