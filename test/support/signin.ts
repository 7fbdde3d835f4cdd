/**
 * Signing in to the portal without a browser, through the fake GitHub's OAuth web flow: what a
 * browser sends at each step, every value of the flow kept so a test can look for it elsewhere.
 */
import type { FakeGitHub } from "./fake-github/index.js";

/** Everything one sign-in handed around. */
export interface SignIn {
  /** `ferry_session=<value>`: the header a browser sends afterwards. */
  readonly sessionCookie: string;
  /** The session cookie's value alone. */
  readonly session: string;
  /** The OAuth `state` and the value of the state cookie that carried it. */
  readonly state: string;
  readonly stateCookie: string;
  /** The OAuth `code` of the callback. */
  readonly code: string;
  /** `/ferry/callback?code=...&state=...` as the browser asked for it. */
  readonly callbackPath: string;
}

/** Signs in at `origin` (the app's server) as `login`; throws when a step answers unexpectedly. */
export async function signIn(origin: string, fake: FakeGitHub, login: string): Promise<SignIn> {
  const start = await fetch(`${origin}/ferry/login`, { redirect: "manual" });
  if (start.status !== 303) throw new Error(`/ferry/login answered ${start.status}`);
  const stateCookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
  fake.oauth.signInAs(login);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  const callback = new URL(authorize.headers.get("location")!);
  const callbackPath = `${callback.pathname}${callback.search}`;
  const answer = await fetch(`${origin}${callbackPath}`, { redirect: "manual", headers: { cookie: stateCookie } });
  if (answer.status !== 303) throw new Error(`the callback answered ${answer.status}: ${await answer.text()}`);
  const sessionCookie = answer.headers
    .getSetCookie()
    .find((c) => c.startsWith("ferry_session="))!
    .split(";")[0]!;
  return {
    sessionCookie,
    session: decodeURIComponent(sessionCookie.slice("ferry_session=".length)),
    state: callback.searchParams.get("state")!,
    stateCookie: decodeURIComponent(stateCookie.slice(stateCookie.indexOf("=") + 1)),
    code: callback.searchParams.get("code")!,
    callbackPath,
  };
}
