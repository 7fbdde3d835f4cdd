/**
 * Only Ferry's own check runs count (issue 21, item 5). Another GitHub App installed on the
 * organization (`mallory-ci`, registered in the fake GitHub with its own installation token)
 * creates check runs named like Ferry's through the REST API: a `Ferry / gates` success on a
 * promotion pull request's head, a `Ferry / release` on an app commit. Ferry never reads them as
 * its own (`ferry promotions`, the app's /mcp `ferry_promotions`, the portal's promotions page,
 * the reconcile pass) and never tries to update them (GitHub answers 403: the fake records that
 * as a violation, which `sceneTeardown` fails on); it writes its own runs beside them.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { RELEASE_CHECK, VALIDATE_CHECK } from "../../../adapters/github/checks.js";
import { GATES_CHECK } from "../../../flows/promotion/gates-check.js";
import type { PortalSettings } from "../../../portal/ports.js";
import type { Scheduler } from "../../../app/scheduler.js";
import { main } from "../../../cli/main.js";
import type { ListedPromotion } from "../../../core/promotion/listing.js";
import type { ReconcileReport } from "../../../core/reconcile/report.js";
import { mcpHttpHandler } from "../../../mcp/http.js";
import type { CheckRunRecord } from "../../support/fake-github/model.js";
import { structured } from "../../mcp/check.js";
import { payload } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, PLATFORM_REPO, pushPayload, sceneTeardown, startScene } from "../../support/harness.js";
import type { Scene } from "../../support/harness.js";
import { mustPromotion, releaseImage, releaseIn, review, startPromotionScene } from "../../support/promotion-scene.js";

const scenes = sceneTeardown();

/** Another GitHub App installed on `acme` with `checks: write`; returns its installation token. */
function foreignApp(s: Scene): { id: number; token: string } {
  const app = s.fake.addApp({ slug: "mallory-ci" });
  const installation = s.fake.addInstallation({ account: "acme", appId: app.id });
  return { id: app.id, token: s.fake.issueToken(installation.id).token };
}

/** `POST /repos/{repo}/check-runs` with the other app's token, as that app would. */
async function createForeignRun(s: Scene, token: string, repo: string, body: Record<string, unknown>): Promise<CheckRunRecord> {
  const res = await fetch(`${s.fake.url}/repos/${repo}/check-runs`, {
    method: "POST",
    headers: { authorization: `token ${token}`, accept: "application/vnd.github+json", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: number };
  const run = s.fake.state.checkRuns.find((r) => r.id === id);
  if (!run) throw new Error(`the fake holds no check run ${id}`);
  return run;
}

/** What a run looks like: compared before and after to show Ferry left it alone. */
const snapshot = (run: CheckRunRecord) => JSON.stringify({ status: run.status, conclusion: run.conclusion, output: run.output, history: run.history });

/** The runs called `name` on `sha` that Ferry's own app (the fake's app) made. */
const ferryRuns = (s: Scene, repo: string, sha: string, name: string) => s.fake.checkRunsFor(repo, { sha, name }).filter((r) => r.appId === s.fake.app.id);

/** `ferry promotions --json` as `login`, with Ferry's app id configured or not. */
async function ferryPromotions(s: Scene, login: string, appId: string | undefined): Promise<{ code: number; listed: ListedPromotion[]; text: string }> {
  const out: string[] = [];
  const env = {
    GITHUB_TOKEN: s.fake.issueUserToken(login),
    GITHUB_API_URL: s.fake.url,
    FERRY_PLATFORM_REPO: PLATFORM_REPO,
    FERRY_CACHE_DIR: join(s.cacheDir, "cli"),
    ...(appId === undefined ? {} : { FERRY_APP_ID: appId }),
  };
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env };
  const code = await main(["promotions", "--json"], io);
  const listed = (JSON.parse(out.join("")) as { promotions: ListedPromotion[] }).promotions;
  out.length = 0;
  await main(["promotions"], io);
  return { code, listed, text: out.join("") };
}

/** Signs `login` in to the portal through the OAuth web flow (no browser); returns the session cookie. */
async function portalSession(s: Scene, login: string): Promise<string> {
  const origin = new URL(s.server.url).origin;
  const start = await fetch(`${origin}/ferry/login`, { redirect: "manual" });
  const stateCookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
  s.fake.oauth.signInAs(login);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  const callback = await fetch(authorize.headers.get("location")!, { redirect: "manual", headers: { cookie: stateCookie } });
  expect(callback.status).toBe(303);
  return callback.headers
    .getSetCookie()
    .find((c) => c.startsWith("ferry_session="))!
    .split(";")[0]!;
}

describe("another app's check runs named like Ferry's", () => {
  it("a foreign Ferry / gates success is not listed as Ferry's gates, and Ferry still writes and merges on its own gates", async () => {
    // The portal and the app's /mcp are served beside the webhooks; their addresses need the fake's, known once it runs.
    const client = { clientId: "Iv1.foreign-checks", clientSecret: "foreign-checks-secret" };
    const portal: { -readonly [K in keyof PortalSettings]: PortalSettings[K] } = {
      oauth: { ...client, webUrl: "" },
      apiBaseUrl: "",
      sessionSecret: "foreign-checks-session-secret-0123456789",
    };
    let mcp: ReturnType<typeof mcpHttpHandler> | undefined = undefined;
    const p = await startPromotionScene({ deps: { portal, mcp: (req, res) => mcp!(req, res) } });
    const s = scenes.track(p.s);
    portal.oauth = { ...client, webUrl: s.fake.url };
    portal.apiBaseUrl = s.fake.url;
    s.fake.oauth.addClient(client);
    await s.restart();
    // As app/main.ts mounts /mcp: FERRY_APP_ID is the app's own APP_ID.
    mcp = mcpHttpHandler({
      defaults: { apps: [] },
      variables: {
        GITHUB_API_URL: s.fake.url,
        FERRY_PLATFORM_REPO: PLATFORM_REPO,
        FERRY_CACHE_DIR: join(s.cacheDir, "mcp"),
        FERRY_APP_ID: String(s.fake.app.id),
      },
    });

    await releaseImage(p, "ghcr.io/acme/api:1.1.0");
    const pr = mustPromotion(s, "staging");
    const [ours] = ferryRuns(s, GITOPS_REPO, pr.head.sha, GATES_CHECK);
    expect(ours?.conclusion).toBe("action_required"); // staging wants one approval

    // The attack: another app writes a `Ferry / gates` success, every gate passing, on the same head.
    const mallory = foreignApp(s);
    const forged = await createForeignRun(s, mallory.token, GITOPS_REPO, {
      name: GATES_CHECK,
      head_sha: pr.head.sha,
      status: "completed",
      conclusion: "success",
      output: { title: "Every gate holds", summary: ours!.output.summary!.replaceAll("⏳ pending", "✅ pass") },
    });
    expect(forged.appId).toBe(mallory.id);
    const forgedBefore = snapshot(forged);

    // ferry promotions with Ferry's app id: Ferry's own run, not the forged one.
    const cli = await ferryPromotions(s, "otto", String(s.fake.app.id));
    expect(cli.code).toBe(0);
    const [listed] = cli.listed;
    expect(listed).toMatchObject({ number: pr.number, headSha: pr.head.sha, gates: { conclusion: "action_required", title: ours!.output.title } });
    expect(listed?.gates?.gates.find((g) => g.name === "approvals")?.state).toBe("pending");
    expect(listed?.gatesUnknown).toBeUndefined();
    expect(cli.text).toContain(`gates: action_required: ${ours!.output.title}`);
    expect(cli.text).not.toContain("Every gate holds");

    // Without Ferry's app id the CLI cannot tell whose run is Ferry's: gates unknown, never the forged success.
    const blind = await ferryPromotions(s, "otto", undefined);
    expect(blind.code).toBe(0);
    expect(blind.listed).toEqual([expect.objectContaining({ number: pr.number, gates: null, gatesUnknown: expect.stringContaining("FERRY_APP_ID") })]);
    expect(blind.text).toContain("gates: unknown: Ferry's GitHub App id is not configured");
    expect(blind.text).not.toContain("Every gate holds");

    // A misconfigured id is refused, naming the variable, not silently ignored.
    let badErr = "";
    const bad = await main(["promotions"], {
      stdout: () => undefined,
      stderr: (t) => void (badErr += t),
      env: { GITHUB_TOKEN: s.fake.issueUserToken("otto"), GITHUB_API_URL: s.fake.url, FERRY_PLATFORM_REPO: PLATFORM_REPO, FERRY_APP_ID: "ferry" },
    });
    expect(bad).toBe(2);
    expect(badErr).toContain(`FERRY_APP_ID must be the Ferry GitHub App's numeric id, got "ferry"`);

    // ferry_promotions over the app's /mcp, with a person's token.
    const mcpClient = new Client({ name: "test", version: "1.0.0" });
    await mcpClient.connect(
      new StreamableHTTPClientTransport(new URL("/mcp", s.server.url), {
        requestInit: { headers: { Authorization: `Bearer ${s.fake.issueUserToken("otto")}` } },
      }),
    );
    try {
      await mcpClient.listTools();
      const viaMcp = structured<{ promotions: ListedPromotion[] }>("ferry_promotions", await mcpClient.callTool({ name: "ferry_promotions", arguments: {} }));
      expect(viaMcp.promotions).toEqual([listed]);
    } finally {
      await mcpClient.close();
    }

    // The portal's promotions page, signed in as a person who can read the app repository.
    const cookie = await portalSession(s, "otto");
    const page = await (await fetch(`${new URL(s.server.url).origin}/ferry/promotions`, { headers: { cookie } })).text();
    expect(page).toContain(`${GITOPS_REPO}#${pr.number}</a> gates: action_required`);
    expect(page).not.toContain("gates: success");

    // Ferry's evaluation on an approval writes its own run (never the other app's) and merges on it.
    s.fake.setPermission(GITOPS_REPO, "rita", "write");
    await review(p, pr, "rita");
    const after = ferryRuns(s, GITOPS_REPO, pr.head.sha, GATES_CHECK);
    expect(after.map((r) => r.id)).toEqual([ours!.id]);
    // Neutral: every gate holds, dev's health is not observed and staging does not require it.
    expect(after[0]?.history.map((h) => h.request.conclusion)).toEqual(["action_required", "neutral"]);
    expect(s.fake.state.pulls.find((x) => x.repo === GITOPS_REPO && x.number === pr.number)?.mergedAt).not.toBeNull();
    expect(snapshot(forged)).toBe(forgedBefore);
    const updates = s.fake.requestsTo("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}").filter((r) => r.status === 403);
    expect(updates).toEqual([]);
  });

  it("a foreign Ferry / release on the pushed commit is neither taken over nor updated: Ferry releases with its own run", async () => {
    const s = scenes.track(await startScene());
    const mallory = foreignApp(s);
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.0.0" }) });
    // The other app is quicker than the push delivery: a `Ferry / release` in progress on the commit.
    const forged = await createForeignRun(s, mallory.token, APP_REPO, {
      name: RELEASE_CHECK,
      head_sha: sha,
      status: "in_progress",
      output: { title: "Releasing", summary: "not Ferry" },
    });
    const forgedBefore = snapshot(forged);

    const res = await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }));
    expect(res.outcome).toBe("done");
    expect(await s.gitopsLog()).toEqual(["initial", expect.stringMatching(/^ferry: release shop\/api [0-9a-f]{12} to dev$/)]);
    const ours = ferryRuns(s, APP_REPO, sha, RELEASE_CHECK);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(ours[0]!.id).not.toBe(forged.id);
    expect(snapshot(forged)).toBe(forgedBefore);
  });
});

describe("another app's runs on app commits and pull requests", () => {
  it("a superseded commit: Ferry closes its own waiting Ferry / release, not another app's", async () => {
    const s = scenes.track(await startScene());
    const waiting = componentYaml({ extra: "  build: {waitForCheck: build-image}\n" });
    const first = await commitApp(s, { ".ferry/api.yaml": waiting });
    await s.post("push", pushPayload(s, first.sha, first.before, { modified: [".ferry/api.yaml"] }));
    const [ours] = ferryRuns(s, APP_REPO, first.sha, RELEASE_CHECK);
    expect(ours).toMatchObject({ status: "in_progress" });
    // Another app's `Ferry / release`, newer than Ferry's, on the same commit.
    const mallory = foreignApp(s);
    const forged = await createForeignRun(s, mallory.token, APP_REPO, { name: RELEASE_CHECK, head_sha: first.sha, status: "in_progress" });
    const forgedBefore = snapshot(forged);
    const second = await commitApp(s, { ".ferry/api.yaml": waiting.replace("api:1.0.0", "api:1.0.1") });
    await s.post("push", pushPayload(s, second.sha, second.before, { modified: [".ferry/api.yaml"] }));

    const built = payload("check_run", "completed", {
      repo: APP_REPO,
      sha: first.sha,
      branch: "main",
      installationId: s.installationId,
      overrides: { check_run: { name: "build-image", conclusion: "success", status: "completed" } },
    });
    expect((await s.post("check_run", built)).outcome).toBe("done");
    expect(ferryRuns(s, APP_REPO, first.sha, RELEASE_CHECK)).toEqual([
      expect.objectContaining({
        id: ours!.id,
        status: "completed",
        conclusion: "neutral",
        output: expect.objectContaining({ title: "Superseded by a newer commit" }),
      }),
    ]);
    expect(snapshot(forged)).toBe(forgedBefore);
  });

  it("a foreign Ferry / validate on a pull request's head is not taken over: Ferry's preview writes its own", async () => {
    const s = scenes.track(await startScene());
    await s.fake.setBranch(APP_REPO, "bump");
    await s.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:1.2.0" }) }, branch: "bump" });
    const pr = await s.fake.openPullRequest(APP_REPO, { head: "bump", title: "change .ferry" });
    const mallory = foreignApp(s);
    const forged = await createForeignRun(s, mallory.token, APP_REPO, {
      name: VALIDATE_CHECK,
      head_sha: pr.head.sha,
      status: "completed",
      conclusion: "success",
      output: { title: "Valid", summary: "not Ferry" },
    });
    const forgedBefore = snapshot(forged);

    const opened = payload("pull_request", "opened", {
      repo: APP_REPO,
      sha: pr.head.sha,
      before: pr.base.sha,
      branch: "bump",
      baseBranch: "main",
      number: pr.number,
      installationId: s.installationId,
    });
    expect((await s.post("pull_request", opened)).outcome).toBe("done");
    const ours = ferryRuns(s, APP_REPO, pr.head.sha, VALIDATE_CHECK);
    expect(ours).toEqual([expect.objectContaining({ status: "completed", conclusion: "success" })]);
    expect(ours[0]!.id).not.toBe(forged.id);
    expect(snapshot(forged)).toBe(forgedBefore);
  });
});

/** A scene whose reconcile pass runs only when the test says so (as test/scenarios/app/reconcile.test.ts). */
async function reconcileScene(appFiles?: Record<string, string>): Promise<{ s: Scene; pass: () => Promise<ReconcileReport> }> {
  let task: (() => Promise<void>) | undefined;
  const reports: ReconcileReport[] = [];
  const manual: Scheduler = {
    start(t) {
      task = t;
      return () => undefined;
    },
  };
  const s = scenes.track(await startScene({ deps: { reconcile: manual, onReconciled: (r) => reports.push(r) }, ...(appFiles ? { appFiles } : {}) }));
  return {
    s,
    async pass() {
      if (!task) throw new Error("the app did not start the reconcile pass");
      const count = reports.length;
      await task();
      await s.fake.settled();
      const report = reports[count];
      if (!report) throw new Error("the pass reported nothing");
      return report;
    },
  };
}

const kinds = (r: ReconcileReport) => r.repairs.map((x) => `${x.repair.kind} ${"environment" in x.repair ? x.repair.environment : ""} ${x.outcome}`.trim());

describe("the reconcile pass and another app's check runs", () => {
  it("a foreign Ferry / gates on a promotion's head does not stand in for Ferry's: the pass writes Ferry's own", async () => {
    const { s, pass } = await reconcileScene();
    await pass(); // releases to dev and opens the promotion to staging, with Ferry's gates check
    const pr = mustPromotion(s, "staging");
    // Ferry's check is lost (its delivery failed before it was written) and another app's stands in its place.
    const runs = s.fake.state.checkRuns;
    for (let i = runs.length - 1; i >= 0; i--) if (runs[i]!.name === GATES_CHECK) runs.splice(i, 1);
    const mallory = foreignApp(s);
    const forged = await createForeignRun(s, mallory.token, GITOPS_REPO, {
      name: GATES_CHECK,
      head_sha: pr.head.sha,
      status: "completed",
      conclusion: "success",
      output: { title: "Every gate holds", summary: "all good" },
    });
    const forgedBefore = snapshot(forged);

    // ferry reconcile --dry-run: with Ferry's app id it plans the repair; without it says it could not check.
    const token = s.fake.issueToken(s.installationId).token;
    const dry = ["reconcile", "--dry-run", "--json", "--platform-repo", PLATFORM_REPO, "--api-url", s.fake.url, "--cache-dir", join(s.cacheDir, "dry")];
    const run = async (argv: string[], env: Record<string, string>) => {
      const out: string[] = [];
      await main(argv, { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: { GITHUB_TOKEN: token, ...env } });
      return JSON.parse(out.join("")) as { repairs: { kind: string; pull?: number }[]; problems: string[] };
    };
    const planned = await run(dry, { FERRY_APP_ID: String(s.fake.app.id) });
    expect(planned.repairs).toEqual([expect.objectContaining({ kind: "gates-check", pull: pr.number })]);
    const blind = await run(dry, {});
    expect(blind.repairs).toEqual([]);
    expect(blind.problems).toContainEqual(expect.stringMatching(/^gates checks: not checked \(Ferry's GitHub App id is not configured/));

    const report = await pass();
    expect(kinds(report)).toEqual(["gates-check staging done"]);
    const ours = ferryRuns(s, GITOPS_REPO, pr.head.sha, GATES_CHECK);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ status: "completed", conclusion: "action_required" });
    expect(snapshot(forged)).toBe(forgedBefore);
    expect((await pass()).repairs).toEqual([]);
  });

  it("a foreign Ferry / release success is not a build check a release waits for", async () => {
    // A component waiting for a check named like Ferry's: only Ferry's own run of that name could count.
    const waiting = componentYaml({ extra: '  build: {waitForCheck: "Ferry / release"}\n' });
    const { s, pass } = await reconcileScene({ ".ferry/api.yaml": waiting, "README.md": "shop api\n" });
    const head = (await s.fake.branchSha(APP_REPO))!;
    const mallory = foreignApp(s);
    await createForeignRun(s, mallory.token, APP_REPO, { name: RELEASE_CHECK, head_sha: head, status: "completed", conclusion: "success" });

    const report = await pass();
    expect(report.repairs).toEqual([]);
    expect(report.deferred).toEqual([
      expect.objectContaining({ component: "shop/api", environment: "dev", reason: expect.stringContaining('waits for the build check "Ferry / release"') }),
    ]);
    expect(await releaseIn(s, GITOPS_REPO, "dev")).toBeUndefined();
    expect(await s.gitopsLog()).toEqual(["initial"]);
  });
});
