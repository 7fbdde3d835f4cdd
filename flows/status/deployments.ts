/**
 * GitHub deployment statuses Ferry posts for a release's rollout (on the app repository), and
 * reading them back: the health statuses double as a durable record of since when a component
 * has been Healthy on a release, so a restarted app does not reset the soak time. The signal
 * vocabulary (prefixes, states, parsing) is core/status/deployment-signals.ts; other statuses on
 * the same deployments (the release flow's "committed to main" success, publishing errors) are
 * not health signals and are ignored.
 */
import {
  createDeployment,
  deploymentPayload,
  findDeployment,
  listDeploymentStatuses,
  listDeploymentsTo,
  postDeploymentStatus,
  type DeploymentSpec,
} from "../../adapters/github/deployments.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { HealthQuery } from "../../core/promotion/health.js";
import { SIGNAL_STATE, signalDescription, signalOf, type HealthSignal, type SignalRecord } from "../../core/status/deployment-signals.js";

/** What a rollout's deployment records. */
export interface RolloutDeployment {
  readonly environment: string;
  readonly production: boolean;
  readonly project: string;
  readonly component: string;
  readonly release: string;
  /** App commit the release was cut from. */
  readonly sha: string;
}

/**
 * The deployment of this release (the one the release flow created, found by ref, environment and
 * payload `{project, component, release}`), or a new one.
 */
export async function ensureDeployment(octokit: GitHub, repo: RepoRef, d: RolloutDeployment): Promise<number> {
  const spec: DeploymentSpec = {
    ref: d.sha,
    environment: d.environment,
    production: d.production,
    description: `${d.project}/${d.component} ${d.release}`,
    payload: { project: d.project, component: d.component, release: d.release },
  };
  return (await findDeployment(octokit, repo, spec)) ?? (await createDeployment(octokit, repo, spec));
}

/** Links shown with a deployment status. */
export interface StatusLinks {
  /** Where the environment can be reached. @default none */
  readonly environmentUrl?: string | undefined;
  /** Where the rollout is reported (the status comment). @default none */
  readonly logUrl?: string | undefined;
}

/**
 * Posts a health status. `auto_inactive: false` because several components deploy to one
 * environment: one component's success must not retire the others' deployments.
 */
export async function postSignal(
  octokit: GitHub,
  repo: RepoRef,
  deploymentId: number,
  signal: HealthSignal,
  text: string,
  links: StatusLinks = {},
): Promise<void> {
  await postDeploymentStatus(octokit, repo, deploymentId, {
    state: SIGNAL_STATE[signal],
    description: signalDescription(signal, text),
    ...(links.logUrl ? { log_url: links.logUrl } : {}),
    ...(links.environmentUrl ? { environment_url: links.environmentUrl } : {}),
  });
}

/** Options of {@link readSignals}. */
export interface ReadSignalsOptions {
  /** Look at the newest this many deployments of the component. @default 10 */
  readonly maxDeployments?: number;
  /** Only the deployments of these releases. @default every release */
  readonly releases?: ReadonlySet<string>;
}

/** The health statuses of a component's newest deployments to an environment, newest first. */
export async function readSignals(octokit: GitHub, repo: RepoRef, query: HealthQuery, opts: ReadSignalsOptions = {}): Promise<SignalRecord[]> {
  const data = await listDeploymentsTo(octokit, repo, query.environment);
  const mine = data
    .map((d) => ({ id: d.id, payload: deploymentPayload(d.payload) }))
    .filter((d) => d.payload.project === query.project && d.payload.component === query.component && typeof d.payload.release === "string")
    .filter((d) => !opts.releases || opts.releases.has(d.payload.release as string))
    .sort((a, b) => b.id - a.id)
    .slice(0, opts.maxDeployments ?? 10);
  const out: SignalRecord[] = [];
  for (const d of mine) {
    const statuses = await listDeploymentStatuses(octokit, repo, d.id);
    for (const s of statuses) {
      const signal = signalOf(s.state, s.description);
      if (signal) out.push({ release: String(d.payload.release), signal, at: new Date(s.created_at), id: s.id });
    }
  }
  return out.sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
}
