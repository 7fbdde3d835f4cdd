/**
 * The portal's small doors, against the app as a real process (`app/main.ts`) with the fake
 * GitHub's OAuth web flow: a session ends as soon as GitHub rejects its token (a person revoked
 * the app's authorization, or an admin revoked the token), and malformed input (a cookie that does
 * not decode, a path segment that does not decode, a Referer that is no URL) gets a clear answer
 * instead of an empty 500.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppProcess, type AppProcess } from "../../load/app-process.js";
import { SHOP_API, startDevWorld, type World } from "../../load/world.js";
import { signIn } from "../../support/signin.js";

const APP_REPO = SHOP_API;
const CLIENT = { clientId: "Iv1.doors-test", clientSecret: "doors-test-client-secret-0123456789" };

let world: World;
let app: AppProcess;
let origin: string;

beforeAll(async () => {
  world = await startDevWorld();
  world.fake.oauth.addClient(CLIENT);
  for (const login of ["alice", "bob", "carol"]) {
    world.fake.user(login);
    world.fake.setPermission(APP_REPO, login, "write");
  }
  app = await startAppProcess(
    "app",
    world.appEnv({
      FERRY_RECONCILE_INTERVAL: "0",
      GITHUB_CLIENT_ID: CLIENT.clientId,
      GITHUB_CLIENT_SECRET: CLIENT.clientSecret,
      FERRY_SESSION_SECRET: "doors-test-session-secret-0123456789abcdef",
    }),
  );
  origin = `http://127.0.0.1:${app.port}`;
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await world?.close();
});

const get = (path: string, cookie?: string) => fetch(`${origin}${path}`, { redirect: "manual", ...(cookie ? { headers: { cookie } } : {}) });

/** The person tokens GitHub issued to `login` so far. */
const tokensOf = (login: string) => [...world.fake.state.userTokens].filter(([, who]) => who === login).map(([token]) => token);

describe("a portal session whose token GitHub rejects", () => {
  it("ends: the next page redirects to sign-in saying why, clears the cookie, and the session is gone on the server", async () => {
    const alice = await signIn(origin, world.fake, "alice");
    const before = await get("/ferry/", alice.sessionCookie);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain("alice");

    // GitHub revokes alice's token: it answers 401 to it from now on.
    const [token] = tokensOf("alice");
    expect(token).toBeDefined();
    world.fake.state.userTokens.delete(token!);
    const after = await get("/ferry/", alice.sessionCookie);
    expect(after.status).toBe(303);
    const location = new URL(after.headers.get("location")!, origin);
    expect(location.pathname).toBe("/ferry/signin");
    expect(after.headers.getSetCookie().some((c) => c.startsWith("ferry_session=;") && /Max-Age=0/.test(c))).toBe(true);
    const signInPage = await (await get(`${location.pathname}${location.search}`)).text();
    expect(signInPage).toContain("GitHub no longer accepts your sign-in");
    expect(signInPage).not.toContain("shop");

    // The session is gone on the server: even were the token accepted again, the old cookie opens nothing.
    world.fake.state.userTokens.set(token!, "alice");
    for (const path of ["/ferry/", "/ferry/environments", "/ferry/components/shop/api"]) {
      const again = await get(path, alice.sessionCookie);
      expect(again.status, path).toBe(303);
      expect(again.headers.get("location"), path).toBe("/ferry/signin");
    }
  }, 60_000);

  it("ends on a form too: a Promote with a revoked token changes nothing and signs the person out", async () => {
    const bob = await signIn(origin, world.fake, "bob");
    const page = await (await get("/ferry/", bob.sessionCookie)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeDefined();
    for (const token of tokensOf("bob")) world.fake.state.userTokens.delete(token);
    const pullsBefore = world.fake.pullsIn("acme/gitops").length;
    const res = await fetch(`${origin}/ferry/actions/promote`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: bob.sessionCookie, origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf: csrf!, project: "shop", component: "api", environment: "dev" }).toString(),
    });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get("location")!, origin).pathname).toBe("/ferry/signin");
    expect(world.fake.pullsIn("acme/gitops").length).toBe(pullsBefore);
    expect((await get("/ferry/", bob.sessionCookie)).headers.get("location")).toBe("/ferry/signin");
  }, 60_000);
});

describe("malformed input to the portal", () => {
  it("a Cookie header that does not decode (ferry_session=%) gets the sign-in redirect, not an empty 500", async () => {
    for (const cookie of ["ferry_session=%", "ferry_session=%E0%A4%A", "ferry_oauth_state=%; ferry_session=%zz"]) {
      const res = await get("/ferry/", cookie);
      expect(res.status, cookie).toBe(303);
      expect(res.headers.get("location"), cookie).toBe("/ferry/signin");
    }
    // The OAuth callback with a state cookie that does not decode: the sign-in page says why.
    const callback = await get("/ferry/callback?code=abc&state=def", "ferry_oauth_state=%");
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain("could not be verified");
  });

  it("a path or Referer that does not decode gets a clear answer, and the session stays", async () => {
    const carol = await signIn(origin, world.fake, "carol");
    const odd = await get("/ferry/components/%/api", carol.sessionCookie);
    expect(odd.status).toBe(404);
    expect(await odd.text()).toContain("There is nothing here that you can see");
    const form = await fetch(`${origin}/ferry/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: carol.sessionCookie, referer: "not a url", "content-type": "application/x-www-form-urlencoded" },
      body: "csrf=x",
    });
    expect(form.status).toBe(403);
    expect(await form.text()).toContain("the form was not sent from Ferry");
    expect((await get("/ferry/", carol.sessionCookie)).status).toBe(200);
  });
});
