/**
 * A release whose pods are all Ready but that serves 20% errors, verified through the app.
 * Through the whole app on real time (test/support/verify-app-scene.ts): signed webhook deliveries
 * of real payloads, the contract-checked fake GitHub, the GitOps repository on a real git server,
 * the fake Kubernetes API, and a real Prometheus scraping the test exporter every second.
 * A push releases shop/api into build; Ferry promotes it into dev and merges its own pull request;
 * the test lets the cluster run it (pods Ready) and sets what it serves.
 *
 * It fails verification: `failure` deployment status naming errorRate, its value and bound; it is
 * not promoted to prod; with `onFailure: rollback` Ferry opens (and, dev auto-merging, merges) the
 * rollback to the last verified release, its body quoting the signal's numbers.
 */
import { describe, expect, it } from "vitest";
import { GITOPS_REPO } from "../../support/app-scene.js";
import { CLEAN, merged, prodPromotions, releaseIn, releaseToDev, statusesUntil, verifyScenes } from "../../support/verify-app-scene.js";

const scenes = verifyScenes({ prometheus: true });

describe("verification through the app: a failing release", () => {
  it("a Ready release serving 20% errors fails verification (failure status with the numbers), is not promoted, and is rolled back to the last verified release", async () => {
    const prom = scenes.prom;
    const s = await scenes.start({
      prometheusUrl: prom.url,
      verify: "{duration: 3s, signals: {errorRate: {max: 0.05}}}",
      onFailure: "rollback",
    });
    const v1 = await releaseToDev(s, "ghcr.io/acme/api:1.1.0", { serving: { prom, traffic: CLEAN } });
    expect(await statusesUntil(s, v1, /^success: /)).toEqual([
      `in_progress: Rolling out: ${v1} in dev`,
      `in_progress: Verifying: ${v1} in dev, 2/2 ready; observing its signals for 3s`,
      `success: Verified: ${v1} in dev: every signal within its bounds`,
    ]);
    await merged(s, `ferry: promote shop/api ${v1} from dev to prod`);
    expect(await releaseIn(s, "prod")).toBe(v1);

    // v2's pods get Ready, but it answers one request in five with a 5xx.
    const v2 = await releaseToDev(s, "ghcr.io/acme/api:1.2.0", { serving: { prom, traffic: { ...CLEAN, errorRatio: 0.2 } }, previous: v1 });
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
});
