/**
 * The portal's scene: the Ferry app (Probot, signed deliveries) with the bundled example
 * (examples/platform, examples/apps) against the contract-checked fake GitHub (with its OAuth web
 * endpoints), real git repositories for acme/gitops and acme/gitops-prod, and the fake Kubernetes
 * API for the example's three cluster contexts. The app serves the webhooks and the portal on one
 * port, as in production (the handlers the app registers through `addHandler` answer first).
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeMiddleware, type ApplicationFunction } from "probot";
import { tokenClient } from "../../../adapters/github/client.js";
import { DeliveryCache } from "../../../app/seen-deliveries.js";
import { createFerryApp } from "../../../app/index.js";
import { JobQueue } from "../../../app/jobs/queue.js";
import { createFerryOctokit } from "../../../app/octokit.js";
import { defaultGitopsPort } from "../../../adapters/git/port.js";
import { ClusterRuntime } from "../../../flows/status/cluster-runtime.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";
import { createTestProbot } from "../../support/fake-github/probot.js";
import { FakeKube, generateCerts, succeedingRollout } from "../../support/fake-kube/index.js";
import { startGitServer, type GitServer } from "../../support/git-server.js";
import { deliver, payload } from "../../support/webhooks.js";
import { waitFor } from "../../support/status-scene.js";
import type { SignalsReader } from "../../../portal/ports.js";

const SECRET = "portal-scenario-secret";
export const CLIENT = { clientId: "Iv1.portal-test", clientSecret: "portal-client-secret" };
const CONTEXTS = ["acme-dev", "acme-nonprod", "acme-prod-eu"];

/** The example's app repositories: `acme/<dir>` → their `.ferry/` files. */
function exampleApps(): Map<string, Record<string, string>> {
  const root = "examples/apps/acme";
  return new Map(
    readdirSync(root).map((dir) => [
      `acme/${dir}`,
      Object.fromEntries(readdirSync(join(root, dir, ".ferry")).map((f) => [`.ferry/${f}`, readFileSync(join(root, dir, ".ferry", f), "utf8")])),
    ]),
  );
}

function platformFiles(edit: (platformYaml: string) => string = (y) => y): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = readFileSync(join(dir, e.name), "utf8");
    }
  };
  walk("examples/platform/.ferry", ".ferry/");
  out[".ferry/platform.yaml"] = edit(out[".ferry/platform.yaml"]!);
  return out;
}

/** The running scene. */
export interface PortalScene {
  readonly fake: FakeGitHub;
  readonly kube: FakeKube;
  readonly git: GitServer;
  /** `http://127.0.0.1:<port>`: the app's server (webhooks and portal). */
  readonly origin: string;
  /** `project/component` → the release dev runs. */
  readonly devReleases: ReadonlyMap<string, string>;
  /** The installation the app acts as, and the webhook secret deliveries are signed with. */
  readonly installationId: number;
  readonly secret: string;
  close(): Promise<void>;
}

/** What a scene may be given. */
export interface PortalSceneOptions {
  /** The portal's signals reader (`Deps.portal.signals`). @default none */
  readonly signals?: SignalsReader;
  /** Changes the example's platform.yaml (e.g. adds `previews`). @default as bundled */
  readonly platformYaml?: (text: string) => string;
}

/** Starts the app on the example, releases every app to dev and rolls checkout-api out healthy in the fake cluster. */
export async function startPortalScene(options: PortalSceneOptions = {}): Promise<PortalScene> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-portal-"));
  const closers: (() => Promise<unknown>)[] = [async () => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const kube = await FakeKube.start({ certs: generateCerts() });
    closers.push(() => kube.close());
    const kubeconfig = join(dir, "kubeconfig");
    await writeFile(kubeconfig, kube.kubeconfig(CONTEXTS), { mode: 0o600 });
    const runtime = new ClusterRuntime({ env: { KUBECONFIG: kubeconfig }, retryMs: 10_000 });
    closers.push(() => runtime.stop());
    const git = await startGitServer();
    closers.push(() => git.close());
    const fake = await FakeGitHub.start({ contract: ContractIndex.load() });
    closers.push(() => fake.close());
    fake.oauth.addClient(CLIENT);
    const installation = fake.addInstallation({ account: "acme" });
    await fake.addRepo({ owner: "acme", name: "platform", private: true, files: platformFiles(options.platformYaml) });
    for (const name of ["gitops", "gitops-prod"]) {
      const repo = await git.createRepo(`acme/${name}`, { files: { "README.md": "GitOps repository\n" } });
      await fake.addRepo({ owner: "acme", name, private: true, gitDir: repo.path, cloneUrl: repo.url });
    }
    const apps = exampleApps();
    for (const [full, files] of apps)
      await fake.addRepo({ owner: "acme", name: full.split("/")[1]!, private: true, files: { ...files, "README.md": `${full}\n` } });

    const probot = createTestProbot(fake, { secret: SECRET, Octokit: createFerryOctokit({ throttle: false, retries: 0 }) });
    const queue = new JobQueue({}, { logger: probot.log });
    closers.push(() => queue.stop());
    type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void | Promise<boolean | void>;
    const handlers: Handler[] = [];
    const ferry = createFerryApp({
      gitops: defaultGitopsPort(),
      cacheDir: join(dir, "cache"),
      platformRepo: { owner: "acme", repo: "platform" },
      logger: probot.log,
      deliveries: new DeliveryCache(100),
      queue,
      clusterRuntime: runtime,
      portal: {
        oauth: { ...CLIENT, webUrl: fake.url },
        apiBaseUrl: fake.url,
        sessionSecret: "portal-scene-session-secret-0123456789",
        ...(options.signals ? { signals: options.signals } : {}),
      },
    });
    const appFn: ApplicationFunction = (app, options) => ferry(app, { ...options, addHandler: (h: Handler) => void handlers.push(h) });
    const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: "/api/github/webhooks" });
    const server = createServer((req, res) => {
      void (async () => {
        for (const h of handlers) if (await h(req, res)) return;
        await middleware(req, res, () => res.writeHead(404).end());
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await waitFor("the runtime observes the example's contexts", () => runtime.observes("dev") && runtime.observer.isSynced());

    // Release: every app repository's push lands its components in dev (auto-merge, no approval);
    // a second round releases what depends on components of a repository released after it.
    for (const [round, [full, files]] of [...apps, ...apps].entries()) {
      const before = (await fake.branchSha(full))!;
      const sha = await fake.commit(full, { files: { ...files, "CHANGELOG.md": `release ${round}\n` }, message: "release" });
      const body = payload("push", undefined, {
        repo: full,
        sha,
        before,
        branch: "main",
        installationId: installation.id,
        files: { modified: Object.keys(files) },
      });
      const res = await deliver(`${origin}/api/github/webhooks`, "push", body, { secret: SECRET });
      if (res.status !== 200) throw new Error(`push to ${full} answered ${res.status}`);
      await queue.idle();
      // The build check components wait for (`build.waitForCheck`) succeeds.
      for (const check of new Set(Object.values(files).flatMap((text) => [...(/waitForCheck: *([\w-]+)/.exec(text)?.slice(1) ?? [])]))) {
        const overrides = { check_run: { name: check, conclusion: "success" as const, status: "completed" as const } };
        await deliver(
          `${origin}/api/github/webhooks`,
          "check_run",
          payload("check_run", "completed", { repo: full, sha, branch: "main", installationId: installation.id, overrides }),
          {
            secret: SECRET,
          },
        );
        await queue.idle();
      }
    }
    const log = await git.git("acme/gitops", ["log", "--format=%B%x00", "main"]);
    const devReleases = new Map<string, string>();
    for (const message of log.split("\0")) {
      const component = /Ferry-Component: (\S+)/.exec(message)?.[1];
      const release = /Ferry-Release: (\S+)/.exec(message)?.[1];
      if (component && release && /Ferry-Environment: dev/.test(message) && !devReleases.has(component)) devReleases.set(component, release);
    }
    // Status back: checkout-api's rollout in the dev cluster succeeds.
    const release = devReleases.get("storefront/checkout-api");
    if (!release) {
      const checks = [...apps.keys()].map((r) => `${r}: ${fake.latestCheckRun(r, "Ferry / release")?.output.summary ?? "no release check"}`);
      throw new Error(`checkout-api did not land in dev: ${[...devReleases.keys()].join(", ")}\n${checks.join("\n")}`);
    }
    for (const step of succeedingRollout({ project: "storefront", component: "checkout-api", environment: "dev", release }).steps) kube.applyStep(step);
    await waitFor("checkout-api is Healthy in dev", () => {
      const h = runtime.overview({ project: "storefront", component: "checkout-api", environments: ["dev"] })[0]?.components[0]?.health.status;
      return h === "Healthy";
    });
    // The promotion flow opened dev → staging pull requests on landing; a person closed them, so
    // the portal's Promote button is what opens the next one.
    // Status back promotes on Healthy: let it finish first.
    await waitFor("status back opens checkout-api's promotion to staging", () =>
      fake.pullsIn("acme/gitops", "open").some((p) => p.head.ref === "ferry/promote/storefront/checkout-api/staging"),
    );
    await runtime.watches.idle();
    await queue.idle();
    await fake.settled();
    const gh = tokenClient({ token: fake.issueToken(installation.id).token, baseUrl: fake.url });
    for (const pr of fake.pullsIn("acme/gitops", "open"))
      await gh.rest.pulls.update({ owner: "acme", repo: "gitops", pull_number: pr.number, state: "closed" });
    return { fake, kube, git, origin, devReleases, installationId: installation.id, secret: SECRET, close };
  } catch (e) {
    await close();
    throw e;
  }
}
