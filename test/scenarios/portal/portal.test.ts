/**
 * The portal end to end: the app with the bundled example, the fake GitHub (OAuth web flow
 * included), real git and the fake Kubernetes API; pages driven in real headless Chromium
 * (playwright-core), each checked with axe-core and saved as a screenshot under test-output/portal/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, seriousViolations } from "../../support/browser/chromium.js";
import { HealthStatus } from "../../../core/status/health.js";
import { startPortalScene, type PortalScene } from "./scene.js";
import type { PortalSignalsRequest } from "../../../portal/ports.js";
import { failingReport } from "../../support/signal-reports.js";
import { podName } from "../../support/fake-kube/index.js";

let scene: PortalScene;
let browser: Browser;
/** What the portal asked its signals reader for. */
const signalRequests: PortalSignalsRequest[] = [];
/** Where checkout-api's report window starts, once its page was read: payments-api's errors rose two minutes before its own. */
let checkoutFrom: number | undefined;

beforeAll(async () => {
  // The signals reader: checkout-api's error ratio jumped after its release landed, and that of
  // payments-api (its upstream) two minutes earlier, read for checkout-api's diagnosis; the rest cannot be read.
  scene = await startPortalScene({
    signals: async (req) => {
      signalRequests.push(req);
      const at = { component: `${req.project}/${req.component}`, environment: req.environment, release: req.release };
      if (req.component === "payments-api" && checkoutFrom !== undefined) return failingReport({ ...at, from: checkoutFrom - 120 });
      if (req.component !== "checkout-api" || !req.landedAt) return undefined;
      checkoutFrom = Math.floor(req.landedAt.getTime() / 1000) - 60;
      return failingReport({ ...at, from: checkoutFrom });
    },
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await scene?.close();
});

/** Signs in through the OAuth web flow without a browser; returns the session cookie. */
async function signInWithoutBrowser(login: string): Promise<string> {
  const start = await fetch(`${scene.origin}/ferry/login`, { redirect: "manual" });
  const stateCookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
  scene.fake.oauth.signInAs(login);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  const callback = await fetch(authorize.headers.get("location")!, { redirect: "manual", headers: { cookie: stateCookie } });
  expect(callback.status).toBe(303);
  const session = callback.headers.getSetCookie().find((c) => c.startsWith("ferry_session="));
  expect(session).toMatch(/HttpOnly/);
  expect(session).toMatch(/SameSite=Lax/);
  return session!.split(";")[0]!;
}

async function signInInBrowser(login: string): Promise<Page> {
  // bypassCSP: the portal's policy forbids inline scripts, and axe-core is injected as one.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  scene.fake.oauth.signInAs(login);
  await page.goto(`${scene.origin}/ferry/`);
  expect(new URL(page.url()).pathname).toBe("/ferry/signin");
  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await page.waitForURL(`${scene.origin}/ferry/`);
  return page;
}

async function checked(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousViolations(page), name).toEqual([]);
}

describe("the portal without a session", () => {
  it("redirects every page to sign-in and shows nothing of the organization", async () => {
    for (const path of ["/ferry/", "/ferry/environments", "/ferry/promotions", "/ferry/components/storefront/checkout-api", "/ferry/nothing-here"]) {
      const res = await fetch(`${scene.origin}${path}`, { redirect: "manual" });
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location"), path).toBe("/ferry/signin");
    }
    const signin = await (await fetch(`${scene.origin}/ferry/signin`)).text();
    expect(signin).toContain("Sign in with GitHub");
    for (const secret of ["storefront", "payments", "checkout-api", "acme"]) expect(signin).not.toContain(secret);
    const before = scene.fake.pullsIn("acme/gitops").length;
    const post = await fetch(`${scene.origin}/ferry/actions/promote`, { method: "POST", redirect: "manual", body: "project=storefront" });
    expect(post.status).toBe(303);
    expect(scene.fake.pullsIn("acme/gitops")).toHaveLength(before);
  });

  it("sends the sign-in to GitHub's web host with the app's client id, and refuses a callback whose state is not its own", async () => {
    const start = await fetch(`${scene.origin}/ferry/login`, { redirect: "manual" });
    const to = new URL(start.headers.get("location")!);
    expect(`${to.origin}${to.pathname}`).toBe(`${scene.fake.url}/login/oauth/authorize`);
    expect(to.searchParams.get("client_id")).toBe("Iv1.portal-test");
    expect(to.searchParams.get("redirect_uri")).toBe(`${scene.origin}/ferry/callback`);
    const forged = await fetch(`${scene.origin}/ferry/callback?code=x&state=${to.searchParams.get("state")}`, { redirect: "manual" });
    expect(forged.status).toBe(400);
    expect(forged.headers.getSetCookie().some((c) => c.startsWith("ferry_session=") && !c.startsWith("ferry_session=;"))).toBe(false);
  });
});

describe("what a person sees", () => {
  it("shows only the projects whose repositories the person can read", async () => {
    scene.fake.setPermission("acme/payments", "carol", "read");
    const cookie = await signInWithoutBrowser("carol");
    const overview = await (await fetch(`${scene.origin}/ferry/`, { headers: { cookie } })).text();
    expect(overview).toContain("payments/payments-api");
    expect(overview).not.toContain("storefront/");
    const hidden = await fetch(`${scene.origin}/ferry/components/storefront/checkout-api`, { headers: { cookie } });
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain("checkout-api");
    const promotions = await (await fetch(`${scene.origin}/ferry/environments`, { headers: { cookie } })).text();
    expect(promotions).not.toContain("storefront/");
    // Signals are read for the component page only, and only for a component the person sees.
    const asked = signalRequests.length;
    const own = await (await fetch(`${scene.origin}/ferry/components/payments/payments-api`, { headers: { cookie } })).text();
    expect(own).toContain('<dt>Signals</dt><dd><span class="NotObserved">not observed</span>: the signals could not be read</dd>');
    expect(signalRequests.slice(asked).map((r) => `${r.project}/${r.component}`)).toEqual(["payments/payments-api"]);
    expect(signalRequests.filter((r) => r.project === "storefront")).toEqual([]);
  });

  it("names no upstream the person cannot see in the likely causes, and reads nothing of it", async () => {
    scene.fake.setPermission("acme/checkout-api", "erin", "read");
    const cookie = await signInWithoutBrowser("erin");
    const asked = signalRequests.length;
    const page = await (await fetch(`${scene.origin}/ferry/components/storefront/checkout-api`, { headers: { cookie } })).text();
    const causes = page.slice(page.indexOf('<div class="causes">'));
    expect(causes).toMatch(/^<div class="causes"><h4>Likely causes<\/h4><ol><li><strong>high<\/strong> \(release \w+\)/);
    expect(causes).not.toContain("payments");
    expect(signalRequests.slice(asked).filter((r) => r.project === "payments")).toEqual([]);
  });

  it("refuses a form without the session's token or from another origin", async () => {
    scene.fake.setPermission("acme/payments", "dave", "admin");
    scene.fake.setPermission("acme/gitops", "dave", "admin");
    const cookie = await signInWithoutBrowser("dave");
    const before = scene.fake.pullsIn("acme/gitops").length;
    const form = "project=payments&component=payments-api&environment=staging&csrf=wrong";
    const headers = { cookie, origin: scene.origin, "content-type": "application/x-www-form-urlencoded" };
    expect((await fetch(`${scene.origin}/ferry/actions/promote`, { method: "POST", headers, body: form })).status).toBe(403);
    const page = await (await fetch(`${scene.origin}/ferry/`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const foreign = { ...headers, origin: "https://evil.example" };
    expect((await fetch(`${scene.origin}/ferry/actions/promote`, { method: "POST", headers: foreign, body: form.replace("wrong", csrf) })).status).toBe(403);
    expect(scene.fake.pullsIn("acme/gitops")).toHaveLength(before);
  });
});

describe("the portal in Chromium", () => {
  it("signs in, shows the example's overview with health from the cluster, and a component page", async () => {
    for (const repo of ["acme/checkout-api", "acme/storefront-web", "acme/jobs", "acme/payments", "acme/gitops"])
      scene.fake.setPermission(repo, "alice", "write");
    // checkout-api's first pod logs its upstream's failures (it is Ready: the log is read for the diagnosis).
    const release = scene.devReleases.get("storefront/checkout-api")!;
    const pod = podName({ project: "storefront", component: "checkout-api", environment: "dev", release }, 0);
    scene.kube.setLogs({
      namespace: "storefront-dev",
      pod,
      container: "main",
      lines: ["listening on :8080", "POST /checkout 502: payments-api refused the charge"],
    });
    const page = await signInInBrowser("alice");
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Overview");
    const row = page.getByRole("row", { name: /storefront\/checkout-api/ });
    const text = await row.innerText();
    expect(text).toContain(scene.devReleases.get("storefront/checkout-api")!);
    expect(text).toMatch(/Healthy\s+2\/2 ready/);
    expect(await page.getByRole("row", { name: /payments\/payments-api/ }).count()).toBe(1);
    await checked(page, "overview");

    // The health filter offers core/status's states, and only those (no "Failed": no component has it).
    expect(await page.locator("#f-health option").allInnerTexts()).toEqual(["Any health", ...HealthStatus.options]);

    await page.goto(`${scene.origin}/ferry/?project=payments`);
    expect(await page.getByRole("row", { name: /storefront\/checkout-api/ }).count()).toBe(0);
    await page.goto(`${scene.origin}/ferry/?health=Healthy`);
    expect(await page.getByRole("row", { name: /storefront\/checkout-api/ }).count()).toBe(1);
    expect(await page.getByRole("row", { name: /payments\/payments-api/ }).count()).toBe(0);

    await page.goto(`${scene.origin}/ferry/`);
    await page.getByRole("link", { name: "storefront/checkout-api" }).click();
    await page.waitForURL(/\/ferry\/components\/storefront\/checkout-api$/);
    const body = await page.locator("main").innerText();
    expect(body).toContain("service");
    expect(body).toMatch(/http\s+HTTP\s+8080/);
    expect(body).toMatch(/per month/);
    expect(await page.locator("svg[role=img] title").first().textContent()).toBe("Dependencies of storefront/checkout-api");
    // dev's signals: the verdict in words and a chart per signal, the release boundary at its landing.
    expect(body).toMatch(/Signals\s+failed for \w+, window/);
    const chart = page.getByRole("img", { name: "errorRate in dev: failed" });
    expect(await chart.count()).toBe(1);
    expect(await chart.locator("line.release-boundary").count()).toBe(1);
    // ... and, the verification having failed, its likely causes: the upstream whose errors rose first, then the release,
    // with errorRate's numbers and the first error line of checkout-api's pod.
    expect(body).toMatch(
      /Likely causes\s+high \(dependency payments\/payments-api\): Upstream payments\/payments-api: its errorRate rose from [\d.]+ to 0\.\d+ at .+, 120s before errorRate of storefront\/checkout-api rose\./,
    );
    expect(body).toMatch(
      /signal: errorRate of payments\/payments-api rose from [\d.]+ \(baseline\) to 0\.\d+ at .+ before release \w+ landed, above its bound/,
    );
    expect(body).toMatch(
      /medium \(release (\w+)\): Release \1, landed at [^:]+:\d\d:\d\d UTC: errorRate rose from [\d.]+ to 0\.\d+ \d+s later, but a dependency rose first/,
    );
    expect(body).toMatch(
      /signal: errorRate of storefront\/checkout-api rose from [\d.]+ \(baseline\) to 0\.\d+ at .+ after release \w+ landed, above its bound/,
    );
    expect(body).toContain(`log: ${pod}/main: POST /checkout 502: payments-api refused the charge`);
    await checked(page, "component");

    await page.getByRole("link", { name: "Environments" }).click();
    await checked(page, "environments");
    await page.getByRole("link", { name: "Promotions" }).click();
    await checked(page, "promotions-empty");
    await page.context().close();
  });

  it("opens the promotion pull request when an allowed person presses Promote", async () => {
    const page = await signInInBrowser("alice");
    await page.goto(`${scene.origin}/ferry/components/storefront/checkout-api`);
    await page.getByRole("button", { name: "Promote to staging" }).click();
    const notice = await page.getByRole("status").innerText();
    expect(notice).toMatch(/storefront\/checkout-api: opened \[#\d+\]/);
    const pr = scene.fake.pullsIn("acme/gitops", "open").find((p) => p.head.ref === "ferry/promote/storefront/checkout-api/staging");
    expect(pr?.state).toBe("open");
    expect(pr?.body).toContain("Requested by @alice");
    await checked(page, "promoted");
    await page.getByRole("link", { name: "Promotions" }).click();
    const row = await page.getByRole("row", { name: /storefront\/checkout-api/ }).innerText();
    expect(row).toContain(`acme/gitops#${pr!.number}`);
    // Each gate's state, as the pull request's Ferry / gates check reports it.
    const check = scene.fake.latestCheckRun("acme/gitops", "Ferry / gates", pr!.head.sha);
    expect(check?.conclusion).toBe("action_required");
    expect(row).toContain("gates: action_required");
    for (const gate of ["policies", "approvals", "source-health", "soak", "window"])
      expect(row).toMatch(new RegExp(`${gate}: (pass|fail|pending|not-observed)`));
    await checked(page, "promotions");
    await page.context().close();
  });

  it("refuses Promote to a read-only person, says why, and changes nothing", async () => {
    for (const repo of ["acme/storefront-web", "acme/gitops"]) scene.fake.setPermission(repo, "rita", "read");
    const before = scene.fake.pullsIn("acme/gitops").length;
    const head = await scene.git.git("acme/gitops", ["rev-parse", "main"]);
    const page = await signInInBrowser("rita");
    await page.goto(`${scene.origin}/ferry/components/storefront/storefront-web`);
    await page.getByRole("button", { name: "Promote to staging" }).click();
    expect(await page.getByRole("status").innerText()).toBe("Refused: @rita has read permission; promote to staging needs write");
    expect(scene.fake.pullsIn("acme/gitops")).toHaveLength(before);
    expect(await scene.git.git("acme/gitops", ["rev-parse", "main"])).toBe(head);
    await checked(page, "refused");
    await page.context().close();
  });
});
