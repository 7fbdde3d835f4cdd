import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDeployment, postDeploymentStatus } from "../../../adapters/github/deployments.js";
import type { GitHub } from "../../../adapters/github/types.js";
import { formatCommitMessage } from "../../../core/gitops/trailers.js";
import { EVERYTHING } from "../../../mcp/access.js";
import { createFerryMcpServer } from "../../../mcp/server.js";
import { SIGNAL_STATE, signalDescription, type HealthSignal } from "../../../core/status/deployment-signals.js";
import { ContractIndex, FakeGitHub } from "../../support/fake-github/index.js";
import { fastImportCommit, startGitServer, type GitServer } from "../../support/git-server.js";
import { PLATFORM_YAML, Scratch, runCli } from "../../support/workspace.js";
import { pino } from "pino";
import type { Logger } from "probot";
import { doraMetricsSource } from "../../../app/dora-metrics.js";
import { FerryMetrics } from "../../../app/metrics.js";
import { defaultGitopsPort } from "../../../adapters/git/port.js";
import { PlatformCache } from "../../../adapters/github/platform-loader.js";
import { loadBuiltins } from "../../../templates/index.js";
import { parseMetrics, samples, value } from "../../support/prometheus.js";

/**
 * `ferry dora --json` on a history built here: a real GitOps repository (git http-backend) whose
 * commits carry Ferry's trailers at known times (two releases, a Degraded one, Ferry's rollback of
 * it, a third release; a second component), the app commits and the deployment statuses Ferry
 * posts in the fake GitHub at known times. Every expected figure is hand arithmetic below.
 */
const H = 3_600_000;
// Whole seconds, two days ago: the default window (30d) and --since 3d both cover every fact.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 24 * H;
const t = (h: number) => T0 + h * H;
let clock = T0;

let fake: FakeGitHub;
let git: GitServer;
let token = "";
const s = new Scratch();
const R = { r1: "aaaaaaaaaaa1", r2: "aaaaaaaaaaa2", r3: "aaaaaaaaaaa3", w1: "bbbbbbbbbbb1", p1: "ccccccccccc1" };

async function land(gitdir: string, at: number, component: string, release: string, source: string, promotedFrom?: string): Promise<void> {
  const trailers: Record<string, string> = {
    "Ferry-Component": component,
    "Ferry-Environment": "prod",
    "Ferry-Release": release,
    "Ferry-Source": source,
    ...(promotedFrom ? { "Ferry-Promoted-From": promotedFrom } : {}),
  };
  await fastImportCommit(gitdir, {
    branch: "main",
    message: formatCommitMessage(`${component} ${release}`, trailers),
    files: { [`environments/prod/${component}/release.txt`]: `${release}\n` },
    timestamp: at / 1000,
  });
}

beforeAll(async () => {
  fake = await FakeGitHub.start({ contract: ContractIndex.load(), now: () => new Date(clock) });
  const inst = fake.addInstallation({ account: "acme" });
  token = fake.issueToken(inst.id).token;
  for (const name of ["shop-api", "shop-web"]) await fake.addRepo({ owner: "acme", name, files: { "README.md": "app\n" } });
  const app: Record<string, string> = {};
  for (const [name, repo, at] of [
    ["a1", "acme/shop-api", t(0)],
    ["b1", "acme/shop-web", t(4)],
    ["a2", "acme/shop-api", t(8)],
    ["a3", "acme/shop-api", t(17)],
  ] as const) {
    clock = at;
    app[name] = await fake.commit(repo, { files: { "src.txt": name } });
  }

  git = await startGitServer();
  const gitops = await git.createRepo("acme/gitops-prod", { files: { "README.md": "GitOps\n" } });
  const api = (sha: string) => `acme/shop-api@${sha}`;
  await land(gitops.path, t(1), "shop/api", R.r1, api(app.a1!), "dev");
  await land(gitops.path, t(5), "shop/web", R.w1, `acme/shop-web@${app.b1!}`, "dev");
  // pay/pay's app repository is not on GitHub (deleted, or the token cannot see it): its statuses cannot be read.
  await land(gitops.path, t(6), "pay/pay", R.p1, `acme/pay@${"c".repeat(40)}`, "dev");
  // A commit naming shop/web whose release trailer is no release id: skipped, and said so.
  await land(gitops.path, t(7), "shop/web", "not-a-release", `acme/shop-web@${app.b1!}`, "dev");
  await land(gitops.path, t(10), "shop/api", R.r2, api(app.a2!), "dev");
  await land(gitops.path, t(12), "shop/api", R.r1, api(app.a1!)); // Ferry's rollback commit: no Promoted-From
  await land(gitops.path, t(20), "shop/api", R.r3, api(app.a3!), "dev");

  // The deployments and statuses status back posts, at known times.
  const octokit = new Octokit({ baseUrl: fake.url, auth: token }) as unknown as GitHub;
  const deploy = async (repo: string, sha: string, component: string, release: string, statuses: [HealthSignal, number][]) => {
    const [owner, name] = repo.split("/") as [string, string];
    const ref = { owner, repo: name };
    const id = await createDeployment(octokit, ref, {
      ref: sha,
      environment: "prod",
      production: true,
      description: release,
      payload: { project: "shop", component, release },
    });
    for (const [signal, at] of statuses) {
      clock = at;
      await postDeploymentStatus(octokit, ref, id, { state: SIGNAL_STATE[signal], description: signalDescription(signal, `${release} in prod`) });
    }
  };
  clock = t(1);
  await deploy("acme/shop-api", app.a1!, "api", R.r1, [
    ["rolling-out", t(1)],
    ["healthy", t(1.5)],
  ]);
  await deploy("acme/shop-web", app.b1!, "web", R.w1, [["healthy", t(5) + 600_000]]);
  await deploy("acme/shop-api", app.a2!, "api", R.r2, [
    ["healthy", t(10.5)],
    ["degraded", t(11)],
  ]);
  await deploy("acme/shop-api", app.a1!, "api", R.r1, [["healthy", t(12.25)]]);
  await deploy("acme/shop-api", app.a3!, "api", R.r3, [["healthy", t(20.5)]]);
  s.write("platform", { ".ferry/platform.yaml": PLATFORM_YAML });
}, 120_000);
afterEach(() => fake.assertNoViolations());
afterAll(async () => {
  await Promise.all([git?.close(), fake?.close()]);
  s.cleanup();
});

const dora = (env: Record<string, string>, extra: string[] = []) =>
  runCli(["dora", "--platform", s.path("platform"), "--gitops", git.repoUrl("acme/gitops-prod"), "--cache-dir", s.path("cache"), "--json", ...extra], {
    FERRY_CACHE_DIR: "",
    ...env,
  });

interface Figures {
  deployments: number;
  deploymentFrequencyPerDay: number | null;
  leadTimeSeconds: { p50: number | null; p90: number | null; count: number };
  changeFailureRate: number | null;
  changeFailures: { failed: number; count: number };
  timeToRestoreSeconds: { p50: number | null; p90: number | null; count: number; unrestored: number };
  rollbacks: number;
}
interface Out extends Figures {
  since: string;
  until: string;
  environment: string;
  components: (Figures & { component: string; statusesObserved: boolean })[];
  notes: string[];
}

describe("ferry dora", () => {
  it("equals the figures computed by hand from the history and the deployment statuses", async () => {
    const run = await dora({ GITHUB_TOKEN: token, GITHUB_API_URL: fake.url }, ["--since", "3d"]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Out;
    expect(out.environment).toBe("prod");
    expect(Date.parse(out.until) - Date.parse(out.since)).toBe(3 * 24 * H);
    expect(out.notes).toHaveLength(2);
    expect(out.notes[0]).toMatch(/^pay\/pay: the deployment statuses of acme\/pay could not be read .*: not observed$/);
    expect(out.notes[1]).toMatch(/^shop\/web: commit [0-9a-f]{12} was skipped: Ferry-Release "not-a-release" is not a release id$/);
    // api: r1 (1 h), r2 (10 h), rollback to r1 (12 h), r3 (20 h); web: w1 (5 h); pay: p1 (6 h). 6 deployments over 3 days.
    expect(out.deployments).toBe(6);
    expect(out.deploymentFrequencyPerDay).toBe(2);
    // The figures below stand on shop/api and shop/web only: pay/pay's statuses were not observed.
    expect(out.rollbacks).toBe(1);
    // Lead times, app commit -> first Healthy: r1 0 h -> 1.5 h = 5400 s; w1 4 h -> 5 h 10 min = 4200 s;
    // r2 8 h -> 10.5 h = 9000 s; r3 17 h -> 20.5 h = 12600 s; the rollback has none.
    // Sorted 4200, 5400, 9000, 12600: p50 = rank ceil(0.5*4) = 2 -> 5400; p90 = rank ceil(0.9*4) = 4 -> 12600.
    expect(out.leadTimeSeconds).toEqual({ p50: 5400, p90: 12600, count: 4 });
    // r2 settled Degraded at 11 h (and was rolled back at 12 h): 1 failure of 5.
    expect(out.changeFailureRate).toBe(0.2);
    expect(out.changeFailures).toEqual({ failed: 1, count: 5 });
    // Failure at 11 h, the rollback Healthy at 12.25 h: 4500 s.
    expect(out.timeToRestoreSeconds).toEqual({ p50: 4500, p90: 4500, count: 1, unrestored: 0 });

    expect(out.components.map((c) => c.component)).toEqual(["pay/pay", "shop/api", "shop/web"]);
    const [pay, api, web] = out.components;
    expect(pay).toMatchObject({ deployments: 1, statusesObserved: false, changeFailureRate: null, changeFailures: { failed: 0, count: 0 } });
    expect(pay!.leadTimeSeconds).toEqual({ p50: null, p90: null, count: 0 });
    expect(api).toMatchObject({ deployments: 4, rollbacks: 1, statusesObserved: true, changeFailureRate: 0.25, changeFailures: { failed: 1, count: 4 } });
    // api alone: 5400, 9000, 12600 -> p50 = rank 2 = 9000, p90 = rank 3 = 12600.
    expect(api!.leadTimeSeconds).toEqual({ p50: 9000, p90: 12600, count: 3 });
    expect(web).toMatchObject({ deployments: 1, changeFailureRate: 0, leadTimeSeconds: { p50: 4200, p90: 4200, count: 1 } });
    expect(web!.timeToRestoreSeconds).toEqual({ p50: null, p90: null, count: 0, unrestored: 0 });
  });

  it("--component and a window that starts after the failure narrow the figures", async () => {
    // Whole hours back to between T0 + 11 h and T0 + 11.5 h: only the rollback (12 h) and r3 (20 h) of shop/api landed since.
    const sinceHours = Math.ceil((Date.now() - t(11.5)) / H);
    const run = await dora({ GITHUB_TOKEN: token, GITHUB_API_URL: fake.url }, ["--component", "shop/api", "--since", `${sinceHours}h`]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Out;
    expect(out.components.map((c) => c.component)).toEqual(["shop/api"]);
    expect(out.deployments).toBe(2);
    expect(out.changeFailures).toEqual({ failed: 0, count: 2 });
    // Only r3's lead time (the rollback has none): 12600 s.
    expect(out.leadTimeSeconds).toEqual({ p50: 12600, p90: 12600, count: 1 });
  });

  it("without a GitHub token, the figures that need deployment statuses are not observed (null over 0), never 0", async () => {
    const run = await dora({});
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Out;
    expect(out.deployments).toBe(6);
    expect(out.deploymentFrequencyPerDay).toBe(6 / 30);
    expect(out.changeFailureRate).toBeNull();
    expect(out.changeFailures).toEqual({ failed: 0, count: 0 });
    expect(out.leadTimeSeconds).toEqual({ p50: null, p90: null, count: 0 });
    expect(out.timeToRestoreSeconds).toMatchObject({ p50: null, p90: null, count: 0 });
    expect(out.components.every((c) => !c.statusesObserved)).toBe(true);
    expect(out.notes.join("\n")).toMatch(/no GitHub token/);
  });

  it("refuses an unknown environment and a bad --since, naming both, with exit 2", async () => {
    const run = await dora({}, ["--env", "qa", "--since", "soon"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown environment "qa"/);
    expect(run.stderr).toMatch(/"soon" is not a duration/);
  });
});

describe("the MCP tool ferry_dora", () => {
  it("is listed read-only without URL or path arguments and answers the same figures as the CLI", async () => {
    // The environment's gitops.repo (acme/gitops-prod) is found on the git server as on a GitHub Enterprise host.
    const context = {
      transport: "stdio" as const,
      defaults: { apps: [], platform: s.path("platform") },
      variables: { FERRY_CACHE_DIR: s.path("cache"), GITHUB_TOKEN: token, GITHUB_API_URL: fake.url, GITHUB_SERVER_URL: git.url },
      access: EVERYTHING,
    };
    const [a, b] = InMemoryTransport.createLinkedPair();
    await createFerryMcpServer({ context }).connect(a);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(b);
    try {
      const tool = (await client.listTools()).tools.find((x) => x.name === "ferry_dora")!;
      expect(tool.annotations?.readOnlyHint).toBe(true);
      expect(Object.keys(tool.inputSchema.properties ?? {}).sort()).toEqual(["component", "env", "platform", "project", "since"]);
      const result = await client.callTool({ name: "ferry_dora", arguments: { env: "prod", since: "3d", project: "shop" } });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      const out = result.structuredContent as unknown as Out;
      const cli = JSON.parse((await dora({ GITHUB_TOKEN: token, GITHUB_API_URL: fake.url }, ["--since", "3d", "--project", "shop"])).stdout) as Out;
      // The same hand-computed figures (the windows end at each call's own now).
      expect({ ...out, since: "", until: "" }).toEqual({ ...cli, since: "", until: "" });
      expect(out.leadTimeSeconds).toEqual({ p50: 5400, p90: 12600, count: 4 });
      expect(out.changeFailureRate).toBe(0.2);
    } finally {
      await client.close();
    }
  });
});

describe("the app's /metrics DORA gauges", () => {
  it("show the hand-computed figures per environment and project, absent where not observed, computed again only after the TTL", async () => {
    // The app reads the platform from its repository and the GitOps repositories through GitHub (clone URLs on the git server).
    await fake.addRepo({ owner: "acme", name: "platform", private: true, files: { ".ferry/platform.yaml": PLATFORM_YAML } });
    const prod = git.repoPath("acme/gitops-prod");
    await fake.addRepo({ owner: "acme", name: "gitops-prod", private: true, gitDir: prod, cloneUrl: git.repoUrl("acme/gitops-prod") });
    const dev = await git.createRepo("acme/gitops", { files: { "README.md": "GitOps\n" } });
    await fake.addRepo({ owner: "acme", name: "gitops", private: true, gitDir: dev.path, cloneUrl: dev.url });
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) }) as unknown as Logger;
    let now = Date.now();
    const metrics = new FerryMetrics();
    const installation = async () => new Octokit({ baseUrl: fake.url, auth: token }) as unknown as GitHub;
    metrics.doraSource(
      doraMetricsSource(
        installation,
        {
          gitops: defaultGitopsPort(),
          cacheDir: s.path("metrics-cache"),
          logger,
          platformRepo: { owner: "acme", repo: "platform" },
          platforms: new PlatformCache(),
          builtins: loadBuiltins(),
          clock: () => new Date(now),
        },
        { ttlSeconds: 300 },
      ),
    );
    const scrape = async () => parseMetrics(await metrics.text());
    const whole = (families: ReturnType<typeof parseMetrics>, name: string, labels: Record<string, string> = {}) =>
      samples(families, name, labels)
        .filter((m) => m.labels?.project === undefined)
        .map((m) => Number(m.value));

    const first = await scrape();
    expect(warnings).toEqual([]);
    // prod over 30 days, as `ferry dora` without --since: 6 deployments, 0.2 a day; shop/api's and shop/web's statuses
    // give lead times 4200, 5400, 9000, 12600 s (p50 5400, p90 12600), 1 failure of 5, restored in 4500 s.
    expect(whole(first, "ferry_dora_deployments", { environment: "prod" })).toEqual([6]);
    expect(whole(first, "ferry_dora_deployment_frequency_per_day", { environment: "prod" })).toEqual([0.2]);
    expect(whole(first, "ferry_dora_lead_time_seconds", { environment: "prod", quantile: "0.5" })).toEqual([5400]);
    expect(whole(first, "ferry_dora_lead_time_seconds", { environment: "prod", quantile: "0.9" })).toEqual([12600]);
    expect(whole(first, "ferry_dora_change_failure_rate", { environment: "prod" })).toEqual([0.2]);
    expect(whole(first, "ferry_dora_change_failure_observed", { environment: "prod" })).toEqual([5]);
    expect(whole(first, "ferry_dora_time_to_restore_seconds", { environment: "prod", quantile: "0.5" })).toEqual([4500]);
    // Per project: shop has 5 deployments and every status; pay's statuses were not read, so its rate and lead time are absent, never 0.
    expect(value(first, "ferry_dora_deployments", { environment: "prod", project: "shop" })).toBe(5);
    expect(value(first, "ferry_dora_change_failure_rate", { environment: "prod", project: "shop" })).toBe(0.2);
    expect(value(first, "ferry_dora_deployments", { environment: "prod", project: "pay" })).toBe(1);
    expect(samples(first, "ferry_dora_change_failure_rate", { project: "pay" })).toEqual([]);
    expect(samples(first, "ferry_dora_lead_time_seconds", { project: "pay" })).toEqual([]);
    // dev has no deployment: 0 deployments (observed from its history); no rate, no lead time (nothing observed).
    expect(whole(first, "ferry_dora_deployments", { environment: "dev" })).toEqual([0]);
    expect(whole(first, "ferry_dora_change_failure_rate", { environment: "dev" })).toEqual([]);

    // A fourth shop/api release lands; within the TTL a scrape answers from the last computation, after it the figures move.
    await land(prod, t(30), "shop/api", "aaaaaaaaaaa4", `acme/shop-api@${"d".repeat(40)}`, "dev");
    now += 299_000;
    expect(whole(await scrape(), "ferry_dora_deployments", { environment: "prod" })).toEqual([6]);
    now += 2_000;
    const later = await scrape();
    expect(whole(later, "ferry_dora_deployments", { environment: "prod" })).toEqual([7]);
    expect(value(later, "ferry_dora_deployments", { environment: "prod", project: "shop" })).toBe(6);
  });
});
