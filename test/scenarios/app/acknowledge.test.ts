/**
 * Acknowledge fast, work in the background: a delivery is answered once it is verified and
 * recorded, whatever GitHub's API latency; its work runs on the app's job queue, one job at a time
 * per app repository.
 */
import { describe, expect, it } from "vitest";
import { RELEASE_CHECK } from "../../../adapters/github/checks.js";
import { deliver } from "../../support/webhooks.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, pushPayload, SECRET, sceneTeardown, startScene } from "../../support/harness.js";

const scenes = sceneTeardown();

const RELEASE_SUBJECT = /^ferry: release shop\/api [0-9a-f]{12} to dev$/;

describe("acknowledge fast, work in the background", () => {
  it("answers a push delivery in under 1 s while every GitHub API call takes 300 ms, and the release still lands", async () => {
    const s = scenes.track(await startScene());
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.0.0" }) });
    s.fake.setLatency(300);

    const started = performance.now();
    const res = await deliver(s.server.url, "push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }), { secret: SECRET });
    const answeredMs = performance.now() - started;
    const atAnswer = s.queue.stats();
    expect(res.status).toBe(200);
    expect(answeredMs).toBeLessThan(1000);
    // The release was still to be done when GitHub had its answer.
    expect(atAnswer.running + atAnswer.depth).toBe(1);

    await s.queue.idle();
    expect(await s.gitopsLog()).toEqual(["initial", expect.stringMatching(RELEASE_SUBJECT)]);
    expect(await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/api/deployment-api.yaml"])).toContain("ghcr.io/acme/api:2.0.0");
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)!.conclusion).toBe("success");
    expect(s.queue.stats()).toMatchObject({ succeeded: 1, failed: 0, durations: { count: 1 } });
  });

  it("runs two pushes of one app repository delivered back to back one after the other, in order", async () => {
    const s = scenes.track(await startScene());
    const first = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.1.0" }) });
    const second = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.2.0" }) });
    const running: number[] = [];
    s.queue.onJobDone(() => running.push(s.queue.stats().running));

    const answers = await Promise.all([
      deliver(s.server.url, "push", pushPayload(s, first.sha, first.before, { modified: [".ferry/api.yaml"] }), { secret: SECRET }),
      deliver(s.server.url, "push", pushPayload(s, second.sha, second.before, { modified: [".ferry/api.yaml"] }), { secret: SECRET }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await s.queue.idle();

    // Same key: never two at once, so each release saw the one before it.
    expect(running).toEqual([0, 0]);
    expect(await s.gitopsLog()).toEqual(["initial", expect.stringMatching(RELEASE_SUBJECT), expect.stringMatching(RELEASE_SUBJECT)]);
    expect(await s.git.git(GITOPS_REPO, ["show", "main:environments/dev/shop/api/deployment-api.yaml"])).toContain("ghcr.io/acme/api:2.2.0");
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, first.sha)!.conclusion).toBe("success");
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, second.sha)!.conclusion).toBe("success");
  });

  it("refuses deliveries once the queue is stopping (500, forgotten, so GitHub's redelivery brings them back)", async () => {
    const s = scenes.track(await startScene());
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.3.0" }) });
    await s.queue.stop();
    const res = await deliver(s.server.url, "push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }), { secret: SECRET });
    expect(res.status).toBe(500);
    expect(s.deliveries.state(res.id)).toBeUndefined();
    expect(s.queue.stats()).toMatchObject({ refused: 1, succeeded: 0, failed: 0 });
    expect(await s.gitopsLog()).toEqual(["initial"]);
  });
});
