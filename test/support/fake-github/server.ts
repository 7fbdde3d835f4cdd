/**
 * The fake GitHub REST API server. Every request goes through the same pipeline:
 *
 * 1. match method and path to an operation of `contracts/github-rest.json` (unmatched → 404);
 * 2. authenticate: app JWT on app endpoints, an issued installation token elsewhere, the token's
 *    installation must cover the repository or organisation, and hold the needed permission when
 *    the test gave explicit permissions;
 * 3. validate path and query parameters and the JSON body against the contract (→ 422);
 * 4. run the operation's handler (or a test's override) against the in-memory state and git;
 * 5. complete the response from the contract schema, paginate lists, and validate the response
 *    against the schema of its status (a response that breaks the contract becomes a 500).
 *
 * Every problem in steps 1–3 and 5 is recorded in `violations`; tests call
 * `assertNoViolations()` in `afterEach`.
 */
import { createHash } from "node:crypto";
import { FakeOAuth } from "./oauth.js";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { APP_AUTH_OPERATIONS, checkJwt, missingPermission, readCredentials } from "./auth.js";
import { ContractIndex, type Route } from "./contract.js";
import { complete } from "./fill.js";
import { appHandlers } from "./handlers/app.js";
import { checkHandlers } from "./handlers/checks.js";
import { deploymentHandlers } from "./handlers/deployments.js";
import { issueHandlers } from "./handlers/issues.js";
import { orgHandlers } from "./handlers/orgs.js";
import { userHandlers } from "./handlers/users.js";
import { pullHandlers } from "./handlers/pulls.js";
import { repoHandlers } from "./handlers/repos.js";
import type { Caller, Handler, HandlerContext, HandlerResult } from "./handlers/types.js";
import { GitHubModel, HttpError, type ModelOptions, type RepoRecord } from "./model.js";

/** Every operation handler of the fake, by contract key. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...appHandlers,
  ...repoHandlers,
  ...checkHandlers,
  ...issueHandlers,
  ...pullHandlers,
  ...deploymentHandlers,
  ...orgHandlers,
  ...userHandlers,
};

/** What kind of rule a request or response broke. */
export type ViolationKind = "unmatched" | "auth" | "permission" | "request" | "response" | "handler" | "hook" | "misuse";

/** One broken rule. */
export interface Violation {
  readonly kind: ViolationKind;
  readonly method: string;
  /** Path and query as requested. */
  readonly url: string;
  /** Contract key, when the request matched one. */
  readonly operation: string | undefined;
  readonly message: string;
  readonly details: readonly string[];
}

/** One request the fake answered. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly operation: string | undefined;
  /** 304 when a conditional GET found the resource unchanged. */
  readonly status: number;
  /** Whether the request was conditional (carried `If-None-Match` or `If-Modified-Since`). */
  readonly conditional: boolean;
  readonly requestBody: unknown;
  readonly responseBody: unknown;
  readonly installationId: number | undefined;
}

/** Replaces (or, returning `undefined`, passes on to) the handler of an operation. */
export type Override = (ctx: HandlerContext) => Promise<HandlerResult | undefined> | HandlerResult | undefined;

/** Options of {@link FakeGitHub.start}. */
export interface FakeGitHubOptions extends ModelOptions {
  /** A loaded contract to share between fakes. @default ContractIndex.load() */
  readonly contract?: ContractIndex;
  /** Milliseconds every API call waits before it is answered (a slow GitHub). @default 0 */
  readonly latencyMs?: number;
  /** Failures injected into installation requests (a flaky, busy GitHub). @default none */
  readonly faults?: Faults;
}

/**
 * Failures the fake answers with instead of running an installation request (app-JWT requests
 * are never failed): each request draws once from a seeded generator, so a run is repeatable.
 */
export interface Faults {
  /** Share of requests answered 502/503 (nothing done). @default 0 */
  readonly serverErrorRate?: number;
  /** Share of requests answered 403 "secondary rate limit" with `retry-after` (nothing done). @default 0 */
  readonly secondaryRateLimitRate?: number;
  /** The `retry-after` of a secondary rate limit, in seconds. @default 1 */
  readonly retryAfterSeconds?: number;
  /** Seed of the generator. @default 1 */
  readonly seed?: number;
}

/** How many failures the fake injected, by kind. */
export interface InjectedFaults {
  serverErrors: number;
  secondaryRateLimits: number;
}

/** A small seeded generator (mulberry32): the same seed draws the same sequence. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** GitHub Enterprise Server serves the REST API under this prefix; the fake answers with and without it. */
const GHES_PREFIX = "/api/v3";

const DOCS = "https://docs.github.com/rest";

function errorBody(message: string, errors?: readonly unknown[]): Record<string, unknown> {
  return { message, documentation_url: DOCS, ...(errors && errors.length > 0 ? { errors } : {}) };
}

function json(status: number, body: Record<string, unknown>): HandlerResult {
  return { status, body };
}

function readQuery(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function acceptProblem(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  const bad = accept
    .split(",")
    .map((t) => t.trim().split(";")[0]?.trim() ?? "")
    .filter((t) => t !== "" && t !== "*/*" && !/json$/.test(t) && t !== "application/vnd.github.object");
  return bad.length > 0 ? `media type ${bad.join(", ")} is not covered by the contract (only JSON responses are)` : undefined;
}

/** GitHub's kind of entity tag for a JSON body: weak, a hash of the body as sent. */
export function entityTag(body: unknown): string {
  return `W/"${createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 40)}"`;
}

/** Whether an `If-None-Match` list (or `*`) names `etag`, compared weakly (RFC 9110 13.1.2). */
export function matchesEntityTag(ifNoneMatch: string, etag: string): boolean {
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag));
}

/** A test failure listing violations. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map(
      (v, i) =>
        `${i + 1}. [${v.kind}] ${v.method} ${v.url}${v.operation ? ` (${v.operation})` : ""}: ${v.message}${v.details.map((d) => `\n     - ${d}`).join("")}`,
    )
    .join("\n");
}

/**
 * A fake GitHub REST API on 127.0.0.1 with a random port, strict about the contract.
 *
 * ```ts
 * const fake = await FakeGitHub.start();
 * const inst = fake.addInstallation({ account: "acme" });
 * await fake.addRepo({ owner: "acme", name: "app", files: { ".ferry/api.yaml": "..." } });
 * const octokit = new Octokit({ baseUrl: fake.url, auth: fake.issueToken(inst.id).token });
 * afterEach(() => fake.assertNoViolations());
 * afterAll(() => fake.close());
 * ```
 */
export class FakeGitHub extends GitHubModel {
  readonly contract: ContractIndex;
  /** Everything that broke the contract or the rules, in order. */
  readonly violations: Violation[] = [];
  /** Every request answered, in order. */
  readonly requests: RequestLogEntry[] = [];
  readonly #server: Server;
  readonly #overrides = new Map<string, Override[]>();
  readonly #pending = new Set<Promise<void>>();
  #requestCount = 0;
  #latencyMs = 0;
  #faults: Required<Faults> = { serverErrorRate: 0, secondaryRateLimitRate: 0, retryAfterSeconds: 1, seed: 1 };
  #draw: () => number = seeded(1);
  /** Failures injected so far ({@link setFaults}). */
  readonly injected: InjectedFaults = { serverErrors: 0, secondaryRateLimits: 0 };
  /** GitHub's OAuth web flow on the fake's web host (outside the REST contract; oauth.ts). */
  readonly oauth: FakeOAuth = new FakeOAuth(this);

  private constructor(options: FakeGitHubOptions) {
    super(options);
    this.contract = options.contract ?? ContractIndex.load();
    this.setLatency(options.latencyMs ?? 0);
    this.setFaults(options.faults ?? {});
    this.#server = createServer((req, res) => {
      void this.#serve(req, res);
    });
  }

  /** Starts a fake on 127.0.0.1 (random port). */
  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once("error", reject);
      fake.#server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = fake.#server.address() as AddressInfo;
    fake.setApiUrl(`http://127.0.0.1:${port}`);
    return fake;
  }

  /** Base URL to give Octokit (`baseUrl`) or Probot (`baseUrl` option). */
  get url(): string {
    return this.apiUrl;
  }

  /**
   * Answers an operation with `fn` instead of the built-in handler while registered (the result
   * is still completed and validated, so this is also how a test makes the fake send a response
   * that breaks the contract). `fn` returning `undefined` falls through. Returns a remover.
   */
  override(operation: string, fn: Override): () => void {
    if (!this.contract.contract.operations[operation]) throw new Error(`no operation "${operation}" in the contract`);
    const list = this.#overrides.get(operation) ?? [];
    list.push(fn);
    this.#overrides.set(operation, list);
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Makes every API call from now on wait `ms` milliseconds before it is answered (0: none). */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of milliseconds, got ${ms}`);
    this.#latencyMs = ms;
  }

  /** Injects failures into installation requests from now on (`{}`: none); see {@link Faults}. */
  setFaults(faults: Faults): void {
    const full = { serverErrorRate: 0, secondaryRateLimitRate: 0, retryAfterSeconds: 1, seed: 1, ...faults };
    for (const key of ["serverErrorRate", "secondaryRateLimitRate"] as const) {
      const rate = full[key];
      if (!(rate >= 0 && rate <= 1)) throw new Error(`${key} must be between 0 and 1, got ${rate}`);
    }
    if (!Number.isInteger(full.retryAfterSeconds) || full.retryAfterSeconds < 0)
      throw new Error(`retryAfterSeconds must be a whole number, got ${full.retryAfterSeconds}`);
    this.#faults = full;
    this.#draw = seeded(full.seed);
  }

  /** The failure to answer an installation request with, if the draw says so. */
  #fault(header: string | undefined): HandlerResult | undefined {
    const { serverErrorRate, secondaryRateLimitRate, retryAfterSeconds } = this.#faults;
    if (serverErrorRate === 0 && secondaryRateLimitRate === 0) return undefined;
    if (readCredentials(header).kind !== "token") return undefined;
    const draw = this.#draw();
    if (draw < serverErrorRate) {
      this.injected.serverErrors += 1;
      return json(draw < serverErrorRate / 2 ? 502 : 503, errorBody("Server Error (injected by the fake)"));
    }
    if (draw < serverErrorRate + secondaryRateLimitRate) {
      this.injected.secondaryRateLimits += 1;
      return {
        status: 403,
        headers: { "retry-after": String(retryAfterSeconds) },
        body: errorBody("You have exceeded a secondary rate limit. Please wait a few minutes before you try again (injected by the fake)."),
      };
    }
    return undefined;
  }

  /** Throws an Error listing every violation so far (call it in `afterEach`). */
  assertNoViolations(): void {
    if (this.violations.length > 0) {
      throw new Error(`fake GitHub recorded ${this.violations.length} violation(s):\n${formatViolations(this.violations)}`);
    }
  }

  /** Forgets violations (after a test that provoked them on purpose has checked them). */
  clearViolations(): void {
    this.violations.length = 0;
  }

  /** Requests to one operation (`"POST /repos/{owner}/{repo}/check-runs"`). */
  requestsTo(operation: string): RequestLogEntry[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  /** Waits until work scheduled after responses (merge listeners) has finished. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Stops the server, waits for pending hooks, and removes the repositories the fake created. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    await this.settled();
    await this.removeOwnRepositories();
  }

  #violate(kind: ViolationKind, req: { method: string; url: string; operation?: string | undefined }, message: string, details: readonly string[] = []): void {
    this.violations.push({ kind, method: req.method, url: req.url, operation: req.operation, message, details });
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const url = new URL(rawUrl, this.apiUrl);
    if (url.pathname.startsWith(`${GHES_PREFIX}/`)) url.pathname = url.pathname.slice(GHES_PREFIX.length);
    if (url.pathname.startsWith("/login/oauth/")) {
      if (await this.oauth.serve(req, res, url, await readBody(req))) return;
    }
    const query = readQuery(url);
    const where = { method, url: rawUrl, operation: undefined as string | undefined };
    let requestBody: unknown;
    let installationId: number | undefined;
    let result: HandlerResult;
    try {
      const raw = await readBody(req);
      if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
      const fault = this.#fault(req.headers.authorization);
      if (fault) {
        result = fault;
      } else {
        const outcome = await this.#process(req, method, url, query, raw, where);
        result = outcome.result;
        requestBody = outcome.body;
        installationId = outcome.installationId;
      }
    } catch (error) {
      this.#violate("handler", where, `the fake failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      result = json(500, errorBody("fake GitHub failed; see violations"));
    }
    this.#requestCount += 1;
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `FAKE:${String(this.#requestCount).padStart(6, "0")}`,
      "x-ratelimit-limit": "5000",
      // Never near zero: a throttling client would otherwise wait for the reset, an hour away.
      "x-ratelimit-remaining": String(5000 - Math.min(this.#requestCount, 4000)),
      "x-ratelimit-used": String(this.#requestCount),
      "x-ratelimit-reset": String(Math.floor(this.nowDate().getTime() / 1000) + 3600),
      "x-ratelimit-resource": "core",
      ...result.headers,
    };
    const payload = result.body === undefined ? "" : JSON.stringify(result.body);
    if (result.body === undefined) delete headers["content-type"];
    res.writeHead(result.status, headers);
    res.end(payload);
    this.requests.push({
      method,
      path: url.pathname,
      query,
      operation: where.operation,
      status: result.status,
      conditional: req.headers["if-none-match"] !== undefined || req.headers["if-modified-since"] !== undefined,
      requestBody,
      responseBody: result.body,
      installationId,
    });
  }

  async #process(
    req: IncomingMessage,
    method: string,
    url: URL,
    query: Record<string, string | string[]>,
    raw: Buffer,
    where: { method: string; url: string; operation: string | undefined },
  ): Promise<{ result: HandlerResult; body: unknown; installationId: number | undefined }> {
    const fail = (kind: ViolationKind, status: number, message: string, details: readonly string[] = [], errors?: readonly unknown[]) => {
      this.#violate(kind, where, message, details);
      return { result: json(status, errorBody(message, errors)), body: undefined, installationId: undefined };
    };
    const match = this.contract.match(method, url.pathname);
    if (match.kind === "no-path") return fail("unmatched", 404, `no operation in the contract matches ${method} ${url.pathname}`);
    if (match.kind === "no-method") {
      return fail("unmatched", 404, `${url.pathname} exists in the contract only for ${match.allowed.join(", ")}, not ${method}`);
    }
    const { route, pathParams } = match;
    where.operation = route.key;

    // Body
    let body: unknown;
    if (raw.length > 0) {
      const type = req.headers["content-type"] ?? "";
      if (!/json/i.test(type)) return fail("request", 400, `request body must be JSON, got content-type "${type}"`);
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return fail("request", 400, "Problems parsing JSON");
      }
    }
    const mediaProblem = acceptProblem(req.headers.accept);
    if (mediaProblem) return fail("request", 400, mediaProblem);

    // Authentication
    const auth = this.#authenticate(route, req.headers.authorization);
    if ("error" in auth) return fail(auth.kind, auth.status, auth.error);
    const caller = auth.caller;
    const installationId = caller.kind === "installation" ? caller.installation.id : undefined;

    // Parameters and body
    const params = this.contract.checkParams(route, pathParams, query);
    const bodyErrors = this.contract.checkBody(route, body);
    if (params.errors.length > 0 || bodyErrors.length > 0) {
      const details = [...params.errors, ...bodyErrors];
      const out = fail(
        "request",
        422,
        "Validation Failed: the request does not match the contract",
        details,
        details.map((d) => ({ code: "invalid", message: d })),
      );
      return { ...out, body, installationId };
    }

    // Repository and organisation scope
    let repo: RepoRecord | undefined;
    const owner = params.value.owner;
    const name = params.value.repo;
    if (typeof owner === "string" && typeof name === "string") {
      repo = this.repo(`${owner}/${name}`);
      if (!repo) return { result: json(404, errorBody("Not Found")), body, installationId };
      if (caller.kind === "user") {
        const denied = this.#personDenied(route, repo, caller.login);
        if (denied) {
          const out = denied.status === 404 ? { result: json(404, errorBody("Not Found")) } : fail("permission", denied.status, denied.message);
          return { ...out, body, installationId };
        }
      }
      if (caller.kind === "installation" && !this.covers(caller.installation, repo, caller.token)) {
        const out = fail("auth", 404, `installation ${caller.installation.id} (${caller.installation.account}) cannot see ${repo.fullName}`);
        return { ...out, body, installationId };
      }
    }
    const org = params.value.org;
    if (typeof org === "string" && caller.kind === "installation" && caller.installation.account.toLowerCase() !== org.toLowerCase()) {
      const out = fail("auth", 404, `installation ${caller.installation.id} (${caller.installation.account}) cannot see organisation ${org}`);
      return { ...out, body, installationId };
    }
    if (caller.kind === "installation" && caller.installation.enforcePermissions) {
      const missing = missingPermission(route.key, caller.token.permissions);
      if (missing) {
        const out = fail("permission", 403, "Resource not accessible by integration", [missing]);
        return { ...out, body, installationId };
      }
    }

    // Handler
    const ctx: HandlerContext = {
      model: this,
      key: route.key,
      params: params.value,
      body,
      caller,
      repo,
      problem: (message) => this.#violate("misuse", where, message),
      after: (fn) => {
        const p = (async () => {
          await new Promise((r) => setImmediate(r));
          try {
            await fn();
          } catch (error) {
            this.#violate("hook", where, `a hook after ${route.key} failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        })();
        this.#pending.add(p);
        void p.finally(() => this.#pending.delete(p));
      },
    };
    let result: HandlerResult | undefined;
    for (const fn of this.#overrides.get(route.key) ?? []) {
      result = await fn(ctx);
      if (result) break;
    }
    if (!result) {
      const handler = HANDLERS[route.key];
      if (!handler) {
        const out = fail("handler", 400, `the fake has no handler for ${route.key}`);
        return { ...out, body, installationId };
      }
      try {
        result = await handler(ctx);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        result = json(error.status, errorBody(error.message, error.errors));
      }
    }
    result = this.#paginate(result, url, params.value);
    const finished = this.#finish(route, result, where);
    return { result: this.#conditional(route, finished, req.headers["if-none-match"], where), body, installationId };
  }

  /**
   * Conditional GETs as GitHub answers them: a 200 carries a weak `ETag` (a hash of its body);
   * when the request's `If-None-Match` names it, the answer is a 304 without a body instead.
   */
  #conditional(
    route: Route,
    result: HandlerResult,
    ifNoneMatch: string | undefined,
    where: { method: string; url: string; operation: string | undefined },
  ): HandlerResult {
    if (route.method !== "GET" || result.status !== 200 || result.body === undefined) return result;
    const etag = entityTag(result.body);
    const headers = { ...result.headers, etag };
    if (!ifNoneMatch || !matchesEntityTag(ifNoneMatch, etag)) return { ...result, headers };
    const errors = this.contract.checkResponse(route, 304, undefined);
    if (errors.length > 0) {
      this.#violate("response", where, "the fake's 304 response breaks the contract", errors);
      return json(500, errorBody(`fake GitHub produced a response that breaks the contract for ${route.key}; see violations`));
    }
    return { status: 304, headers };
  }

  /**
   * What GitHub answers a person who may not do this on a repository: 404 when they cannot read it
   * (GitHub hides private repositories), 403 for a write below the `write` role (a misuse: Ferry
   * checks a person's permission before it acts for them). Comments need only read.
   */
  #personDenied(route: Route, repo: RepoRecord, login: string): { status: number; message: string } | undefined {
    const role = this.roleOf(repo, login);
    if (role === "none") return { status: 404, message: "Not Found" };
    if (route.method === "GET") return undefined;
    const commentOnly = /\/comments(\/\{comment_id\}(\/reactions)?)?$/.test(route.template);
    const rank = ["read", "triage", "write", "maintain", "admin"].indexOf(role);
    if (commentOnly || rank >= 2) return undefined;
    return { status: 403, message: `${login} has ${role} on ${repo.fullName}; ${route.key} needs write` };
  }

  #authenticate(route: Route, header: string | undefined): { caller: Caller } | { error: string; kind: ViolationKind; status: number } {
    const creds = readCredentials(header);
    if (creds.kind === "none") return { error: "Requires authentication", kind: "auth", status: 401 };
    if (APP_AUTH_OPERATIONS.has(route.key)) {
      if (creds.kind !== "jwt")
        return { error: `${route.key} needs an app JWT (Authorization: Bearer <jwt>), not an installation token`, kind: "auth", status: 401 };
      const problem = checkJwt(creds.jwt, this.app.id, this.app.publicKey);
      return problem ? { error: `A JSON web token could not be decoded: ${problem}`, kind: "auth", status: 401 } : { caller: { kind: "app" } };
    }
    if (creds.kind === "jwt") return { error: `${route.key} needs an installation token, not the app JWT`, kind: "auth", status: 401 };
    const person = this.state.userTokens.get(creds.token);
    if (person !== undefined) return { caller: { kind: "user", login: person, token: creds.token } };
    const token = this.state.tokens.get(creds.token);
    if (!token) return { error: "Bad credentials (unknown installation token)", kind: "auth", status: 401 };
    const installation = this.state.installations.get(token.installationId);
    if (!installation) return { error: "Bad credentials (the installation is gone)", kind: "auth", status: 401 };
    if (installation.suspended) return { error: "This installation has been suspended", kind: "auth", status: 403 };
    return { caller: { kind: "installation", installation, token } };
  }

  #paginate(result: HandlerResult, url: URL, params: Readonly<Record<string, unknown>>): HandlerResult {
    if (!result.paginate || result.status >= 300) return result;
    const perPage = Math.min(100, Math.max(1, Number(params.per_page ?? 30)));
    const page = Math.max(1, Number(params.page ?? 1));
    const key = result.paginate.key;
    const container = key ? (result.body as Record<string, unknown>) : undefined;
    const items = (key ? container?.[key] : result.body) as unknown[];
    if (!Array.isArray(items)) return result;
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string): string => {
      const u = new URL(url.toString());
      u.searchParams.set("per_page", String(perPage));
      u.searchParams.set("page", String(p));
      return `<${this.apiUrl}${u.pathname}${u.search}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, "prev"), link(1, "first"));
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    const headers = links.length > 0 ? { ...result.headers, link: links.join(", ") } : { ...result.headers };
    return { status: result.status, headers, body: key ? { ...container, [key]: slice } : slice };
  }

  #finish(route: Route, result: HandlerResult, where: { method: string; url: string; operation: string | undefined }): HandlerResult {
    const spec = this.contract.responseSpec(route, result.status);
    let body = result.body;
    if (spec?.schema && body !== undefined) body = complete(spec.schema, body, { now: this.now(), apiUrl: this.apiUrl });
    const errors = this.contract.checkResponse(route, result.status, body);
    if (errors.length > 0) {
      this.#violate("response", where, `the fake's ${result.status} response breaks the contract`, errors);
      return json(500, errorBody(`fake GitHub produced a response that breaks the contract for ${route.key}; see violations`));
    }
    return { ...result, body };
  }
}
