/**
 * GitHub deployment statuses Ferry posts for a release's rollout (on the app repository), and
 * reading them back: the health statuses double as a durable record of since when a component
 * has been Healthy on a release, so a restarted app does not reset the soak time.
 *
 * Health statuses are recognised by their description prefix (`Rolling out`, `Healthy`,
 * `Degraded`, `Not healthy`); other statuses on the same deployments (the release flow's
 * "committed to main" success, publishing errors) are not health signals and are ignored.
 */
import { createDeployment, findDeployment, type DeploymentSpec } from "../../adapters/github/deployments.js";
import type { GitHub, RepoRef } from "../../adapters/github/types.js";
import type { HealthQuery } from "../../core/promotion/health.js";

/** What a health status says. */
export type HealthSignal = "rolling-out" | "healthy" | "degraded" | "not-healthy";

/** The description prefix of each signal (GitHub shows the description next to the state). */
export const SIGNAL_PREFIX: Readonly<Record<HealthSignal, string>> = {
  "rolling-out": "Rolling out",
  healthy: "Healthy",
  degraded: "Degraded",
  "not-healthy": "Not healthy",
};

/** The deployment state each signal is posted with. */
export const SIGNAL_STATE: Readonly<Record<HealthSignal, "in_progress" | "success" | "failure">> = {
  "rolling-out": "in_progress",
  healthy: "success",
  degraded: "failure",
  "not-healthy": "failure",
};

/** GitHub's limit on a deployment status description. */
const MAX_DESCRIPTION = 140;

/** `<prefix>: <text>`, cut to GitHub's 140 characters. */
export function signalDescription(signal: HealthSignal, text: string): string {
  const full = `${SIGNAL_PREFIX[signal]}: ${text.replace(/\s+/g, " ").trim()}`;
  return full.length > MAX_DESCRIPTION ? `${full.slice(0, MAX_DESCRIPTION - 1)}…` : full;
}

/** The signal a status carries, or undefined when it is not one of Ferry's health statuses. */
export function signalOf(state: string, description: string | null | undefined): HealthSignal | undefined {
  const d = description ?? "";
  for (const signal of Object.keys(SIGNAL_PREFIX) as HealthSignal[]) {
    if (SIGNAL_STATE[signal] === state && d.startsWith(`${SIGNAL_PREFIX[signal]}:`)) return signal;
  }
  return undefined;
}

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
  await octokit.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: deploymentId,
    state: SIGNAL_STATE[signal],
    description: signalDescription(signal, text),
    ...(links.logUrl ? { log_url: links.logUrl } : {}),
    ...(links.environmentUrl ? { environment_url: links.environmentUrl } : {}),
    auto_inactive: false,
  });
}

/** One health status read back from GitHub. */
export interface SignalRecord {
  readonly release: string;
  readonly signal: HealthSignal;
  readonly at: Date;
  /** Status id (GitHub's ids grow over time: the tie-breaker for equal timestamps). */
  readonly id: number;
}

/** Options of {@link readSignals}. */
export interface ReadSignalsOptions {
  /** Look at the newest this many deployments of the component. @default 10 */
  readonly maxDeployments?: number;
}

function payloadOf(payload: unknown): Record<string, unknown> {
  if (typeof payload === "object" && payload !== null) return payload as Record<string, unknown>;
  if (typeof payload === "string" && payload.startsWith("{")) {
    try {
      return JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return {};
}

/** The health statuses of a component's newest deployments to an environment, newest first. */
export async function readSignals(octokit: GitHub, repo: RepoRef, query: HealthQuery, opts: ReadSignalsOptions = {}): Promise<SignalRecord[]> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment: query.environment, task: "deploy", per_page: 100 });
  const mine = data
    .map((d) => ({ id: d.id, payload: payloadOf(d.payload) }))
    .filter((d) => d.payload.project === query.project && d.payload.component === query.component && typeof d.payload.release === "string")
    .sort((a, b) => b.id - a.id)
    .slice(0, opts.maxDeployments ?? 10);
  const out: SignalRecord[] = [];
  for (const d of mine) {
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: d.id, per_page: 100 });
    for (const s of statuses) {
      const signal = signalOf(s.state, s.description);
      if (signal) out.push({ release: String(d.payload.release), signal, at: new Date(s.created_at), id: s.id });
    }
  }
  return out.sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
}

/**
 * Since when the records say the component has been Healthy on `release`: the oldest `healthy`
 * signal of the newest unbroken run of `healthy` signals for that release. Undefined when the
 * newest signal is anything else (another release rolled out, or it went Degraded).
 */
export function healthySinceFromSignals(signals: readonly SignalRecord[], release: string): Date | undefined {
  const newestFirst = [...signals].sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
  let since: Date | undefined;
  for (const s of newestFirst) {
    if (s.release !== release || s.signal !== "healthy") break;
    since = s.at;
  }
  return since;
}
