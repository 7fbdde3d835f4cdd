/**
 * The portal's default signals reader (no `Deps.portal.signals` given): the component page reads
 * each environment's signals for the release its GitOps history says runs there, through the
 * report `ferry signals` shares (flows/signals/release-report.ts). The bundled example declares no
 * Prometheus, so the page says, per signal, that nothing is observed and why: never a pass, and
 * not "no signals reader is configured" any more.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT, startPortalScene, type PortalScene } from "./scene.js";

let scene: PortalScene;

beforeAll(async () => {
  scene = await startPortalScene();
}, 240_000);

afterAll(async () => {
  await scene?.close();
});

/** Signs in through the OAuth web flow without a browser; returns the session cookie. */
async function signIn(login: string): Promise<string> {
  const start = await fetch(`${scene.origin}/ferry/login`, { redirect: "manual" });
  const stateCookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
  scene.fake.oauth.signInAs(login);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  expect(new URL(start.headers.get("location")!).searchParams.get("client_id")).toBe(CLIENT.clientId);
  const callback = await fetch(authorize.headers.get("location")!, { redirect: "manual", headers: { cookie: stateCookie } });
  expect(callback.status).toBe(303);
  return callback.headers
    .getSetCookie()
    .find((c) => c.startsWith("ferry_session="))!
    .split(";")[0]!;
}

describe("the portal's default signals reader", () => {
  it("reads the dev release's signals from the GitOps history and the platform, and says why nothing is observed", async () => {
    scene.fake.setPermission("acme/payments", "dave", "read");
    const cookie = await signIn("dave");
    const res = await fetch(`${scene.origin}/ferry/components/payments/payments-api`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    const release = scene.devReleases.get("payments/payments-api");
    expect(release).toBeDefined();
    expect(page).not.toContain("no signals reader is configured");
    expect(page).toContain(`<strong class="verdict not-observed">not observed</strong> for <code>${release!}</code>`);
    expect(page).toContain("environment dev names no cluster.prometheus: nothing is observed");
  });
});
