/** The composition root (app/deps.ts): the reconcile schedule FERRY_RECONCILE_INTERVAL asks for. */
import { describe, expect, it } from "vitest";
import { resolveDeps } from "../../app/deps.js";

describe("FERRY_RECONCILE_INTERVAL", () => {
  it("schedules the pass from the configuration, and none for 0 or without one", () => {
    const logger = { child: () => logger } as never;
    const config = { platformRepo: { owner: "acme", repo: "platform" }, cacheDir: "/tmp/ferry" };
    expect(resolveDeps({}, { logger, config: { ...config, reconcileInterval: 300 } }).reconcile).toBeDefined();
    expect(resolveDeps({}, { logger, config: { ...config, reconcileInterval: 0 } }).reconcile).toBeUndefined();
    expect(resolveDeps({ ...config }, { logger }).reconcile).toBeUndefined();
  });
});
