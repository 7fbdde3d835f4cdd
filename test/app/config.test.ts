/** The app's configuration from the environment (app/config.ts): every variable checked, every problem named. */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/config.js";

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

describe("FERRY_RECONCILE_INTERVAL", () => {
  it("defaults to 300 seconds, takes 0 for off, and names a bad value", () => {
    expect(loadConfig(ENV).reconcileInterval).toBe(300);
    expect(loadConfig({ ...ENV, FERRY_RECONCILE_INTERVAL: "60" }).reconcileInterval).toBe(60);
    expect(loadConfig({ ...ENV, FERRY_RECONCILE_INTERVAL: "0" }).reconcileInterval).toBe(0);
    for (const bad of ["soon", "5", "2.5"]) {
      let error: unknown;
      try {
        loadConfig({ ...ENV, FERRY_RECONCILE_INTERVAL: bad });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join("\n"), bad).toMatch(/^FERRY_RECONCILE_INTERVAL: /m);
    }
  });
});
