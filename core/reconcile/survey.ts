/**
 * Gathering a reconcile pass's facts through {@link ReconcileReads} and planning it (plan.ts).
 * No I/O of its own: the app answers the reads with its installation clients and GitOps port,
 * `ferry reconcile --dry-run` with a token (adapters/github/reconcile.ts, adapters/git).
 *
 * Which app repositories: those the platform's projects list (only they may declare
 * components). Only what the candidates need is read: a pull request listing and a history per
 * missing release, not per component.
 */
import { catalogKey, checkApps, parseApp } from "../../renderers/apps.js";
import type { Catalog } from "../../renderers/apps.js";
import type { Diagnostic } from "../../renderers/diagnostics.js";
import type { FileMap } from "../../renderers/load.js";
import type { Environment, Pricing } from "../../renderers/model/index.js";
import type { PreviewRecord } from "../preview-env/records.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import { releasePath } from "../../renderers/release.js";
import { environmentPath, historyDir } from "../gitops/layout.js";
import { TRAILERS } from "../gitops/trailers.js";
import { catalogFromReleases, parseEnvironmentState } from "../release/state.js";
import type {
  AppHead,
  Candidate,
  CandidateFacts,
  ClusterReleases,
  EnvironmentReleases,
  FerryPull,
  OpenPromotion,
  PreviewFacts,
  RecordedDelivery,
  ReconcileFacts,
  ReconcilePlan,
  RunningDeployment,
} from "./plan.js";
import { planReconcile, promotionCandidates, REDELIVERY_WINDOW_MS, releaseCandidates } from "./plan.js";

/** What a pass reads; every method may throw (the pass notes the problem and goes on). */
export interface ReconcileReads {
  /** Files at or under `paths` (repository-relative) at the tip of the environment's GitOps branch. */
  environmentFiles(env: Environment, paths: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Trailers of the commits of the environment's GitOps branch that changed `path`, newest first. */
  environmentHistory(env: Environment, path: string): Promise<readonly { readonly trailers: Readonly<Record<string, readonly string[]>> }[]>;
  /** An app repository's default branch head and its `.ferry/` files. */
  appHead(repo: string): Promise<{ readonly sha: string; readonly files: FileMap }>;
  /** Names of the check runs that succeeded on a commit. */
  succeededChecks(repo: string, sha: string): Promise<readonly string[]>;
  /** Ferry pull requests of a branch of a GitOps repository, open and closed. */
  ferryPulls(repo: string, branch: string): Promise<readonly FerryPull[]>;
  /** Open promotion pull requests of a GitOps repository. */
  openPromotions(repo: string): Promise<readonly OpenPromotion[]>;
  /** Ferry deployments of an app repository still in progress. @default not read */
  runningDeployments?(repo: string): Promise<readonly RunningDeployment[]>;
  /** The App's webhook deliveries since a time. @default not read */
  deliveries?(since: Date): Promise<readonly RecordedDelivery[]>;
  /** The preview environments an environment's GitOps target holds. @default not read */
  previews?(env: Environment, pricing: Pricing): Promise<readonly PreviewRecord[]>;
  /** Whether an app pull request is open, closed or gone. @default not read */
  pullState?(repo: string, number: number): Promise<"open" | "closed" | "gone">;
}

/** A gathered pass: the facts, the plan, and what could not be read. */
export interface ReconcileSurvey {
  readonly facts: ReconcileFacts;
  readonly plan: ReconcilePlan;
  /** One line per thing skipped (an app repository not installed, a read that failed). */
  readonly problems: readonly string[];
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e);
}

/** The repositories the platform's projects list, each once (GitHub names are case-insensitive). */
export function listedAppRepos(bundle: PlatformBundle): string[] {
  const seen = new Map<string, string>();
  for (const p of bundle.platform.spec.projects) for (const r of p.repos) if (!seen.has(r.toLowerCase())) seen.set(r.toLowerCase(), r);
  return [...seen.values()].sort();
}

/** What one environment runs, and the release files of what it runs (the catalog of dependencies). */
async function readEnvironment(
  reads: ReconcileReads,
  env: Environment,
): Promise<{ releases: EnvironmentReleases; clusters: ClusterReleases; releaseFiles: ReadonlyMap<string, string> }> {
  const path = environmentPath(env);
  const files = new Map<string, string>();
  for (const [p, text] of await reads.environmentFiles(env, [path])) if (p.startsWith(`${path}/`)) files.set(p.slice(path.length + 1), text);
  const state = parseEnvironmentState(files, env);
  const releases = new Map([...state.components].map(([key, c]) => [key, c.release]));
  const clusters = new Map([...state.components].flatMap(([key, c]) => (c.clusters ? [[key, c.clusters] as const] : [])));
  const wanted = [...state.components.values()].flatMap((c) =>
    c.release === undefined ? [] : [releasePath({ metadata: { project: c.project, component: c.component, name: c.release } })],
  );
  return { releases, clusters, releaseFiles: wanted.length > 0 ? await reads.environmentFiles(env, wanted) : new Map<string, string>() };
}

/** An app repository's head: its components checked against the platform, and the checks that succeeded when one waits for a build. */
async function readAppHead(reads: ReconcileReads, bundle: PlatformBundle, repo: string, known: Catalog): Promise<AppHead> {
  const { sha, files } = await reads.appHead(repo);
  const diagnostics: Diagnostic[] = [];
  const components = files.size === 0 ? [] : checkApps(bundle, [parseApp({ repo, root: "", files, sha }, diagnostics)], diagnostics, known);
  const declared = components.map((c) => ({
    project: c.release.metadata.project,
    component: c.release.metadata.component,
    release: c.release.metadata.name,
    ...(c.component.spec.build?.waitForCheck === undefined ? {} : { waitForCheck: c.component.spec.build.waitForCheck }),
  }));
  const succeededChecks = declared.some((c) => c.waitForCheck !== undefined) ? await reads.succeededChecks(repo, sha) : [];
  return { repo, sha, components: declared, succeededChecks };
}

/** Whether the environment's history of the component names the release. */
async function ranBefore(reads: ReconcileReads, env: Environment, c: Candidate): Promise<boolean> {
  const history = await reads.environmentHistory(env, `${environmentPath(env)}/${historyDir(env, c.project, c.component)}`);
  return history.some((h) =>
    Object.entries(h.trailers).some(([k, values]) => k.toLowerCase() === TRAILERS.release.toLowerCase() && values.includes(c.release)),
  );
}

/** Reads what a pass needs and plans it; see the module comment. */
export async function surveyReconcile(bundle: PlatformBundle, reads: ReconcileReads, now: Date): Promise<ReconcileSurvey> {
  const platform = bundle.platform;
  const problems: string[] = [];
  const environments = new Map<string, EnvironmentReleases>();
  const clusterReleases = new Map<string, ClusterReleases>();
  const releaseFiles: ReadonlyMap<string, string>[] = [];
  for (const env of platform.spec.environments) {
    try {
      const read = await readEnvironment(reads, env);
      environments.set(env.name, read.releases);
      clusterReleases.set(env.name, read.clusters);
      releaseFiles.push(read.releaseFiles);
    } catch (e) {
      problems.push(`environment ${env.name}: cannot read ${env.gitops.repo}: ${errorText(e)}`);
    }
  }
  const known = catalogFromReleases(releaseFiles);

  const apps: AppHead[] = [];
  const deployments: RunningDeployment[] = [];
  for (const repo of listedAppRepos(bundle)) {
    try {
      apps.push(await readAppHead(reads, bundle, repo, known));
      if (reads.runningDeployments) deployments.push(...(await reads.runningDeployments(repo)));
    } catch (e) {
      problems.push(`${repo}: ${errorText(e)}`);
    }
  }

  const byName = new Map(platform.spec.environments.map((e) => [e.name, e]));
  const candidates: CandidateFacts[] = [];
  const reachable = [...releaseCandidates(platform, apps, environments), ...promotionCandidates(platform, environments, clusterReleases)].filter((c) =>
    environments.has(c.environment),
  );
  for (const candidate of reachable) {
    const env = byName.get(candidate.environment)!;
    try {
      const waiting = candidate.waitingFor !== undefined;
      const direct = candidate.kind === "release" && candidate.mode === "commit";
      candidates.push({
        candidate,
        // A wave-by-wave rollout under way: some clusters hold the release, the next wave does not yet; not a release it was moved off.
        ranBefore: waiting || candidate.partial ? false : await ranBefore(reads, env, candidate),
        pulls: waiting || direct ? [] : await reads.ferryPulls(env.gitops.repo, candidate.branch),
      });
    } catch (e) {
      problems.push(`${catalogKey(candidate.project, candidate.component)} in ${candidate.environment}: ${errorText(e)}`);
    }
  }

  const gitopsRepos = new Map(platform.spec.environments.map((e) => [e.gitops.repo.toLowerCase(), e.gitops.repo]));
  const openPromotions: OpenPromotion[] = [];
  for (const repo of [...gitopsRepos.values()].sort()) {
    try {
      openPromotions.push(...(await reads.openPromotions(repo)));
    } catch (e) {
      problems.push(`promotion pull requests of ${repo}: ${errorText(e)}`);
    }
  }

  let deliveries: readonly RecordedDelivery[] = [];
  if (reads.deliveries) {
    try {
      deliveries = await reads.deliveries(new Date(now.getTime() - REDELIVERY_WINDOW_MS));
    } catch (e) {
      problems.push(`webhook deliveries: ${errorText(e)}`);
    }
  }

  const previews = await surveyPreviews(platform, reads, problems);
  const facts: ReconcileFacts = { platform, environments, candidates, openPromotions, deployments, deliveries, now, ...(previews ? { previews } : {}) };
  return { facts, plan: planReconcile(facts), problems };
}

async function surveyPreviews(platform: PlatformBundle["platform"], reads: ReconcileReads, problems: string[]): Promise<PreviewFacts[] | undefined> {
  const from = platform.spec.previews && platform.spec.environments.find((e) => e.name === platform.spec.previews?.from);
  if (!from || !reads.previews) return undefined;
  let records: readonly PreviewRecord[];
  try {
    records = await reads.previews(from, platform.spec.pricing);
  } catch (e) {
    problems.push(`previews in ${from.name}: cannot read ${from.gitops.repo}: ${errorText(e)}`);
    return undefined;
  }
  const out: PreviewFacts[] = [];
  for (const record of records) {
    let pull: PreviewFacts["pull"];
    try {
      pull = reads.pullState ? await reads.pullState(record.repo, record.pr) : undefined;
    } catch (e) {
      problems.push(`preview of ${record.repo}#${record.pr}: ${errorText(e)}`);
    }
    out.push({ environment: from.name, record, pull });
  }
  return out;
}
