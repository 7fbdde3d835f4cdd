/** App-level operations: the app itself, installations, tokens, rate limit. */
import { appJson, installationJson, repoJson } from "../json.js";
import { HttpError, type HookDeliveryRecord, type PermissionSet } from "../model.js";
import { created, mustNum, mustStr, notFound, num, ok, repoOf, str, type Handler } from "./types.js";

const getApp: Handler = async (ctx) => ok(appJson(ctx.model));

/**
 * The list's schema (in @octokit/openapi 23.0.2) types `account` as simple-user AND enterprise
 * (`allOf`), so the account also carries the enterprise fields (a string `name`, `slug`, dates).
 */
const listInstallations: Handler = async (ctx) =>
  ok(
    ctx.model.appInstallations().map((i) => {
      const json = installationJson(ctx.model, i) as { account: Record<string, unknown> } & Record<string, unknown>;
      const user = ctx.model.user(i.account);
      return { ...json, account: { ...json.account, name: user.name ?? user.login, slug: user.login, created_at: i.createdAt, updated_at: i.createdAt } };
    }),
    {},
  );

const getInstallation: Handler = async (ctx) => {
  const inst = ctx.model.appInstallation(mustNum(ctx, "installation_id"));
  if (!inst) throw notFound();
  return ok(installationJson(ctx.model, inst));
};

const createToken: Handler = async (ctx) => {
  const m = ctx.model;
  const inst = m.appInstallation(mustNum(ctx, "installation_id"));
  if (!inst) throw notFound();
  if (inst.suspended) throw new HttpError(403, "This installation has been suspended");
  const body = (ctx.body ?? {}) as { repositories?: string[]; repository_ids?: number[]; permissions?: PermissionSet };
  const names = [...(body.repositories ?? [])];
  for (const id of body.repository_ids ?? []) {
    const r = [...m.state.repos.values()].find((x) => x.id === id);
    if (!r) throw new HttpError(422, `There is at least one repository that does not exist or is not accessible to the parent installation.`);
    names.push(r.name);
  }
  const repos = names.map((n) => m.repo(n.includes("/") ? n : `${inst.account}/${n}`));
  if (repos.some((r) => !r || !m.covers(inst, r))) {
    throw new HttpError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
  }
  for (const [perm, level] of Object.entries(body.permissions ?? {})) {
    const have = inst.permissions[perm];
    if (!have || (have === "read" && level !== "read")) {
      throw new HttpError(422, `The permissions requested are not granted to this installation: ${perm}:${level}`);
    }
  }
  const token = m.issueToken(inst.id, {
    ...(names.length > 0 ? { repositories: names } : {}),
    ...(body.permissions ? { permissions: body.permissions } : {}),
  });
  const out: Record<string, unknown> = {
    token: token.token,
    expires_at: token.expiresAt,
    permissions: token.permissions,
    repository_selection: names.length > 0 ? "selected" : inst.repositorySelection,
  };
  if (names.length > 0) out.repositories = repos.map((r) => repoJson(m, r as NonNullable<typeof r>));
  return created(out);
};

const repoInstallation: Handler = async (ctx) => {
  const repo = repoOf(ctx);
  const inst = ctx.model.appInstallations().find((i) => ctx.model.covers(i, repo));
  if (!inst) throw notFound();
  return ok(installationJson(ctx.model, inst));
};

const orgInstallation: Handler = async (ctx) => {
  const org = mustStr(ctx, "org").toLowerCase();
  const inst = ctx.model.appInstallations().find((i) => i.account.toLowerCase() === org);
  if (!inst) throw notFound();
  return ok(installationJson(ctx.model, inst));
};

const installationRepositories: Handler = async (ctx) => {
  if (ctx.caller.kind !== "installation") throw new HttpError(403, "This endpoint needs an installation token");
  const { installation, token } = ctx.caller;
  const repos = [...ctx.model.state.repos.values()]
    .filter((r) => ctx.model.covers(installation, r, token))
    .sort((a, b) => a.id - b.id)
    .map((r) => repoJson(ctx.model, r));
  return ok({ total_count: repos.length, repositories: repos, repository_selection: installation.repositorySelection }, { key: "repositories" });
};

const rateLimit: Handler = async (ctx) => {
  const reset = Math.floor(ctx.model.nowDate().getTime() / 1000) + 3600;
  const core = { limit: 5000, used: 0, remaining: 5000, reset };
  return ok({
    resources: { core, search: { limit: 30, used: 0, remaining: 30, reset }, graphql: { ...core } },
    rate: core,
  });
};

const deliveryJson = (d: HookDeliveryRecord) => ({
  id: d.id,
  guid: d.guid,
  delivered_at: d.deliveredAt,
  redelivery: d.redelivery,
  duration: 0.5,
  status: d.status,
  status_code: d.statusCode,
  event: d.event,
  action: d.action,
  installation_id: d.installationId,
  repository_id: d.repositoryId,
});

/** Newest first, as GitHub lists them; `status` filters on success (2xx) or failure. */
const listHookDeliveries: Handler = async (ctx) => {
  const status = str(ctx, "status");
  const listed = [...ctx.model.state.hookDeliveries]
    .filter((d) => status === undefined || (status === "success") === (d.statusCode >= 200 && d.statusCode < 300))
    .sort((a, b) => b.id - a.id)
    .slice(0, Math.min(100, num(ctx, "per_page") ?? 30));
  return ok(listed.map(deliveryJson));
};

/** A redelivery is a new delivery of the same guid; the fake's endpoint answers it at once. */
const redeliver: Handler = async (ctx) => {
  const m = ctx.model;
  const original = m.state.hookDeliveries.find((d) => d.id === mustNum(ctx, "delivery_id"));
  if (!original) throw notFound();
  m.addHookDelivery({
    event: original.event,
    action: original.action,
    guid: original.guid,
    status: "OK",
    statusCode: 200,
    redelivery: true,
    installationId: original.installationId,
    repositoryId: original.repositoryId,
  });
  return { status: 202, headers: {}, body: {} };
};

/** Handlers by contract key. */
export const appHandlers: Readonly<Record<string, Handler>> = {
  "GET /app": getApp,
  "GET /app/installations": listInstallations,
  "GET /app/installations/{installation_id}": getInstallation,
  "POST /app/installations/{installation_id}/access_tokens": createToken,
  "GET /repos/{owner}/{repo}/installation": repoInstallation,
  "GET /orgs/{org}/installation": orgInstallation,
  "GET /installation/repositories": installationRepositories,
  "GET /rate_limit": rateLimit,
  "GET /app/hook/deliveries": listHookDeliveries,
  "POST /app/hook/deliveries/{delivery_id}/attempts": redeliver,
};
