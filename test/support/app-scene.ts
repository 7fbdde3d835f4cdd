/**
 * The scene of the cluster status scenario tests: the Ferry app (Probot, signed webhook
 * deliveries of real payloads) against a contract-checked fake GitHub and a real git server for
 * the GitOps repository, with a cluster runtime observing a fake Kubernetes API over HTTPS through
 * a kubeconfig file named by KUBECONFIG. One clock is the app's clock, the fake GitHub's and the
 * fake cluster's, and the timers of the status reporting: a hand-driven one in `startAppScene`, any
 * in `startSceneOn` (real time in test/support/verify-app-scene.ts, beside a real Prometheus);
 * the periodic gates pass runs when the test says so.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProbotOctokit } from "probot";
import { DeliveryCache } from "../../app/seen-deliveries.js";
import { JobQueue } from "../../app/jobs/queue.js";
import { createFerryApp } from "../../app/index.js";
import { createFerryOctokit } from "../../app/octokit.js";
import { defaultGitopsPort } from "../../adapters/git/port.js";
import { ClusterRuntime, type ClusterRuntimeOptions } from "../../flows/status/cluster-runtime.js";
import type { Timers } from "../../flows/status/timers.js";
import { ContractIndex, FakeGitHub } from "./fake-github/index.js";
import { createTestProbot, startWebhookServer, type WebhookServer } from "./fake-github/probot.js";
import { FakeKube, kubeconfigYaml, type FakeKubeCerts } from "./fake-kube/index.js";
import { startGitServer, type GitServer } from "./git-server.js";
import { deliver, payload } from "./webhooks.js";
import { ManualClock, waitFor } from "./status-scene.js";

export const SECRET = "status-scenario-secret";
export const APP_REPO = "acme/shop-api";
export const GITOPS_REPO = "acme/gitops";
export const CONTEXTS = ["kind-dev", "kind-staging"];
/** Reporter debounce in the scene, in ms. */
export const DEBOUNCE = 2_000;
/** Degraded this long settles a rollout as failed, in ms. */
export const DEGRADED_SETTLE = 300_000;

/** A valid service component of shop/api. */
export function componentYaml(image = "ghcr.io/acme/api:1.0.0"): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: api
  project: shop
spec:
  type: service
  container:
    image: ${image}
    resources: {cpu: 100m, memory: 128Mi}
    probes:
      readiness: {httpGet: {path: /healthz, port: http}}
  endpoints:
    http: {type: HTTP, port: 8080}
`;
}

/**
 * dev (cluster kind-dev) → staging (cluster kind-staging, health required) → prod (no cluster),
 * with a soak of 10m out of dev. `devDirect`: dev takes releases as direct commits (auto-merge,
 * no approval); otherwise through a release pull request.
 */
export function platformYaml(opts: { devDirect: boolean }): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  environments:
    - name: dev
      cluster: {context: kind-dev}
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: ${opts.devDirect}
    - name: staging
      cluster: {context: kind-staging}
      gitops: {repo: acme/gitops, branch: main, path: environments/staging}
      requireHealth: true
    - name: prod
      gitops: {repo: acme/gitops, branch: main, path: environments/prod}
  pipeline:
    - from: dev
      to: [staging]
      soak: 10m
    - from: staging
      to: [prod]
`;
}

/** The scene's clock: the app's, the fake GitHub's, the fake cluster's and the timers of the status reporting. */
export interface SceneClock extends Timers {
  readonly now: () => number;
  readonly date: () => Date;
  /** Lets `ms` pass (a hand-driven clock moves; a real one waits). */
  advance(ms: number): void | Promise<void>;
}

/** The running scene. */
export interface AppScene<C extends SceneClock = ManualClock> {
  readonly clock: C;
  /** The fake Kubernetes API (the first context's, with `clusterPerContext`). */
  readonly kube: FakeKube;
  /** The fake Kubernetes API of each context: one for all of them, or one each with `clusterPerContext`. */
  readonly kubes: ReadonlyMap<string, FakeKube>;
  readonly runtime: ClusterRuntime;
  readonly fake: FakeGitHub;
  readonly git: GitServer;
  readonly installationId: number;
  /** An installation client (what a person's merge button stands for). */
  readonly gh: ProbotOctokit;
  /** Posts a signed delivery and waits until the app's job queue and the status reporting are idle. */
  post(event: string, body: object): Promise<{ status: number; body: string }>;
  /** Runs the periodic pass the app scheduled (the `Ferry / gates` re-evaluation). */
  sweep(): Promise<void>;
  /** Runs the app's reconcile pass (app/reconcile), then waits until the status reporting is idle. */
  reconcile(): Promise<void>;
  /** Lets `ms` pass on the clock, then waits until the status reporting is idle. */
  advance(ms: number): Promise<void>;
  /** Commits `.ferry/api.yaml` to the app repository and delivers the push. */
  pushComponent(image: string): Promise<string>;
  /** The release id of shop/api the GitOps repository holds (newest release file). */
  releaseId(): Promise<string>;
  close(): Promise<void>;
}

const contract = ContractIndex.load();

/** Starts everything (the runtime has read the platform and observes both contexts). Always `close()`. */
export async function startAppScene(certs: FakeKubeCerts, start: Date, opts: { devDirect: boolean }): Promise<AppScene> {
  return startSceneOn(certs, new ManualClock(start), {
    platform: platformYaml(opts),
    contexts: CONTEXTS,
    runtime: { debounceMs: DEBOUNCE, degradedSettleMs: DEGRADED_SETTLE, retryMs: 10_000 },
  });
}

/** What {@link startSceneOn} sets up besides the clock. */
export interface SceneOptions {
  /** `.ferry/platform.yaml` of acme/platform. */
  readonly platform: string;
  /** The kubeconfig contexts of the fake cluster; the app must observe all of them before the scene starts. */
  readonly contexts: readonly string[];
  /** The cluster runtime's timing options (its clock and timers are the scene's). */
  readonly runtime: Omit<ClusterRuntimeOptions, "env" | "clock" | "timers">;
  /** One fake Kubernetes API per context (separate clusters), instead of one serving every context. @default false */
  readonly clusterPerContext?: boolean;
}

/** {@link startAppScene} on any clock (a hand-driven one, or real time), platform and runtime timings. Always `close()`. */
export async function startSceneOn<C extends SceneClock>(certs: FakeKubeCerts, clock: C, options: SceneOptions): Promise<AppScene<C>> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-status-app-"));
  const closers: (() => Promise<unknown>)[] = [async () => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const kube = await FakeKube.start({ certs, now: clock.now });
    closers.push(() => kube.close());
    const kubes = new Map<string, FakeKube>();
    for (const [i, context] of options.contexts.entries()) {
      const k = options.clusterPerContext && i > 0 ? await FakeKube.start({ certs, now: clock.now }) : kube;
      if (k !== kube) closers.push(() => k.close());
      kubes.set(context, k);
    }
    const kubeconfig = join(dir, "kubeconfig");
    const entries = options.contexts.map((context) => {
      const k = kubes.get(context)!;
      return { context, server: k.url, caPem: k.caPem, token: k.token };
    });
    await writeFile(kubeconfig, kubeconfigYaml(entries), { mode: 0o600 });
    const runtime = new ClusterRuntime({ ...options.runtime, env: { KUBECONFIG: kubeconfig }, clock: clock.date, timers: clock });
    closers.push(() => runtime.stop());
    const git = await startGitServer();
    closers.push(() => git.close());
    const fake = await FakeGitHub.start({ contract, now: clock.date });
    closers.push(() => fake.close());
    const installation = fake.addInstallation({ account: "acme" });
    await fake.addRepo({ owner: "acme", name: "platform", files: { ".ferry/platform.yaml": options.platform } });
    const gitops = await git.createRepo(GITOPS_REPO, { files: { "README.md": "GitOps repository\n" } });
    await fake.addRepo({ owner: "acme", name: "gitops", gitDir: gitops.path, cloneUrl: gitops.url });
    await fake.addRepo({ owner: "acme", name: "shop-api", files: { ".ferry/api.yaml": componentYaml(), "README.md": "shop api\n" } });
    const probot = createTestProbot(fake, { secret: SECRET, Octokit: createFerryOctokit({ throttle: false, retries: 0 }) });
    const deliveries = new DeliveryCache(100);
    const queue = new JobQueue({}, { logger: probot.log });
    closers.push(() => queue.stop());
    let sweepTask: (() => Promise<void>) | undefined;
    let reconcileTask: (() => Promise<void>) | undefined;
    const app = createFerryApp({
      gitops: defaultGitopsPort(),
      cacheDir: join(dir, "cache"),
      platformRepo: { owner: "acme", repo: "platform" },
      logger: probot.log,
      clock: clock.date,
      deliveries,
      queue,
      clusterRuntime: runtime,
      scheduler: {
        start(task) {
          sweepTask = task;
          return () => undefined;
        },
      },
      reconcile: {
        start(task) {
          reconcileTask = task;
          return () => undefined;
        },
      },
    });
    const server: WebhookServer = await startWebhookServer(probot, app);
    closers.push(() => server.close());
    // The app reads the platform at start and observes the contexts its environments name.
    await waitFor("the runtime observes every context", () => options.contexts.every((c) => runtime.observer.contexts().includes(c)));
    await waitFor("every context listed", () => runtime.observer.isSynced());
    const gh = await probot.auth(installation.id);
    const scene: AppScene<C> = {
      clock,
      kube,
      kubes,
      runtime,
      fake,
      git,
      installationId: installation.id,
      gh,
      async post(event, body) {
        const id = randomUUID();
        const res = await deliver(server.url, event, body, { secret: SECRET, id });
        await queue.idle();
        await runtime.watches.idle();
        return res;
      },
      async sweep() {
        if (!sweepTask) throw new Error("the app scheduled no periodic task");
        await sweepTask();
      },
      async reconcile() {
        if (!reconcileTask) throw new Error("the app scheduled no reconcile pass");
        await reconcileTask();
        await queue.idle();
        await runtime.watches.idle();
      },
      async advance(ms) {
        await clock.advance(ms);
        await runtime.watches.idle();
      },
      async pushComponent(image) {
        const before = (await fake.branchSha(APP_REPO))!;
        const sha = await fake.commit(APP_REPO, { files: { ".ferry/api.yaml": componentYaml(image) }, message: "change .ferry" });
        const body = payload("push", undefined, {
          repo: APP_REPO,
          sha,
          before,
          branch: "main",
          installationId: installation.id,
          files: { modified: [".ferry/api.yaml"] },
        });
        const res = await scene.post("push", body);
        if (res.status !== 200) throw new Error(`push delivery answered ${res.status}: ${res.body}`);
        return sha;
      },
      async releaseId() {
        const files = (await git.git(GITOPS_REPO, ["ls-tree", "-r", "--name-only", "main"])).split("\n").filter((f) => f.startsWith("releases/shop/api/"));
        const log = await git.git(GITOPS_REPO, ["log", "-1", "--format=%B", "main"]);
        const id = /Ferry-Release: ([0-9a-f]+)/.exec(log)?.[1] ?? files.at(-1)?.slice("releases/shop/api/".length, -".yaml".length);
        if (!id) throw new Error(`no release of shop/api in ${GITOPS_REPO}`);
        return id;
      },
      close,
    };
    return scene;
  } catch (e) {
    await close();
    throw e;
  }
}
