/**
 * Deployments and deployment statuses, with GitHub's checks: the ref must resolve, and (unless
 * `required_contexts` says otherwise) every status context and check run on the commit must have
 * succeeded; a success status marks earlier deployments of the environment inactive.
 */
import { deploymentJson, deploymentStatusJson } from "../json.js";
import { HttpError, type DeploymentRecord, type DeploymentStatusRecord } from "../model.js";
import { latestStatuses } from "./checks.js";
import { actor, bodyOf, created, mustNum, notFound, ok, repoOf, str, type Handler, type HandlerContext } from "./types.js";

const GOOD_CHECK = new Set(["success", "neutral", "skipped"]);

const createDeployment: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const body = bodyOf<{
    ref: string;
    task?: string;
    auto_merge?: boolean;
    required_contexts?: string[];
    payload?: Record<string, unknown> | string;
    environment?: string;
    description?: string | null;
    transient_environment?: boolean;
    production_environment?: boolean;
  }>(ctx);
  const sha = await repo.git.resolveCommit(body.ref);
  if (!sha)
    throw new HttpError(422, "Validation Failed", [{ resource: "Deployment", field: "ref", code: "invalid", message: `No ref found for: ${body.ref}` }]);
  const statuses = latestStatuses(m.statusesOn(repo.fullName, sha));
  const runs = new Map<string, string | null>();
  for (const r of m.checkRunsFor(repo.fullName, { sha })) runs.set(r.name, r.status === "completed" ? r.conclusion : null);
  const contexts = body.required_contexts ?? [...new Set([...statuses.map((s) => s.context), ...runs.keys()])];
  const failing = contexts.filter((c) => {
    const s = statuses.find((x) => x.context === c);
    if (s) return s.state !== "success";
    if (runs.has(c)) return !GOOD_CHECK.has(runs.get(c) ?? "");
    return body.required_contexts !== undefined;
  });
  if (failing.length > 0) {
    throw new HttpError(409, `Conflict: Commit status checks failed for ${body.ref}.`, [
      { contexts: failing, resource: "Deployment", field: "required_contexts" },
    ]);
  }
  const environment = body.environment ?? "production";
  if (!repo.environments.has(environment.toLowerCase())) m.addEnvironment(repo.fullName, environment);
  const now = m.now();
  const d: DeploymentRecord = {
    id: m.nextId("deployment"),
    repo: repo.fullName,
    sha,
    ref: body.ref,
    task: body.task ?? "deploy",
    environment,
    description: body.description ?? "",
    payload: body.payload ?? {},
    creator: actor(ctx),
    createdAt: now,
    updatedAt: now,
    transientEnvironment: body.transient_environment ?? false,
    productionEnvironment: body.production_environment ?? environment === "production",
    statuses: [],
  };
  m.state.deployments.push(d);
  return created(deploymentJson(m, d));
};

function findDeployment(ctx: HandlerContext): DeploymentRecord {
  const repo = repoOf(ctx);
  const id = mustNum(ctx, "deployment_id");
  const d = ctx.model.state.deployments.find((x) => x.id === id && x.repo === repo.fullName);
  if (!d) throw notFound();
  return d;
}

const listDeployments: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  // The contract's default for each filter is the literal "none": no filtering.
  const filter = (name: string): string | undefined => {
    const v = str(ctx, name);
    return v === "none" ? undefined : v;
  };
  const filters = { sha: filter("sha"), ref: filter("ref"), task: filter("task"), environment: filter("environment") };
  const list = ctx.model
    .deploymentsIn(repo.fullName)
    .filter(
      (d) =>
        (filters.sha === undefined || d.sha === filters.sha) &&
        (filters.ref === undefined || d.ref === filters.ref) &&
        (filters.task === undefined || d.task === filters.task) &&
        (filters.environment === undefined || d.environment === filters.environment),
    )
    .reverse();
  return ok(
    list.map((d) => deploymentJson(ctx.model, d)),
    {},
  );
};

const getDeployment: Handler = async (ctx) => ok(deploymentJson(ctx.model, findDeployment(ctx)));

const createDeploymentStatus: Handler = async (ctx) => {
  const m = ctx.model;
  const d = findDeployment(ctx);
  const body = bodyOf<{
    state: DeploymentStatusRecord["state"];
    target_url?: string;
    log_url?: string;
    description?: string;
    environment?: string;
    environment_url?: string;
    auto_inactive?: boolean;
  }>(ctx);
  const now = m.now();
  const status: DeploymentStatusRecord = {
    id: m.nextId("deployment-status"),
    state: body.state,
    description: body.description ?? "",
    environment: body.environment ?? d.environment,
    targetUrl: body.log_url ?? body.target_url ?? "",
    logUrl: body.log_url ?? body.target_url ?? "",
    environmentUrl: body.environment_url ?? "",
    creator: actor(ctx),
    createdAt: now,
  };
  d.statuses.push(status);
  d.updatedAt = now;
  if (body.state === "success" && (body.auto_inactive ?? true)) {
    for (const other of m.deploymentsIn(d.repo, d.environment)) {
      if (other === d || other.transientEnvironment) continue;
      const last = other.statuses.at(-1);
      if (last && last.state !== "inactive") {
        other.statuses.push({ ...last, id: m.nextId("deployment-status"), state: "inactive", description: "", createdAt: now });
        other.updatedAt = now;
      }
    }
  }
  return created(deploymentStatusJson(m, d, status));
};

const listDeploymentStatuses: Handler = async (ctx) => {
  const d = findDeployment(ctx);
  return ok(
    [...d.statuses].reverse().map((s) => deploymentStatusJson(ctx.model, d, s)),
    {},
  );
};

/** Handlers by contract key. */
export const deploymentHandlers: Readonly<Record<string, Handler>> = {
  "POST /repos/{owner}/{repo}/deployments": createDeployment,
  "GET /repos/{owner}/{repo}/deployments": listDeployments,
  "GET /repos/{owner}/{repo}/deployments/{deployment_id}": getDeployment,
  "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": createDeploymentStatus,
  "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": listDeploymentStatuses,
};
