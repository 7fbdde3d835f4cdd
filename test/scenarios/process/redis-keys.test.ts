/**
 * Redis keys carry the app id: the app as a real process (`app/main.ts`) with REDIS_URL on a real
 * redis-server handles a webhook delivery; every key it leaves in Redis (the delivery ledger,
 * the passes' leases, and the throttling's limiters Probot keeps there) names its app id, so
 * another Ferry app on the same Redis never meets them.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppProcess, type AppProcess } from "../../load/app-process.js";
import { SECRET, SHOP_API, startDevWorld, type World } from "../../load/world.js";
import { deliver, payload } from "../../support/webhooks.js";
import { waitUntil } from "../../load/wait.js";
import { componentYaml } from "../../support/app-scene.js";

const APP_REPO = SHOP_API;

let world: World;
let app: AppProcess;
let redis: Redis;

beforeAll(async () => {
  world = await startDevWorld({ redis: true });
  redis = new Redis(world.redis!.url, { maxRetriesPerRequest: 1 });
  // Throttling on (FERRY_GITHUB_WRITE_INTERVAL_MS unset would space writes 1 s apart; 0 keeps the test fast).
  app = await startAppProcess("app", world.appEnv({ FERRY_RECONCILE_INTERVAL: "0" }));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await redis?.quit();
  await world?.close();
});

describe("the app's keys in a shared Redis", () => {
  it("all carry its app id: the delivery ledger and the throttling's limiters", async () => {
    const appId = world.fake.app.id;
    const before = (await world.fake.branchSha(APP_REPO))!;
    // A component added: the push is released into dev (GitHub read and written through the throttled clients).
    const sha = await world.fake.commit(APP_REPO, { files: { ".ferry/api.yaml": componentYaml() }, message: "add api" });
    const push = payload("push", undefined, {
      repo: APP_REPO,
      sha,
      before,
      branch: "main",
      installationId: world.installationId,
      files: { added: [".ferry/api.yaml"] },
    });
    const delivered = await deliver(app.webhookUrl, "push", push, { secret: SECRET });
    expect(delivered.status).toBe(200);
    const delivery = delivered.id;
    await waitUntil("the delivery recorded as done", async () => ((await redis.get(`ferry:${appId}:delivery:${delivery}`)) === "done" ? true : undefined));
    const keys = (await redis.keys("*")).sort();
    const limiters = keys.filter((k) => k.startsWith("b_"));
    expect(limiters.length, keys.join("\n")).toBeGreaterThan(0);
    expect(keys).toContain(`ferry:${appId}:delivery:${delivery}`);
    const strangers = keys.filter((k) => !k.startsWith(`ferry:${appId}:`) && !new RegExp(`^b_octokit-[a-z]+-ferry:${appId}[/_]`).test(k));
    expect(strangers).toEqual([]);
  }, 60_000);
});
