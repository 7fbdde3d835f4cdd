/**
 * Sign-in with GitHub: the OAuth web flow with the GitHub App's client id and secret, on
 * github.com or a GitHub Enterprise Server host (the web host, not the API's `/api/v3`).
 */
import { z } from "zod";

/** The App's OAuth client, and where GitHub's web pages are. */
export interface OAuthSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** `https://github.com` or `https://<GHE_HOST>`. */
  readonly webUrl: string;
}

/** The web URL of GitHub from the REST base URL (`https://api.github.com`, `<proto>://<host>/api/v3`). */
export function webUrlOf(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  return `${url.protocol}//${url.host}`;
}

/** Where the browser goes to sign in. */
export function authorizeUrl(settings: OAuthSettings, redirectUri: string, state: string): string {
  const url = new URL("/login/oauth/authorize", settings.webUrl);
  url.searchParams.set("client_id", settings.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  url.searchParams.set("allow_signup", "false");
  return url.toString();
}

const TokenAnswer = z.union([z.object({ access_token: z.string().min(1) }), z.object({ error: z.string(), error_description: z.string().optional() })]);
type TokenAnswer = z.infer<typeof TokenAnswer>;

/** GitHub refused the code (or the client credentials). */
export class SignInRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "SignInRefused";
  }
}

/** Exchanges the callback's code for the person's token at `/login/oauth/access_token`. */
export async function exchangeCode(settings: OAuthSettings, code: string, redirectUri: string, fetchFn: typeof fetch = fetch): Promise<string> {
  const res = await fetchFn(new URL("/login/oauth/access_token", settings.webUrl), {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({ client_id: settings.clientId, client_secret: settings.clientSecret, code, redirect_uri: redirectUri }),
  });
  if (!res.ok) throw new SignInRefused(`GitHub answered ${res.status} to the code exchange`);
  const answer: TokenAnswer = TokenAnswer.parse(await res.json());
  if ("error" in answer) throw new SignInRefused(answer.error_description ?? answer.error);
  return answer.access_token;
}
