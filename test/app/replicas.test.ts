/**
 * What replicas share through a real redis-server: a delivery claimed by one replica is skipped by
 * the other, a failed one can be retried, and a lease lets one replica at a time run a pass.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { ConfigError, loadConfig } from "../../app/config.js";
import { DeliveryCache } from "../../app/seen-deliveries.js";
import { resolveDeps } from "../../app/deps.js";
import { Shutdown } from "../../app/shutdown.js";
import { leasedTask, localLeases, RedisDeliveryLedger, RedisLeases, sharedState } from "../../app/replicas.js";
import { startRedis, type RedisServer } from "../support/redis.js";

let server: RedisServer;
const clients: Redis[] = [];

function client(): Redis {
  const c = new Redis(server.url, { maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
  await server?.close();
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("delivery de-duplication shared through Redis", () => {
  it("runs a delivery on one replica only, also while the first is still working on it", async () => {
    const a = new RedisDeliveryLedger(client(), { prefix: "t1:" });
    const b = new RedisDeliveryLedger(client(), { prefix: "t1:" });
    const gate = deferred();
    const started = deferred();
    const ran: string[] = [];
    const first = a.once("d-1", async () => {
      ran.push("a");
      started.resolve();
      await gate.promise;
    });
    // The two replicas talk to Redis over their own connections: ask b only once a holds the delivery.
    await started.promise;
    await expect(b.once("d-1", async () => void ran.push("b"))).resolves.toBe(false);
    gate.resolve();
    await expect(first).resolves.toBe(true);
    await expect(b.once("d-1", async () => void ran.push("b"))).resolves.toBe(false);
    expect(ran).toEqual(["a"]);
    expect(await client().ttl("t1:d-1")).toBeGreaterThan(86_000);
  });

  it("forgets a delivery whose work failed, so that a redelivery to any replica retries it", async () => {
    const a = new RedisDeliveryLedger(client(), { prefix: "t2:" });
    const b = new RedisDeliveryLedger(client(), { prefix: "t2:" });
    await expect(a.once("d-2", async () => Promise.reject(new Error("GitHub answered 502")))).rejects.toThrow("GitHub answered 502");
    expect(await client().exists("t2:d-2")).toBe(0);
    let retried = false;
    await expect(b.once("d-2", async () => void (retried = true))).resolves.toBe(true);
    expect(retried).toBe(true);
  });

  it("refuses TTLs that are not whole positive seconds, naming the field", () => {
    expect(() => new RedisDeliveryLedger(client(), { doneTtlSeconds: 0 })).toThrow(
      "RedisDeliveryLedger doneTtlSeconds must be a positive integer of seconds, got 0",
    );
    expect(() => new RedisDeliveryLedger(client(), { runningTtlSeconds: 1.5 })).toThrow("runningTtlSeconds must be a positive integer of seconds, got 1.5");
  });
});

describe("leases shared through Redis", () => {
  it("lets one replica at a time run the pass, and frees the lease when the pass ends", async () => {
    const a = new RedisLeases(client(), "t3:");
    const b = new RedisLeases(client(), "t3:");
    const gate = deferred();
    const started = deferred();
    const first = a.run("reconcile", 60_000, () => {
      started.resolve();
      return gate.promise;
    });
    await started.promise; // a holds the lease
    let bRan = false;
    await expect(b.run("reconcile", 60_000, async () => void (bRan = true))).resolves.toBe(false);
    expect(bRan).toBe(false);
    // Another lease name is independent.
    await expect(b.run("gates", 60_000, async () => undefined)).resolves.toBe(true);
    gate.resolve();
    await expect(first).resolves.toBe(true);
    await expect(b.run("reconcile", 60_000, async () => void (bRan = true))).resolves.toBe(true);
    expect(bRan).toBe(true);
  });

  it("expires the lease of a replica that died holding it", async () => {
    const redis = client();
    await redis.set("t4:reconcile", "a dead replica's token", "PX", 50);
    const b = new RedisLeases(client(), "t4:");
    await expect(b.run("reconcile", 60_000, async () => undefined)).resolves.toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    await expect(b.run("reconcile", 60_000, async () => undefined)).resolves.toBe(true);
  });

  it("keeps the lease while a pass runs longer than the lease time, and frees it at once after", async () => {
    const a = new RedisLeases(client(), "t7:");
    const b = new RedisLeases(client(), "t7:");
    const gate = deferred();
    const first = a.run("reconcile", 60, () => gate.promise);
    await new Promise((r) => setTimeout(r, 200));
    await expect(b.run("reconcile", 60, async () => undefined)).resolves.toBe(false);
    gate.resolve();
    await first;
    await expect(b.run("reconcile", 60, async () => undefined)).resolves.toBe(true);
  });

  it("never deletes a lease another replica took after this one's expired", async () => {
    const redis = client();
    const a = new RedisLeases(client(), "t5:");
    await a.run("gates", 30, async () => {
      await new Promise((r) => setTimeout(r, 60));
      await redis.set("t5:gates", "replica b", "PX", 60_000);
    });
    expect(await redis.get("t5:gates")).toBe("replica b");
  });
});

describe("periodic passes under a lease", () => {
  it("runs a pass on one of two replicas whose timers fire together, and on the other once it is free", async () => {
    const passes: string[] = [];
    const skipped: string[] = [];
    const gate = deferred();
    const pass = (replica: string) =>
      leasedTask(
        new RedisLeases(client(), "t6:"),
        "reconcile",
        60_000,
        async () => {
          passes.push(replica);
          await gate.promise;
        },
        () => skipped.push(replica),
      );
    const [a, b] = [pass("a"), pass("b")];
    const both = Promise.all([a(), b()]);
    await new Promise((r) => setTimeout(r, 50));
    gate.resolve();
    await both;
    expect(passes).toHaveLength(1);
    expect(skipped).toEqual([passes[0] === "a" ? "b" : "a"]);
    await (passes[0] === "a" ? b : a)();
    expect(passes).toHaveLength(2);
    expect(new Set(passes)).toEqual(new Set(["a", "b"]));
  });
});

describe("shared state from REDIS_URL", () => {
  it("is in memory without a URL and shared through Redis with one", async () => {
    const local = new DeliveryCache(10);
    const memory = sharedState(undefined, undefined, () => local);
    expect(memory.deliveries).toBe(local);
    expect(memory.leases).toBe(localLeases);
    await memory.close();

    const one = sharedState(server.url, 42, () => new DeliveryCache());
    const two = sharedState(server.url, 42, () => new DeliveryCache());
    try {
      expect(await one.deliveries.claim("shared-1")).toBe(true);
      expect(await two.deliveries.claim("shared-1")).toBe(false);
      await one.deliveries.finish("shared-1", false);
      expect(await two.deliveries.claim("shared-1")).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe("REDIS_URL in the app's configuration", () => {
  const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const ENV = { APP_ID: "123", PRIVATE_KEY: PEM, WEBHOOK_SECRET: "a-long-secret", FERRY_PLATFORM_REPO: "acme/platform" };

  it("takes a redis:// URL and names a bad one", () => {
    expect(loadConfig(ENV).redisUrl).toBeUndefined();
    expect(loadConfig({ ...ENV, REDIS_URL: server.url }).redisUrl).toBe(server.url);
    expect(() => loadConfig({ ...ENV, REDIS_URL: "localhost:6379" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...ENV, REDIS_URL: "localhost:6379" })).toThrow('REDIS_URL: must be a redis:// or rediss:// URL, got "localhost:6379"');
  });

  it("shares deliveries and leases through it, and closes the connection on shutdown", async () => {
    const logger = { child: () => logger } as never;
    const shutdown = new Shutdown();
    const config = { platformRepo: { owner: "acme", repo: "platform" }, cacheDir: "/tmp/ferry", redisUrl: server.url, appId: 123 };
    const deps = resolveDeps({ shutdown }, { logger, config });
    expect(deps.deliveries).toBeInstanceOf(RedisDeliveryLedger);
    expect(deps.leases).toBeInstanceOf(RedisLeases);
    expect(await deps.deliveries.claim("from-config-1")).toBe(true);
    expect(await client().get("ferry:123:delivery:from-config-1")).toBe("running");
    await shutdown.run();
    const local = resolveDeps({}, { logger, config: { ...config, redisUrl: undefined } });
    expect(local.deliveries).toBeInstanceOf(DeliveryCache);
    expect(local.leases).toBe(localLeases);
  });
});

describe("two Ferry apps sharing one Redis", () => {
  const logger = { child: () => logger } as never;
  const configOf = (appId: number) => ({ platformRepo: { owner: "acme", repo: "platform" }, cacheDir: "/tmp/ferry", redisUrl: server.url, appId });

  it("each processes the same delivery id and runs its own passes; every key carries the app id", async () => {
    const shutdown = new Shutdown();
    const one = resolveDeps({ shutdown }, { logger, config: configOf(1001) });
    const oneReplica = resolveDeps({ shutdown }, { logger, config: configOf(1001) });
    const two = resolveDeps({ shutdown }, { logger, config: configOf(2002) });
    try {
      // GitHub gives each app's delivery its own id, but ids of different apps may meet (a redelivery, a test, a GHES restore).
      const handled: string[] = [];
      const deliver = async (name: string, deps: typeof one) => {
        if (!(await deps.deliveries.claim("shared-delivery"))) return;
        handled.push(name);
        await deps.deliveries.finish("shared-delivery", true);
      };
      await deliver("app 1001", one);
      await deliver("app 2002", two);
      await deliver("a replica of app 1001", oneReplica);
      expect(handled).toEqual(["app 1001", "app 2002"]);

      // A pass's lease: one app holding it does not stop the other's pass, only its own replicas'.
      const ran: string[] = [];
      const holding = deferred();
      const inside = deferred();
      const first = one.leases.run("reconcile", 5_000, async () => {
        ran.push("app 1001");
        inside.resolve();
        await holding.promise;
      });
      await inside.promise;
      expect(await two.leases.run("reconcile", 5_000, async () => void ran.push("app 2002"))).toBe(true);
      expect(await oneReplica.leases.run("reconcile", 5_000, async () => void ran.push("a replica of app 1001"))).toBe(false);
      const keys = (await client().keys("*")).filter((k) => k.includes("shared-delivery") || k.includes("reconcile")).sort();
      expect(keys).toEqual(["ferry:1001:delivery:shared-delivery", "ferry:1001:lease:reconcile", "ferry:2002:delivery:shared-delivery"]);
      holding.resolve();
      await first;
      expect(ran).toEqual(["app 1001", "app 2002"]);
    } finally {
      await shutdown.run();
    }
  });

  it("refuses to share Redis without an app id to key it by", () => {
    expect(() => resolveDeps({}, { logger, config: { ...configOf(1), appId: undefined } })).toThrow("REDIS_URL needs the app id (APP_ID)");
    expect(() => sharedState(server.url, 0, () => new DeliveryCache())).toThrow("a positive integer, got 0");
  });
});
