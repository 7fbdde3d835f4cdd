/**
 * What the portal shows of the organization to a person who can read little of it, over HTTP with
 * the session cookie the OAuth web flow sets (no browser): the app with the bundled example, the
 * fake GitHub (every repository private), real git for acme/gitops and acme/gitops-prod, and the
 * fake Kubernetes API.
 *
 * The rule is the one the other pages use (a project is shown to whoever can read one of its
 * repositories), applied to the environments: every environment for a person who sees a project,
 * else only those whose GitOps repository they can read, and nothing for a person who can read none.
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

async function get(cookie: string, path: string): Promise<string> {
  const res = await fetch(`${scene.origin}/ferry${path}`, { headers: { cookie }, redirect: "manual" });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** What names the organization's environments, their GitOps repositories and what runs there. */
const ORGANIZATION = ["acme/", "gitops", "Manifests in", "(production)", 'id="e-', "storefront", "payments", "checkout-api"];

describe("the portal's environments for a person who can read little", () => {
  it("shows a person who can read none of the organization's repositories nothing of it: no environment, no GitOps repository", async () => {
    const cookie = await signIn("nora");
    const environments = await get(cookie, "/environments");
    expect(environments).toContain("nothing to show");
    for (const secret of ORGANIZATION) expect(environments, secret).not.toContain(secret);
    for (const env of ["dev", "staging", "prod"]) expect(environments).not.toMatch(new RegExp(`>${env}( \\(production\\))?<`));
    const overview = await get(cookie, "/");
    for (const secret of ORGANIZATION) expect(overview, secret).not.toContain(secret);
    for (const env of ["dev", "staging", "prod"]) expect(overview).not.toContain(`<th scope="col">${env}</th>`);
  });

  it("shows a person who reads only acme/gitops the environments whose manifests go there, and nothing they run", async () => {
    scene.fake.setPermission("acme/gitops", "gus", "read");
    const cookie = await signIn("gus");
    const environments = await get(cookie, "/environments");
    expect(environments).toContain("Manifests in acme/gitops on main");
    expect(environments).toContain('id="e-dev"');
    expect(environments).toContain('id="e-staging"');
    expect(environments).not.toContain('id="e-prod"');
    expect(environments).not.toContain("acme/gitops-prod");
    expect(environments).toContain("Runs nothing you can see.");
    for (const secret of ["storefront", "payments", "checkout-api"]) expect(environments).not.toContain(secret);
  });

  it("shows a person who sees a project every environment its components' cells name", async () => {
    scene.fake.setPermission("acme/payments", "carla", "read");
    const cookie = await signIn("carla");
    const environments = await get(cookie, "/environments");
    for (const env of ["dev", "staging", "prod"]) expect(environments).toContain(`id="e-${env}"`);
    expect(environments).toContain("Manifests in acme/gitops-prod on main");
    expect(environments).toContain("payments/payments-api");
    expect(environments).not.toContain("storefront/");
  });
});
