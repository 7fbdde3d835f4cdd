/**
 * Wires a {@link ClusterRuntime} into the app's dependencies:
 *
 * - `health`: the promotion gates' source-health and soak gates read the clusters;
 * - `watchRollout`: a release that landed in an observed environment (a Ferry commit, or a merged
 *   release or promotion pull request) is watched: one status comment on the pull request (when
 *   there is one), deployment statuses on the app repository; the next promotions open when it
 *   settles Healthy, and never when it settles Degraded or not at all; where the pipeline step
 *   into the environment has `verify`, a Healthy settle starts the verification
 *   (verification-run.ts) and the next promotions open only once it is verified; a failed
 *   verification opens none and is told to `onVerificationFailed`; the rollout's status comment
 *   shows the verification's Signals section at its first look (verifying) and when it ends; a
 *   verification survives a restart (verification-run.ts: its window is read back from the
 *   deployment statuses), and a rollout watched again while its release is being verified here
 *   (the reconcile pass repairing the `in_progress` deployment) leaves that verification running;
 * - `runtimeStatus`: `/ferry status` shows what the clusters run;
 * - `platformChanged`: the observed contexts follow the platform's environments.
 *
 * The platform is read once at start (as the installation of the platform repository), on every
 * landing and after every push to the platform repository.
 */
import { clustersOf, namespaceFor, type Platform } from "../../renderers/model/index.js";
import { findEnvironment } from "../../renderers/platform.js";
import type { ObservabilityLinks } from "../../core/signals/links.js";
import type { SignalsReport } from "../../core/signals/report.js";
import { keyString, type ComponentKey } from "../../core/status/components.js";
import type { FlowServices } from "../services.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import { fullName } from "../../adapters/github/types.js";
import { mergedPullRequestOf } from "../../adapters/github/pulls.js";
import { listDeploymentStatuses } from "../../adapters/github/deployments.js";
import { repoInstallationId, type AppAuth } from "../../adapters/github/apps.js";
import { parseRepoRef } from "../../adapters/github/types.js";
import type { LandedRelease, RuntimeStatus } from "../promotion/events.js";
import { RunContext } from "../run-context.js";
import { promotionContext } from "../promotion/context.js";
import { errorText } from "../errors.js";
import { readComponentHistory, sourceOf } from "../promotion/reads.js";
import { loadPlatform } from "../../adapters/github/platform-loader.js";
import { formatStatusMarkdown } from "../../presentation/markdown/status-overview.js";
import type { SettledEvent } from "./watch-request.js";
import type { PlatformChanged, RolloutWatch } from "./runtime-hooks.js";
import { startVerification, type RunningVerification, type VerificationDeps } from "./verification-run.js";
import type { ClusterRuntime } from "./cluster-runtime.js";
import { failedVerificationCauses } from "./verification-causes.js";
import type { CausesDiagnosis } from "../../core/diagnosis/model.js";

/** Opens (or updates) the promotions of a landed release into the pipeline's next environments. */
export type PromoteNext = (octokit: GitHub, landed: LandedRelease) => Promise<void>;

/** Options of {@link wireClusterRuntime}. */
export interface ClusterWiringOptions {
  readonly runtime: ClusterRuntime;
  /** The app's dependencies (read when needed: they may be completed after wiring). */
  readonly deps: () => VerificationDeps & Pick<FlowServices, "onVerificationFailed">;
  /** The promotion path run when a watched release settles Healthy. */
  readonly promoteNext: PromoteNext;
  /** The app's authentication, for reading the platform at start and deployment statuses after a restart. @default none: the platform is first read on the first landing */
  readonly auth?: AppAuth;
}

/** The dependencies the runtime provides, and its lifecycle. */
export interface ClusterWiring {
  readonly health: FlowServices["health"];
  readonly watchRollout: RolloutWatch;
  readonly runtimeStatus: RuntimeStatus;
  readonly platformChanged: PlatformChanged;
  /** Reads the platform (when `auth` was given) and starts the runtime; never rejects (failures are logged). */
  start(): Promise<void>;
  /** Resolves when no verification (nor what follows it: promotions, the failure hook) is running. */
  idle(): Promise<void>;
  /** Stops the runtime. */
  stop(): Promise<void>;
}

interface PendingPromotion {
  readonly landed: LandedRelease;
  readonly octokit: GitHub;
  /** For an environment on several clusters: the landing's clusters, shared by their watches (the next promotions open once every one is Healthy, and verified where the step has `verify`). */
  readonly clusters?: ClusterGroup;
}

/** The clusters a landing in an environment on several clusters is watched in. */
interface ClusterGroup {
  /** Clusters not settled (or verified) yet. */
  readonly waiting: Set<string>;
  /** Clusters that settled not Healthy, or failed (or could not have) their verification. */
  readonly failed: string[];
}

/** The platform's `observability.links` for `project`'s namespace in `environment`; none when it declares none. */
function linksOf(platform: Platform, environment: string, project: string): ObservabilityLinks | undefined {
  const templates = platform.spec.observability?.links;
  const env = findEnvironment(platform, environment);
  if (!templates || Object.keys(templates).length === 0 || !env) return undefined;
  return { templates, namespace: namespaceFor(env, project) };
}

/** An installation client for `repo` through the app's JWT. */
async function installationFor(auth: AppAuth, repo: RepoRef): Promise<GitHub> {
  const app = await auth();
  return auth(await repoInstallationId(app, repo));
}

/** See the module comment. */
export function wireClusterRuntime(options: ClusterWiringOptions): ClusterWiring {
  const { runtime, deps, promoteNext, auth } = options;
  const log = () => deps().logger.child({ area: "cluster-status" });
  // Landed releases waiting to be Healthy, by component and environment: the newest landing wins.
  const pending = new Map<string, PendingPromotion>();
  // Verifications running, by component and environment (a newer landing cancels the older one), and their follow-ups.
  const verifications = new Map<string, RunningVerification>();
  const following = new Set<Promise<void>>();

  const usePlatform = (platform: Platform): void => {
    runtime.usePlatform(platform);
  };

  const refresh = async (octokit: GitHub): Promise<void> => {
    const d = deps();
    const read = await loadPlatform(octokit, d.platformRepo, d.builtins);
    if (read.bundle) usePlatform(read.bundle.platform);
    else log().warn({ errors: read.diagnostics.filter((x) => x.severity === "error").length }, "the platform has errors: cluster contexts unchanged");
  };

  const onSettled = async (event: SettledEvent): Promise<void> => {
    const id = keyString(event.key);
    const waiting = pending.get(id);
    if (!waiting || waiting.landed.release !== event.release) return;
    pending.delete(id);
    const l = log().child({ component: `${event.key.project}/${event.key.component}`, env: event.environment, release: event.release });
    if (event.outcome !== "healthy") {
      l.info({ outcome: event.outcome, ...(event.cluster !== undefined ? { cluster: event.cluster } : {}) }, "release settled not healthy: no next promotion");
      tell(
        "release.failed",
        waiting.landed,
        event.cluster,
        event.outcome === "degraded" ? "the rollout settled Degraded" : "the rollout did not settle in time",
      );
      clusterEnded(waiting, event.cluster, false);
      return;
    }
    const platform = runtime.currentPlatform();
    // The comment shows the first look's report (verifying) and the last one; writes in order.
    const links = platform ? linksOf(platform, event.environment, event.key.project) : undefined;
    let shown: Promise<unknown> = Promise.resolve();
    let looked = false;
    const show = (report: SignalsReport, causes?: CausesDiagnosis): Promise<unknown> =>
      (shown = shown.then(() =>
        runtime.watches.showSignals(event.key, report, links, causes).catch((e: unknown) => l.warn({ err: e }, `showing the signals failed: ${errorText(e)}`)),
      ));
    const onLook = (report: SignalsReport): void => {
      if (looked) return;
      looked = true;
      void show(report);
    };
    const verification = platform
      ? startVerification(event, waiting.octokit, platform, deps(), runtime.verification, (e) => l.warn({ err: e }, `verification: ${errorText(e)}`), onLook)
      : undefined;
    if (verification) {
      verifications.get(id)?.cancel();
      verifications.set(id, verification);
      l.info({ since: event.since.toISOString() }, "release settled Healthy: verifying its signals before its next promotions open");
      const follow = verification.done.then(async (outcome) => {
        if (verifications.get(id) === verification) verifications.delete(id);
        // A failed verification's likely causes: the evidence (dependencies, pods, logs) is read once, here,
        // beside the failure hook (a rollback does not wait for it); the comment shows the verdict with them.
        const causes =
          outcome.result === "failed" && outcome.report && platform
            ? failedVerificationCauses(event, outcome.report, waiting.octokit, platform, deps(), runtime).catch((e: unknown) => {
                l.warn({ err: e }, `diagnosing the failed verification failed: ${errorText(e)}`);
                return undefined;
              })
            : Promise.resolve(undefined);
        const report = outcome.result !== "cancelled" ? outcome.report : undefined;
        const shownLast = report ? causes.then((c) => show(report, c)) : Promise.resolve();
        if (outcome.result !== "failed") await shownLast;
        const ended = l.child({ verification: outcome.result });
        if (outcome.alreadyPosted && outcome.result === "failed") {
          ended.info({ at: outcome.alreadyPosted.at.toISOString() }, "the failed verification's verdict was already posted: nothing more to do");
        } else if (outcome.result === "verified") {
          ended.info({}, "release verified: opening its next promotions");
          await proceed(waiting, event.cluster, ended);
        } else if (outcome.result === "failed" && outcome.report) {
          ended.warn({ signals: outcome.signals.map((s) => s.name) }, "release failed verification: no next promotion");
          clusterEnded(waiting, event.cluster, false);
          tell("verify.failed", waiting.landed, event.cluster, `${outcome.signals.map((s) => s.name).join(", ")} out of bounds`);
          const failed = { project: event.key.project, component: event.key.component, environment: event.environment, release: event.release };
          await deps()
            .onVerificationFailed?.({ ...failed, report: outcome.report, ...(event.commentUrl ? { commentUrl: event.commentUrl } : {}) }, waiting.octokit)
            .catch((e: unknown) => ended.error({ err: e }, `the verification failure hook failed: ${errorText(e)}`));
        } else if (outcome.result === "not-observed") {
          ended.warn({ signals: outcome.signals.map((s) => s.reason) }, "release not verified: its signals were not observed; no next promotion");
          clusterEnded(waiting, event.cluster, false);
        } else {
          clusterEnded(waiting, event.cluster, false);
        }
        await shownLast;
      });
      following.add(follow);
      void follow.finally(() => following.delete(follow));
      return;
    }
    l.info({ since: event.since.toISOString() }, "release settled Healthy: opening its next promotions");
    await proceed(waiting, event.cluster, l);
  };

  /** Tells the platform's notifications about a landing's rollout (returns at once). */
  const tell = (type: "release.failed" | "verify.failed", landed: LandedRelease, cluster: string | undefined, reason: string): void => {
    const platform = runtime.currentPlatform();
    const notify = deps().notify;
    if (!platform || !notify) return;
    notify(
      {
        type,
        project: landed.project,
        component: landed.component,
        environment: landed.environment,
        release: landed.release,
        ...(cluster !== undefined ? { cluster } : {}),
        gitops: fullName(landed.gitops),
        ...(landed.commit ? { commit: landed.commit } : {}),
        ...(landed.pull ? { pull: { number: landed.pull.number, url: landed.pull.url } } : {}),
        ...(landed.source ? { source: landed.source } : {}),
        reason,
      },
      platform,
    );
  };

  /** Records how one cluster of a landing ended; true when it was the last and every cluster is Healthy (and verified). */
  const clusterEnded = (waiting: PendingPromotion, cluster: string | undefined, ok: boolean): boolean => {
    const group = waiting.clusters;
    if (!group) return ok;
    if (cluster !== undefined) group.waiting.delete(cluster);
    if (!ok && cluster !== undefined) group.failed.push(cluster);
    return group.waiting.size === 0 && group.failed.length === 0;
  };

  /** Opens the next promotions once the landing is Healthy (and verified) in every cluster it was watched in. */
  const proceed = async (waiting: PendingPromotion, cluster: string | undefined, l: ReturnType<typeof log>): Promise<void> => {
    if (!clusterEnded(waiting, cluster, true)) {
      if (waiting.clusters)
        l.info({ waiting: [...waiting.clusters.waiting], failed: waiting.clusters.failed }, "cluster ready: waiting for the environment's other clusters");
      return;
    }
    await promote(waiting, l);
  };

  const promote = async (waiting: PendingPromotion, l: ReturnType<typeof log>): Promise<void> => {
    try {
      await promoteNext(waiting.octokit, waiting.landed);
    } catch (e) {
      l.error({ err: e }, `promoting after the release became Healthy failed: ${errorText(e)}`);
    }
  };
  let unsubscribe: (() => void) | undefined;

  const sourceFor = async (landed: LandedRelease, octokit: GitHub): Promise<LandedRelease["source"]> => {
    if (landed.source) return landed.source;
    try {
      const ctx = await promotionContext(new RunContext(octokit, deps()), deps());
      return sourceOf(await readComponentHistory(ctx, landed.project, landed.component), landed.release);
    } catch (e) {
      log().warn({ err: e }, "cannot tell which app commit the release was cut from: no deployment statuses");
      return undefined;
    }
  };

  /** A release committed straight to its environment reports on the app pull request it was merged by, if any. */
  const appPullRequest = async (source: NonNullable<LandedRelease["source"]>, octokit: GitHub): Promise<{ repo: string; number: number } | undefined> => {
    try {
      const found = await mergedPullRequestOf(octokit, parseRepoRef(source.repo), source.sha);
      return found ? { repo: source.repo, number: found.number } : undefined;
    } catch (e) {
      log().warn({ err: e }, "cannot tell which app pull request the release came from: no status comment on it");
      return undefined;
    }
  };

  /** Whether the deployment's newest status is still `in_progress` (unreadable: assumed so, and watched again). */
  const stillInProgress = async (repo: string, deployment: number, octokit: GitHub): Promise<boolean> => {
    try {
      const [newest] = await listDeploymentStatuses(octokit, parseRepoRef(repo), deployment);
      return newest === undefined || newest.state === "in_progress";
    } catch (e) {
      log().warn({ err: e }, `cannot read the statuses of deployment ${deployment}: watching it again`);
      return true;
    }
  };

  /** A landing in an environment on several clusters: one watch per cluster it landed in (each observed one). */
  const watchClusters = async (landed: LandedRelease, octokit: GitHub): Promise<boolean> => {
    const targets = runtime
      .observedTargets(landed.environment)
      .filter((t) => t.cluster !== undefined && (landed.wave === undefined || landed.wave.clusters.includes(t.cluster)));
    if (targets.length === 0) return false;
    const source = await sourceFor(landed, octokit);
    const pr = landed.pull ? { repo: fullName(landed.pull.repo), number: landed.pull.number } : source ? await appPullRequest(source, octokit) : undefined;
    const group: ClusterGroup = { waiting: new Set(targets.map((t) => t.cluster ?? "")), failed: [] };
    for (const t of targets) {
      const key: ComponentKey = { project: landed.project, component: landed.component, environment: t.tracked };
      runtime.watch(
        {
          environment: landed.environment,
          cluster: t.cluster,
          project: landed.project,
          component: landed.component,
          release: landed.release,
          ...(pr ? { pr } : source ? { commit: { repo: source.repo, sha: source.sha } } : {}),
          ...(source ? { appRepo: { repo: source.repo, sha: source.sha } } : {}),
          startedAt: deps().clock(),
        },
        octokit,
      );
      verifications.get(keyString(key))?.cancel();
      pending.set(keyString(key), { landed, octokit, clusters: group });
    }
    log().info(
      { component: `${landed.project}/${landed.component}`, env: landed.environment, release: landed.release, clusters: [...group.waiting] },
      "watching the rollout in each cluster; the next promotions open once every one is Healthy",
    );
    return true;
  };

  const watchRollout: RolloutWatch = async (landed, octokit, platform) => {
    usePlatform(platform);
    const env = findEnvironment(platform, landed.environment);
    if (env && clustersOf(env).length > 0) return watchClusters(landed, octokit);
    if (!runtime.observes(landed.environment)) return false;
    const key: ComponentKey = { project: landed.project, component: landed.component, environment: landed.environment };
    const running = verifications.get(keyString(key));
    if (running?.release === landed.release) {
      // The same release, still being verified here (e.g. the reconcile pass found its deployment `Verifying:`): that verification goes on.
      log().info({ component: `${landed.project}/${landed.component}`, env: landed.environment, release: landed.release }, "already verifying this release");
      return true;
    }
    if (landed.inProgressDeployment !== undefined && landed.source && !(await stillInProgress(landed.source.repo, landed.inProgressDeployment, octokit))) {
      log().info(
        { component: `${landed.project}/${landed.component}`, env: landed.environment, release: landed.release },
        "its deployment has settled meanwhile: not watched again",
      );
      return true;
    }
    const source = await sourceFor(landed, octokit);
    const pr = landed.pull ? { repo: fullName(landed.pull.repo), number: landed.pull.number } : source ? await appPullRequest(source, octokit) : undefined;
    runtime.watch(
      {
        environment: landed.environment,
        project: landed.project,
        component: landed.component,
        release: landed.release,
        ...(pr ? { pr } : source ? { commit: { repo: source.repo, sha: source.sha } } : {}),
        ...(source ? { appRepo: { repo: source.repo, sha: source.sha } } : {}),
        startedAt: deps().clock(),
      },
      octokit,
    );
    running?.cancel();
    pending.set(keyString(key), { landed, octokit });
    log().info(
      { component: `${landed.project}/${landed.component}`, env: landed.environment, release: landed.release },
      "watching the rollout; the next promotions open once it is Healthy",
    );
    return true;
  };

  const runtimeStatus: RuntimeStatus = async (query) => {
    if (runtime.environments().length === 0) return undefined;
    runtime.watches.refresh();
    return `**Clusters**\n\n${formatStatusMarkdown(runtime.overview(query)).trimEnd()}`;
  };

  return {
    health: runtime.health,
    watchRollout,
    runtimeStatus,
    platformChanged: refresh,
    async start() {
      runtime.start(auth ? (repo) => installationFor(auth, repo) : undefined);
      unsubscribe ??= runtime.watches.onSettled(onSettled);
      if (!auth) return;
      try {
        await refresh(await installationFor(auth, deps().platformRepo));
      } catch (e) {
        log().warn({ err: e }, `cannot read the platform at start (${errorText(e)}); the clusters are observed from the first landing on`);
      }
    },
    async idle() {
      while (following.size > 0) await Promise.allSettled([...following]);
    },
    async stop() {
      unsubscribe?.();
      pending.clear();
      for (const v of verifications.values()) v.cancel();
      await Promise.allSettled([...following]);
      await runtime.stop();
    },
  };
}
