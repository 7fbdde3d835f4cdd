/** Check runs and commit statuses. Every create and update of a check run is kept in its history. */
import { annotationJson, checkRunJson, repoApi, repoJson, statusJson } from "../json.js";
import { HttpError, type AnnotationRecord, type CheckRunRecord, type StatusRecord } from "../model.js";
import { actingAppId, actor, bodyOf, created, mustNum, mustStr, notFound, ok, repoOf, str, type Handler, type HandlerContext } from "./types.js";

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  details_url?: string;
  external_id?: string;
  status?: CheckRunRecord["status"];
  started_at?: string;
  conclusion?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: AnnotationRecord[] };
  actions?: unknown[];
}

/** Refuses what GitHub refuses before anything changes: a completed run needs a conclusion. */
function precheck(cr: Pick<CheckRunRecord, "status" | "conclusion">, body: CheckRunBody): void {
  const status = body.conclusion !== undefined ? "completed" : (body.status ?? cr.status);
  const conclusion = body.conclusion ?? cr.conclusion;
  if (status === "completed" && conclusion === null) {
    throw new HttpError(422, "Invalid request.\n\nNo conclusion given for a completed check run.");
  }
  if (status !== "completed" && body.completed_at !== undefined) {
    throw new HttpError(422, "Invalid request.\n\nconclusion is required when completed_at is given.");
  }
}

function apply(ctx: HandlerContext, cr: CheckRunRecord, body: CheckRunBody): void {
  precheck(cr, body);
  const now = ctx.model.now();
  if (body.name !== undefined) cr.name = body.name;
  if (body.details_url !== undefined) cr.detailsUrl = body.details_url;
  if (body.external_id !== undefined) cr.externalId = body.external_id;
  if (body.started_at !== undefined) cr.startedAt = body.started_at;
  if (body.status !== undefined) cr.status = body.status;
  if (body.conclusion !== undefined) {
    cr.conclusion = body.conclusion;
    cr.status = "completed";
  }
  if (cr.status === "completed") cr.completedAt = body.completed_at ?? cr.completedAt ?? now;
  if (body.output) {
    cr.output = {
      title: body.output.title ?? cr.output.title,
      summary: body.output.summary ?? cr.output.summary,
      text: body.output.text ?? cr.output.text,
    };
    cr.annotations.push(...(body.output.annotations ?? []));
  }
  if (body.actions !== undefined) cr.actions = body.actions;
}

const createCheckRun: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const body = bodyOf<CheckRunBody & { name: string; head_sha: string }>(ctx);
  const sha = /^[0-9a-f]{40}$/.test(body.head_sha) ? await repo.git.revParse(body.head_sha, "commit") : undefined;
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${body.head_sha}`);
  const now = m.now();
  const appId = actingAppId(ctx);
  const suite = m.checkRunsFor(repo.fullName, { sha }).find((c) => c.appId === appId)?.checkSuiteId ?? m.nextId("check-suite");
  const cr: CheckRunRecord = {
    id: m.nextId("check-run"),
    repo: repo.fullName,
    headSha: sha,
    name: body.name,
    status: "queued",
    conclusion: null,
    startedAt: now,
    completedAt: null,
    detailsUrl: null,
    externalId: null,
    output: { title: null, summary: null, text: null },
    annotations: [],
    actions: [],
    appId,
    checkSuiteId: suite,
    history: [],
  };
  apply(ctx, cr, body);
  cr.history.push({ at: now, method: "create", request: structuredClone(body) as unknown as Record<string, unknown> });
  m.state.checkRuns.push(cr);
  return created(checkRunJson(m, cr));
};

function findRun(ctx: HandlerContext): CheckRunRecord {
  const repo = repoOf(ctx);
  const id = mustNum(ctx, "check_run_id");
  const cr = ctx.model.state.checkRuns.find((c) => c.id === id && c.repo === repo.fullName);
  if (!cr) throw notFound();
  return cr;
}

const updateCheckRun: Handler = async (ctx) => {
  const cr = findRun(ctx);
  if (cr.appId !== actingAppId(ctx)) {
    ctx.problem(`updated check run ${cr.id} (${cr.name}) made by app ${cr.appId}, not by the calling app (GitHub answers 403)`);
    throw new HttpError(403, "Invalid app_id: only the app that created a check run may update it");
  }
  const body = bodyOf<CheckRunBody>(ctx);
  apply(ctx, cr, body);
  cr.history.push({ at: ctx.model.now(), method: "update", request: structuredClone(body) as unknown as Record<string, unknown> });
  return ok(checkRunJson(ctx.model, cr));
};

const getCheckRun: Handler = async (ctx) => ok(checkRunJson(ctx.model, findRun(ctx)));

const listAnnotations: Handler = async (ctx) => {
  const cr = findRun(ctx);
  return ok(
    cr.annotations.map((a) => annotationJson(ctx.model, cr, a)),
    {},
  );
};

const listForRef: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const sha = await repo.git.resolveCommit(mustStr(ctx, "ref"));
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${mustStr(ctx, "ref")}`);
  let runs = ctx.model.checkRunsFor(repo.fullName, { sha });
  const name = str(ctx, "check_name");
  const status = str(ctx, "status");
  const appId = ctx.params.app_id;
  if (name !== undefined) runs = runs.filter((r) => r.name === name);
  if (status !== undefined) runs = runs.filter((r) => r.status === status);
  if (typeof appId === "number") runs = runs.filter((r) => r.appId === appId);
  if ((str(ctx, "filter") ?? "latest") === "latest") {
    const latest = new Map<string, CheckRunRecord>();
    for (const r of runs) latest.set(r.name, r);
    runs = [...latest.values()];
  }
  const list = [...runs].reverse().map((r) => checkRunJson(ctx.model, r));
  return ok({ total_count: list.length, check_runs: list }, { key: "check_runs" });
};

const createStatus: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const given = mustStr(ctx, "sha");
  const sha = /^[0-9a-f]{40}$/.test(given) ? await repo.git.revParse(given, "commit") : undefined;
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${given}`);
  const body = bodyOf<{ state: StatusRecord["state"]; target_url?: string | null; description?: string | null; context?: string }>(ctx);
  const status: StatusRecord = {
    id: m.nextId("status"),
    repo: repo.fullName,
    sha,
    state: body.state,
    context: body.context ?? "default",
    description: body.description ?? null,
    targetUrl: body.target_url ?? null,
    creator: actor(ctx),
    createdAt: m.now(),
  };
  m.state.statuses.push(status);
  return created(statusJson(m, status));
};

/** The latest status per context, newest first. */
export function latestStatuses(all: readonly StatusRecord[]): StatusRecord[] {
  const latest = new Map<string, StatusRecord>();
  for (const s of all) latest.set(s.context, s);
  return [...latest.values()].reverse();
}

const combinedStatus: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const m = ctx.model;
  const sha = await repo.git.resolveCommit(mustStr(ctx, "ref"));
  if (!sha) throw new HttpError(404, `No commit found for SHA: ${mustStr(ctx, "ref")}`);
  const statuses = latestStatuses(m.statusesOn(repo.fullName, sha));
  const state = statuses.some((s) => s.state === "error" || s.state === "failure")
    ? "failure"
    : statuses.length === 0 || statuses.some((s) => s.state === "pending")
      ? "pending"
      : "success";
  const { permissions: _p, ...minimal } = { ...repoJson(m, repo), permissions: undefined };
  return ok({
    state,
    statuses: statuses.map((s) => {
      const { creator: _c, ...simple } = statusJson(m, s);
      return simple;
    }),
    sha,
    total_count: statuses.length,
    repository: minimal,
    commit_url: `${repoApi(m, repo)}/commits/${sha}`,
    url: `${repoApi(m, repo)}/commits/${sha}/status`,
  });
};

/** Handlers by contract key. */
export const checkHandlers: Readonly<Record<string, Handler>> = {
  "POST /repos/{owner}/{repo}/check-runs": createCheckRun,
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": updateCheckRun,
  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}": getCheckRun,
  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations": listAnnotations,
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": listForRef,
  "POST /repos/{owner}/{repo}/statuses/{sha}": createStatus,
  "GET /repos/{owner}/{repo}/commits/{ref}/status": combinedStatus,
};
