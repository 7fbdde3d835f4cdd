/**
 * Notifications through the app, end to end: signed push deliveries against the fake GitHub and a
 * real GitOps repository, the platform's `notifications` posting to a local HTTP receiver. A release
 * lands while the receiver is down (the release and its next promotion do not wait), and the
 * retries deliver once it is up, signed; a promotion a person merges with a `Ferry-Break-Glass`
 * trailer is told as merged and as a broken freeze.
 */
import { describe, expect, it } from "vitest";
import { RELEASE_CHECK } from "../../../adapters/github/checks.js";
import { FerryMetrics } from "../../../app/metrics.js";
import { payload } from "../../support/webhooks.js";
import { waitFor } from "../../support/status-scene.js";
import { APP_REPO, commitApp, componentYaml, GITOPS_REPO, platformYaml, pushPayload, sceneTeardown, startScene } from "../../support/harness.js";
import { githubApi } from "../../support/promotion-scene.js";
import { freePort, receiverUrl, startReceiver, verifies, type NotificationReceiver } from "../../support/notification-receiver.js";

const scenes = sceneTeardown();
const SECRET = "receiver-shared-secret";
/** The fake GitHub's web address. */
const WEB = "http://github.localhost";
const pullUrl = (n: number) => `${WEB}/${GITOPS_REPO}/pull/${n}`;

const PLATFORM = `${platformYaml()}  notifications:
    - name: audit
      type: webhook
      urlEnv: AUDIT_HOOK_URL
      secretEnv: AUDIT_HOOK_SECRET
      events: [release.landed, promotion.opened, promotion.merged, freeze.broken]
      projects: [shop]
`;

interface Told {
  readonly id: string;
  readonly type: string;
  readonly environment: string;
  readonly release: string;
  readonly commit?: string;
  readonly by?: string;
  readonly reason?: string;
  readonly links: { readonly pull?: string; readonly commit?: string; readonly portal?: string };
}

const told = (r: NotificationReceiver): Told[] => r.posts.map((p) => JSON.parse(p.body) as Told);

async function sceneWith(url: string, metrics = new FerryMetrics()) {
  return scenes.track(
    await startScene({
      platform: PLATFORM,
      deps: {
        metrics,
        notifications: {
          env: { AUDIT_HOOK_URL: url, AUDIT_HOOK_SECRET: SECRET },
          portalUrl: "https://ferry.example.com",
          webUrl: WEB,
          // Tried every 50 ms at most for up to 10 s: the receiver comes up meanwhile.
          attempts: 200,
          backoffMs: 25,
          maxBackoffMs: 50,
        },
      },
    }),
  );
}

describe("notifications through the app", () => {
  it("lands a release while the receiver is down, then delivers each event once, signed, when it comes up", async () => {
    const port = await freePort();
    const metrics = new FerryMetrics();
    const s = await sceneWith(receiverUrl(port), metrics);
    const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.0.0" }) });
    const push = pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] });

    // The delivery's work is done (the queue is idle) while nothing could be told yet.
    expect((await s.post("push", push)).outcome).toBe("done");
    expect(await s.gitopsLog()).toEqual(["initial", expect.stringMatching(/^ferry: release shop\/api [0-9a-f]{12} to dev$/)]);
    expect(s.fake.latestCheckRun(APP_REPO, RELEASE_CHECK, sha)?.conclusion).toBe("success");
    const staging = s.fake.pullsIn(GITOPS_REPO, "open").find((pr) => pr.head.ref.startsWith("ferry/promote/shop/api/staging"));
    expect(staging).toBeDefined();

    const receiver = await startReceiver([], port);
    try {
      await waitFor("both events told", () => receiver.posts.length >= 2 && receiver.posts);
      const events = told(receiver).sort((a, b) => a.type.localeCompare(b.type));
      const landing = (await s.git.git(GITOPS_REPO, ["rev-parse", "main"])).trim();
      expect(events).toEqual([
        expect.objectContaining({
          type: "promotion.opened",
          environment: "staging",
          links: {
            pull: pullUrl(staging!.number),
            commit: expect.stringMatching(/^http:\/\/github\.localhost\/acme\/gitops\/commit\/[0-9a-f]{40}$/),
            portal: "https://ferry.example.com/ferry/components/shop/api",
          },
        }),
        expect.objectContaining({
          type: "release.landed",
          environment: "dev",
          commit: landing,
          links: { commit: `${WEB}/acme/gitops/commit/${landing}`, portal: "https://ferry.example.com/ferry/components/shop/api" },
        }),
      ]);
      expect(receiver.posts.every((p) => verifies(p, SECRET))).toBe(true);
      expect(receiver.posts.every((p) => p.headers["x-ferry-event-id"] === (JSON.parse(p.body) as Told).id)).toBe(true);

      // The same push delivered again (another delivery id): nothing new is told.
      expect((await s.post("push", push)).status).toBe(200);
      expect(receiver.posts).toHaveLength(2);

      const text = await metrics.text();
      expect(text).toMatch(/ferry_notifications_total\{type="webhook",outcome="retried"\} [1-9]/);
      expect(text).toContain('ferry_notifications_total{type="webhook",outcome="delivered"} 2');
    } finally {
      await receiver.close();
    }
  });

  it("tells a promotion a person merged with a Ferry-Break-Glass trailer as merged and as a broken freeze", async () => {
    const receiver = await startReceiver();
    try {
      const s = await sceneWith(receiver.url);
      const { sha, before } = await commitApp(s, { ".ferry/api.yaml": componentYaml({ image: "ghcr.io/acme/api:2.1.0" }) });
      expect((await s.post("push", pushPayload(s, sha, before, { modified: [".ferry/api.yaml"] }))).outcome).toBe("done");
      const staging = s.fake.pullsIn(GITOPS_REPO, "open").find((pr) => pr.head.ref.startsWith("ferry/promote/shop/api/staging"))!;
      const { release } = (await waitFor("the promotion told", () => told(receiver).find((e) => e.type === "promotion.opened")))!;

      const merged = await githubApi(s, "PUT", `/repos/${GITOPS_REPO}/pulls/${staging.number}/merge`, {
        merge_method: "squash",
        commit_title: staging.title,
        commit_message: `Ferry-Component: shop/api\nFerry-Environment: staging\nFerry-Release: ${release}\nFerry-Break-Glass: dana: payments outage fix`,
      });
      expect(merged.status).toBe(200);
      const closed = payload("pull_request", "closed", {
        repo: GITOPS_REPO,
        number: staging.number,
        branch: staging.head.ref,
        installationId: s.installationId,
        sender: "dana",
        overrides: { pull_request: { merged: true } },
      });
      expect((await s.post("pull_request", closed)).outcome).toBe("done");

      const events = await waitFor("the merge told", () => {
        const staged = told(receiver).filter((e) => e.environment === "staging" && e.type !== "promotion.opened");
        return staged.length >= 3 && staged;
      });
      const mergeCommit = (await s.git.git(GITOPS_REPO, ["rev-parse", "main"])).trim();
      expect(events.map((e) => e.type).sort()).toEqual(["freeze.broken", "promotion.merged", "release.landed"]);
      expect(events.find((e) => e.type === "freeze.broken")).toMatchObject({
        release,
        commit: mergeCommit,
        by: "dana",
        reason: "payments outage fix",
        links: { pull: pullUrl(staging.number), commit: `${WEB}/acme/gitops/commit/${mergeCommit}` },
      });
      expect(new Set(told(receiver).map((e) => e.id)).size).toBe(receiver.posts.length);
    } finally {
      await receiver.close();
    }
  });
});
