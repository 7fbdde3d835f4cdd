/**
 * Push-to-commit latency of the release flow, through the real app: Probot running the Ferry app
 * in this process with the Octokit class and dependency defaults `npm start` uses (throttling on,
 * the default write spacing), against the contract-checked fake GitHub on loopback (no added
 * latency) and a real git server holding the GitOps repository. Each signed push delivery
 * releases one component (a new image tag); the time runs from sending the delivery to the new
 * GitOps commit on the branch (the ref file of the bare repository changing), and the release's
 * API calls are counted at the fake from the delivery to its completed `Ferry / release` check.
 * The deliveries go one after another, each once the previous one's work (release and the
 * promotion it opens) is done.
 *
 * Run by `bench/latency.ts` in its own process (`tsx test/load/latency.ts`, printing one JSON
 * line), as benchmarks do not import test/.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { createFerryApp } from "../../app/index.js";
import { JobQueue } from "../../app/jobs/queue.js";
import { defaultGitopsPort, type GitopsPort } from "../../adapters/git/port.js";
import { createFerryOctokit } from "../../app/octokit.js";
import { FakeGitHub } from "../support/fake-github/index.js";
import { createTestProbot, generateAppKey, startWebhookServer } from "../support/fake-github/probot.js";
import { startGitServer } from "../support/git-server.js";
import { deliver, payload } from "../support/webhooks.js";

const SECRET = "latency-webhook-secret";
const APP_REPO = "acme/shop-api";
const GITOPS_REPO = "acme/gitops";

const PLATFORM = `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [${APP_REPO}]
  environments:
    - name: dev
      gitops: {repo: ${GITOPS_REPO}, branch: main, path: environments/dev}
      autoMerge: true
    - name: staging
      gitops: {repo: ${GITOPS_REPO}, branch: main, path: environments/staging}
      approvals: {required: 1}
  pipeline:
    - from: dev
      to: [staging]
`;

function component(tag: string): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: api
  project: shop
spec:
  type: service
  container:
    image: ghcr.io/acme/api:${tag}
    resources: {cpu: 100m, memory: 128Mi}
    probes:
      readiness: {httpGet: {path: /healthz, port: http}}
  endpoints:
    http: {type: HTTP, port: 8080}
`;
}

/** One release: milliseconds from delivery to commit, and the GitHub API calls it made. */
export interface LatencySample {
  readonly commitMs: number;
  readonly apiCalls: number;
  /** The release's calls in order (operation ids), with the milliseconds since the delivery at which each was answered. */
  readonly calls: readonly string[];
}

/** Options of {@link runLatency}. */
export interface LatencyOptions {
  /** Push deliveries sent, each releasing one component. @default 15 */
  readonly pushes?: number;
  /** Octokit's write spacing in milliseconds (FERRY_GITHUB_WRITE_INTERVAL_MS). @default the app's default */
  readonly writeIntervalMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends the pushes and measures each; see the module comment. */
export async function runLatency(opts: LatencyOptions = {}): Promise<LatencySample[]> {
  const pushes = opts.pushes ?? 15;
  const cacheDir = await mkdtemp(join(tmpdir(), "ferry-latency-"));
  const git = await startGitServer();
  const fake = await FakeGitHub.start();
  const closers: (() => Promise<unknown>)[] = [() => rm(cacheDir, { recursive: true, force: true }), () => git.close(), () => fake.close()];
  try {
    const installation = fake.addInstallation({ account: "acme" });
    await fake.addRepo({ owner: "acme", name: "platform", files: { ".ferry/platform.yaml": PLATFORM } });
    const gitopsRepo = await git.createRepo(GITOPS_REPO, { files: { "README.md": "GitOps repository\n" } });
    await fake.addRepo({ owner: "acme", name: "gitops", gitDir: gitopsRepo.path, cloneUrl: gitopsRepo.url });
    await fake.addRepo({ owner: "acme", name: "shop-api", files: { ".ferry/api.yaml": component("1.0.0"), "README.md": "shop api\n" } });

    let sentAt = 0;
    const answered: string[] = [];
    const logger = pino({ level: "silent" });
    const probot = createTestProbot(fake, {
      secret: SECRET,
      key: generateAppKey(),
      log: logger as never,
      Octokit: createFerryOctokit({
        ...(opts.writeIntervalMs === undefined ? {} : { writeIntervalMs: opts.writeIntervalMs }),
        observe: (r) => answered.push(`${(performance.now() - sentAt).toFixed(0).padStart(5)} ms ${r.method} ${r.status}`),
      }),
    });
    const queue = new JobQueue({}, { logger: logger as never });
    // The app's own GitOps port, with the time of each git step noted for the --verbose trace.
    const port = defaultGitopsPort();
    const noted =
      <A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const s0 = performance.now() - sentAt;
        const out = await fn(...args);
        answered.push(`${s0.toFixed(0).padStart(5)}..${(performance.now() - sentAt).toFixed(0)} ms git ${what}`);
        return out;
      };
    const gitops: GitopsPort = {
      publish: noted("publish", port.publish),
      readFiles: noted("readFiles", port.readFiles),
      readHistory: noted("readHistory", port.readHistory),
    };
    const app = createFerryApp({ cacheDir, platformRepo: { owner: "acme", repo: "platform" }, logger: logger as never, queue, gitops });
    const server = await startWebhookServer(probot, app);
    closers.push(
      () => queue.stop(),
      () => server.close(),
    );

    const ref = join(gitopsRepo.path, "refs", "heads", "main");
    const head = () => readFile(ref, "utf8").then((t) => t.trim());
    const samples: LatencySample[] = [];
    for (let i = 1; i <= pushes; i++) {
      const before = (await fake.branchSha(APP_REPO))!;
      const sha = await fake.commit(APP_REPO, { files: { ".ferry/api.yaml": component(`1.0.${i}`) }, message: `api 1.0.${i}` });
      const body = payload("push", undefined, {
        repo: APP_REPO,
        sha,
        before,
        branch: "main",
        installationId: installation.id,
        files: { modified: [".ferry/api.yaml"] },
      });
      const gitopsBefore = await head();
      const start = fake.requests.length;
      answered.length = 0;
      sentAt = performance.now();
      const res = await deliver(server.url, "push", body, { secret: SECRET });
      if (res.status !== 200) throw new Error(`push ${i}: the app answered ${res.status} ${res.body}`);
      const deadline = sentAt + 30_000;
      while ((await head()) === gitopsBefore) {
        if (performance.now() > deadline) throw new Error(`push ${i}: no GitOps commit within 30 s`);
        await sleep(2);
      }
      const commitMs = performance.now() - sentAt;
      await queue.idle();
      const calls = fake.requests.slice(start);
      const done = calls.findIndex((r) => r.method === "PATCH" && /^\/repos\/acme\/shop-api\/check-runs\/\d+$/.test(r.path));
      if (done < 0) throw new Error(`push ${i}: the release check was never completed`);
      const release = calls.slice(0, done + 1);
      samples.push({
        commitMs,
        apiCalls: release.length,
        calls: [...release.map((r) => `${r.operation ?? `${r.method} ${r.path}`}`), ...answered],
      });
    }
    fake.assertNoViolations();
    return samples;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const pushes = Number(process.argv.find((a) => a.startsWith("--pushes="))?.slice("--pushes=".length) ?? 15);
  const samples = await runLatency({ pushes });
  if (process.argv.includes("--verbose")) {
    for (const [i, s] of samples.entries()) console.error(`push ${i + 1}: commit ${s.commitMs.toFixed(0)} ms, ${s.apiCalls} calls\n  ${s.calls.join("\n  ")}`);
  }
  console.log(JSON.stringify(samples.map(({ commitMs, apiCalls }) => ({ commitMs, apiCalls }))));
}
