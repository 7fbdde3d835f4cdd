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
import type { Probot } from "probot";
import { createFerryApp } from "../../app/index.js";
import type { Deps } from "../../app/index.js";
import { DeliveryCache } from "../../app/deliveries.js";
import { createFerryOctokit } from "../../app/octokit.js";
import { defaultGitopsPort } from "../../app/release/gitops-default.js";
import { FakeGitHub } from "../support/fake-github/index.js";
import { createTestProbot, startWebhookServer } from "../support/fake-github/probot.js";
import type { WebhookServer } from "../support/fake-github/probot.js";
import { startGitServer } from "../support/git-server.js";
import type { GitServer } from "../support/git-server.js";
import { deliver, payload } from "../support/webhooks.js";
import type { WebhookPayload } from "../support/webhooks.js";

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

/** The running scene. */
export interface Scene {
  readonly fake: FakeGitHub;
  readonly git: GitServer;
  readonly probot: Probot;
  readonly server: WebhookServer;
  readonly installationId: number;
  readonly deliveries: DeliveryCache;
  readonly cacheDir: string;
  /** Posts a signed delivery (same id twice to test de-duplication). */
  post(event: string, body: object, id?: string): Promise<{ status: number; body: string }>;
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
  // Given metrics also count the GitHub requests, as app/main.ts wires them.
  const metrics = opts.deps?.metrics;
  const observe = metrics ? { observe: metrics.githubResponse.bind(metrics) } : {};
  const probot = createTestProbot(fake, { secret: SECRET, Octokit: createFerryOctokit({ throttle: false, retries: 0, ...observe }) });
  const deliveries = new DeliveryCache(100);
  const app = createFerryApp({
    gitops: defaultGitopsPort(opts.clock ? { now: opts.clock } : {}),
    cacheDir,
    platformRepo: { owner: "acme", repo: "platform" },
    logger: probot.log,
    clock: opts.clock ?? (() => new Date("2026-03-02T10:00:00Z")),
    deliveries,
    ...opts.deps,
  });
  const server = await startWebhookServer(probot, app);
  const log = async (format: string) => (await git.git(GITOPS_REPO, ["log", "--reverse", `--format=${format}`, "main"])).split("\n").filter(Boolean);
  return {
    fake,
    git,
    probot,
    server,
    installationId: installation.id,
    deliveries,
    cacheDir,
    async post(event, body, id = randomUUID()) {
      const res = await deliver(server.url, event, body, { secret: SECRET, id });
      // Past 9 s Probot answers 202 and keeps working (a loaded machine); wait for the work itself.
      for (let i = 0; i < 1200 && deliveries.state(id) === "running"; i++) await new Promise((r) => setTimeout(r, 50));
      return res;
    },
    gitopsLog: () => log("%s"),
    gitopsFiles: async () => (await git.git(GITOPS_REPO, ["ls-tree", "-r", "--name-only", "main"])).split("\n").filter(Boolean),
    async close() {
      await server.close();
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
