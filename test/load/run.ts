/**
 * The load run: signed deliveries of real webhook payloads to real app processes (`app/main.ts`)
 * at a fixed concurrency, against a fake GitHub that injects server errors and secondary rate
 * limits, a GitOps repository another writer keeps pushing to, and one SIGKILL and restart of an
 * app process half-way. With `replicas: 2` two processes share a real redis-server (REDIS_URL)
 * and the deliveries are spread over both. Shared by `npm run test:load` (test/load/main.ts) and
 * the reduced run in `npm test` (test/load/load.test.ts).
 *
 * Each app repository gets one release (a push adding `.ferry/api.yaml`), then more deliveries:
 * pushes of README-only commits, GitHub's redeliveries of the release push (new delivery id) and
 * replays of it (same id). Deliveries sent while a process is down are refused and recorded as
 * failed on GitHub's side; the restarted process's reconcile pass makes up for them. The run
 * waits (bounded) until every repository's release is in dev and its promotion to staging is
 * open, lets one more reconcile pass run, and then checks: each release committed to dev exactly
 * once, one promotion pull request per component, every check run completed.
 */
import { randomUUID } from "node:crypto";
import { deliver, payload } from "../support/webhooks.js";
import { reconcileDone, startAppProcess, type AppProcess } from "./app-process.js";
import { GITOPS_REPO, SECRET, startWorld, type World } from "./world.js";

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Deliveries sent in all. */
  readonly deliveries: number;
  /** App repositories (each one component). */
  readonly repos: number;
  /** Deliveries in flight at once. */
  readonly concurrency: number;
  /** App processes: 1 (in memory), or 2 sharing a redis-server. */
  readonly replicas: 1 | 2;
  /** Share of GitHub requests answered 5xx. @default 0.05 */
  readonly serverErrorRate?: number;
  /** Share of GitHub requests answered 403 secondary rate limit with `retry-after: 1`. @default 0.02 */
  readonly secondaryRateLimitRate?: number;
  /** Milliseconds between two commits of the other writer to the GitOps branch. @default 1000 */
  readonly writerIntervalMs?: number;
  /** The whole run gives up after this many milliseconds. @default 240000 */
  readonly timeoutMs?: number;
  /** Progress lines. @default none */
  readonly progress?: (line: string) => void;
}

/** What a run came to. */
export interface LoadReport {
  readonly replicas: number;
  readonly deliveries: { readonly sent: number; readonly acknowledged: number; readonly refused: number };
  /** Milliseconds from a delivery being sent to its answer (acknowledged ones). */
  readonly ackMs: readonly number[];
  /** Milliseconds from a release push being sent to its commit in dev, one per repository. */
  readonly commitMs: readonly number[];
  /** Per component (`project/api`): Ferry commits to dev. */
  readonly devCommits: Readonly<Record<string, number>>;
  /** Per component: promotion pull requests into staging (any state). */
  readonly promotions: Readonly<Record<string, number>>;
  /** Check runs not completed (`repo name status`). */
  readonly openCheckRuns: readonly string[];
  readonly injected: { readonly serverErrors: number; readonly secondaryRateLimits: number };
  /** Commits the other writer landed on the GitOps branch. */
  readonly writerCommits: number;
  /** Contract violations of the app's GitHub requests. */
  readonly violations: number;
  readonly durationMs: number;
  /** Every guarantee broken, one line each (empty: all hold). */
  readonly problems: readonly string[];
}

const project = (i: number) => `svc${String(i + 1).padStart(2, "0")}`;

/** dev (direct commits) → staging (one approval): one promotion pull request per component stays open. */
export function loadPlatform(repos: number): string {
  const projects = Array.from({ length: repos }, (_, i) => `    - name: ${project(i)}\n      repos: [acme/${project(i)}]`).join("\n");
  return `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
${projects}
  environments:
    - name: dev
      gitops: {repo: ${GITOPS_REPO}, branch: main, path: environments/dev}
      autoMerge: true
      approvals: {required: 0}
    - name: staging
      gitops: {repo: ${GITOPS_REPO}, branch: main, path: environments/staging}
      approvals: {required: 1}
  pipeline:
    - from: dev
      to: [staging]
`;
}

function componentYaml(p: string): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Component
metadata:
  name: api
  project: ${p}
spec:
  type: service
  container:
    image: ghcr.io/acme/${p}:1.0.0
    resources: {cpu: 100m, memory: 128Mi}
    probes:
      readiness: {httpGet: {path: /healthz, port: http}}
  endpoints:
    http: {type: HTTP, port: 8080}
`;
}

/** The `q` quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The summary lines `npm run test:load` prints. */
export function formatLoadReport(r: LoadReport): string {
  const ms = (n: number) => (Number.isNaN(n) ? "–" : `${Math.round(n)} ms`);
  return [
    `replicas: ${r.replicas}${r.replicas > 1 ? " (sharing redis-server)" : ""}; ${(r.durationMs / 1000).toFixed(1)} s`,
    `deliveries: ${r.deliveries.sent} sent, ${r.deliveries.acknowledged} acknowledged, ${r.deliveries.refused} refused while an app process was down`,
    `faults injected: ${r.injected.serverErrors} GitHub 5xx, ${r.injected.secondaryRateLimits} secondary rate limits; ${r.writerCommits} commits by another writer`,
    `acknowledgement: p50 ${ms(quantile(r.ackMs, 0.5))}, p99 ${ms(quantile(r.ackMs, 0.99))}`,
    `delivery to commit: p50 ${ms(quantile(r.commitMs, 0.5))}, p99 ${ms(quantile(r.commitMs, 0.99))}`,
    r.problems.length === 0 ? "guarantees: all hold" : `guarantees broken:\n${r.problems.map((p) => `  - ${p}`).join("\n")}`,
  ].join("\n");
}

interface Planned {
  readonly repo: number;
  /** Sends the delivery to `url`; resolves with the HTTP status (0: refused) and the ms to the answer. */
  readonly kind: "release" | "readme" | "redelivery" | "replay";
}

/** The deliveries of one repository, in order: the release push first. */
function plan(repo: number, count: number): Planned[] {
  const out: Planned[] = [{ repo, kind: "release" }];
  for (let j = 1; j < count; j++) out.push({ repo, kind: j % 2 === 1 ? "readme" : j % 4 === 2 ? "redelivery" : "replay" });
  return out;
}

/** Runs the load; see the module comment. Never throws for a broken guarantee: it is in `problems`. */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const say = opts.progress ?? (() => undefined);
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 240_000);
  const repos = Array.from({ length: opts.repos }, (_, i) => `acme/${project(i)}`);
  const world: World = await startWorld({
    platform: loadPlatform(opts.repos),
    apps: repos.map((repo) => ({ repo, files: { "README.md": "service\n" } })),
    faults: { serverErrorRate: opts.serverErrorRate ?? 0.05, secondaryRateLimitRate: opts.secondaryRateLimitRate ?? 0.02, retryAfterSeconds: 1, seed: 7 },
    redis: opts.replicas === 2,
  });
  const processes: (AppProcess | undefined)[] = [];
  let writerStop = false;
  let writer: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < opts.replicas; i++) processes.push(await startAppProcess(`app-${i + 1}`, world.appEnv()));
    for (const p of processes) await p!.waitForLog(reconcileDone, "the start-up reconcile pass");
    say(`${opts.replicas} app process(es) up; sending ${opts.deliveries} deliveries over ${opts.repos} repositories at concurrency ${opts.concurrency}`);

    // Another writer commits to the GitOps branch all along (fast-import refuses to move a branch it did not start from: a race is skipped).
    let writerCommits = 0;
    writer = (async () => {
      for (let n = 0; !writerStop; n++) {
        await world.git
          .commit(GITOPS_REPO, { files: { [`notes/writer-${n % 50}.txt`]: `note ${n}\n` }, message: `another writer ${n}` })
          .then(() => (writerCommits += 1))
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, opts.writerIntervalMs ?? 1000));
      }
    })();

    // Round-robin over repositories, each repository's deliveries in order.
    const perRepo = Math.max(1, Math.floor(opts.deliveries / opts.repos));
    const plans = repos.map((_, i) => plan(i, perRepo + (i < opts.deliveries - perRepo * opts.repos ? 1 : 0)));
    const queue: Planned[] = [];
    for (let j = 0; plans.some((p) => j < p.length); j++) for (const p of plans) if (j < p.length) queue.push(p[j]!);

    const releasePush = new Map<number, { id: string; body: object; sentAt: number }>();
    const repoLocks = new Map<number, Promise<unknown>>();
    const ackMs: number[] = [];
    let sent = 0;
    let acknowledged = 0;
    let refused = 0;
    let restart: Promise<void> | undefined;
    const killAt = Math.floor(queue.length / 2);

    const target = (n: number): AppProcess | undefined => {
      const alive = processes.filter((p): p is AppProcess => p !== undefined && p.alive());
      if (opts.replicas === 1) return processes[0];
      return alive[n % Math.max(1, alive.length)];
    };
    const send = async (n: number, event: string, body: object, id: string, repo: number): Promise<void> => {
      // The deliveries in flight when the process died are lost; the load generator waits for the restart before sending more.
      if (!target(n)?.alive()) await restart;
      const p = target(n);
      const t0 = Date.now();
      const res = p && p.alive() ? await deliver(p.webhookUrl, event, body, { secret: SECRET, id }).catch(() => undefined) : undefined;
      sent += 1;
      if (sent === killAt) kill();
      if (res && res.status >= 200 && res.status < 300) {
        acknowledged += 1;
        ackMs.push(Date.now() - t0);
        return;
      }
      refused += 1;
      if (process.env.FERRY_LOAD_DEBUG) say(`refused ${n}: ${res ? `${res.status} ${res.body}` : "no answer"}`);
      // GitHub records the failed delivery; the reconcile pass may ask for it again.
      world.fake.addHookDelivery({ event, guid: id, installationId: world.installationId, repositoryId: world.fake.repo(repos[repo]!)?.id ?? null });
    };
    // Half-way (by deliveries answered), the first app process is killed and started again on its port.
    const kill = (): void => {
      const victim = processes[0]!;
      say(`SIGKILL ${victim.name} after ${sent} deliveries`);
      victim.child.kill("SIGKILL");
      restart = victim.exited
        .then(() => startAppProcess(`${victim.name}-restarted`, world.appEnv(), { port: victim.port }))
        .then((p) => {
          processes[0] = p;
          say(`${p.name} up`);
        });
    };
    const one = async (n: number, item: Planned): Promise<void> => {
      const full = repos[item.repo]!;
      const previous = repoLocks.get(item.repo) ?? Promise.resolve();
      const work = previous.then(async () => {
        if (item.kind === "release" || item.kind === "readme") {
          const before = (await world.fake.branchSha(full))!;
          const files: Record<string, string> =
            item.kind === "release" ? { ".ferry/api.yaml": componentYaml(project(item.repo)) } : { "README.md": `service, change ${n}\n` };
          const sha = await world.fake.commit(full, { files, message: item.kind === "release" ? "add api" : "docs" });
          const changed = item.kind === "release" ? { added: [".ferry/api.yaml"] } : { modified: ["README.md"] };
          const body = payload("push", undefined, { repo: full, sha, before, branch: "main", installationId: world.installationId, files: changed });
          const id = randomUUID();
          if (item.kind === "release") releasePush.set(item.repo, { id, body, sentAt: Date.now() });
          return { body, id };
        }
        const release = releasePush.get(item.repo)!;
        return { body: release.body, id: item.kind === "replay" ? release.id : randomUUID() };
      });
      repoLocks.set(item.repo, work);
      const { body, id } = await work;
      await send(n, "push", body, id, item.repo);
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < queue.length) {
          const n = next++;
          await one(n, queue[n]!);
        }
      }),
    );
    await restart;
    say(`all ${sent} deliveries sent (${refused} refused); waiting for the releases and promotions`);

    // Converged: every release in dev and its promotion open. Each release's latency is taken when first seen.
    const commitMs: number[] = [];
    const seen = new Set<number>();
    const devCommits = async (i: number) =>
      (await world.git.git(GITOPS_REPO, ["log", "--format=%H", "main", "--", `environments/dev/${project(i)}/api`])).split("\n").filter(Boolean).length;
    const promotions = (i: number) => world.fake.pullsIn(GITOPS_REPO).filter((pr) => pr.head.ref === `ferry/promote/${project(i)}/api/staging`).length;
    for (;;) {
      for (let i = 0; i < opts.repos; i++) {
        if (seen.has(i) || (await devCommits(i)) === 0) continue;
        seen.add(i);
        commitMs.push(Date.now() - (releasePush.get(i)?.sentAt ?? started));
      }
      const done = seen.size === opts.repos && repos.every((_, i) => promotions(i) > 0);
      if (done || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const convergedAt = Date.now();
    // One more reconcile pass after convergence: it must find nothing to duplicate. With replicas
    // sharing Redis one of them runs it (the others find the lease taken), so any process counts.
    const passesBefore = processes.reduce((n, p) => n + p!.lines.filter(reconcileDone).length, 0);
    const afterPass = Date.now() + 60_000;
    while (processes.reduce((n, p) => n + p!.lines.filter(reconcileDone).length, 0) <= passesBefore && Date.now() < afterPass) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await world.fake.settled();
    writerStop = true;
    await writer;

    const report = {
      devCommits: {} as Record<string, number>,
      promotions: {} as Record<string, number>,
    };
    const problems: string[] = [];
    for (let i = 0; i < opts.repos; i++) {
      const key = `${project(i)}/api`;
      report.devCommits[key] = await devCommits(i);
      report.promotions[key] = promotions(i);
      if (report.devCommits[key] !== 1) problems.push(`${key}: ${report.devCommits[key]} commits to dev, expected exactly 1`);
      if (report.promotions[key] !== 1) problems.push(`${key}: ${report.promotions[key]} promotion pull requests into staging, expected exactly 1`);
    }
    const openCheckRuns = world.fake.state.checkRuns.filter((c) => c.status !== "completed").map((c) => `${c.repo} ${c.name} ${c.status}`);
    if (openCheckRuns.length > 0) problems.push(`${openCheckRuns.length} check run(s) not completed: ${openCheckRuns.slice(0, 5).join("; ")}`);
    const violations = world.fake.violations.length;
    if (violations > 0)
      problems.push(
        `${violations} GitHub contract violation(s), first: ${world.fake.violations[0]!.method} ${world.fake.violations[0]!.url}: ${world.fake.violations[0]!.message}`,
      );
    if (convergedAt > deadline) problems.push(`the run did not converge within ${opts.timeoutMs ?? 240_000} ms`);
    if (processes.reduce((n, p) => n + p!.lines.filter(reconcileDone).length, 0) <= passesBefore) problems.push("no reconcile pass ran after convergence");
    return {
      replicas: opts.replicas,
      deliveries: { sent, acknowledged, refused },
      ackMs,
      commitMs,
      devCommits: report.devCommits,
      promotions: report.promotions,
      openCheckRuns,
      injected: { ...world.fake.injected },
      writerCommits,
      violations,
      durationMs: Date.now() - started,
      problems,
    };
  } finally {
    writerStop = true;
    await writer;
    for (const p of processes) await p?.stop();
    await world.close();
  }
}
