/**
 * The portal's HTTP handler under `/ferry/`, served by the app's own server beside the webhooks
 * (Probot's `addHandler`, like app/endpoints.ts): sign-in with GitHub, the pages, and the
 * Promote / Roll back forms. Without a session every page redirects to the sign-in page, which
 * shows nothing of the organization. Forms are POSTs carrying the session's CSRF token, and are
 * refused when their Origin (or Referer) is not the portal's own.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PORTAL_CSS } from "../presentation/portal/html.js";
import { PORTAL_BASE } from "../presentation/portal/routes.js";
import { componentPage, environmentsPage, notFoundPage, overviewPage, previewsPage, promotionsPage, signInPage } from "../presentation/portal/pages.js";
import { doraPage } from "../presentation/portal/dora.js";
import type { PageContext } from "../presentation/portal/pages.js";
import type { ComponentView, OverviewFilter, SignalsView } from "../presentation/portal/view.js";
import { personOf, RejectedToken } from "../adapters/github/people.js";
import { tokenClient } from "../adapters/github/client.js";
import type { GitHub } from "../adapters/github/types.js";
import type { PortalActions, PortalData, PortalPerson } from "./ports.js";
import type { OAuthSettings } from "./oauth.js";
import { authorizeUrl, exchangeCode, SignInRefused } from "./oauth.js";
import type { Session, SessionStore } from "./session.js";
import { cookie, readCookies, SESSION_COOKIE, STATE_COOKIE } from "./session.js";

/** What the portal handler needs. */
export interface PortalInput {
  readonly oauth: OAuthSettings;
  /** The REST base URL people's clients use. */
  readonly apiBaseUrl: string;
  readonly sessions: SessionStore;
  readonly data: PortalData;
  readonly actions: PortalActions;
  /** `https://ferry.example.com`: the portal's own origin. @default from the request's Host (and X-Forwarded-Proto) */
  readonly publicUrl?: string;
  /** A client acting with a person's token. @default tokenClient */
  readonly personClient?: (token: string) => GitHub;
  /** @default fetch */
  readonly fetch?: typeof fetch;
  readonly logger?: { error(obj: object, msg: string): void };
}

const MAX_FORM = 16 * 1024;

function originOf(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  const forwarded = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]
    ?.trim();
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const proto = forwarded === "https" || encrypted ? "https" : "http";
  return `${proto}://${req.headers.host ?? "localhost"}`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

function html(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): true {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS, ...headers }).end(body);
  return true;
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): true {
  res.writeHead(303, { location, ...SECURITY_HEADERS, ...headers }).end();
  return true;
}

/** What the previews and DORA pages say when the portal has no reader for them. */
const NOT_READ = "This portal does not read them.";

/** Why a session ended before its time. */
const SESSION_ENDED = "GitHub no longer accepts your sign-in (it was revoked or expired). Please sign in again.";

/** A path segment decoded; undecodable (`%`) stays as it is, and matches nothing. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The origin of a URL header (Referer), or undefined when it is not a URL. */
function originOfUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/** Answers a request under the portal's path (true), or leaves it to the next handler (false). */
export type PortalHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The portal under `/ferry/`; leaves every other path to the next handler. */
export function portalHandler(input: PortalInput): PortalHandler {
  const personClient = input.personClient ?? ((token: string) => tokenClient({ token, baseUrl: input.apiBaseUrl }));
  /** The person of a session; `rejected` is set once GitHub answers 401 to their token (revoked or expired). */
  const person = (s: Session, rejected: { value: boolean } = { value: false }): PortalPerson => {
    const octokit = personClient(s.token);
    octokit.hook.error("request", (e) => {
      if ((e as { status?: unknown }).status === 401) rejected.value = true;
      throw e;
    });
    return { login: s.login, octokit };
  };

  /** The component's cells with their release's signals (read for the component page only). */
  const withSignals = async (p: PortalPerson, c: ComponentView): Promise<ComponentView> => {
    const read = input.data.signals?.bind(input.data);
    if (!read) return c;
    const cells = [];
    for (const cell of c.cells) {
      if (!cell.release) {
        cells.push(cell);
        continue;
      }
      const req = {
        project: c.project,
        component: c.component,
        environment: cell.environment,
        release: cell.release,
        ...(cell.since ? { landedAt: cell.since } : {}),
      };
      const signals = await read(p, req).catch((): SignalsView => ({ observed: false, reason: "the signals could not be read" }));
      cells.push({ ...cell, signals });
    }
    return { ...c, cells };
  };

  const page = async (
    res: ServerResponse,
    s: Session,
    path: string,
    query: URLSearchParams,
    rejected: { value: boolean },
    notice?: PageContext["notice"],
  ): Promise<true> => {
    const ctx: PageContext = { csrf: s.csrf, ...(notice ? { notice } : {}) };
    // The previews and DORA pages read only what they show (never the whole snapshot).
    if (path === "/previews") {
      const v = input.data.previews ? await input.data.previews(person(s, rejected)) : { configured: false as const, reason: NOT_READ };
      if (rejected.value) throw new RejectedToken();
      return html(res, 200, previewsPage(s.login, v, ctx));
    }
    if (path === "/dora") {
      const env = query.get("env");
      const v = input.data.dora
        ? await input.data.dora(person(s, rejected), env ? { environment: env } : {})
        : { observed: false as const, reason: NOT_READ, environments: [] };
      if (rejected.value) throw new RejectedToken();
      return html(res, 200, doraPage(s.login, v, ctx));
    }
    const snapshot = await input.data.snapshot(person(s, rejected));
    if (rejected.value) throw new RejectedToken();
    if (path === "/" || path === "") {
      const filter: OverviewFilter = {
        ...(query.get("project") ? { project: query.get("project")! } : {}),
        ...(query.get("health") ? { health: query.get("health")! } : {}),
      };
      return html(res, 200, overviewPage(snapshot, filter, ctx));
    }
    if (path === "/environments") return html(res, 200, environmentsPage(snapshot, ctx));
    if (path === "/promotions") return html(res, 200, promotionsPage(snapshot, ctx));
    const m = /^\/components\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const [project, component] = [decoded(m[1]!), decoded(m[2]!)];
      const c = snapshot.components.find((x) => x.project === project && x.component === component);
      if (c) return html(res, 200, componentPage(snapshot, await withSignals(person(s, rejected), c), ctx));
    }
    return html(res, 404, notFoundPage(s.login, s.csrf));
  };

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://portal.invalid");
    if (url.pathname !== PORTAL_BASE && !url.pathname.startsWith(`${PORTAL_BASE}/`)) return false;
    const path = url.pathname.slice(PORTAL_BASE.length) || "/";
    const method = (req.method ?? "GET").toUpperCase();
    const origin = originOf(req, input.publicUrl);
    const secure = origin.startsWith("https:");
    const cookies = readCookies(req.headers.cookie);
    // Set once GitHub answers 401 to the session's token: the session ends (below).
    const rejected = { value: false };
    let session: Session | undefined;
    try {
      if (path === "/assets/portal.css" && (method === "GET" || method === "HEAD")) {
        res
          .writeHead(200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300", "x-content-type-options": "nosniff" })
          .end(PORTAL_CSS);
        return true;
      }
      if (path === "/signin" && method === "GET") return html(res, 200, signInPage(url.searchParams.get("reason") ?? undefined));
      if (path === "/login" && method === "GET") {
        const state = input.sessions.nonce();
        return redirect(res, authorizeUrl(input.oauth, `${origin}${PORTAL_BASE}/callback`, state), {
          "set-cookie": cookie(STATE_COOKIE, input.sessions.sign(state), { secure, maxAgeSeconds: 600 }),
        });
      }
      if (path === "/callback" && method === "GET") {
        const state = input.sessions.unsign(cookies.get(STATE_COOKIE));
        const code = url.searchParams.get("code");
        const clear = cookie(STATE_COOKIE, "", { secure, maxAgeSeconds: 0 });
        if (!state || state !== url.searchParams.get("state") || !code) {
          return html(res, 400, signInPage("The sign-in could not be verified (its state did not match). Please sign in again."), { "set-cookie": clear });
        }
        try {
          const token = await exchangeCode(input.oauth, code, `${origin}${PORTAL_BASE}/callback`, input.fetch);
          const who = await personOf(personClient(token));
          const session = input.sessions.create(who.login, token);
          return redirect(res, `${PORTAL_BASE}/`, { "set-cookie": [clear, cookie(SESSION_COOKIE, input.sessions.sign(session.id), { secure })] });
        } catch (e) {
          if (e instanceof SignInRefused || e instanceof RejectedToken)
            return html(res, 401, signInPage(`GitHub refused the sign-in: ${e.message}`), { "set-cookie": clear });
          throw e;
        }
      }
      session = input.sessions.get(cookies.get(SESSION_COOKIE));
      if (!session) return redirect(res, `${PORTAL_BASE}/signin`);
      if (method === "POST") {
        const from = req.headers.origin ?? originOfUrl(req.headers.referer);
        if (from !== origin) return html(res, 403, signInPage("Refused: the form was not sent from Ferry's own pages."));
        const form = await readForm(req);
        if (!form || form.get("csrf") !== session.csrf)
          return html(res, 403, signInPage("Refused: the form's token does not belong to your session. Reload the page and try again."));
        if (path === "/logout") {
          input.sessions.delete(session.id);
          return redirect(res, `${PORTAL_BASE}/signin`, { "set-cookie": cookie(SESSION_COOKIE, "", { secure, maxAgeSeconds: 0 }) });
        }
        const action = /^\/actions\/(promote|rollback)$/.exec(path)?.[1] as "promote" | "rollback" | undefined;
        if (action) {
          const breakGlass = action === "promote" ? form.get("breakGlass")?.trim() : undefined;
          const target = {
            project: form.get("project") ?? "",
            component: form.get("component") ?? "",
            environment: form.get("environment") ?? "",
            ...(breakGlass ? { breakGlass } : {}),
          };
          const outcome = await input.actions[action](person(session, rejected), target);
          if (rejected.value) throw new RejectedToken();
          const notice = outcome.ok ? { ok: true, text: outcome.text } : { ok: false, text: `Refused: ${outcome.reason}` };
          const componentPath = `/components/${encodeURIComponent(target.project)}/${encodeURIComponent(target.component)}`;
          return page(res, session, componentPath, new URLSearchParams(), rejected, notice);
        }
        return html(res, 404, notFoundPage(session.login, session.csrf));
      }
      if (method !== "GET" && method !== "HEAD") return html(res, 405, notFoundPage(session.login, session.csrf), { allow: "GET, POST" });
      return await page(res, session, path, url.searchParams, rejected);
    } catch (e) {
      if (session && (rejected.value || e instanceof RejectedToken)) {
        // GitHub no longer accepts the person's token (revoked, expired, the app uninstalled for them): the session ends.
        input.sessions.delete(session.id);
        if (!res.headersSent)
          redirect(res, `${PORTAL_BASE}/signin?reason=${encodeURIComponent(SESSION_ENDED)}`, {
            "set-cookie": cookie(SESSION_COOKIE, "", { secure, maxAgeSeconds: 0 }),
          });
        return true;
      }
      input.logger?.error({ err: e, path }, "portal: the page failed");
      if (!res.headersSent)
        html(
          res,
          500,
          '<!doctype html><html lang="en"><head><title>Error · Ferry</title></head><body><main><h1>Ferry could not build this page</h1><p>See the app\'s log.</p></main></body></html>',
        );
      return true;
    }
  };
}
