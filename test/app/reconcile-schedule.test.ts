/** The reconcile pass's schedule: FERRY_RECONCILE_INTERVAL and a run at start-up. */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/config.js";
import { resolveDeps } from "../../app/deps.js";
import { intervalScheduler } from "../../app/scheduler.js";
import type { IntervalTimers } from "../../app/scheduler.js";

const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const ENV = { APP_ID: "123", PRIVATE_KEY: PEM, WEBHOOK_SECRET: "a-long-secret", FERRY_PLATFORM_REPO: "acme/platform" };

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

  it("schedules the pass from the configuration, and none for 0 or without one", () => {
    const logger = { child: () => logger } as never;
    const config = { platformRepo: { owner: "acme", repo: "platform" }, cacheDir: "/tmp/ferry" };
    expect(resolveDeps({}, { logger, config: { ...config, reconcileInterval: 300 } }).reconcile).toBeDefined();
    expect(resolveDeps({}, { logger, config: { ...config, reconcileInterval: 0 } }).reconcile).toBeUndefined();
    expect(resolveDeps({ ...config }, { logger }).reconcile).toBeUndefined();
  });
});

describe("intervalScheduler immediately", () => {
  it("runs once at start, then on each tick, never two at once", async () => {
    let tick: (() => void) | undefined;
    const timers: IntervalTimers = { setInterval: (fn) => ((tick = fn), 1), clearInterval: () => undefined };
    let runs = 0;
    let finish: () => void = () => undefined;
    intervalScheduler(60_000, { timers, immediately: true }).start(() => {
      runs++;
      return new Promise<void>((r) => (finish = r));
    });
    expect(runs).toBe(1);
    tick!(); // the start-up run is still going: skipped
    expect(runs).toBe(1);
    finish();
    await new Promise((r) => setTimeout(r, 0));
    tick!();
    expect(runs).toBe(2);
  });
});
