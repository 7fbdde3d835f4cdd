/**
 * Drift after a Reconcile pass: reads every environment's GitOps target (and, with a kubeconfig,
 * its cluster), compares them (core/drift) and publishes one `Ferry / drift` check per GitOps
 * repository and branch, about the environments that live there.
 */
import type { KubeConfigSource } from "../../adapters/kube/kubeconfig.js";
import { readClusterDrift, type readLiveObjects } from "../../adapters/kube/live.js";
import type { GitHub } from "../../adapters/github/types.js";
import { environmentsDrift } from "../../core/drift/environments.js";
import { clusterComparisons, clusterReadParts, type ClusterRead } from "../../core/drift/clusters.js";
import { environmentManifests, type EnvironmentFiles } from "../../core/drift/inputs.js";
import type { DriftReport } from "../../core/drift/model.js";
import { driftReport, reportFor } from "../../core/drift/report.js";
import { catalogFromReleases } from "../../core/release/state.js";
import { CelEngine } from "../../renderers/cel.js";
import type { PlatformBundle } from "../../renderers/platform.js";
import { readEnvironment } from "../../adapters/git/environment.js";
import type { GitopsReader } from "../../adapters/git/port.js";
import type { ResolvedTarget, TargetResolver } from "../../adapters/github/gitops-targets.js";
import { publishDriftCheck, type DriftCheckWrite } from "./publish-check.js";

/** What a drift pass needs. */
export interface DriftPassInput {
  readonly bundle: PlatformBundle;
  readonly resolver: TargetResolver;
  readonly port: GitopsReader;
  readonly cacheDir: string;
  /** Where the clusters are; undefined: git is not compared with clusters. */
  readonly kubeConfig?: KubeConfigSource;
  readonly now: () => Date;
  /** @default readLiveObjects (adapters/kube/live.ts) */
  readonly readLive?: typeof readLiveObjects;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The drift of every environment of the platform, and the resolved target of each. */
export async function driftOfPlatform(input: DriftPassInput): Promise<{ report: DriftReport; targets: readonly ResolvedTarget[] }> {
  const envs = input.bundle.platform.spec.environments;
  const targets = await Promise.all(envs.map((env) => input.resolver.resolve(env)));
  const snapshots = await Promise.all(targets.map((t) => readEnvironment(input.port, t, input.cacheDir)));
  const held: EnvironmentFiles[] = snapshots.map((s) => ({ env: s.target.env, state: s.state, releaseFiles: s.releaseFiles }));
  const catalog = catalogFromReleases(held.map((h) => h.releaseFiles));
  const between = environmentsDrift(environmentManifests(held, { bundle: input.bundle, catalog, cel: new CelEngine() }));
  const reads: ClusterRead[] = [];
  for (const c of held.flatMap(clusterComparisons)) {
    if (c.context === undefined || input.kubeConfig === undefined) {
      reads.push({
        comparison: c,
        note: c.context === undefined ? "no cluster context: git not compared with a cluster" : "no kubeconfig: git not compared with a cluster",
      });
      continue;
    }
    try {
      const options = { kubeConfig: input.kubeConfig, read: input.readLive, ...(c.cluster !== undefined ? { cluster: c.cluster } : {}) };
      reads.push({ comparison: c, findings: await readClusterDrift(c.environment, c.context, c.objects, options) });
    } catch (e) {
      reads.push({ comparison: c, problem: `unreachable (${message(e)})` });
    }
  }
  const parts = clusterReadParts(reads);
  return {
    report: driftReport({
      environments: envs.map((e) => e.name),
      between,
      clusters: parts.clusters,
      notes: parts.notes,
      problems: parts.problems,
      clusterStates: parts.clusterStates,
    }),
    targets,
  };
}

/** One drift check per GitOps repository and branch, written as Ferry's app `appId`; call after each Reconcile pass. */
export async function publishDriftChecks(octokit: GitHub, input: DriftPassInput, appId: number): Promise<DriftCheckWrite[]> {
  const { report, targets } = await driftOfPlatform(input);
  const groups = new Map<string, ResolvedTarget[]>();
  for (const t of targets) {
    const key = `${t.repo.owner.toLowerCase()}/${t.repo.repo.toLowerCase()}#${t.git.branch}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const out: DriftCheckWrite[] = [];
  for (const group of groups.values()) {
    const first = group[0] as ResolvedTarget;
    out.push(
      await publishDriftCheck(octokit, {
        repo: first.repo,
        branch: first.git.branch,
        report: reportFor(
          report,
          group.map((t) => t.env.name),
        ),
        now: input.now(),
        appId,
      }),
    );
  }
  return out;
}
