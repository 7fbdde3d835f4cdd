/**
 * What replicas of the app share when `REDIS_URL` is set: the delivery de-duplication (a delivery
 * GitHub sent twice, or to two replicas, does its work once) and leases (one replica at a time
 * runs the reconcile pass and the periodic gates evaluation). Without Redis, one replica does
 * everything in memory (`DeliveryCache`, {@link localLeases}).
 *
 * Correctness never depends on this: publishing is a compare-and-swap on the GitOps branch and
 * every job is idempotent, so two replicas that both act make one commit and one pull request.
 * Sharing only saves the duplicate work. Probot's throttling shares its state through Probot's
 * own Redis option (the same `REDIS_URL`, read by Probot's `run`).
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { LocalOnce, type OnceLedger } from "../flows/notifications/once.js";

/**
 * Which deliveries were seen: `claim` is true for the one caller that must do the work, which
 * then calls `finish` (a failed delivery is forgotten, so a redelivery retries it).
 * {@link DeliveryCache} is the in-memory one.
 */
export interface DeliveryLedger {
  claim(id: string): boolean | Promise<boolean>;
  finish(id: string, ok: boolean): void | Promise<void>;
}

/** Runs `task` only while holding the lease `name`; resolves false (task not run) when another replica holds it. */
export interface Leases {
  run(name: string, ttlMs: number, task: () => Promise<void>): Promise<boolean>;
}

/** One replica: every lease is free. */
export const localLeases: Leases = {
  async run(_name, _ttlMs, task) {
    await task();
    return true;
  },
};

/** The Redis commands the shared state uses (ioredis has them). */
export type RedisCommands = Pick<Redis, "set" | "del" | "eval" | "quit">;

/** Options of {@link RedisDeliveryLedger}. */
export interface RedisDeliveryLedgerProps {
  /** Key prefix. @default "ferry:delivery:" */
  readonly prefix?: string;
  /** How long a done delivery id is remembered, in seconds. @default 86400 (GitHub redelivers up to 3 days, Ferry's reconcile pass covers what is older) */
  readonly doneTtlSeconds?: number;
  /** How long a running claim holds before another replica may take the delivery over (a replica killed mid-job), in seconds. @default 120 */
  readonly runningTtlSeconds?: number;
}

/**
 * {@link DeliveryLedger} shared through Redis: `SET key running NX EX` claims a delivery for one
 * replica; done ids stay remembered for `doneTtlSeconds`; a failed job forgets its id so that a
 * redelivery retries it.
 */
export class RedisDeliveryLedger implements DeliveryLedger {
  readonly #redis: RedisCommands;
  readonly #prefix: string;
  readonly #doneTtl: number;
  readonly #runningTtl: number;

  constructor(redis: RedisCommands, props: RedisDeliveryLedgerProps = {}) {
    this.#redis = redis;
    this.#prefix = props.prefix ?? "ferry:delivery:";
    this.#doneTtl = props.doneTtlSeconds ?? 86_400;
    this.#runningTtl = props.runningTtlSeconds ?? 120;
    for (const [field, value] of [
      ["doneTtlSeconds", this.#doneTtl],
      ["runningTtlSeconds", this.#runningTtl],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`RedisDeliveryLedger ${field} must be a positive integer of seconds, got ${value}`);
    }
  }

  async claim(id: string): Promise<boolean> {
    return (await this.#redis.set(this.#prefix + id, "running", "EX", this.#runningTtl, "NX")) === "OK";
  }

  async finish(id: string, ok: boolean): Promise<void> {
    if (ok) await this.#redis.set(this.#prefix + id, "done", "EX", this.#doneTtl);
    else await this.#redis.del(this.#prefix + id);
  }

  /** Runs `work` once across replicas: false (and nothing done) when `id` was claimed before. */
  async once(id: string, work: () => Promise<void>): Promise<boolean> {
    if (!(await this.claim(id))) return false;
    let ok = false;
    try {
      await work();
      ok = true;
    } finally {
      await this.finish(id, ok);
    }
    return true;
  }
}

/**
 * {@link OnceLedger} shared through Redis: `SET key 1 NX EX ttl` is true for one replica only, so a
 * notification two replicas both tell about is sent once.
 */
export class RedisOnce implements OnceLedger {
  readonly #redis: RedisCommands;
  readonly #prefix: string;
  readonly #ttl: number;

  /** @param prefix key prefix @param ttlSeconds how long a claimed key is remembered @default 86400 */
  constructor(redis: RedisCommands, prefix = "ferry:notification:", ttlSeconds = 86_400) {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new Error(`RedisOnce ttlSeconds must be a positive integer of seconds, got ${ttlSeconds}`);
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttl = ttlSeconds;
  }

  async claim(key: string): Promise<boolean> {
    return (await this.#redis.set(this.#prefix + key, "1", "EX", this.#ttl, "NX")) === "OK";
  }
}

/** Deletes the lease only when this replica still holds it. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** Extends the lease only when this replica still holds it. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * {@link Leases} through Redis: `SET lease token NX PX ttl` takes it, renewed every third of
 * `ttlMs` while the task runs, and a compare-and-delete gives it back. A replica that dies
 * holding a lease holds it at most `ttlMs` more, so keep `ttlMs` short (tens of seconds).
 */
export class RedisLeases implements Leases {
  readonly #redis: RedisCommands;
  readonly #prefix: string;
  readonly #owner: string;

  /** @param prefix key prefix @default "ferry:lease:" */
  constructor(redis: RedisCommands, prefix = "ferry:lease:") {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#owner = randomUUID();
  }

  async run(name: string, ttlMs: number, task: () => Promise<void>): Promise<boolean> {
    if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new Error(`lease ${JSON.stringify(name)}: ttlMs must be a positive integer, got ${ttlMs}`);
    const key = this.#prefix + name;
    const token = `${this.#owner}:${randomUUID()}`;
    if ((await this.#redis.set(key, token, "PX", ttlMs, "NX")) !== "OK") return false;
    const renew = setInterval(() => void this.#redis.eval(RENEW, 1, key, token, String(ttlMs)).catch(() => undefined), Math.max(1, Math.floor(ttlMs / 3)));
    renew.unref();
    try {
      await task();
    } finally {
      clearInterval(renew);
      await this.#redis.eval(RELEASE, 1, key, token);
    }
    return true;
  }
}

/** A periodic pass run under the lease `name`; `onSkip` is told when another replica held it. */
export function leasedTask(leases: Leases, name: string, ttlMs: number, task: () => Promise<void>, onSkip: () => void = () => undefined): () => Promise<void> {
  return async () => {
    if (!(await leases.run(name, ttlMs, task))) onSkip();
  };
}

/** What replicas share: Redis-backed with a URL, in memory without. */
export interface SharedState {
  readonly deliveries: DeliveryLedger;
  readonly leases: Leases;
  /** Which notifications were sent (`ferry:<app id>:notification:<event id>:<name>`). */
  readonly notifications: OnceLedger;
  /** Closes the Redis connection, if any. */
  close(): Promise<void>;
}

/** The key prefix of an app's shared state: `ferry:<app id>:`, so several Ferry apps (their replicas each) can share one Redis. */
export function keyPrefix(appId: number): string {
  if (!Number.isInteger(appId) || appId < 1) throw new Error(`the app id keys Ferry's state in Redis: a positive integer, got ${appId}`);
  return `ferry:${appId}:`;
}

/**
 * The shared state for `REDIS_URL` (`redis://host:port/db`), or the in-memory one without it.
 * Every key carries the app id (`ferry:<app id>:delivery:<delivery id>`, `ferry:<app id>:lease:<pass>`):
 * another Ferry app on the same Redis neither skips this app's deliveries nor holds its leases.
 */
export function sharedState<L extends DeliveryLedger>(redisUrl: string | undefined, appId: number | undefined, local: () => L): SharedState {
  if (!redisUrl) return { deliveries: local(), leases: localLeases, notifications: new LocalOnce(), close: async () => undefined };
  if (appId === undefined) throw new Error("sharedState: REDIS_URL needs the app id (APP_ID), which every Redis key carries");
  const prefix = keyPrefix(appId);
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  return {
    deliveries: new RedisDeliveryLedger(redis, { prefix: `${prefix}delivery:` }),
    leases: new RedisLeases(redis, `${prefix}lease:`),
    notifications: new RedisOnce(redis, `${prefix}notification:`),
    close: async () => void (await redis.quit()),
  };
}
