/** GitHub deployments recording where a release went, one per app commit, component and environment. */
import type { GitHub, RepoRef } from "./types.js";

/** What a deployment records. */
export interface DeploymentSpec {
  readonly ref: string;
  readonly environment: string;
  readonly production: boolean;
  readonly description: string;
  /** Stored with the deployment for later flows (status, promotion). */
  readonly payload: Readonly<Record<string, string>>;
}

/** A deployment status Ferry posts. */
export type DeploymentState = "queued" | "in_progress" | "success" | "failure" | "error";

/**
 * The deployment of the same ref, environment and payload made earlier (a run repeated after a
 * lost delivery), so that repeating a run records no second deployment.
 */
export async function findDeployment(octokit: GitHub, repo: RepoRef, spec: DeploymentSpec): Promise<number | undefined> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, sha: spec.ref, environment: spec.environment, task: "deploy", per_page: 100 });
  const same = data.filter((d) => {
    const payload = (typeof d.payload === "object" && d.payload !== null ? d.payload : {}) as Record<string, unknown>;
    return Object.entries(spec.payload).every(([k, v]) => payload[k] === v);
  });
  return same.sort((a, b) => b.id - a.id)[0]?.id;
}

/**
 * Creates a deployment. `required_contexts: []` because Ferry reports its own checks (GitHub would
 * otherwise refuse while commit statuses are pending) and `auto_merge: false` because a
 * deployment must never merge branches in the app repository.
 */
export async function createDeployment(octokit: GitHub, repo: RepoRef, spec: DeploymentSpec): Promise<number> {
  const { data } = await octokit.rest.repos.createDeployment({
    ...repo,
    ref: spec.ref,
    environment: spec.environment,
    task: "deploy",
    auto_merge: false,
    required_contexts: [],
    payload: { ...spec.payload },
    description: spec.description.slice(0, 140),
    production_environment: spec.production,
    transient_environment: false,
  });
  if (!("id" in data)) throw new Error(`GitHub did not create a deployment for ${spec.environment}: ${data.message ?? "no reason given"}`);
  return data.id;
}

/** Posts a deployment status with a link to the GitOps commit or pull request. */
export async function setDeploymentState(
  octokit: GitHub,
  repo: RepoRef,
  deployment_id: number,
  state: DeploymentState,
  description: string,
  log_url?: string,
): Promise<void> {
  await postDeploymentStatus(octokit, repo, deployment_id, { state, description: description.slice(0, 140), ...(log_url ? { log_url } : {}) });
}

/** A deployment status as posted. */
export interface DeploymentStatusSpec {
  /** `inactive`: a health signal saying the release no longer runs there. */
  readonly state: DeploymentState | "inactive";
  /** At most 140 characters (GitHub's limit). */
  readonly description: string;
  readonly log_url?: string;
  readonly environment_url?: string;
}

/**
 * Posts a deployment status. `auto_inactive: false` because several components deploy to one
 * environment: one component's success must not retire the others' deployments.
 */
export async function postDeploymentStatus(octokit: GitHub, repo: RepoRef, deployment_id: number, status: DeploymentStatusSpec): Promise<void> {
  await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id, ...status, auto_inactive: false });
}

/** A deployment as `GET /repos/{owner}/{repo}/deployments` lists it. */
export type ListedDeployment = Awaited<ReturnType<GitHub["rest"]["repos"]["listDeployments"]>>["data"][number];

/** The newest 100 `deploy` deployments to `environment` (first page, newest first as GitHub lists them). */
export async function listDeploymentsTo(octokit: GitHub, repo: RepoRef, environment: string): Promise<ListedDeployment[]> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment, task: "deploy", per_page: 100 });
  return data;
}

/** A deployment status as `GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses` lists it. */
export type ListedDeploymentStatus = Awaited<ReturnType<GitHub["rest"]["repos"]["listDeploymentStatuses"]>>["data"][number];

/** The newest 100 statuses of a deployment (first page). */
export async function listDeploymentStatuses(octokit: GitHub, repo: RepoRef, deployment_id: number): Promise<ListedDeploymentStatus[]> {
  const { data } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id, per_page: 100 });
  return data;
}

/** A deployment's payload as an object: GitHub returns what was posted, an object or a JSON string (anything else gives `{}`). */
export function deploymentPayload(payload: unknown): Record<string, unknown> {
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
