/**
 * The verification scene: the whole Ferry app (test/support/app-scene.ts: signed webhook
 * deliveries, the contract-checked fake GitHub, the GitOps repository on a real git server, the
 * fake Kubernetes API) on REAL time, so that it shares time with a real Prometheus
 * (test/support/prometheus-server.ts) scraping the test exporter every second. Timings are short:
 * the status reporting's debounce 200 ms, one verification look a second (the scrape interval),
 * verify windows and soaks of a few seconds.
 *
 * The platform: build (no cluster; releases are committed to it) → dev (cluster kind-dev read
 * through the Prometheus "local"; promotions auto-merge; the step into it verifies) → prod (no
 * cluster; promotions auto-merge). A pushed release is promoted into dev and merged by Ferry.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { generateCerts, succeedingRollout, type FakeKubeCerts } from "./fake-kube/index.js";
import { APP_REPO, GITOPS_REPO, startSceneOn, type AppScene, type SceneClock } from "./app-scene.js";
import { startPrometheus, type PrometheusServer, type Traffic } from "./prometheus-server.js";
import { waitFor } from "./kube-helpers.js";
import { payload } from "./webhooks.js";
import { GATES_CHECK } from "../../flows/promotion/gates-check.js";
import { systemTimers } from "../../flows/status/timers.js";

/** The scene on real time. */
export type VerifyScene = AppScene<RealClock>;

/** Real time in the shape of the scene's hand-driven clock: `advance` waits. */
export class RealClock implements SceneClock {
  readonly now = (): number => Date.now();
  readonly date = (): Date => new Date();
  setTimeout(callback: () => void, ms: number): unknown {
    return systemTimers.setTimeout(callback, ms);
  }
  clearTimeout(handle: unknown): void {
    systemTimers.clearTimeout(handle);
  }
  async advance(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** The status reporting's debounce, in ms. */
export const VERIFY_DEBOUNCE = 200;
/** The shortest interval between a verification's looks, in ms: Prometheus' scrape interval. */
export const VERIFY_INTERVAL = 1_000;
/** The namespace of shop in dev (where the exporter's series of shop/api live). */
export const DEV_NAMESPACE = "shop-dev";

/** The platform of the scene (see the module comment). */
export interface VerifyPlatformOptions {
  /** The URL of the Prometheus "local". */
  readonly prometheusUrl: string;
  /** `verify` of the step build → dev, as YAML flow text, e.g. `{duration: 3s, signals: {errorRate: {max: 0.05}}}`. */
  readonly verify: string;
  /** `onFailure` of the step build → dev. @default unset */
  readonly onFailure?: "rollback" | "none";
  /** `soak` of the step dev → prod. @default none */
  readonly soak?: string;
}

export function verifyPlatformYaml(opts: VerifyPlatformOptions): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
  observability:
    prometheus:
      - {name: local, url: "${opts.prometheusUrl}"}
    links:
      logs: "https://logs.example/search?ns=\${namespace}&release=\${release}"
  environments:
    - name: build
      gitops: {repo: acme/gitops, branch: main, path: environments/build}
      autoMerge: true
    - name: dev
      cluster: {context: kind-dev, prometheus: local}
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
      autoMerge: true
    - name: prod
      gitops: {repo: acme/gitops, branch: main, path: environments/prod}
      autoMerge: true
  pipeline:
    - from: build
      to: [dev]
      verify: ${opts.verify}
${opts.onFailure ? `      onFailure: ${opts.onFailure}\n` : ""}    - from: dev
      to: [prod]
${opts.soak ? `      soak: ${opts.soak}\n` : ""}`;
}

/** Starts the app on real time with the platform of `opts`, observing kind-dev. Always `close()`. */
export function startVerifyAppScene(certs: FakeKubeCerts, opts: VerifyPlatformOptions): Promise<VerifyScene> {
  return startSceneOn(certs, new RealClock(), {
    platform: verifyPlatformYaml(opts),
    contexts: ["kind-dev"],
    runtime: { debounceMs: VERIFY_DEBOUNCE, trackDebounceMs: VERIFY_DEBOUNCE, verifyMinIntervalMs: VERIFY_INTERVAL, retryMs: 1_000 },
  });
}

/** The release of shop/api that `env` holds in the GitOps repository (main), if any. */
export async function releaseIn(s: VerifyScene, env: string): Promise<string | undefined> {
  const text = await s.git.git(GITOPS_REPO, ["show", `main:environments/${env}/shop/api/deployment-api.yaml`]).catch(() => undefined);
  return text ? /ferry\.dev\/release: ([0-9a-f]{12})/.exec(text)?.[1] : undefined;
}

/** The deployment statuses Ferry posted for `release` of shop/api in dev, oldest first: `state: description`. */
export function devStatuses(s: VerifyScene, release: string): string[] {
  return s.fake
    .deploymentsIn(APP_REPO, "dev")
    .filter((d) => typeof d.payload === "object" && d.payload.release === release)
    .flatMap((d) => d.statuses.map((st) => `${st.state}: ${st.description}`));
}

/** What a release serves from its landing on: the traffic the exporter of `prom` counts. */
export interface Serving {
  readonly prom: PrometheusServer;
  readonly traffic: Traffic;
}

/**
 * Pushes shop/api at `image` (Ferry commits the release to build and promotes it into dev, merging
 * its own pull request), waits until the rollout in dev is watched, sets what the release serves
 * from then on (when `serving`), and lets the cluster run it: its pods get Ready (replacing
 * `previous`'s). Returns the release.
 */
export async function releaseToDev(s: VerifyScene, image: string, opts: { serving?: Serving; previous?: string } = {}): Promise<string> {
  await s.pushComponent(image);
  const release = await releaseIn(s, "build");
  if (!release) throw new Error("build holds no release of shop/api after the push");
  await waitFor(`${release} watched in dev`, () => s.runtime.watches.active().some((w) => w.environment === "dev" && w.release === release), 1500, 20);
  if (opts.serving) {
    opts.serving.prom.exporter.set(DEV_NAMESPACE, "api", opts.serving.traffic);
    // The new pods serve for four scrapes before all are Ready: the verify window (from the first
    // `Verifying:` status, in whole seconds, its `${window}` rounded up) then holds no sample of what
    // was served before even on a loaded machine, and the baseline window (up to the landing) none
    // of the release's.
    await opts.serving.prom.scrapes(4);
  }
  const w = { project: "shop", component: "api", environment: "dev", release, generation: 2 };
  for (const step of succeedingRollout(w, opts.previous ? { previousRelease: opts.previous } : {}).steps) s.kube.applyStep(step);
  return release;
}

/** Waits (polling, up to `seconds`) until the last deployment status of `release` in dev matches `last`; returns them all. */
export async function statusesUntil(s: VerifyScene, release: string, last: RegExp, seconds = 30): Promise<string[]> {
  await waitFor(`the last status of ${release} in dev matching ${String(last)}`, () => last.test(devStatuses(s, release).at(-1) ?? ""), seconds * 50, 20).catch(
    (e: unknown) => {
      throw new Error(`${String(e)}; its statuses: ${JSON.stringify(devStatuses(s, release))}`);
    },
  );
  await s.runtime.watches.idle();
  return devStatuses(s, release);
}

/** Checks that every request to the fake GitHub kept to the contract, then stops the scene. */
export async function closeVerifyScene(s: VerifyScene): Promise<void> {
  try {
    await s.runtime.watches.idle();
    await s.fake.settled();
    s.fake.assertNoViolations();
  } finally {
    await s.close();
  }
}

/** What a healthy release serves: 100 requests per second, no errors, 60 ms each. */
export const CLEAN: Traffic = { rps: 100, errorRatio: 0, latencySeconds: 0.06 };

/** Ferry's pull requests promoting `release` of shop/api from dev to prod. */
export function prodPromotions(s: VerifyScene, release: string) {
  return s.fake.pullsIn(GITOPS_REPO).filter((p) => p.title === `ferry: promote shop/api ${release} from dev to prod`);
}

/** Waits until Ferry's pull request titled `title` is merged; returns it. */
export function merged(s: VerifyScene, title: string) {
  return waitFor(`${title} merged`, () => s.fake.pullsIn(GITOPS_REPO).find((p) => p.title === title && p.mergedAt !== null), 1500, 20);
}

/** The latest `Ferry / gates` run on a head of the GitOps repository. */
export function gates(s: VerifyScene, sha: string) {
  const run = s.fake.latestCheckRun(GITOPS_REPO, GATES_CHECK, sha);
  if (!run) throw new Error(`no ${GATES_CHECK} run on ${sha}`);
  return run;
}

/** `user` comments `text` on the pull request `number` of the GitOps repository; delivered as `issue_comment` (any app scene). */
export async function comment(s: AppScene<SceneClock>, number: number, user: string, text: string): Promise<void> {
  const c = s.fake.addComment(GITOPS_REPO, number, { user, body: text });
  const url = `http://github.localhost/${GITOPS_REPO}/pull/${number}`;
  const body = payload("issue_comment", "created", {
    repo: GITOPS_REPO,
    number,
    body: text,
    sender: user,
    installationId: s.installationId,
    overrides: {
      comment: { id: c.id, html_url: `${url}#issuecomment-${c.id}`, user: { login: user, type: "User" } },
      issue: {
        pull_request: {
          url: `http://api.github.localhost/repos/${GITOPS_REPO}/pulls/${number}`,
          html_url: url,
          diff_url: `${url}.diff`,
          patch_url: `${url}.patch`,
          merged_at: null,
        },
      },
    },
  });
  const res = await s.post("issue_comment", body);
  if (res.status !== 200) throw new Error(`comment delivery answered ${res.status}: ${res.body}`);
}

/** What {@link verifyScenes} gives a scenario file. */
export interface VerifyScenes {
  /** The file's Prometheus (only with `prometheus: true`). */
  readonly prom: PrometheusServer;
  /** Starts a scene on the file's certificates; it is closed (its contract checked) after the test. */
  start(opts: VerifyPlatformOptions): Promise<VerifyScene>;
}

/**
 * Registers the lifecycle every verify scenario file shares: the fake Kubernetes API's certificates
 * and, with `prometheus`, one Prometheus for the file; each scene started is closed after its test.
 */
export function verifyScenes(opts: { readonly prometheus: boolean }): VerifyScenes {
  let certs: FakeKubeCerts | undefined;
  let prom: PrometheusServer | undefined;
  let scene: VerifyScene | undefined;
  beforeAll(async () => {
    certs = generateCerts();
    if (opts.prometheus) prom = await startPrometheus();
  }, 60_000);
  afterAll(async () => {
    await prom?.close();
  });
  afterEach(async () => {
    const s = scene;
    scene = undefined;
    if (s) await closeVerifyScene(s);
  });
  return {
    get prom() {
      if (!prom) throw new Error("verifyScenes: no Prometheus (started with prometheus: false, or before beforeAll)");
      return prom;
    },
    async start(platform) {
      if (!certs) throw new Error("verifyScenes: start() before beforeAll");
      scene = await startVerifyAppScene(certs, platform);
      return scene;
    },
  };
}
