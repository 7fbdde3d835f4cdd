/**
 * Git benchmark: committing and pushing a one-component change with adapters/git `publish`, in a
 * GitOps repository holding 3,000 rendered component-environments and in one holding 30, both
 * served over smart HTTP by `git http-backend` (scripts/git-http-server.ts), warm clone cache.
 * The same change is also timed with the native git CLI in a work tree
 * (`git add -A && git commit && git push`). Prints medians, the large/small ratio (target <= 1.5)
 * and the publish/git-CLI ratio.
 *
 * Each publish runs as a fresh invocation would (nothing kept in memory between publishes), so
 * the figures hold for the `ferry publish` CLI as well as for the app. The time Ferry itself
 * spends (everything but waiting for the server's answers) is printed too: the server's share
 * (git receive-pack checking connectivity in a bigger repository) is not Ferry's to save.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { publish } from "../adapters/git/publish.js";
import { startGitServer } from "../scripts/git-http-server.js";
import type { GitServer } from "../scripts/git-http-server.js";

const run = promisify(execFile);
const ITERATIONS = 15;
const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** The rendered files of one component in one environment (~5 small YAML documents). */
export function componentFiles(env: string, project: string, component: string, tag: string): Record<string, string> {
  const ns = `${project}-${env}`;
  const meta = (kind: string, apiVersion: string) =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  labels:\n    app.kubernetes.io/name: ${component}\n    ferry.dev/project: ${project}\n  name: ${component}\n  namespace: ${ns}\n`;
  return {
    "deployment.yaml": `${meta("Deployment", "apps/v1")}spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${component}\n  template:\n    spec:\n      containers:\n        - image: ghcr.io/acme/${component}:${tag}\n          name: main\n          resources:\n            requests: {cpu: 250m, memory: 256Mi}\n`,
    "service.yaml": `${meta("Service", "v1")}spec:\n  ports:\n    - name: http\n      port: 8080\n  selector:\n    app.kubernetes.io/name: ${component}\n`,
    "serviceaccount.yaml": meta("ServiceAccount", "v1"),
    "configmap.yaml": `${meta("ConfigMap", "v1")}data:\n  LOG_LEVEL: info\n  COMPONENT: ${component}\n`,
    "networkpolicy.yaml": `${meta("NetworkPolicy", "networking.k8s.io/v1")}spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ${component}\n  policyTypes: [Ingress]\n`,
  };
}

/** `environments/<env>/<project>/<component>/*.yaml` for `count` component-environments. */
function repoFiles(count: number): Record<string, string> {
  const perEnv = count / ENVIRONMENTS.length;
  const projects = Math.max(1, Math.round(Math.sqrt(perEnv / 2.5)));
  const files: Record<string, string> = {};
  let made = 0;
  for (const env of ENVIRONMENTS) {
    for (let i = 0; i < perEnv; i++) {
      const project = `p${String(i % projects).padStart(2, "0")}`;
      const component = `c${String(i).padStart(4, "0")}`;
      for (const [name, text] of Object.entries(componentFiles(env, project, component, "1.0.0"))) {
        files[`environments/${env}/${project}/${component}/${name}`] = text;
      }
      made++;
    }
  }
  if (made !== count) throw new Error(`bench: made ${made} component-environments, wanted ${count}`);
  return files;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

interface Prepared {
  readonly name: string;
  readonly count: number;
  readonly url: string;
  readonly cacheDir: string;
  readonly work: string;
  readonly cloneMs: number;
}

interface SizeResult {
  readonly cloneMs: number;
  readonly publishMs: number;
  readonly gitCliMs: number;
}

/** The component-environment iteration `i` changes: a different one each time, all over the tree. */
function pick(count: number, i: number): { env: string; project: string; component: string; dir: string } {
  const perEnv = count / ENVIRONMENTS.length;
  const projects = Math.max(1, Math.round(Math.sqrt(perEnv / 2.5)));
  const n = (i * 7919 + 13) % perEnv;
  const env = ENVIRONMENTS[i % ENVIRONMENTS.length] ?? "dev";
  const project = `p${String(n % projects).padStart(2, "0")}`;
  const component = `c${String(n).padStart(4, "0")}`;
  return { env, project, component, dir: `environments/${env}/${project}/${component}` };
}

function changeRequest(p: Omit<Prepared, "cloneMs">, i: number, tag: string) {
  const c = pick(p.count, i);
  return {
    target: { url: p.url, branch: "main" },
    cacheDir: p.cacheDir,
    changes: [{ dir: c.dir, files: componentFiles(c.env, c.project, c.component, tag), prune: true }],
    message: `${c.env}: ${c.project}/${c.component} ${tag}`,
    trailers: { "Ferry-Environment": c.env, "Ferry-Release": `bench-${tag}` },
  };
}

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};

/** Creates the repository, warms the clone cache with a first publish, clones a work tree for the CLI. */
async function prepare(server: GitServer, name: string, count: number, tmp: string, log: (line: string) => void): Promise<Prepared> {
  const t0 = performance.now();
  const repo = await server.createRepo(name, { files: repoFiles(count), message: `${count} rendered component-environments` });
  log(`  ${name}: generated ${count} component-environments (${count * 5} files) with git fast-import in ${(performance.now() - t0).toFixed(0)} ms`);
  const p = { name, count, url: repo.url, cacheDir: path.join(tmp, `cache-${name}`), work: path.join(tmp, `work-${name}`) };
  const c0 = performance.now();
  const first = await publish(changeRequest(p, 0, "warm-up"));
  const cloneMs = performance.now() - c0;
  if (!first.changed) throw new Error("bench: the warm-up publish changed nothing");
  await run("git", ["clone", "--quiet", repo.url, p.work]);
  return { ...p, cloneMs };
}

/** Times one publish; `serverMs` is the time spent waiting for the git server's answers. */
async function timePublish(p: Prepared, i: number): Promise<{ ms: number; serverMs: number }> {
  let serverMs = 0;
  const timedFetch: typeof fetch = async (input, init) => {
    const s0 = performance.now();
    const res = await fetch(input, init);
    const body = await res.arrayBuffer();
    serverMs += performance.now() - s0;
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  const s = performance.now();
  const res = await publish(changeRequest(p, i + 1, `2.0.${i}`), { fetch: timedFetch });
  const ms = performance.now() - s;
  if (!res.changed || res.attempts !== 1) throw new Error(`bench: publish ${i} in ${p.name} did not make exactly one commit`);
  return { ms, serverMs };
}

async function timeGitCli(p: Prepared, i: number): Promise<number> {
  const c = pick(p.count, i + 1);
  const files = componentFiles(c.env, c.project, c.component, `3.0.${i}`);
  const s = performance.now();
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(p.work, c.dir, file), text);
  await run("sh", ["-c", `git add -A && git commit --quiet -m "cli ${i}" && git push --quiet origin main`], { cwd: p.work, env: gitEnv });
  return performance.now() - s;
}

/** Runs the benchmark; see the module comment. */
export async function runGitBench(log: (line: string) => void = console.log): Promise<{ ratioLargeVsSmall: number; ratioVsGitCli: number }> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "ferry-bench-git-"));
  const server = await startGitServer({ root: path.join(tmp, "server") });
  try {
    log(`git benchmark: one-component change (a different component each time), median of ${ITERATIONS}, sizes interleaved`);
    const small = await prepare(server, "small", 30, tmp, log);
    const large = await prepare(server, "large", 3000, tmp, log);
    const publishTimes = { small: [] as number[], large: [] as number[] };
    const clientTimes = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < ITERATIONS; i++) {
      for (const [p, key] of [
        [small, "small"],
        [large, "large"],
      ] as const) {
        const t = await timePublish(p, i);
        publishTimes[key].push(t.ms);
        clientTimes[key].push(t.ms - t.serverMs);
      }
    }
    // The CLI work trees were cloned before the publishes: bring them up to date first (untimed).
    for (const p of [small, large]) await run("git", ["pull", "--quiet", "--ff-only"], { cwd: p.work, env: gitEnv });
    const cliTimes = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < ITERATIONS; i++) {
      cliTimes.small.push(await timeGitCli(small, i));
      cliTimes.large.push(await timeGitCli(large, i));
    }
    for (const p of [small, large]) {
      const fsck = await server.git(p.name, ["fsck", "--strict"]).then(
        () => "ok",
        (e: unknown) => String(e),
      );
      if (fsck !== "ok") throw new Error(`bench: git fsck failed on ${p.name}: ${fsck}`);
    }
    const smallR: SizeResult = { cloneMs: small.cloneMs, publishMs: median(publishTimes.small), gitCliMs: median(cliTimes.small) };
    const largeR: SizeResult = { cloneMs: large.cloneMs, publishMs: median(publishTimes.large), gitCliMs: median(cliTimes.large) };
    const ratioLargeVsSmall = largeR.publishMs / smallR.publishMs;
    const ratioVsGitCli = largeR.publishMs / largeR.gitCliMs;
    const row = (label: string, r: SizeResult) =>
      `  ${label.padEnd(28)} first publish (clone) ${r.cloneMs.toFixed(0).padStart(6)} ms | publish ${r.publishMs.toFixed(1).padStart(7)} ms | git CLI ${r.gitCliMs.toFixed(1).padStart(7)} ms`;
    log(row("30 component-environments", smallR));
    log(row("3,000 component-environments", largeR));
    log(`  publish 3,000 vs 30: ratio ${ratioLargeVsSmall.toFixed(2)} (target <= 1.5)`);
    const clientSmall = median(clientTimes.small);
    const clientLarge = median(clientTimes.large);
    log(
      `  of which Ferry's side (not waiting for the server): 30: ${clientSmall.toFixed(1)} ms, 3,000: ${clientLarge.toFixed(1)} ms, ratio ${(clientLarge / clientSmall).toFixed(2)}`,
    );
    log(
      `  publish vs git CLI (3,000): ratio ${ratioVsGitCli.toFixed(2)} (git CLI 30: ${smallR.gitCliMs.toFixed(1)} ms, 3,000: ${largeR.gitCliMs.toFixed(1)} ms)`,
    );
    if (process.env.BENCH_DEBUG) log(JSON.stringify({ publishTimes, clientTimes, cliTimes }));
    return { ratioLargeVsSmall, ratioVsGitCli };
  } finally {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runGitBench();
}
