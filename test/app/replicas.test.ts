/**
 * What replicas share through a real redis-server: a delivery claimed by one replica is skipped by
 * the other, a failed one can be retried, and a lease lets one replica at a time run a pass.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryCache } from "../../app/deliveries.js";
import { localLeases, RedisDeliveryLedger, RedisLeases, sharedState } from "../../app/replicas.js";
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
    const ran: string[] = [];
    const first = a.once("d-1", async () => {
      ran.push("a");
      await gate.promise;
    });
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
    const first = a.run("reconcile", 60_000, () => gate.promise);
    await new Promise((r) => setTimeout(r, 20));
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

describe("shared state from REDIS_URL", () => {
  it("is in memory without a URL and shared through Redis with one", async () => {
    const local = new DeliveryCache(10);
    const memory = sharedState(undefined, () => local);
    expect(memory.deliveries).toBe(local);
    expect(memory.leases).toBe(localLeases);
    await memory.close();

    const one = sharedState(server.url, () => new DeliveryCache());
    const two = sharedState(server.url, () => new DeliveryCache());
    try {
      await expect(one.deliveries.once("shared-1", async () => undefined)).resolves.toBe(true);
      await expect(two.deliveries.once("shared-1", async () => undefined)).resolves.toBe(false);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
