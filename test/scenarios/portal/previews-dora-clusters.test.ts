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
import { signIn } from "../../support/signin.js";
import { waitFor } from "../../support/status-scene.js";
import { deliver, payload, type WebhookPayload } from "../../support/webhooks.js";
import { startPortalScene, type PortalScene } from "./scene.js";

let scene: PortalScene;
let browser: Browser;
let pr = 0;

/** The example's previews (from dev, ttl 72h, its preview host), for every pull request rather than labelled ones. */
const everyPullRequest = (text: string) => text.replace("\n    trigger: label\n", "\n    trigger: always\n");

beforeAll(async () => {
  scene = await startPortalScene({ platformYaml: everyPullRequest });
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
  await waitFor("the preview is committed", async () =>
    (await scene.git.git("acme/gitops", ["ls-tree", "-r", "--name-only", "main"])).includes(`previews/pr-${pr}/`),
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
