/**
 * Prometheus unreachable (the platform's endpoint is a closed port), through the app.
 * Through the whole app on real time (test/support/verify-app-scene.ts): signed webhook deliveries
 * of real payloads, the contract-checked fake GitHub, the GitOps repository on a real git server,
 * the fake Kubernetes API.
 *
 * The release stays `Verifying:` (not observed, never a pass), no promotion opens on its own, and
 * one a maintainer asks for waits on the `verified` gate: nothing is promoted.
 */
import { describe, expect, it } from "vitest";
import { freePort } from "../../support/prometheus-server.js";
import { waitFor } from "../../support/kube-helpers.js";
import { APP_REPO, GITOPS_REPO } from "../../support/app-scene.js";
import { GATES_CHECK } from "../../../flows/promotion/gates-check.js";
import { comment, gates, prodPromotions, releaseIn, releaseToDev, statusesUntil, verifyScenes } from "../../support/verify-app-scene.js";

const scenes = verifyScenes({ prometheus: false });

describe("verification through the app: signals not observed", () => {
  it("with Prometheus unreachable the release stays Verifying (not observed): nothing opens on its own, and a promotion asked for waits on the verified gate", async () => {
    const s = await scenes.start({
      prometheusUrl: `http://127.0.0.1:${await freePort()}`,
      verify: "{duration: 2s, signals: {errorRate: {max: 0.05}}}",
    });
    const v1 = await releaseToDev(s, "ghcr.io/acme/api:1.1.0");
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
