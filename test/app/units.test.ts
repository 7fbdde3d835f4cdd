/** Unit tests of the app's pure parts: config, Octokit options, delivery cache, triggers. */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/config.js";
import { DeliveryCache } from "../../app/seen-deliveries.js";
import { burstGroup, ferryOctokitOptions } from "../../app/octokit.js";
import { commitsTouchFerry, componentsWaitingFor, isFerryCheck } from "../../flows/release/triggers.js";

const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

const ENV = {
  APP_ID: "123",
  PRIVATE_KEY: PEM,
  WEBHOOK_SECRET: "a-long-secret",
  FERRY_PLATFORM_REPO: "acme/platform",
};

describe("loadConfig", () => {
  it("reads a complete environment", () => {
    const c = loadConfig(ENV, { cwd: "/srv/ferry" });
    expect(c).toMatchObject({
      appId: 123,
      webhookSecret: "a-long-secret",
      baseUrl: "https://api.github.com",
      platformRepo: { owner: "acme", repo: "platform" },
      cacheDir: "/srv/ferry/.cache/ferry",
      logLevel: "info",
    });
    expect(c.privateKey).toBe(PEM);
  });

  it("accepts an escaped or base64 key, a key file, and GitHub Enterprise", () => {
    expect(loadConfig({ ...ENV, PRIVATE_KEY: PEM.replace(/\n/g, "\\n") }).privateKey).toBe(PEM);
    expect(loadConfig({ ...ENV, PRIVATE_KEY: Buffer.from(PEM).toString("base64") }).privateKey).toBe(PEM);
    const fromFile = loadConfig(
      { ...ENV, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "key.pem" },
      { cwd: "/keys", readFile: (f) => (f === "/keys/key.pem" ? PEM : "") },
    );
    expect(fromFile.privateKey).toBe(PEM);
    expect(loadConfig({ ...ENV, GHE_HOST: "github.example.com" }).baseUrl).toBe("https://github.example.com/api/v3");
  });

  it("names every missing or bad variable at once", () => {
    let error: unknown;
    try {
      loadConfig({ APP_ID: "abc", FERRY_PLATFORM_REPO: "not-a-repo", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/^APP_ID: must be the app's numeric id, got "abc"/m);
    expect(problems).toMatch(/^WEBHOOK_SECRET: is required/m);
    expect(problems).toMatch(/^FERRY_PLATFORM_REPO: "not-a-repo" is not a repository name/m);
    expect(problems).toMatch(/^LOG_LEVEL: /m);
    expect(problems).toMatch(/^PRIVATE_KEY or PRIVATE_KEY_PATH: one is required/m);
    expect((error as ConfigError).message).toContain(".env.example");
  });

  it("refuses a short webhook secret, an unreadable key file and a key that is not PEM", () => {
    expect(() => loadConfig({ ...ENV, WEBHOOK_SECRET: "dev" })).toThrow(/WEBHOOK_SECRET: must be at least 8 characters/);
    expect(() =>
      loadConfig(
        { ...ENV, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "nope.pem" },
        {
          readFile: () => {
            throw new Error("ENOENT");
          },
        },
      ),
    ).toThrow(/PRIVATE_KEY_PATH: cannot read nope.pem: ENOENT/);
    expect(() => loadConfig({ ...ENV, PRIVATE_KEY: "hello" })).toThrow(/PRIVATE_KEY: is not a PEM private key/);
  });
});

describe("ferryOctokitOptions", () => {
  it("retries rate limits a bounded number of times and never retries client errors", () => {
    const o = ferryOctokitOptions({ rateLimitRetries: 2 });
    const warn: string[] = [];
    const octokit = { log: { warn: (m: string) => warn.push(m) } };
    const req = { method: "POST", url: "/repos/a/b/check-runs" };
    expect(o.throttle.enabled).toBe(true);
    if (!("onRateLimit" in o.throttle)) throw new Error("throttle handlers missing");
    expect(o.throttle.onRateLimit(5, req, octokit, 0)).toBe(true);
    expect(o.throttle.onRateLimit(5, req, octokit, 2)).toBe(false);
    expect(o.throttle.onSecondaryRateLimit(5, req, octokit, 1)).toBe(true);
    expect(warn[1]).toMatch(/giving up/);
    expect(o.retry.doNotRetry).toEqual(expect.arrayContaining([400, 401, 403, 404, 422]));
    expect(ferryOctokitOptions({ throttle: false }).throttle).toEqual({ enabled: false });
  });
});

describe("burstGroup", () => {
  it("starts a burst of writes at once and holds the next one back, per key", async () => {
    const group = burstGroup(3, 60_000);
    const started: string[] = [];
    const write = (key: string, n: number) => void group.key(key).schedule({}, async () => started.push(`${key}${n}`));
    for (let n = 1; n <= 4; n++) write("a", n);
    write("b", 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.sort()).toEqual(["a1", "a2", "a3", "b1"]);
    expect(() => burstGroup(0, 1000)).toThrow(/burst/);
  });
});

describe("DeliveryCache", () => {
  it("runs a delivery once, even when the second arrives while the first runs", async () => {
    const cache = new DeliveryCache(10);
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = cache.once("d1", async () => {
      runs++;
      await gate;
    });
    const second = await cache.once("d1", async () => {
      runs++;
    });
    release();
    expect(await first).toBe(true);
    expect(second).toBe(false);
    expect(await cache.once("d1", async () => void runs++)).toBe(false);
    expect(runs).toBe(1);
    expect(cache.state("d1")).toBe("done");
  });

  it("forgets a failed delivery so a redelivery retries it", async () => {
    const cache = new DeliveryCache(10);
    await expect(
      cache.once("d1", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(cache.state("d1")).toBeUndefined();
    expect(await cache.once("d1", async () => undefined)).toBe(true);
  });

  it("is bounded: the oldest ids are evicted", () => {
    const cache = new DeliveryCache(3);
    for (const id of ["a", "b", "c", "d"]) expect(cache.claim(id)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.state("a")).toBeUndefined();
    expect(cache.claim("d")).toBe(false);
    expect(() => new DeliveryCache(0)).toThrow(/positive integer/);
  });
});

describe("triggers", () => {
  it("sees .ferry/ in added, modified or removed files", () => {
    expect(commitsTouchFerry([{ added: ["src/a.ts"], modified: [], removed: [] }], {})).toBe(false);
    expect(commitsTouchFerry([{ added: [], modified: [], removed: [".ferry/api.yaml"] }], {})).toBe(true);
    expect(commitsTouchFerry([{ modified: [".ferry/api.yaml"] }], {})).toBe(true);
    expect(commitsTouchFerry([{ modified: [".ferryx/a"] }, { added: ["x/.ferry/a.yaml"] }], {})).toBe(false);
  });

  it("asks GitHub when the payload may be incomplete", () => {
    expect(commitsTouchFerry([], { id: "x" })).toBe("unknown");
    expect(commitsTouchFerry([], null)).toBe(false);
    expect(
      commitsTouchFerry(
        Array.from({ length: 2048 }, () => ({ added: ["a"] })),
        {},
      ),
    ).toBe("unknown");
  });

  it("finds components waiting for a check, and knows Ferry's own checks", () => {
    const files = new Map([
      [
        ".ferry/a.yaml",
        "apiVersion: ferry.dev/v1alpha1\nkind: Component\nmetadata: {name: a, project: p}\nspec:\n  type: service\n  build: {waitForCheck: build}\n  container: {image: x:1}\n",
      ],
    ]);
    expect(componentsWaitingFor(files, "build").map((c) => c.metadata.name)).toEqual(["a"]);
    expect(componentsWaitingFor(files, "test")).toEqual([]);
    expect(isFerryCheck("Ferry / release")).toBe(true);
    expect(isFerryCheck("build")).toBe(false);
  });
});
