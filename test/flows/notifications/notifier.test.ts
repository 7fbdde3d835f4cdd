/**
 * The platform's notifications against a real local HTTP receiver: the platform's
 * `spec.notifications` checked at file:line:field, the webhook's signature verified by the
 * receiver, a 500 retried with backoff, two replicas sharing a real redis-server delivering an
 * event once, Slack and Teams shapes with their links, and a receiver that never answers 2xx given
 * up on with a log line holding neither the URL nor the secret.
 */
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import pino from "pino";
import type { Logger } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisOnce } from "../../../app/replicas.js";
import { FerryMetrics } from "../../../app/metrics.js";
import { buildPlatformBundle } from "../../../core/platform-bundle.js";
import { notificationEventId, type NotificationEvent } from "../../../core/notifications/event.js";
import { Notifier, type NotificationOutcome } from "../../../flows/notifications/notifier.js";
import type { Diagnostic } from "../../../renderers/diagnostics.js";
import { loadPlatformSources } from "../../../renderers/load.js";
import type { Platform } from "../../../renderers/model/index.js";
import { loadBuiltins } from "../../../templates/index.js";
import { startRedis, type RedisServer } from "../../support/redis.js";
import { SECRET_PATH, startReceiver, verifies } from "../../support/notification-receiver.js";

const SECRET = "hook-secret-that-must-not-leak";

function capturedLogger(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: pino({ level: "trace" }, sink) as unknown as Logger, text: () => chunks.join("") };
}

const PLATFORM_FILE = ".ferry/platform.yaml";

function platformYaml(notifications: string): string {
  return `apiVersion: ferry.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  projects:
    - name: shop
      repos: [acme/shop-api]
    - name: pay
      repos: [acme/pay]
  environments:
    - name: dev
      gitops: {repo: acme/gitops, branch: main, path: environments/dev}
    - name: prod
      gitops: {repo: acme/gitops, branch: main, path: environments/prod}
  pipeline:
    - {from: dev, to: [prod]}
  notifications:
${notifications}`;
}

const NOTIFICATIONS = `    - name: hook
      type: webhook
      urlEnv: HOOK_URL
      secretEnv: HOOK_SECRET
      events: [release.landed, promotion.opened]
      environments: [prod]
    - name: chat
      type: slack
      urlEnv: SLACK_URL
      events: [release.landed]
      projects: [shop]
    - name: teams
      type: teams
      urlEnv: TEAMS_URL
      events: [verify.failed]
`;

function bundleOf(yaml: string): { platform?: Platform; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const bundle = buildPlatformBundle(loadPlatformSources("", new Map([[PLATFORM_FILE, yaml]]), diagnostics), loadBuiltins(), diagnostics);
  return { ...(bundle ? { platform: bundle.platform } : {}), diagnostics };
}

const platform = bundleOf(platformYaml(NOTIFICATIONS)).platform!;

const landed: NotificationEvent = {
  type: "release.landed",
  project: "shop",
  component: "api",
  environment: "prod",
  release: "0123456789ab",
  gitops: "acme/gitops",
  commit: "c".repeat(40),
  pull: { number: 7, url: "https://github.com/acme/gitops/pull/7" },
  source: { repo: "acme/shop-api", sha: "a".repeat(40) },
};

/** A notifier with instant backoff (the waits are recorded), counting into `metrics`. */
function notifier(env: Record<string, string>, opts: { once?: RedisOnce; logger?: Logger; attempts?: number; metrics?: FerryMetrics } = {}) {
  const waits: number[] = [];
  const outcomes: NotificationOutcome[] = [];
  const n = new Notifier({
    logger: opts.logger ?? capturedLogger().logger,
    env,
    webUrl: "https://github.com",
    portalUrl: "https://ferry.example.com",
    backoffMs: 100,
    attempts: opts.attempts ?? 4,
    sleep: async (ms) => void waits.push(ms),
    observe: (type, outcome) => {
      outcomes.push(outcome);
      opts.metrics?.notification(type, outcome);
    },
    ...(opts.once ? { once: opts.once } : {}),
  });
  return { n, waits, outcomes };
}

let redis: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
  await redis?.close();
});

describe("the platform's notifications", () => {
  it("refuses a bad notifications block, each problem at its file, line and field, and nothing else changes", () => {
    const yaml = platformYaml(`    - name: hook
      type: webhook
      urlEnv: HOOK_URL
      events: [release.landed]
    - name: chat
      type: slack
      urlEnv: SLACK_URL
      events: [release.landed, release.exploded]
    - name: other
      type: slack
      urlEnv: slack-url
      events: [promotion.opened]
      environments: [staging]
      projects: [ghost]
`);
    const { platform: bad, diagnostics } = bundleOf(yaml);
    expect(bad).toBeUndefined();
    const errors = diagnostics.filter((d) => d.severity === "error").map((d) => ({ file: d.file, line: d.line, field: d.field, message: d.message }));
    const lineOf = (needle: string) => yaml.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: PLATFORM_FILE, field: "spec.notifications[0].secretEnv", message: expect.stringContaining("secretEnv") }),
        expect.objectContaining({ file: PLATFORM_FILE, line: lineOf("release.exploded"), field: "spec.notifications[1].events[1]" }),
        expect.objectContaining({ file: PLATFORM_FILE, line: lineOf("slack-url"), field: "spec.notifications[2].urlEnv" }),
      ]),
    );
    // The schema errors stop the platform before the whole-platform checks: fix them and those speak.
    const second = bundleOf(
      platformYaml(`    - name: other
      type: slack
      urlEnv: SLACK_URL
      events: [promotion.opened]
      environments: [staging]
      projects: [ghost]
    - name: other
      type: teams
      urlEnv: TEAMS_URL
      events: [verify.failed]
`),
    );
    expect(second.platform).toBeUndefined();
    expect(second.diagnostics.map((d) => [d.field, d.message])).toEqual(
      expect.arrayContaining([
        ["spec.notifications[0].environments[0]", expect.stringContaining('unknown environment "staging"; known: dev, prod')],
        ["spec.notifications[0].projects[0]", expect.stringContaining('unknown project "ghost"')],
        ["spec.notifications[1].name", expect.stringContaining('"other" is already declared')],
      ]),
    );
  });

  it("signs the webhook's JSON: the receiver verifies X-Ferry-Signature-256 over the body, and a changed body no longer verifies", async () => {
    const hook = await startReceiver();
    const slack = await startReceiver();
    try {
      const { n } = notifier({ HOOK_URL: hook.url, HOOK_SECRET: SECRET, SLACK_URL: slack.url });
      n.notify(landed, platform);
      await n.idle();
      expect(hook.posts).toHaveLength(1);
      const post = hook.posts[0]!;
      expect(verifies(post, SECRET)).toBe(true);
      expect(verifies({ ...post, body: post.body.replace('"prod"', '"dev"') }, SECRET)).toBe(false);
      expect(verifies(post, "another-secret")).toBe(false);
      const id = notificationEventId(landed);
      expect(post.headers["x-ferry-event-id"]).toBe(id);
      expect(JSON.parse(post.body)).toMatchObject({
        id,
        type: "release.landed",
        project: "shop",
        component: "api",
        environment: "prod",
        release: "0123456789ab",
        links: {
          pull: "https://github.com/acme/gitops/pull/7",
          commit: `https://github.com/acme/gitops/commit/${"c".repeat(40)}`,
          portal: "https://ferry.example.com/ferry/components/shop/api",
        },
      });
      // Slack gets Block Kit, unsigned, with the same links as buttons.
      expect(slack.posts).toHaveLength(1);
      expect(slack.posts[0]!.headers["x-ferry-signature-256"]).toBeUndefined();
      const blocks = JSON.parse(slack.posts[0]!.body) as { text: string; blocks: { type: string; elements?: { url?: string }[] }[] };
      expect(blocks.text).toBe("Release 0123456789ab of shop/api landed in prod");
      expect(blocks.blocks.find((b) => b.type === "actions")?.elements?.map((e) => e.url)).toEqual([
        "https://github.com/acme/gitops/pull/7",
        `https://github.com/acme/gitops/commit/${"c".repeat(40)}`,
        "https://ferry.example.com/ferry/components/shop/api",
      ]);
    } finally {
      await hook.close();
      await slack.close();
    }
  });

  it("filters by event, environment and project, and sends Teams an Adaptive Card", async () => {
    const hook = await startReceiver();
    const slack = await startReceiver();
    const teams = await startReceiver();
    try {
      const { n } = notifier({ HOOK_URL: hook.url, HOOK_SECRET: SECRET, SLACK_URL: slack.url, TEAMS_URL: teams.url });
      n.notify({ ...landed, environment: "dev" }, platform); // hook: prod only; slack: shop, any environment
      n.notify({ ...landed, project: "pay" }, platform); // hook: yes; slack: shop only
      n.notify({ ...landed, type: "verify.failed", reason: "errorRate out of bounds" }, platform); // teams only
      await n.idle();
      expect(hook.posts.map((p) => (JSON.parse(p.body) as { project: string; environment: string }).project)).toEqual(["pay"]);
      expect(slack.posts.map((p) => (JSON.parse(p.body) as { text: string }).text)).toEqual(["Release 0123456789ab of shop/api landed in dev"]);
      expect(teams.posts).toHaveLength(1);
      const card = JSON.parse(teams.posts[0]!.body) as {
        attachments: { contentType: string; content: { type: string; body: { text?: string }[]; actions: { url: string }[] } }[];
      };
      expect(card.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
      expect(card.attachments[0]!.content.type).toBe("AdaptiveCard");
      expect(card.attachments[0]!.content.body[0]!.text).toBe("Release 0123456789ab of shop/api failed verification in prod: errorRate out of bounds");
      expect(card.attachments[0]!.content.actions.map((a) => a.url)).toContain("https://github.com/acme/gitops/pull/7");
    } finally {
      await Promise.all([hook.close(), slack.close(), teams.close()]);
    }
  });

  it("retries after a 500 with a doubling backoff and delivers once; /metrics counts the retry and the delivery", async () => {
    const hook = await startReceiver([500, 503]);
    try {
      const metrics = new FerryMetrics();
      const { n, waits, outcomes } = notifier({ HOOK_URL: hook.url, HOOK_SECRET: SECRET }, { metrics });
      n.notify({ ...landed, type: "promotion.opened" }, platform);
      await n.idle();
      expect(hook.posts).toHaveLength(3);
      expect(new Set(hook.posts.map((p) => p.body)).size).toBe(1); // the same event, the same id each time
      expect(hook.posts.every((p) => verifies(p, SECRET))).toBe(true);
      expect(waits).toEqual([100, 200]);
      expect(outcomes).toEqual(["retried", "retried", "delivered"]);
      const text = await metrics.text();
      expect(text).toContain('ferry_notifications_total{type="webhook",outcome="retried"} 2');
      expect(text).toContain('ferry_notifications_total{type="webhook",outcome="delivered"} 1');
      // Told again (a redelivery, the reconcile pass): the same id is not sent again.
      n.notify({ ...landed, type: "promotion.opened" }, platform);
      await n.idle();
      expect(hook.posts).toHaveLength(3);
      expect(outcomes.at(-1)).toBe("duplicate");
    } finally {
      await hook.close();
    }
  });

  it("delivers one post per event id when two replicas sharing Redis both tell it", async () => {
    const hook = await startReceiver();
    const slack = await startReceiver();
    try {
      const replica = () => {
        const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
        clients.push(c);
        return notifier({ HOOK_URL: hook.url, HOOK_SECRET: SECRET, SLACK_URL: slack.url }, { once: new RedisOnce(c, "ferry:1:notification:") });
      };
      const a = replica();
      const b = replica();
      a.n.notify(landed, platform);
      b.n.notify(landed, platform);
      const other = { ...landed, release: "ba9876543210", commit: "d".repeat(40) };
      b.n.notify(other, platform);
      a.n.notify(other, platform);
      await Promise.all([a.n.idle(), b.n.idle()]);
      const ids = hook.posts.map((p) => (JSON.parse(p.body) as { id: string }).id).sort();
      expect(ids).toEqual([notificationEventId(landed), notificationEventId(other)].sort());
      // Each event also went to Slack (project shop), once.
      expect(slack.posts).toHaveLength(2);
      expect([...a.outcomes, ...b.outcomes].sort()).toEqual([
        "delivered",
        "delivered",
        "delivered",
        "delivered",
        "duplicate",
        "duplicate",
        "duplicate",
        "duplicate",
      ]);
      const check = new Redis(redis.url);
      clients.push(check);
      expect(await check.ttl(`ferry:1:notification:${notificationEventId(landed)}:hook`)).toBeGreaterThan(86_000);
    } finally {
      await slack.close();
      await hook.close();
    }
  });

  it("stops without waiting out the retries: the post in flight ends, no retry starts, new events are dropped", async () => {
    const hook = await startReceiver([500, 500, 500]);
    try {
      const { n, outcomes } = notifier({ HOOK_URL: hook.url, HOOK_SECRET: SECRET }, { attempts: 3 });
      n.notify({ ...landed, project: "pay" }, platform);
      await n.stop();
      n.notify({ ...landed, project: "pay", release: "111111111111" }, platform);
      await n.idle();
      expect(hook.posts).toHaveLength(1);
      expect(outcomes).toEqual(["failed", "dropped"]);
    } finally {
      await hook.close();
    }
  });

  it("gives up on a receiver that keeps failing, logging the notification and status but neither its URL nor its secret", async () => {
    const hook = await startReceiver([500, 500, 500]);
    const { logger, text } = capturedLogger();
    try {
      const { n, outcomes } = notifier({ HOOK_URL: hook.url, HOOK_SECRET: SECRET }, { logger, attempts: 3 });
      n.notify({ ...landed, project: "pay" }, platform);
      await n.idle();
      expect(hook.posts).toHaveLength(3);
      expect(outcomes).toEqual(["retried", "retried", "failed"]);
      const lines = text()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.msg === "notification failed: given up")).toMatchObject({
        notification: "hook",
        event: "release.landed",
        status: 500,
        attempts: 3,
      });
      expect(text()).not.toContain(SECRET_PATH);
      expect(text()).not.toContain(SECRET);
      // A variable not set: nothing is sent, the variable is named, its value never.
      const unset = notifier({ HOOK_SECRET: SECRET }, { logger });
      unset.n.notify({ ...landed, project: "pay", release: "fedcba987654" }, platform);
      await unset.n.idle();
      expect(unset.outcomes).toEqual(["not-configured"]);
      expect(text()).toContain("the environment variable HOOK_URL is not set");
    } finally {
      await hook.close();
    }
  });
});
