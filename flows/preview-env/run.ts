/**
 * The preview environment of an app pull request (part of Preview): decide with
 * core/preview-env/decide.ts, then commit its folder to the `from` environment's GitOps target
 * (one commit; none when nothing changed), or delete the folder when the pull request is closed,
 * loses the label or is refused. What happened goes into the preview comment's section.
 */
import type { AppComponent, Catalog } from "../../renderers/apps.js";
import type { CelEngine } from "../../renderers/cel.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import { durationSeconds } from "../../renderers/model/index.js";
import type { Preview } from "../../core/preview/model.js";
import type { PreviewComponent, PreviewPull } from "../../core/preview-env/decide.js";
import { previewCommitContent, previewRemovalContent } from "../../core/preview-env/commit.js";
import type { PreviewCommitContent } from "../../core/preview-env/commit.js";
import { expiresAt, isoTime } from "../../core/preview-env/records.js";
import type { PreviewRecord } from "../../core/preview-env/records.js";
import { PREVIEW_SIGNAL_WINDOW_SECONDS, previewRollout } from "../../core/preview-env/status.js";
import type { PreviewEnvironmentStatus, PreviewRollout, PreviewSignal } from "../../core/preview-env/status.js";
import { decidePreview, previewEnvironment } from "../../core/preview-env/decide.js";
import { catalogKey } from "../../renderers/apps.js";
import type { Environment, Platform } from "../../renderers/model/index.js";
import type { Release } from "../../renderers/release.js";
import { readSignalReadings } from "../signals/read.js";
import type { EnvironmentPrometheus } from "../signals/read.js";
import { readPreviews } from "../../adapters/git/previews.js";
import type { ResolvedTarget } from "../../adapters/github/gitops-targets.js";
import type { FlowServices } from "../services.js";
import type { GitTarget } from "../../core/gitops/request.js";

export type PreviewEnvDeps = Pick<FlowServices, "clock" | "gitops" | "cacheDir" | "logger" | "health"> & Partial<Pick<FlowServices, "clusterRuntime">>;

/** One preview environment run. */
export interface PreviewEnvRequest {
  readonly bundle: PlatformBundle;
  readonly pull: PreviewPull;
  /** The pull request's valid components and the catalog they resolve against. */
  readonly components: readonly AppComponent[];
  readonly catalog: Catalog;
  readonly cel: CelEngine;
  /** The preview of every environment (its `from` environment's statuses say what changed). */
  readonly preview: Preview;
  /** Whether the pull request has errors (then no preview environment). */
  readonly failed: boolean;
  /** Remove the preview, saying why (closed, merged). @default keep it up to date */
  readonly remove?: string;
  readonly resolve: (env: PlatformBundle["platform"]["spec"]["environments"][number]) => Promise<ResolvedTarget>;
}

const CHANGED = new Set(["added", "changed"]);

/** Brings the pull request's preview environment up to date; undefined when the platform has no previews. */
export async function syncPreviewEnvironment(req: PreviewEnvRequest, deps: PreviewEnvDeps): Promise<PreviewEnvironmentStatus | undefined> {
  const previews = req.bundle.platform.spec.previews;
  if (!previews) return undefined;
  const { pull } = req;
  // A fork never gets one: nothing of its is read from or written to the GitOps repository.
  if (pull.fork && req.remove === undefined)
    return { kind: "refused", code: "fork", reason: "pull requests from forks never get a preview environment", removed: false };
  const from = req.bundle.platform.spec.environments.find((e) => e.name === previews.from);
  if (!from) return undefined; // the platform check refuses such a platform
  const target = await req.resolve(from);
  const pricing = req.bundle.platform.spec.pricing;
  const present = await readPreviews(deps.gitops, target.git, pricing, deps.cacheDir);
  const own = present.find((p) => p.pr === pull.number);
  if (own && own.repo !== pull.repo)
    return {
      kind: "failed",
      error: `${own.dir} of ${from.gitops.repo} holds the preview of ${own.repo}#${own.pr}; this pull request gets none while it stays`,
    };
  const log = deps.logger.child({ repo: pull.repo, pull: pull.number, preview: from.name });
  const remove = async (why: string) => {
    if (!own) return false;
    await publish(target, previewRemovalContent(pull.repo, pull.number, from.name, why), false, deps);
    log.info({ why }, "preview environment removed");
    return true;
  };

  if (req.remove !== undefined) {
    return (await remove(req.remove)) ? { kind: "removed", reason: req.remove } : undefined;
  }
  if (req.failed) {
    const reason = "the pull request has errors (see the `Ferry / validate` check)";
    return { kind: "refused", code: "invalid", reason, removed: await remove(reason) };
  }
  const changed = (req.preview.environments.find((e) => e.name === from.name)?.components ?? []).filter((c) => CHANGED.has(c.status)).map((c) => c.key);
  const decision = decidePreview({
    bundle: req.bundle,
    pull,
    components: req.components,
    changed,
    catalog: req.catalog,
    cel: req.cel,
    present: present.map((p) => ({ repo: p.repo, pr: p.pr, projects: p.projects, createdAt: p.createdAt })),
  });
  if (decision.kind === "refused") return { kind: "refused", code: decision.code, reason: decision.reason, removed: await remove(decision.reason) };

  // A push with the same manifests still commits, recording the new head: the ttl counts from the last push.
  const out = await publish(target, previewCommitContent(decision, pull), own !== undefined && own.headSha !== pull.headSha, deps);
  const updatedAt = out.changed || !own ? isoTime(deps.clock()) : own.updatedAt;
  log.info({ commit: out.commit, changed: out.changed }, "preview environment published");
  return {
    kind: "live",
    from: from.name,
    ...(decision.cluster !== undefined ? { cluster: decision.cluster } : {}),
    namespaces: decision.namespaces,
    components: decision.components,
    rollout: await readRollout(from.name, decision.cluster, decision.components, deps),
    signals: await readPreviewSignals(
      req.bundle.platform,
      previewSignalEnvironment(from, decision.cluster, pull.number),
      decision.components.flatMap((c) => {
        const app = req.components.find((a) => catalogKey(a.release.metadata.project, a.release.metadata.component) === c.key);
        return app ? [{ key: c.key, release: app.release }] : [];
      }),
      deps.clusterRuntime?.verification.prometheusOf.bind(deps.clusterRuntime.verification),
      deps.clock(),
    ),
    monthlyCost: decision.cost.monthly,
    currency: decision.cost.currency,
    expiresAt: expiresAt({ updatedAt }, durationSeconds(previews.ttl)),
    commit: out.commit,
    changed: out.changed,
  };
}

/**
 * Each component's rollout in its preview namespace, through the health port status back uses
 * (the `from` environment's cluster, or its preview cluster); NotObserved when it cannot be read.
 */
export async function readRollout(
  from: string,
  cluster: string | undefined,
  components: readonly PreviewComponent[],
  deps: Pick<FlowServices, "health">,
): Promise<PreviewRollout[]> {
  return Promise.all(
    components.map(async (c) => {
      const [project = "", component = ""] = c.key.split("/");
      const report = await deps.health
        .health({ environment: from, project, component, namespace: c.namespace, ...(cluster !== undefined ? { cluster } : {}) })
        .catch((e: unknown) => ({ status: "NotObserved" as const, detail: `the cluster could not be read: ${e instanceof Error ? e.message : String(e)}` }));
      return previewRollout(c, report);
    }),
  );
}

/**
 * The environment a preview's signals are read in: the preview's namespace and, for a `from` on
 * several clusters, the preview cluster as its one cluster (its `prometheus`).
 */
export function previewSignalEnvironment(from: Environment, cluster: string | undefined, pr: number): Environment {
  const env = previewEnvironment(from, pr);
  const named = cluster === undefined ? undefined : from.clusters?.find((c) => c.name === cluster);
  if (!named) return env;
  const { clusters: _clusters, ...rest } = env;
  return { ...rest, cluster: { context: named.context, ...(named.prometheus !== undefined ? { prometheus: named.prometheus } : {}) } };
}

/**
 * Each preview component's signals over the last {@link PREVIEW_SIGNAL_WINDOW_SECONDS}, from the
 * environment's Prometheus (`prometheusOf`: the cluster runtime's); none without a Prometheus or
 * signals, unread ones with why.
 */
export async function readPreviewSignals(
  platform: Platform,
  env: Environment,
  components: readonly { readonly key: string; readonly release: Release }[],
  prometheusOf: ((platform: Platform, env: Environment) => EnvironmentPrometheus) | undefined,
  now: Date,
): Promise<PreviewSignal[]> {
  if (!prometheusOf || env.cluster?.prometheus === undefined) return [];
  const prometheus = prometheusOf(platform, env);
  const to = Math.floor(now.getTime() / 1000);
  const out: PreviewSignal[] = [];
  for (const { key, release } of components) {
    const subject = {
      platform,
      environment: env,
      project: release.metadata.project,
      component: release.metadata.component,
      release: release.metadata.name,
      type: release.spec.component.spec.type,
      componentType: release.spec.componentType,
    };
    const readings = await readSignalReadings(subject, prometheus, { from: to - PREVIEW_SIGNAL_WINDOW_SECONDS, to });
    for (const r of readings)
      out.push({
        key,
        name: r.name,
        unit: r.signal.unit,
        value: r.current.ok ? r.current.value : undefined,
        ...(r.current.ok ? {} : { error: r.current.error }),
      });
  }
  return out;
}

/** Removes one preview (the reconcile pass, `ferry preview remove`): a commit deleting its folder. */
export async function removePreviewRecord(
  target: { readonly git: GitTarget },
  from: string,
  record: Pick<PreviewRecord, "repo" | "pr">,
  why: string,
  deps: Pick<FlowServices, "gitops" | "cacheDir">,
): Promise<{ commit: string; changed: boolean }> {
  return publish(target, previewRemovalContent(record.repo, record.pr, from, why), false, deps);
}

async function publish(target: { readonly git: GitTarget }, content: PreviewCommitContent, always: boolean, deps: Pick<FlowServices, "gitops" | "cacheDir">) {
  return deps.gitops.publish({
    target: target.git,
    changes: content.changes,
    message: content.message,
    trailers: content.trailers,
    cacheDir: deps.cacheDir,
    ...(always ? { always: true } : {}),
  });
}
