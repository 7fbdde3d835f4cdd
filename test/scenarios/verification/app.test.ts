/**
 * Verification through the whole app, on real time (test/support/verify-app-scene.ts): signed
 * webhook deliveries of real payloads, the contract-checked fake GitHub, the GitOps repository on
 * a real git server, the fake Kubernetes API, and a real Prometheus scraping the test exporter
 * every second. A push releases shop/api into build; Ferry promotes it into dev and merges its own
 * pull request; the test lets the cluster run it (pods Ready) and sets what it serves.
 *
 * - a release whose pods are Ready but that serves 20% errors fails verification: `failure`
 *   deployment status naming errorRate, its value and bound; it is not promoted to prod; with
 *   `onFailure: rollback` Ferry opens (and, dev auto-merging, merges) the rollback to the last
 *   verified release, its body quoting the signal's numbers;
 * - a release whose p95 latency stays within 1.5x of the previous release's is verified, and its
 *   promotion to prod is merged only once the soak, counted from the verified moment, has passed;
 * - with Prometheus unreachable the release stays `Verifying:` (not observed), no promotion opens
 *   on its own, and one asked for by a maintainer waits on the `verified` gate: nothing is promoted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GATES_CHECK } from "../../../flows/promotion/gates-check.js";
import { generateCerts, type FakeKubeCerts } from "../../support/fake-kube/index.js";
import { freePort, startPrometheus, type PrometheusServer, type Traffic } from "../../support/prometheus-server.js";
import { waitFor } from "../../support/kube-helpers.js";
import { payload } from "../../support/webhooks.js";
import { APP_REPO, GITOPS_REPO, type AppScene } from "../../support/app-scene.js";
import { devStatuses, releaseIn, releaseToDev, startVerifyAppScene, statusesUntil, type RealClock } from "../../support/verify-app-scene.js";

type Scene = AppScene<RealClock>;

/** What a healthy release serves: 100 requests per second, no errors, 60 ms each. */
const CLEAN: Traffic = { rps: 100, errorRatio: 0, latencySeconds: 0.06 };

let certs: FakeKubeCerts;
let prom: PrometheusServer;
let scene: Scene | undefined;

beforeAll(async () => {
  certs = generateCerts();
  prom = await startPrometheus();
}, 60_000);
afterAll(async () => {
  await prom?.close();
});
afterEach(async () => {
  const s = scene;
  scene = undefined;
  if (!s) return;
  try {
    await s.runtime.watches.idle();
    await s.fake.settled();
    s.fake.assertNoViolations();
  } finally {
    await s.close();
  }
});

/** Ferry's pull requests promoting `release` of shop/api from dev to prod. */
const prodPromotions = (s: Scene, release: string) =>
  s.fake.pullsIn(GITOPS_REPO).filter((p) => p.title === `ferry: promote shop/api ${release} from dev to prod`);

/** Waits until Ferry's pull request titled `title` is merged; returns it. */
function merged(s: Scene, title: string) {
  return waitFor(`${title} merged`, () => s.fake.pullsIn(GITOPS_REPO).find((p) => p.title === title && p.mergedAt !== null), 1500, 20);
}

/** The `Ferry / gates` run on a pull request's head. */
function gates(s: Scene, sha: string) {
  const run = s.fake.latestCheckRun(GITOPS_REPO, GATES_CHECK, sha);
  if (!run) throw new Error(`no ${GATES_CHECK} run on ${sha}`);
  return run;
}

/** `user` comments `text` on the pull request `number` of the GitOps repository; delivered as `issue_comment`. */
async function comment(s: Scene, number: number, user: string, text: string): Promise<void> {
  const c = s.fake.addComment(GITOPS_REPO, number, { user, body: text });
  const url = `http://github.localhost/${GITOPS_REPO}/pull/${number}`;
  const body = payload("issue_comment", "created", {
    repo: GITOPS_REPO,
    number,
    body: text,
    sender: user,
    installationId: s.installationId,
    overrides: {
      comment: { id: c.id, html_url: `${url}#issuecomment-${c.id}`, user: { login: user, type: "User" } },
      issue: {
        pull_request: {
          url: `http://api.github.localhost/repos/${GITOPS_REPO}/pulls/${number}`,
          html_url: url,
          diff_url: `${url}.diff`,
          patch_url: `${url}.patch`,
          merged_at: null,
        },
      },
    },
  });
  const res = await s.post("issue_comment", body);
  if (res.status !== 200) throw new Error(`comment delivery answered ${res.status}: ${res.body}`);
}

describe("verification through the app", () => {
  it("a Ready release serving 20% errors fails verification (failure status with the numbers), is not promoted, and is rolled back to the last verified release", async () => {
    scene = await startVerifyAppScene(certs, {
      prometheusUrl: prom.url,
      verify: "{duration: 3s, signals: {errorRate: {max: 0.05}}}",
      onFailure: "rollback",
    });
    const s = scene;
    const v1 = await releaseToDev(s, prom, "ghcr.io/acme/api:1.1.0", CLEAN);
    expect(await statusesUntil(s, v1, /^success: /)).toEqual([
      `in_progress: Rolling out: ${v1} in dev`,
      `in_progress: Verifying: ${v1} in dev, 2/2 ready; observing its signals for 3s`,
      `success: Verified: ${v1} in dev: every signal within its bounds`,
    ]);
    await merged(s, `ferry: promote shop/api ${v1} from dev to prod`);
    expect(await releaseIn(s, "prod")).toBe(v1);

    // v2's pods get Ready, but it answers one request in five with a 5xx.
    const v2 = await releaseToDev(s, prom, "ghcr.io/acme/api:1.2.0", { ...CLEAN, errorRatio: 0.2 }, v1);
    const statuses = await statusesUntil(s, v2, /^failure: /);
    expect(statuses.slice(0, 2)).toEqual([
      `in_progress: Rolling out: ${v2} in dev`,
      `in_progress: Verifying: ${v2} in dev, 2/2 ready; observing its signals for 3s`,
    ]);
    expect(statuses.at(-1)).toBe(`failure: Verification failed: ${v2} in dev: errorRate 0.2 > max 0.05`);
    expect(statuses.filter((x) => x.startsWith("success:"))).toEqual([]);

    // The rollback to v1 (verified there), merged since dev auto-merges, quoting the failed signal.
    const rollback = await merged(s, `ferry: roll back shop/api in dev to ${v1}`);
    const body = rollback.body ?? "";
    expect(body).toContain(`### Why: release \`${v2}\` failed verification in dev`);
    expect(body).toContain("| errorRate | ratio | 0 | 0.2 | ≤ 0.05 | ❌ failed |");
    expect(body).toContain("- **errorRate**: errorRate 0.2 is above the bound 0.05");
    expect(body).toContain(`[logs](https://logs.example/search?ns=shop-dev&release=${v2})`);
    expect(await releaseIn(s, "dev")).toBe(v1);

    // Never promoted: no pull request carries v2 to prod, also after a periodic pass; prod keeps v1.
    await s.sweep();
    expect(prodPromotions(s, v2)).toEqual([]);
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);
    expect(await releaseIn(s, "prod")).toBe(v1);
  }, 60_000);

  it("a release whose p95 latency stays within 1.5x of the previous release's is verified, and promoted to prod only after the soak counted from then", async () => {
    scene = await startVerifyAppScene(certs, {
      prometheusUrl: prom.url,
      verify: "{duration: 3s, signals: {errorRate: {max: 0.05}, latencyP95: {maxIncrease: 1.5}}}",
      soak: "6s",
    });
    const s = scene;
    const v1 = await releaseToDev(s, prom, "ghcr.io/acme/api:1.1.0", CLEAN);
    await statusesUntil(s, v1, /^success: Verified: /);

    // v2 is slower: 80 ms a request, and 7% of them take 200 ms. Its p95 rises from 97.5 ms to about 143 ms: within 1.5x (146 ms).
    const slower: Traffic = { ...CLEAN, latencySeconds: 0.08, slow: { share: 0.07, latencySeconds: 0.2 } };
    const v2 = await releaseToDev(s, prom, "ghcr.io/acme/api:1.2.0", slower, v1);
    await waitFor("v2 verifying", () => devStatuses(s, v2).some((x) => x.startsWith("in_progress: Verifying:")), 1500, 20);
    expect(prodPromotions(s, v2)).toEqual([]);
    const statuses = await statusesUntil(s, v2, /^(success|failure): /);
    expect(statuses.at(-1)).toBe(`success: Verified: ${v2} in dev: every signal within its bounds`);
    // The rollout's status comment (on the pull request that brought v2 into dev) shows the numbers it was judged on.
    const intoDev = s.fake.pullsIn(GITOPS_REPO).find((p) => p.title === `ferry: promote shop/api ${v2} from build to dev`)!;
    const signals = await waitFor(
      "the status comment shows the verdict",
      () =>
        s.fake.commentsOn(GITOPS_REPO, intoDev.number).find((c) => c.body.startsWith("<!-- ferry:status:dev:shop/api -->") && c.body.includes("✅ verified**"))
          ?.body,
      1500,
      20,
    );
    expect(signals).toMatch(/^\| `latencyP95` \| 97\.5 ms \| 14\d(\.\d+)? ms \| ≤ 1\.5× previous \(146 ms\) \| ✅ verified \|/m);
    expect(signals).toMatch(/^\| `errorRate` \| 0% \| 0% \| ≤ 5% \| ✅ verified \|/m);

    // Verified: the promotion to prod opens, and its gates wait for the soak from the verified moment.
    const pr = await waitFor(
      "v2's promotion to prod, judged",
      () => prodPromotions(s, v2).find((p) => s.fake.latestCheckRun(GITOPS_REPO, GATES_CHECK, p.head.sha)),
      1500,
      20,
    );
    expect(pr.state).toBe("open");
    const waiting = gates(s, pr.head.sha);
    expect(waiting.conclusion).toBe("action_required");
    expect(waiting.output.title).toBe("Waiting: soak");
    expect(waiting.output.summary).toMatch(
      new RegExp(`\\| verified \\| ✅ pass \\| release ${v2} verified in dev at .+ \\(errorRate, latencyP95 for 3s\\) \\|`),
    );

    // The periodic pass, run every half second, judges it again until it lands: pending on the soak until it has passed.
    const soakRow = () => /^\| soak \|.*$/m.exec(gates(s, pr.head.sha).output.summary ?? "")?.[0];
    const seen = [soakRow()];
    const landed = () => s.fake.pullsIn(GITOPS_REPO).find((p) => p.number === pr.number && p.mergedAt !== null);
    for (let i = 0; i < 40 && !landed(); i++) {
      await s.clock.advance(500);
      await s.sweep();
      seen.push(soakRow());
    }
    expect(seen.at(-1)).toMatch(/^\| soak \| ✅ pass \| verified in dev for \d+s \(soak 6s\) \|$/);
    expect(seen.length).toBeGreaterThan(1);
    for (const row of seen.slice(0, -1)) expect(row).toMatch(/^\| soak \| ⏳ pending \| verified in dev for \d+s of 6s; holds from .+ UTC \|$/);
    // Merged no sooner than the soak after the `Verified:` status (both as GitHub recorded them).
    const verified = s.fake
      .deploymentsIn(APP_REPO, "dev")
      .flatMap((d) => d.statuses)
      .find((st) => st.description.startsWith(`Verified: ${v2} `));
    expect(Date.parse(landed()!.mergedAt!) - Date.parse(verified!.createdAt)).toBeGreaterThanOrEqual(6_000);
    expect(await releaseIn(s, "prod")).toBe(v2);
  }, 60_000);

  it("with Prometheus unreachable the release stays Verifying (not observed): nothing opens on its own, and a promotion asked for waits on the verified gate", async () => {
    scene = await startVerifyAppScene(certs, {
      prometheusUrl: `http://127.0.0.1:${await freePort()}`,
      verify: "{duration: 2s, signals: {errorRate: {max: 0.05}}}",
    });
    const s = scene;
    const v1 = await releaseToDev(s, prom, "ghcr.io/acme/api:1.1.0", CLEAN);
    const statuses = await statusesUntil(s, v1, /not observed/);
    expect(statuses.at(-1)).toMatch(new RegExp(`^in_progress: Verifying: ${v1} in dev: not observed, not verified: errorRate could not be read: `));
    expect(statuses.filter((x) => /^(success|failure):/.test(x))).toEqual([]);
    await s.sweep();
    expect(s.fake.pullsIn(GITOPS_REPO, "open")).toEqual([]);

    // A maintainer asks for the promotion on the pull request that brought v1 into dev.
    const intoDev = s.fake.pullsIn(GITOPS_REPO).find((p) => p.title === `ferry: promote shop/api ${v1} from build to dev`)!;
    s.fake.setPermission(APP_REPO, "maya", "maintain");
    s.fake.setPermission(GITOPS_REPO, "maya", "maintain");
    await comment(s, intoDev.number, "maya", "/ferry promote prod");
    const pr = await waitFor(
      "v1's promotion to prod, judged",
      () => prodPromotions(s, v1).find((p) => s.fake.latestCheckRun(GITOPS_REPO, GATES_CHECK, p.head.sha)),
      1500,
      20,
    );
    await s.sweep();
    const held = gates(s, pr.head.sha);
    expect(held.conclusion).toBe("action_required");
    expect(held.output.summary).toMatch(
      new RegExp(`\\| verified \\| ⏳ pending \\| release ${v1} is verifying in dev since .+: not observed, not verified: errorRate could not be read`),
    );
    expect(s.fake.pullsIn(GITOPS_REPO).find((p) => p.number === pr.number)?.mergedAt).toBeNull();
    expect(await releaseIn(s, "prod")).toBeUndefined();
  }, 60_000);
});
