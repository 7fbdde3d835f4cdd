/**
 * The scene for the app's scenario tests: a contract-checked fake GitHub holding the platform
 * and app repositories, a real git server holding the GitOps repository (the fake reports its
 * clone URL), and Probot running the Ferry app against both, with a signed webhook endpoint.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { Logger, Probot } from "probot";
import { createFerryApp } from "../../app/index.js";
import type { Deps } from "../../app/index.js";
import { DeliveryCache } from "../../app/seen-deliveries.js";
import { JobQueue } from "../../app/jobs/queue.js";
import { createFerryOctokit } from "../../app/octokit.js";
import { defaultGitopsPort } from "../../adapters/git/port.js";
import { FakeGitHub } from "./fake-github/index.js";
import { createTestProbot, generateAppKey, startWebhookServer } from "./fake-github/probot.js";
import type { AppKeyPair, WebhookServer } from "./fake-github/probot.js";
import { startGitServer } from "./git-server.js";
import type { GitServer } from "./git-server.js";
import { deliver, payload } from "./webhooks.js";
import type { WebhookPayload } from "./webhooks.js";

export const SECRET = "scenario-webhook-secret";
export const APP_REPO = "acme/shop-api";
export const PLATFORM_REPO = "acme/platform";
export const GITOPS_REPO = "acme/gitops";

/** A small platform: two projects, dev (auto-merge) then staging (one approval). */
export function platformYaml(opts: { devApprovals?: number } = {}): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
    - name: pay
      repos: [acme/pay]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
      approvals: {required: ${opts.devApprovals ?? 0}}
    - name: staging
      gitops: {repo: acme/gitops, branch: main, path: environments/staging}
      approvals: {required: 1}
  pipeline:
    - from: dev
      to: [staging]
`;
}

/** A valid service component; `extra` lines are appended under `spec:`. */
export function componentYaml(opts: { name?: string; project?: string; image?: string; type?: string; extra?: string } = {}): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: ${opts.name ?? "api"}
  project: ${opts.project ?? "shop"}
spec:
  type: ${opts.type ?? "service"}
  container:
    image: ${opts.image ?? "ghcr.io/acme/api:1.0.0"}
    resources: {cpu: 100m, memory: 128Mi}
    probes:
      readiness: {httpGet: {path: /healthz, port: http}}
  endpoints:
    http: {type: HTTP, port: 8080}
${opts.extra ?? ""}`;
}

/** What became of a delivery's work: done, failed, or none (skipped as seen before, or no handler). */
export type DeliveryOutcome = "done" | "failed" | "none";

/** What {@link Scene.post} returns: the HTTP answer and what the queued work came to. */
export interface PostResult {
  readonly status: number;
  readonly body: string;
  readonly outcome: DeliveryOutcome;
}

/** The running scene. */
export interface Scene {
  readonly fake: FakeGitHub;
  readonly git: GitServer;
  /** The app instance's Probot, webhook server, dedupe cache and job queue (new ones after {@link restart}). */
  readonly probot: Probot;
  readonly server: WebhookServer;
  readonly deliveries: DeliveryCache;
  readonly queue: JobQueue;
  readonly installationId: number;
  readonly cacheDir: string;
  /** The app's key pair (the private key the app signs its JWTs with). */
  readonly appKey: AppKeyPair;
  /** Posts a signed delivery (same id twice to test de-duplication) and waits until the job queue is idle. */
  post(event: string, body: object, id?: string): Promise<PostResult>;
  /** Stops the app and starts a new instance of it (empty dedupe cache and queue) against the same GitHub and git. */
  restart(): Promise<void>;
  /** Commits to the GitOps repository's main branch, oldest first (subjects). */
  gitopsLog(): Promise<string[]>;
  /** `git ls-tree` of the GitOps main branch. */
  gitopsFiles(): Promise<string[]>;
  close(): Promise<void>;
}

/** Options of {@link startScene}. */
export interface SceneOptions {
  readonly platform?: string;
  /** `.ferry/` files of the app repository's first commit. */
  readonly appFiles?: Record<string, string>;
  readonly deps?: Partial<Deps>;
  /**
   * One clock for the fake GitHub (its timestamps and merge commits), the app and Ferry's git
   * commits. @default the fake's and git's real time, the app at 2026-03-02T10:00:00Z
   */
  readonly clock?: () => Date;
  /** More GitOps repositories (`owner/name`) on the git server, besides acme/gitops. @default none */
  readonly gitopsRepos?: readonly string[];
  /** Probot's and the app's logger. @default Probot's, at level fatal */
  readonly logger?: Logger;
}

/** Builds the scene; always `close()` it. */
export async function startScene(opts: SceneOptions = {}): Promise<Scene> {
  const cacheDir = await mkdtemp(join(tmpdir(), "ferry-app-cache-"));
  const git = await startGitServer();
  const fake = await FakeGitHub.start(opts.clock ? { now: opts.clock } : {});
  const installation = fake.addInstallation({ account: "acme" });
  await fake.addRepo({ owner: "acme", name: "platform", files: { ".ferry/platform.yaml": opts.platform ?? platformYaml() } });
  for (const full of [GITOPS_REPO, ...(opts.gitopsRepos ?? [])]) {
    const [owner = "", name = ""] = full.split("/");
    const repo = await git.createRepo(full, { files: { "README.md": "GitOps repository\n" } });
    await fake.addRepo({ owner, name, gitDir: repo.path, cloneUrl: repo.url });
  }
  await fake.addRepo({ owner: "acme", name: "shop-api", files: opts.appFiles ?? { ".ferry/api.yaml": componentYaml(), "README.md": "shop api\n" } });
  const appKey = generateAppKey();
  // Given metrics also count the GitHub requests, as app/main.ts wires them.
  const metrics = opts.deps?.metrics;
  const observe = metrics ? { observe: metrics.githubResponse.bind(metrics) } : {};
  const startApp = async () => {
    const probot = createTestProbot(fake, {
      secret: SECRET,
      key: appKey,
      Octokit: createFerryOctokit({ throttle: false, retries: 0, ...observe }),
      ...(opts.logger ? { log: opts.logger } : {}),
    });
    const deliveries = new DeliveryCache(100);
    const queue = new JobQueue({}, { logger: opts.logger ?? probot.log });
    const outcomes = new Map<string, DeliveryOutcome>();
    queue.onJobDone((done) => {
      if (done.delivery) outcomes.set(done.delivery, done.ok ? "done" : "failed");
    });
    const app = createFerryApp({
      gitops: defaultGitopsPort(opts.clock ? { now: opts.clock } : {}),
      cacheDir,
      platformRepo: { owner: "acme", repo: "platform" },
      logger: opts.logger ?? probot.log,
      clock: opts.clock ?? (() => new Date("2026-03-02T10:00:00Z")),
      deliveries,
      queue,
      ...opts.deps,
    });
    const server = await startWebhookServer(probot, app);
    return { probot, deliveries, queue, outcomes, server };
  };
  let instance = await startApp();
  const log = async (format: string) => (await git.git(GITOPS_REPO, ["log", "--reverse", `--format=${format}`, "main"])).split("\n").filter(Boolean);
  const stopApp = async () => {
    await instance.server.close();
    await instance.queue.stop();
  };
  return {
    fake,
    git,
    get probot() {
      return instance.probot;
    },
    get server() {
      return instance.server;
    },
    get deliveries() {
      return instance.deliveries;
    },
    get queue() {
      return instance.queue;
    },
    installationId: installation.id,
    cacheDir,
    appKey,
    async post(event, body, id = randomUUID()) {
      const { queue, outcomes } = instance;
      outcomes.delete(id);
      const res = await deliver(instance.server.url, event, body, { secret: SECRET, id });
      await queue.idle();
      return { status: res.status, body: res.body, outcome: outcomes.get(id) ?? "none" };
    },
    async restart() {
      await stopApp();
      instance = await startApp();
    },
    gitopsLog: () => log("%s"),
    gitopsFiles: async () => (await git.git(GITOPS_REPO, ["ls-tree", "-r", "--name-only", "main"])).split("\n").filter(Boolean),
    async close() {
      await stopApp();
      await fake.close();
      await git.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

/** A push payload for a commit of the app repository's default branch. */
export function pushPayload(
  scene: Scene,
  sha: string,
  before: string,
  files: { added?: string[]; modified?: string[]; removed?: string[] },
  repo = APP_REPO,
): WebhookPayload<"push"> {
  return payload("push", undefined, { repo, sha, before, branch: "main", installationId: scene.installationId, files });
}

/** Commits to the app repository and returns `{ sha, before }`. */
export async function commitApp(
  scene: Scene,
  files: Record<string, string | null>,
  branch?: string,
  repo = APP_REPO,
): Promise<{ sha: string; before: string }> {
  const before = (await scene.fake.branchSha(repo, branch)) ?? (await scene.fake.branchSha(repo))!;
  const sha = await scene.fake.commit(repo, { files, ...(branch ? { branch } : {}), message: "change .ferry" });
  return { sha, before };
}

/**
 * Registers an `afterEach` that waits for the app's pending work, fails the test on any GitHub
 * contract violation and closes the scene; `track(scene)` names the scene of the running test.
 */
export function sceneTeardown(): { track<S extends Scene>(scene: S): S } {
  let current: Scene | undefined;
  afterEach(async () => {
    const s = current;
    current = undefined;
    if (!s) return;
    await s.fake.settled();
    try {
      s.fake.assertNoViolations();
    } finally {
      await s.close();
    }
  });
  return {
    track(scene) {
      current = scene;
      return scene;
    },
  };
}
