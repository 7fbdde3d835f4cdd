/**
 * The reconcile pass: level-triggered, from GitHub and git alone. operations/reconcile.ts reads
 * and plans (core/reconcile/plan.ts decides); this module carries the plan out with the app's
 * own flows, so a repair does exactly what the lost event would have done:
 *
 * - release → `runRelease` (as a push, or as the build check a component waited for) and the
 *   promotions it opens (`promoteReleased`);
 * - promotion → `ensurePromotion`, once the source environment is Healthy (or not observed);
 * - gates-check → `gatesForPull`, the entry every other gates evaluation uses;
 * - rollout-watch → `Deps.watchRollout` with the release rebuilt from the deployment's payload;
 * - redelivery → GitHub's redelivery API, as the App;
 * - preview-removal → `runPreview` removing it (the preview comment says why), or only the commit
 *   deleting its folder when the pull request is gone;
 * - preview-status → `runPreview` without its check run: the live preview's rollout read again
 *   into its comment (edited only when the text changes).
 *
 * The pass reads `GET /rate_limit` first and stops when too little is left; with `dryRun` it
 * only reports. Every repair is logged and listed in the report with its outcome.
 */
import { removePreviewRecord } from "../preview-env/run.js";
import { runPreview } from "../preview/run.js";
import type { PreviewOutcome } from "../preview/run.js";
import { getPullRequest } from "../../adapters/github/pulls.js";
import type { PullRequest } from "../../adapters/github/pulls.js";
import { httpStatus } from "../../adapters/github/errors.js";
import { catalogKey } from "../../renderers/apps.js";
import { redeliverHookDelivery } from "../../adapters/github/hook-deliveries.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { Repair } from "../../core/reconcile/plan.js";
import { describeRepair } from "../../core/reconcile/plan.js";
import type { ReconcileReport, RepairRecord } from "../../core/reconcile/report.js";
import { countRepairs } from "../../core/reconcile/report.js";
import type { ItemResult } from "../../core/release/results.js";
import { surveyReconcile } from "../../core/reconcile/survey.js";
import { gitopsEnvironmentReads } from "../../adapters/git/environment.js";
import { checkBudget, githubReconcileReads } from "../../adapters/github/reconcile.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import { RunContext } from "../run-context.js";
import type { FlowServices } from "../services.js";
import type { PromotionContext } from "../promotion/context.js";
import { promotionContext } from "../promotion/context.js";
import { errorText } from "../errors.js";
import { ensurePromotion } from "../promotion/promote.js";
import { sourceHealth } from "../promotion/reads.js";
import { gatesForPull, promoteReleased } from "../promotion/triggers.js";
import { runRelease } from "../release/run.js";
import type { AppAuth } from "../../adapters/github/apps.js";
import { installedRepositories } from "./installations.js";
import { publishDriftChecks } from "../drift/run.js";
import { findEnvironment } from "../../renderers/platform.js";

/** What the pass needs of the app's dependencies. */
export type ReconcileDeps = Pick<
  FlowServices,
  "clock" | "gitops" | "cacheDir" | "logger" | "platformRepo" | "platforms" | "builtins" | "health" | "botLogin" | "appId" | "onReleaseLanded" | "watchRollout"
> &
  Partial<Pick<FlowServices, "clusterRuntime">>;

/** Options of {@link reconcilePass}. */
export interface ReconcileOptions {
  /** Only report what the pass would do. @default false */
  readonly dryRun?: boolean;
  /** The pass stops when fewer GitHub API requests than this are left. @default 200 */
  readonly minRateRemaining?: number;
}

type Outcome = Pick<RepairRecord, "outcome" | "detail">;

function resultText(r: ItemResult): string {
  switch (r.status) {
    case "committed":
      return `committed ${r.commit.slice(0, 12)}`;
    case "pull-request":
      return `${r.opened ? "opened" : "kept"} pull request #${r.number}`;
    case "unchanged":
      return "already there";
    case "waiting":
      return `waiting for ${JSON.stringify(r.check)}`;
    case "failed":
      return `failed: ${r.error}`;
  }
}

function keyOf(r: ItemResult): string {
  const i = r.item;
  const component = i.kind === "remove" ? catalogKey(i.project, i.component) : catalogKey(i.app.release.metadata.project, i.app.release.metadata.component);
  return `${component} ${i.env.name}`;
}

/** Carries out planned repairs, one kind per method. */
class Executor {
  readonly #auth: AppAuth;
  readonly #deps: ExecutorDeps;
  #promotion: Promise<PromotionContext> | undefined;

  constructor(auth: AppAuth, deps: ExecutorDeps) {
    this.#auth = auth;
    this.#deps = deps;
  }

  /** Releases of one app repository at one commit, grouped by the build check they go with: one release run each. */
  async releases(repairs: readonly Extract<Repair, { kind: "release" }>[]): Promise<Map<Repair, Outcome>> {
    const out = new Map<Repair, Outcome>();
    const groups = new Map<string, Extract<Repair, { kind: "release" }>[]>();
    for (const r of repairs) groups.set(`${r.repo} ${r.sha} ${r.check ?? ""}`, [...(groups.get(`${r.repo} ${r.sha} ${r.check ?? ""}`) ?? []), r]);
    for (const group of groups.values()) {
      const { repo: full, sha, check } = group[0]!;
      const repo = parseRepoRef(full);
      try {
        const octokit = await this.#client(repo);
        const delivery = new RunContext(octokit, this.#deps.deps);
        const trigger = check === undefined ? ({ kind: "push" } as const) : ({ kind: "check", name: check } as const);
        const outcome = await runRelease({ octokit, repo, sha, trigger }, this.#deps.deps, delivery);
        const byKey = new Map(outcome.results.map((r) => [keyOf(r), r]));
        await promoteReleased(delivery, { repo, sha }, outcome.results, this.#deps.deps);
        for (const r of group) {
          const result = byKey.get(`${r.component} ${r.environment}`);
          out.set(
            r,
            result
              ? { outcome: result.status === "failed" ? "failed" : "done", detail: resultText(result) }
              : { outcome: "failed", detail: `release run ${outcome.state}: nothing planned for this environment` },
          );
        }
      } catch (e) {
        for (const r of group) out.set(r, { outcome: "failed", detail: errorText(e) });
      }
    }
    return out;
  }

  async promotion(r: Extract<Repair, { kind: "promotion" }>): Promise<Outcome> {
    const ctx = await this.#promotionContext();
    const [project = "", component = ""] = r.component.split("/");
    const health = await sourceHealth(ctx.deps, { environment: r.from, project, component });
    const healthy = health.status === "NotObserved" || (health.status === "Healthy" && (health.release === undefined || health.release === r.release));
    if (!healthy)
      return {
        outcome: "skipped",
        detail: `${r.from} is ${health.status}${health.detail ? ` (${health.detail})` : ""}: the promotion opens once it is Healthy`,
      };
    const result = await ensurePromotion(ctx, { project, component, release: r.release, from: r.from, to: r.environment });
    if ("reason" in result)
      return result.status === "refused" ? { outcome: "failed", detail: `refused: ${result.reason}` } : { outcome: "skipped", detail: result.reason };
    return { outcome: "done", detail: `${result.status} pull request #${result.number}` };
  }

  async gates(r: Extract<Repair, { kind: "gates-check" }>): Promise<Outcome> {
    const outcome = await gatesForPull(new RunContext(this.#deps.platformClient, this.#deps.deps), parseRepoRef(r.repo), r.pull, this.#deps.deps);
    if (outcome.kind === "skipped") return { outcome: "skipped", detail: outcome.reason };
    return { outcome: "done", detail: `Ferry / gates: ${outcome.conclusion}${outcome.merged ? ", merged" : ""}` };
  }

  async watch(r: Extract<Repair, { kind: "rollout-watch" }>): Promise<Outcome> {
    const watchRollout = this.#deps.deps.watchRollout;
    if (!watchRollout) return { outcome: "skipped", detail: "cluster status is off: no rollout is watched" };
    const ctx = await this.#promotionContext();
    const [project = "", component = ""] = r.component.split("/");
    const env = findEnvironment(ctx.bundle.platform, r.environment);
    const gitops = r.gitops ?? env?.gitops.repo;
    if (!gitops) return { outcome: "skipped", detail: `the platform has no environment ${r.environment}` };
    const octokit = await this.#client(parseRepoRef(r.repo));
    const watched = await watchRollout(
      {
        environment: r.environment,
        project,
        component,
        release: r.release,
        gitops: parseRepoRef(gitops),
        source: { repo: r.repo, sha: r.sha },
        inProgressDeployment: r.deployment,
        // The status comment the watch kept before the restart goes on being updated.
        ...(r.pull ? { pull: { repo: parseRepoRef(r.pull.repo), number: r.pull.number, url: r.pull.url } } : {}),
      },
      octokit,
      ctx.bundle.platform,
    );
    return watched ? { outcome: "done", detail: "watching the rollout again" } : { outcome: "skipped", detail: `${r.environment}'s cluster is not observed` };
  }

  /**
   * Removes a preview: through the preview flow while its pull request can be read (the one
   * preview comment then says it was removed and why), else a commit deleting its folder.
   */
  async removePreview(r: Extract<Repair, { kind: "preview-removal" }>): Promise<Outcome> {
    const why = `${r.reason} (the reconcile pass)`;
    const rerun = await this.#preview(r.repo, r.pull, why);
    if (rerun !== "gone" && rerun.environment?.kind === "removed") return { outcome: "done", detail: "removed; the preview comment says why" };
    const ctx = await this.#promotionContext();
    const env = findEnvironment(ctx.bundle.platform, r.environment);
    if (!env) return { outcome: "skipped", detail: `the platform has no environment ${r.environment}` };
    const target = await ctx.resolver.resolve(env);
    const out = await removePreviewRecord(target, env.name, { repo: r.repo, pr: r.pull }, why, this.#deps.deps);
    return out.changed ? { outcome: "done", detail: `removed in ${out.commit.slice(0, 12)}` } : { outcome: "skipped", detail: "already removed" };
  }

  /** Reads a live preview's rollout again into its pull request's preview comment. */
  async previewStatus(r: Extract<Repair, { kind: "preview-status" }>): Promise<Outcome> {
    const rerun = await this.#preview(r.repo, r.pull, undefined);
    if (rerun === "gone") return { outcome: "skipped", detail: `pull request ${r.repo}#${r.pull} is gone` };
    const env = rerun.environment;
    if (env?.kind === "failed") return { outcome: "failed", detail: env.error };
    const rollout = env?.kind === "live" ? env.rollout.map((x) => `${x.key} ${x.status}`).join(", ") : (env?.kind ?? "no preview environment");
    const edited = rerun.comment.updated + rerun.comment.created > 0;
    return { outcome: edited ? "done" : "skipped", detail: `${rollout}${edited ? "" : " (comment unchanged)"}` };
  }

  /** The pull request's preview run again without its check run (`runPreview` `refresh`); "gone" when the pull request is. */
  async #preview(full: string, number: number, remove: string | undefined): Promise<PreviewOutcome | "gone"> {
    const repo = parseRepoRef(full);
    const octokit = await this.#client(repo);
    let pull: PullRequest;
    try {
      pull = await getPullRequest(octokit, repo, number);
    } catch (e) {
      if (httpStatus(e) === 404) return "gone";
      throw e;
    }
    const head = pull.head.repo;
    return runPreview(
      {
        octokit,
        repo,
        headRepo: head ? parseRepoRef(head.full_name) : undefined,
        number,
        headSha: pull.head.sha,
        baseSha: pull.base.sha,
        labels: pull.labels.map((l) => l.name),
        refresh: true,
        ...(remove !== undefined ? { removePreview: remove } : {}),
      },
      this.#deps.deps,
    );
  }

  async redeliver(r: Extract<Repair, { kind: "redelivery" }>): Promise<Outcome> {
    await redeliverHookDelivery(await this.#auth(), r.delivery);
    return { outcome: "done", detail: "redelivery requested" };
  }

  async #client(repo: RepoRef): Promise<GitHub> {
    const client = await this.#deps.clientFor(repo);
    if (!client) throw new Error(`the app is not installed on ${repo.owner}/${repo.repo}`);
    return client;
  }

  #promotionContext(): Promise<PromotionContext> {
    this.#promotion ??= promotionContext(new RunContext(this.#deps.platformClient, this.#deps.deps), this.#deps.deps);
    return this.#promotion;
  }
}

interface ExecutorDeps {
  readonly deps: ReconcileDeps;
  readonly platformClient: GitHub;
  readonly clientFor: (repo: RepoRef) => Promise<GitHub | undefined>;
}

/** Runs one pass; see the module comment. Never throws for a repair that fails: it is reported. */
export async function reconcilePass(auth: AppAuth, deps: ReconcileDeps, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const startedAt = deps.clock();
  const dryRun = opts.dryRun ?? false;
  const log = deps.logger.child({ flow: "reconcile", dryRun });
  const stop = (stopped: string, problems: readonly string[] = []): ReconcileReport => {
    log.warn({ stopped }, "reconcile pass stopped");
    return { startedAt, dryRun, stopped, repairs: [], deferred: [], problems };
  };

  const installed = await installedRepositories(auth);
  const platformClient = await installed.clientFor(deps.platformRepo);
  if (!platformClient)
    return stop(`the app is not installed on the platform repository ${deps.platformRepo.owner}/${deps.platformRepo.repo}`, installed.problems);
  const minimum = opts.minRateRemaining ?? 200;
  const before = await checkBudget(platformClient, minimum);
  if (!before.ok) return stop(before.reason, installed.problems);

  const delivery = new RunContext(platformClient, deps);
  const platform = await delivery.platform();
  if (!platform.bundle) {
    const errors = platform.diagnostics.filter((d) => d.severity === "error").length;
    return stop(`the platform ${deps.platformRepo.owner}/${deps.platformRepo.repo} has ${errors} error(s)`, installed.problems);
  }
  const reads = {
    ...gitopsEnvironmentReads(deps.gitops, (env) => delivery.resolver.resolve(env), deps.cacheDir),
    ...githubReconcileReads({
      octokit: platformClient,
      clientFor: installed.clientFor,
      app: await auth(),
      deployments: deps.watchRollout !== undefined,
      appId: await deps.appId(),
    }),
  };
  const survey = await surveyReconcile(platform.bundle, reads, startedAt);
  const problems = [...installed.problems, ...survey.problems];
  const { repairs, deferred } = survey.plan;
  if (dryRun) {
    return { startedAt, dryRun, repairs: repairs.map((repair) => ({ repair, outcome: "planned", detail: repair.reason })), deferred, problems };
  }
  if (repairs.length > 0) {
    const after = await checkBudget(platformClient, minimum);
    if (!after.ok)
      return { ...stop(after.reason, problems), deferred, repairs: repairs.map((repair) => ({ repair, outcome: "skipped", detail: after.reason })) };
  }

  const executor = new Executor(auth, { deps, platformClient, clientFor: installed.clientFor });
  const outcomes = await executor.releases(repairs.filter((r): r is Extract<Repair, { kind: "release" }> => r.kind === "release"));
  for (const repair of repairs) {
    if (repair.kind === "release") continue;
    try {
      outcomes.set(
        repair,
        repair.kind === "promotion"
          ? await executor.promotion(repair)
          : repair.kind === "gates-check"
            ? await executor.gates(repair)
            : repair.kind === "rollout-watch"
              ? await executor.watch(repair)
              : repair.kind === "preview-removal"
                ? await executor.removePreview(repair)
                : repair.kind === "preview-status"
                  ? await executor.previewStatus(repair)
                  : await executor.redeliver(repair),
      );
    } catch (e) {
      outcomes.set(repair, { outcome: "failed", detail: errorText(e) });
    }
  }
  const records: RepairRecord[] = repairs.map((repair) => ({ repair, ...(outcomes.get(repair) ?? { outcome: "failed", detail: "not carried out" }) }));
  for (const r of records) {
    const level = r.outcome === "failed" ? "error" : "info";
    log[level](
      {
        kind: r.repair.kind,
        outcome: r.outcome,
        ...("repo" in r.repair ? { repo: r.repair.repo } : {}),
        ...("component" in r.repair ? { component: r.repair.component, environment: r.repair.environment } : {}),
        detail: r.detail,
      },
      `reconcile repair: ${describeRepair(r.repair)}`,
    );
  }
  // Drift last, on the state the repairs left: one `Ferry / drift` check per GitOps branch head.
  try {
    const kubeConfig = deps.clusterRuntime?.kubeConfig;
    await publishDriftChecks(
      platformClient,
      {
        bundle: platform.bundle,
        resolver: delivery.resolver,
        port: deps.gitops,
        cacheDir: deps.cacheDir,
        ...(kubeConfig ? { kubeConfig } : {}),
        now: deps.clock,
      },
      await deps.appId(),
    );
  } catch (e) {
    problems.push(`drift: ${errorText(e)}`);
    log.warn({ err: e }, "publishing the drift checks failed");
  }
  const report: ReconcileReport = { startedAt, dryRun, repairs: records, deferred, problems };
  log.info({ repairs: countRepairs(report), deferred: deferred.length, problems }, "reconcile pass done");
  return report;
}
