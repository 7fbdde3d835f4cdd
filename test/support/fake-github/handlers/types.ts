/**
 * What an operation handler of the fake receives and returns. The pipeline in `server.ts` has
 * already matched the operation, authenticated the caller, resolved the repository and
 * validated parameters and body against the contract before a handler runs.
 */
import { HttpError, type GitHubModel, type InstallationRecord, type RepoRecord, type TokenRecord } from "../model.js";

/** Who is calling. */
export type Caller =
  | { readonly kind: "app" }
  | { readonly kind: "installation"; readonly installation: InstallationRecord; readonly token: TokenRecord }
  /** A person's token (a GitHub App user-to-server token or a personal access token). */
  | { readonly kind: "user"; readonly login: string; readonly token: string };

/** Input of a handler. */
export interface HandlerContext {
  readonly model: GitHubModel;
  /** Contract key, e.g. `"GET /repos/{owner}/{repo}"`. */
  readonly key: string;
  /** Path and query parameters, coerced to their schema types, defaults applied. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The JSON body (already valid against the contract), or `undefined`. */
  readonly body: unknown;
  readonly caller: Caller;
  /** The repository named by `{owner}/{repo}`, when the path has them. */
  readonly repo: RepoRecord | undefined;
  /** Records a violation without failing the request (the app did something GitHub tolerates but that is surely a bug). */
  readonly problem: (message: string) => void;
  /** Runs after the response is sent (hooks such as `onMerge`). */
  readonly after: (fn: () => Promise<void> | void) => void;
}

/** What a handler answers. */
export interface HandlerResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Paginate the array body (or the array under `key` of an object body, whose `total_count` stays the full count). */
  readonly paginate?: { readonly key?: string };
}

/** An operation handler. */
export type Handler = (ctx: HandlerContext) => Promise<HandlerResult>;

/** The repository of a repository-scoped operation (the pipeline guarantees it). */
export function repoOf(ctx: HandlerContext): RepoRecord {
  if (!ctx.repo) throw new HttpError(404, "Not Found");
  return ctx.repo;
}

/** A string parameter (or `undefined`). */
export function str(ctx: HandlerContext, name: string): string | undefined {
  const v = ctx.params[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** A required string parameter. */
export function mustStr(ctx: HandlerContext, name: string): string {
  const v = str(ctx, name);
  if (v === undefined) throw new HttpError(422, `missing parameter ${name}`);
  return v;
}

/** A number parameter (or `undefined`). */
export function num(ctx: HandlerContext, name: string): number | undefined {
  const v = ctx.params[name];
  return typeof v === "number" ? v : v === undefined ? undefined : Number(v);
}

/** A required number parameter. */
export function mustNum(ctx: HandlerContext, name: string): number {
  const v = num(ctx, name);
  if (v === undefined || Number.isNaN(v)) throw new HttpError(422, `missing parameter ${name}`);
  return v;
}

/** The body as an object (the contract already checked its shape). */
export function bodyOf<T>(ctx: HandlerContext): T {
  return (ctx.body ?? {}) as T;
}

/** Login of whoever acts: the installed app's bot for installation tokens. */
export function actor(ctx: HandlerContext): string {
  if (ctx.caller.kind === "user") return ctx.caller.login;
  return ctx.caller.kind === "installation" ? `${ctx.model.appById(ctx.caller.installation.appId).slug}[bot]` : ctx.model.botLogin;
}

/** The app acting: the installed app for installation tokens; the fake's own app otherwise. */
export function actingAppId(ctx: HandlerContext): number {
  return ctx.caller.kind === "installation" ? ctx.caller.installation.appId : ctx.model.app.id;
}

/** A 404 with GitHub's message. */
export function notFound(what = "Not Found"): HttpError {
  return new HttpError(404, what);
}

/** A 422 "Validation Failed" with one error entry. */
export function invalid(resource: string, field: string, code: string, message?: string): HttpError {
  return new HttpError(422, "Validation Failed", [{ resource, field, code, ...(message ? { message } : {}) }]);
}

/** `200` with a body. */
export function ok(body: unknown, paginate?: HandlerResult["paginate"]): HandlerResult {
  return paginate ? { status: 200, body, paginate } : { status: 200, body };
}

/** `201` with a body. */
export function created(body: unknown): HandlerResult {
  return { status: 201, body };
}
