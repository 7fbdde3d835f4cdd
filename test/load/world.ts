/**
 * What real app processes run against in the restart scenario and the load run: the
 * contract-checked fake GitHub (reached as a GitHub Enterprise Server, `GHE_HOST`), a real git
 * server holding the GitOps repository, optionally a fake Kubernetes API (kubeconfig through
 * `KUBECONFIG`) and a real `redis-server`. {@link World.appEnv} is the environment an app
 * process is started with.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub, type Faults } from "../support/fake-github/index.js";
import { generateAppKey } from "../support/fake-github/probot.js";
import { FakeKube, generateCerts, type FakeKubeCerts } from "../support/fake-kube/index.js";
import { startGitServer, type GitServer } from "../support/git-server.js";
import { startRedis, type RedisServer } from "../support/redis.js";

export const SECRET = "load-webhook-secret";
export const PLATFORM_REPO = "acme/platform";
export const GITOPS_REPO = "acme/gitops";
/** The one app repository of {@link DEV_PLATFORM}. */
export const SHOP_API = "acme/shop-api";
/** The smallest platform an app process serves: the project `shop` from {@link SHOP_API}, released to an auto-merging dev. */
export const DEV_PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [${SHOP_API}]
  environments:
    - name: dev
      gitops: {repo: ${GITOPS_REPO}, branch: main, path: environments/dev}
      autoMerge: true
`;

/** A world of {@link DEV_PLATFORM} with {@link SHOP_API} holding only a README. */
export function startDevWorld(opts: Omit<WorldOptions, "platform" | "apps"> = {}): Promise<World> {
  return startWorld({ ...opts, platform: DEV_PLATFORM, apps: [{ repo: SHOP_API, files: { "README.md": "shop api\n" } }] });
}

/** Options of {@link startWorld}. */
export interface WorldOptions {
  /** `.ferry/platform.yaml` of the platform repository. */
  readonly platform: string;
  /** App repositories (`owner/name`, all under the `acme` installation) and the files of their first commit. */
  readonly apps: readonly { readonly repo: string; readonly files: Readonly<Record<string, string>> }[];
  /** Milliseconds every GitHub API call waits. @default 0 */
  readonly latencyMs?: number;
  /** Failures the fake GitHub injects. @default none */
  readonly faults?: Faults;
  /** Contexts of a fake Kubernetes API the app watches (cluster status on). @default none: cluster status off */
  readonly contexts?: readonly string[];
  /** Certificates of the fake Kubernetes API (generating them takes a while). @default fresh ones */
  readonly certs?: FakeKubeCerts;
  /** Start a redis-server the app processes share (`REDIS_URL`). @default false */
  readonly redis?: boolean;
}

/** The running world. */
export interface World {
  readonly fake: FakeGitHub;
  readonly git: GitServer;
  readonly kube: FakeKube | undefined;
  readonly redis: RedisServer | undefined;
  readonly installationId: number;
  /** The environment of an app process: credentials, the fake as GHE, the platform, the cache, KUBECONFIG, REDIS_URL. */
  appEnv(extra?: Readonly<Record<string, string>>): Record<string, string>;
  close(): Promise<void>;
}

/** Starts everything; always `close()` it. */
export async function startWorld(opts: WorldOptions): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-load-"));
  const closers: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const git: GitServer = await startGitServer();
    closers.push(() => git.close());
    const fake = await FakeGitHub.start({ latencyMs: opts.latencyMs ?? 0, ...(opts.faults ? { faults: opts.faults } : {}) });
    closers.push(() => fake.close());
    const key = generateAppKey();
    fake.app.publicKey = key.publicKey;
    const installation = fake.addInstallation({ account: "acme" });
    await fake.addRepo({ owner: "acme", name: "platform", files: { ".ferry/platform.yaml": opts.platform } });
    const gitops = await git.createRepo(GITOPS_REPO, { files: { "README.md": "GitOps repository\n" } });
    await fake.addRepo({ owner: "acme", name: "gitops", gitDir: gitops.path, cloneUrl: gitops.url });
    for (const app of opts.apps) {
      const [owner = "", name = ""] = app.repo.split("/");
      await fake.addRepo({ owner, name, files: { ...app.files } });
    }
    let kube: FakeKube | undefined;
    const env: Record<string, string> = {};
    if (opts.contexts && opts.contexts.length > 0) {
      kube = await FakeKube.start({ certs: opts.certs ?? generateCerts() });
      const started = kube;
      closers.push(() => started.close());
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, kube.kubeconfig([...opts.contexts]), { mode: 0o600 });
      env.KUBECONFIG = kubeconfig;
    } else {
      env.FERRY_CLUSTER_STATUS = "0";
    }
    let redis: RedisServer | undefined;
    if (opts.redis) {
      redis = await startRedis();
      const started = redis;
      closers.push(() => started.close());
      env.REDIS_URL = redis.url;
    }
    const host = new URL(fake.url).host;
    return {
      fake,
      git,
      kube,
      redis,
      installationId: installation.id,
      appEnv: (extra = {}) => ({
        NODE_ENV: "test",
        APP_ID: String(fake.app.id),
        PRIVATE_KEY: key.privateKey,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: host,
        GHE_PROTOCOL: "http",
        FERRY_PLATFORM_REPO: PLATFORM_REPO,
        FERRY_CACHE_DIR: join(dir, "cache"),
        FERRY_RECONCILE_INTERVAL: "10",
        FERRY_GITHUB_WRITE_INTERVAL_MS: "0",
        LOG_LEVEL: "info",
        ...env,
        ...extra,
      }),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
