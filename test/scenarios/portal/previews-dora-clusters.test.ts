/**
 * The portal's previews and DORA pages end to end, and its view of an environment on several
 * clusters. The scene is the bundled example with `previews` (from dev, every pull request
 * touching `.ferry/`): a pull request on acme/storefront-web gets its preview committed under
 * previews/pr-<n>/ of dev's GitOps target by the app; the pages list it (pull request link, age,
 * cost, URL) only to people who can read that repository, and show the dev deployments' DORA
 * figures per project the person sees, with the weekly chart. Each page is checked with axe-core
 * in Chromium. The per-cluster rows are drawn from a snapshot with a two-cluster environment
 * (the example's environments are each on one cluster).
 */
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterSince, type HistoryEntry } from "../../../core/history.js";
import { componentPage, environmentsPage, overviewPage } from "../../../presentation/portal/pages.js";
import type { ComponentView, PortalSnapshot } from "../../../presentation/portal/view.js";
import { launchChromium, screenshot, seriousViolations } from "../../support/browser/chromium.js";
import { waitFor } from "../../support/kube-helpers.js";
import { signIn } from "../../support/signin.js";
import { deliver, payload, type WebhookPayload } from "../../support/webhooks.js";
import { startPortalScene, type PortalScene } from "./scene.js";

let scene: PortalScene;
let browser: Browser;
let pr = 0;

/** The example's previews (from dev, ttl 72h, its preview host), for every pull request rather than labelled ones. */
const everyPullRequest = (text: string) => text.replace("\n    trigger: label\n", "\n    trigger: always\n");

// staging is frozen for the whole run: the component page offers breaking glass there, and only there.
const FREEZES = `
  freezes:
    - environments: [staging]
      from: 2026-01-01T00:00:00Z
      until: 2099-01-01T00:00:00Z
      reason: quarter close
`;

beforeAll(async () => {
  scene = await startPortalScene({ platformYaml: (text) => `${everyPullRequest(text).trimEnd()}\n${FREEZES}` });
  // A pull request on acme/storefront-web changing its .ferry/ file: the app commits its preview.
  const repo = "acme/storefront-web";
  const file = ".ferry/storefront-web.yaml";
  const text = readFileSync(`examples/apps/${repo}/${file}`, "utf8");
  await scene.fake.setBranch(repo, "bigger");
  await scene.fake.commit(repo, { files: { [file]: text.replace("storefront-web:3.12.0", "storefront-web:3.13.0") }, branch: "bigger" });
  const pull = await scene.fake.openPullRequest(repo, { head: "bigger", title: "storefront-web 3.13.0" });
  pr = pull.number;
  const body = payload("pull_request", "opened", {
    repo,
    sha: pull.head.sha,
    before: pull.base.sha,
    branch: "bigger",
    baseBranch: "main",
    number: pr,
    installationId: scene.installationId,
  } as never) as WebhookPayload<"pull_request">;
  const res = await deliver(`${scene.origin}/api/github/webhooks`, "pull_request", body, { secret: scene.secret });
  if (res.status !== 200) throw new Error(`the pull_request delivery answered ${res.status}`);
  await waitFor(
    "the preview is committed",
    async () => (await scene.git.git("acme/gitops", ["ls-tree", "-r", "--name-only", "main"])).includes(`previews/pr-${pr}/`),
    600,
    50,
  );
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await scene?.close();
});

async function get(cookie: string, path: string): Promise<string> {
  const res = await fetch(`${scene.origin}/ferry${path}`, { headers: { cookie }, redirect: "manual" });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The page in Chromium with the session's cookie, checked with axe-core and saved as a screenshot. */
async function accessible(session: string, path: string, name: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await context.addCookies([{ name: "ferry_session", value: encodeURIComponent(session), url: scene.origin }]);
  const page = await context.newPage();
  await page.goto(`${scene.origin}/ferry${path}`);
  expect(new URL(page.url()).pathname).toBe(`/ferry${path.split("?")[0]}`);
  await screenshot(page, name);
  expect(await seriousViolations(page), name).toEqual([]);
  await context.close();
}

describe("the previews page", () => {
  it("lists the preview with its pull request, age, cost and URL to a person who reads the app repository, and not to others", async () => {
    scene.fake.setPermission("acme/storefront-web", "pia", "read");
    const pia = await signIn(scene.origin, scene.fake, "pia");
    const page = await get(pia.sessionCookie, "/previews");
    const row = page.slice(page.indexOf("<tbody>"), page.indexOf("</tbody>"));
    expect(row).toMatch(new RegExp(`<a href="[^"]+/acme/storefront-web/pull/${pr}">acme/storefront-web#${pr}</a>`));
    expect(row).toContain("storefront/storefront-web");
    expect(row).toContain(`storefront-pr-${pr}`);
    // Created moments ago; expires 72 h after the last push; the estimate of its objects; the route's preview host.
    expect(row).toMatch(/<td>0 min \(since <time datetime="[^"]+">/);
    expect(row).toMatch(/EUR \d+\.\d\d per month/);
    expect(row).toContain(`https://pr-${pr}-storefront-web.preview.acme.example`);
    await accessible(pia.session, "/previews", "previews");

    scene.fake.setPermission("acme/payments", "paul", "read");
    const paul = await signIn(scene.origin, scene.fake, "paul");
    const other = await get(paul.sessionCookie, "/previews");
    expect(other).toContain("No preview environment is running in dev for a pull request you can see.");
    expect(other).not.toContain("storefront");
  });
});

describe("the DORA page", () => {
  it("shows the dev deployments' figures per project and component the person sees, with the weekly chart and its table", async () => {
    scene.fake.setPermission("acme/checkout-api", "dora", "read");
    const person = await signIn(scene.origin, scene.fake, "dora");
    const page = await get(person.sessionCookie, "/dora?env=dev");
    expect(page).toContain('<option value="dev" selected>dev</option>');
    expect(page).toContain("<caption>DORA figures of storefront in dev</caption>");
    expect(page).not.toContain("payments");
    // Every storefront component the scene released into dev landed once at least: a deployment each, all this week.
    const landed = [...scene.devReleases.keys()].filter((k) => k.startsWith("storefront/"));
    expect(landed.length).toBeGreaterThan(1);
    const total = Number(/<th scope="row">storefront \(all components\)<\/th><td>(\d+)<\/td>/.exec(page)?.[1]);
    expect(total).toBeGreaterThanOrEqual(landed.length);
    for (const c of landed) expect(page).toMatch(new RegExp(`<a href="/ferry/components/${c}">${c}</a></th><td>[1-9]`));
    const weeks = [...page.matchAll(/<tr><th scope="row">\d{4}-\d\d-\d\d<\/th><td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(weeks).toHaveLength(8);
    expect(weeks.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(weeks[7]).toBe(total);
    expect(page).toMatch(/<svg role="img" aria-labelledby="dora-storefront-t dora-storefront-d"/);
    expect(page).toContain('<title id="dora-storefront-t">Deployments per week of storefront in dev</title>');
    await accessible(person.session, "/dora?env=dev", "dora");

    // A person who sees no project sees no figures and no environment.
    const nobody = await signIn(scene.origin, scene.fake, "nobody");
    const empty = await get(nobody.sessionCookie, "/dora");
    expect(empty).toContain("You cannot read a repository of any project");
    expect(empty).not.toContain("<option");
  });
});

describe("break glass in the portal", () => {
  it("lists the window's break-glass promotions on the DORA page: who, why, component, release, when and the landing commit", async () => {
    // A landing commit in dev's history carrying the trailer, as Ferry writes it when a break-glass promotion merges.
    const before = scene.devReleases.get("storefront/checkout-api")!;
    const release = "b".repeat(before.length);
    const sha = await scene.git.commit("acme/gitops", {
      files: { "environments/dev/storefront/checkout-api/break-glass.txt": "hotfix\n" },
      // Now (the server's fixed default time is years outside the window).
      timestamp: Math.floor(Date.now() / 1000) - 1,
      message: [
        "storefront/checkout-api: promote to dev",
        "",
        "Ferry-Component: storefront/checkout-api",
        "Ferry-Environment: dev",
        `Ferry-Release: ${release}`,
        "Ferry-Break-Glass: mia: why <not> & how",
      ].join("\n"),
    });
    scene.fake.setPermission("acme/checkout-api", "dana", "read");
    const dana = await signIn(scene.origin, scene.fake, "dana");
    const page = await get(dana.sessionCookie, "/dora?env=dev");
    const table = page.slice(
      page.indexOf("<caption>Break-glass promotions of storefront into dev"),
      page.indexOf("</table>", page.indexOf("Break-glass promotions")),
    );
    expect(table).toContain("<caption>Break-glass promotions of storefront into dev through a freeze (1)</caption>");
    const rows = [...table.matchAll(/<tr><td>.*?<\/tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^<tr><td><time datetime="\d{4}-\d\d-\d\dT[^"]+">[^<]+ UTC<\/time><\/td>/);
    expect(rows[0]).toContain('<th scope="row"><a href="/ferry/components/storefront/checkout-api">storefront/checkout-api</a></th>');
    expect(rows[0]).toContain(`<td><code>${release}</code></td><td>@mia</td><td>why &lt;not&gt; &amp; how</td>`);
    // The landing commit, linked on the GitOps repository's GitHub.
    expect(rows[0]).toMatch(new RegExp(`<td><a href="https?://[^"]+/acme/gitops/commit/${sha}">${sha.slice(0, 7)}</a></td></tr>$`));
    await accessible(dana.session, "/dora?env=dev", "dora-break-glass");

    // Another environment's page lists none (the trailer is dev's).
    expect(await get(dana.sessionCookie, "/dora?env=staging")).toContain("No promotion of storefront broke glass on a freeze of staging in this window.");
  });

  it("offers a labelled break-glass reason on Promote only into a frozen environment, and a maintainer's reaches the promotion", async () => {
    expect(scene.devReleases.has("storefront/storefront-web")).toBe(true);
    scene.fake.setPermission("acme/storefront-web", "mia", "maintain");
    const mia = await signIn(scene.origin, scene.fake, "mia");
    const html = await get(mia.sessionCookie, "/components/storefront/storefront-web");
    // staging shows its freeze, and its Promote form carries the field described by its hint; dev and prod carry none.
    expect(html).toMatch(/<dt>Freeze<\/dt><dd>quarter close, until <time datetime="2099-01-01T00:00:00.000Z">/);
    expect([...html.matchAll(/name="breakGlass"/g)]).toHaveLength(1);
    const form = /<form method="post" action="\/ferry\/actions\/promote"[^>]*>((?:(?!<\/form>).)*)<\/form>/g;
    const forms = [...html.matchAll(form)].map((m) => m[1]!);
    const staging = forms.filter((f) => f.includes('name="environment" value="staging"'));
    expect(staging).toHaveLength(1);
    expect(staging[0]).toContain(
      '<label for="break-glass-staging">Break glass (reason)<input type="text" id="break-glass-staging" name="breakGlass" maxlength="200" autocomplete="off" aria-describedby="break-glass-staging-hint"></label>',
    );
    expect(staging[0]).toMatch(/<p id="break-glass-staging-hint" class="hint">[^<]*needs maintain[^<]*recorded/);
    expect(staging[0]).toMatch(/name="csrf" value="[^"]+"/);
    expect(forms.filter((f) => !f.includes('value="staging"')).every((f) => !f.includes("breakGlass"))).toBe(true);

    // In Chromium: the field is found by its label and described by the hint; filled in, Promote opens the pull request breaking glass.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await context.addCookies([{ name: "ferry_session", value: encodeURIComponent(mia.session), url: scene.origin }]);
    const page = await context.newPage();
    await page.goto(`${scene.origin}/ferry/components/storefront/storefront-web`);
    const field = page.getByRole("textbox", { name: "Break glass (reason)" });
    expect(await field.count()).toBe(1);
    const hint = await field.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${hint}"]`).innerText()).toContain("needs maintain");
    expect(await seriousViolations(page), "component-frozen").toEqual([]);
    await field.fill("checkout down: hotfix");
    await page.getByRole("button", { name: "Promote to staging" }).click();
    expect(await page.getByRole("status").innerText()).toMatch(/storefront\/storefront-web: opened \[#\d+\]/);
    await screenshot(page, "component-break-glass");
    await context.close();
    const pr = scene.fake.pullsIn("acme/gitops", "open").find((p) => p.head.ref === "ferry/promote/storefront/storefront-web/staging");
    expect(pr?.body).toContain("Requested by @mia");
    const message = await scene.git.git("acme/gitops", ["log", "-1", "--format=%B", pr!.head.sha]);
    expect(message).toContain("Ferry-Break-Glass: mia: checkout down: hotfix");
  });

  it("refuses a writer's break-glass from the portal, says why, and opens nothing", async () => {
    scene.fake.setPermission("acme/checkout-api", "wes", "write");
    const wes = await signIn(scene.origin, scene.fake, "wes");
    const html = await get(wes.sessionCookie, "/components/storefront/checkout-api");
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const before = scene.fake.pullsIn("acme/gitops").length;
    const res = await fetch(`${scene.origin}/ferry/actions/promote`, {
      method: "POST",
      headers: { cookie: wes.sessionCookie, origin: scene.origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, project: "storefront", component: "checkout-api", environment: "staging", breakGlass: "because" }).toString(),
    });
    const page = await res.text();
    expect(page).toMatch(/<p role="status" class="notice refused">Refused: @wes has write permission; [^<]*breaking glass[^<]*needs maintain<\/p>/);
    expect(scene.fake.pullsIn("acme/gitops")).toHaveLength(before);
  });
});

describe("an environment on several clusters", () => {
  const at = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
  const entry = (h: number, release: string, clusters?: string[]): HistoryEntry => ({
    environment: "prod",
    release,
    date: at(h),
    commit: `${h}`.padStart(40, "0"),
    repo: "acme/gitops-prod",
    source: undefined,
    promotedFrom: "staging",
    approvedBy: [],
    ...(clusters ? { clusters } : {}),
  });
  // r1 everywhere at 1 h; r2's wave 1 (eu-1) at 5 h, wave 2 (us-1) at 9 h (newest first).
  const history = [entry(9, "r2", ["us-1"]), entry(5, "r2", ["eu-1"]), entry(1, "r1")];

  it("dates each cluster's release from the wave commit that wrote it", () => {
    expect(clusterSince(history, "eu-1", "r2")).toEqual(at(5));
    expect(clusterSince(history, "us-1", "r2")).toEqual(at(9));
    expect(clusterSince(history, "us-1", "r1")).toBeUndefined();
    expect(clusterSince([entry(5, "r2", ["eu-1"]), entry(1, "r1")], "us-1", "r1")).toEqual(at(1));
  });

  it("draws each cluster's health, release and since beside the aggregate, which is Healthy only when every cluster is", () => {
    const health = (status: "Healthy" | "Progressing", ready: number) => ({ status, ready, desired: 2, message: "", diagnosis: [] });
    const component: ComponentView = {
      project: "shop",
      component: "api",
      endpoints: [],
      traits: [],
      dependsOn: [],
      cells: [
        {
          environment: "prod",
          release: "r2",
          health: { ...health("Progressing", 3), desired: 4, message: "us-1 is Progressing" },
          clusters: [
            { cluster: "eu-1", wave: 1, release: "r2", since: at(5), health: health("Healthy", 2) },
            { cluster: "us-1", wave: 2, release: "r1", since: at(1), health: health("Progressing", 1) },
          ],
          history: [],
        },
      ],
    };
    const env = { name: "prod", production: true, gitops: { repo: "acme/gitops-prod", branch: "main" }, gates: { commandPermission: "maintain" } };
    const snapshot = {
      login: "alice",
      environments: [env],
      projects: ["shop"],
      components: [component],
      promotions: [],
    } as unknown as PortalSnapshot;
    const overview = overviewPage(snapshot, {}, { csrf: "t" });
    expect(overview).toContain('all clusters: <span class="badge Progressing">Progressing</span> 3/4 ready');
    // The overview names a cluster's release only where it differs from the environment's.
    expect(overview).toContain('<li>eu-1: <span class="badge Healthy">Healthy</span> 2/2 ready</li>');
    expect(overview).toContain('<li>us-1: <span class="badge Progressing">Progressing</span> 1/2 ready <code>r1</code></li>');
    const page = componentPage(snapshot, component, { csrf: "t" });
    expect(page).toContain("<caption>Clusters of prod</caption>");
    expect(page).toContain(
      '<tr><th scope="row">eu-1</th><td>1</td><td><code>r2</code></td><td><span class="badge Healthy">Healthy</span> 2/2 ready</td><td><time datetime="2026-12-01T05:00:00.000Z">2026-12-01 05:00 UTC</time></td></tr>',
    );
    expect(page).toContain('<tr><th scope="row">us-1</th><td>2</td><td><code>r1</code></td>');
    const environments = environmentsPage(snapshot, { csrf: "t" });
    expect(environments).toContain('<li>us-1: <span class="badge Progressing">Progressing</span> 1/2 ready <code>r1</code> since <time');
    // The health filter judges the aggregate: Healthy does not match while a cluster is not.
    expect(overviewPage(snapshot, { health: "Healthy" }, { csrf: "t" })).toContain("No component matches.");
  });
});
