/**
 * A release whose p95 latency stays within 1.5x of the previous release's, verified through the app.
 * Through the whole app on real time (test/support/verify-app-scene.ts): signed webhook deliveries
 * of real payloads, the contract-checked fake GitHub, the GitOps repository on a real git server,
 * the fake Kubernetes API, and a real Prometheus scraping the test exporter every second.
 *
 * It is verified (the status comment shows the baseline it was judged against), and its promotion
 * to prod, which auto-merges, lands only once the soak, counted from the verified moment, has passed.
 */
import { describe, expect, it } from "vitest";
import type { Traffic } from "../../support/prometheus-server.js";
import { waitFor } from "../../support/kube-helpers.js";
import { APP_REPO, GITOPS_REPO } from "../../support/app-scene.js";
import { GATES_CHECK } from "../../../flows/promotion/gates-check.js";
import { CLEAN, devStatuses, gates, prodPromotions, releaseIn, releaseToDev, statusesUntil, verifyScenes } from "../../support/verify-app-scene.js";

const scenes = verifyScenes({ prometheus: true });

describe("verification through the app: a release within its bounds", () => {
  it("a release whose p95 latency stays within 1.5x of the previous release's is verified, and promoted to prod only after the soak counted from then", async () => {
    const prom = scenes.prom;
    const s = await scenes.start({
      prometheusUrl: prom.url,
      verify: "{duration: 3s, signals: {errorRate: {max: 0.05}, latencyP95: {maxIncrease: 1.5}}}",
      soak: "6s",
    });
    const v1 = await releaseToDev(s, "ghcr.io/acme/api:1.1.0", { serving: { prom, traffic: CLEAN } });
    await statusesUntil(s, v1, /^success: Verified: /);

    // v2 is slower: 80 ms a request, and 7% of them take 200 ms. Its p95 rises from 97.5 ms to about 143 ms: within 1.5x (146 ms).
    const slower: Traffic = { ...CLEAN, latencySeconds: 0.08, slow: { share: 0.07, latencySeconds: 0.2 } };
    const v2 = await releaseToDev(s, "ghcr.io/acme/api:1.2.0", { serving: { prom, traffic: slower }, previous: v1 });
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
});
