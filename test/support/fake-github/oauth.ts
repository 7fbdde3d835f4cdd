/**
 * GitHub's OAuth web flow, as the fake's web host answers it: `GET /login/oauth/authorize` (a tiny
 * sign-in page, or an immediate redirect for the login a test chose) and `POST
 * /login/oauth/access_token` (the code for a person's token, JSON when asked). These are web
 * endpoints, not REST operations: they are outside the contract check (see README.md).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** An OAuth app the fake knows (a GitHub App's client id and secret). */
export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** What the OAuth endpoints need of the fake. */
export interface OAuthHost {
  /** Issues a person's token (the fake's `issueUserToken`). */
  issueUserToken(login: string): string;
}

interface Grant {
  readonly login: string;
  readonly clientId: string;
  readonly redirectUri: string | undefined;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The OAuth web flow's state: registered clients, the login to approve, the codes handed out. */
export class FakeOAuth {
  readonly #clients = new Map<string, OAuthClient>();
  readonly #codes = new Map<string, Grant>();
  #approve: string | undefined;
  /** Every code exchange, in order (what a test checks). */
  readonly exchanges: { readonly clientId: string; readonly ok: boolean; readonly error?: string }[] = [];

  constructor(private readonly host: OAuthHost) {}

  /** Registers a client id and secret (the GitHub App's). */
  addClient(client: OAuthClient): void {
    this.#clients.set(client.clientId, client);
  }

  /** From now on `GET /login/oauth/authorize` approves at once as `login` (undefined: show the sign-in page). */
  signInAs(login: string | undefined): void {
    this.#approve = login;
  }

  /** Answers the two OAuth paths; false for any other request. */
  async serve(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    const method = (req.method ?? "GET").toUpperCase();
    if (url.pathname === "/login/oauth/authorize") {
      const form = method === "POST" ? new URLSearchParams(body.toString("utf8")) : url.searchParams;
      const clientId = form.get("client_id") ?? "";
      const redirectUri = form.get("redirect_uri") ?? undefined;
      const state = form.get("state") ?? "";
      if (!this.#clients.has(clientId)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("unknown client_id");
        return true;
      }
      const login = method === "POST" ? (form.get("login") ?? "").trim() : this.#approve;
      if (!login) {
        res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(
            `<!doctype html><html lang="en"><head><title>Sign in to the fake GitHub</title></head><body><main><h1>Sign in</h1>` +
              `<form method="post" action="/login/oauth/authorize"><label>Login <input name="login" autocomplete="username"></label>` +
              ["client_id", "redirect_uri", "state"].map((k) => `<input type="hidden" name="${k}" value="${escape(form.get(k) ?? "")}">`).join("") +
              `<button>Authorize</button></form></main></body></html>`,
          );
        return true;
      }
      if (!redirectUri) {
        res.writeHead(400, { "content-type": "text/plain" }).end("redirect_uri is required by the fake");
        return true;
      }
      const code = randomBytes(10).toString("hex");
      this.#codes.set(code, { login, clientId, redirectUri });
      const target = new URL(redirectUri);
      target.searchParams.set("code", code);
      target.searchParams.set("state", state);
      res.writeHead(302, { location: target.toString() }).end();
      return true;
    }
    if (url.pathname === "/login/oauth/access_token" && method === "POST") {
      const type = req.headers["content-type"] ?? "";
      const params: Record<string, string> = type.includes("json")
        ? (JSON.parse(body.toString("utf8") || "{}") as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(body.toString("utf8")));
      const client = this.#clients.get(params.client_id ?? "");
      const grant = this.#codes.get(params.code ?? "");
      let answer: Record<string, string>;
      if (!client || client.clientSecret !== params.client_secret) {
        answer = { error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect." };
      } else if (!grant || grant.clientId !== client.clientId || (params.redirect_uri !== undefined && params.redirect_uri !== grant.redirectUri)) {
        answer = { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." };
      } else {
        this.#codes.delete(params.code ?? "");
        answer = { access_token: this.host.issueUserToken(grant.login), token_type: "bearer", scope: "" };
      }
      this.exchanges.push({ clientId: params.client_id ?? "", ok: !answer.error, ...(answer.error ? { error: answer.error } : {}) });
      const json = (req.headers.accept ?? "").includes("application/json");
      res
        .writeHead(200, { "content-type": json ? "application/json; charset=utf-8" : "application/x-www-form-urlencoded" })
        .end(json ? JSON.stringify(answer) : new URLSearchParams(answer).toString());
      return true;
    }
    return false;
  }
}
