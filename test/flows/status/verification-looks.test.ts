/**
 * The verifier's budget (issue 23): one instant query per signal per look, a look per interval,
 * also when the window's end falls below half a second (its rounded `window.to` is then earlier
 * than the end: the last look must still complete the window, not look again at once).
 */
import { describe, expect, it } from "vitest";
import type { PrometheusPort } from "../../../adapters/prometheus/client.js";
import { verifyRelease } from "../../../flows/status/verification.js";
import { Platform } from "../../../renderers/model/index.js";
import { ManualClock } from "../../support/status-scene.js";

const platform = Platform.parse({
  apiVersion: "ferry.dev/v1alpha1",
  kind: "Platform",
  metadata: { name: "acme" },
  spec: {
    projects: [{ name: "shop", repos: ["acme/shop-api"] }],
    observability: { prometheus: [{ name: "local", url: "http://127.0.0.1:9" }] },
    environments: [
      { name: "dev", gitops: { repo: "acme/gitops", branch: "main", path: "environments/dev" } },
      { name: "prod", cluster: { context: "prod", prometheus: "local" }, gitops: { repo: "acme/gitops", branch: "main", path: "environments/prod" } },
    ],
    pipeline: [{ from: "dev", to: ["prod"], verify: { duration: "4s", signals: { errorRate: { max: 0.05 }, latencyP95: { max: 0.3 } } } }],
  },
});

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
};

describe("verifyRelease's looks", () => {
  it.each([200, 700])("makes one query per signal per interval: a 4 s window, a look a second, healthy at .%i s: 4 looks, 8 queries", async (fraction) => {
    const clock = new ManualClock(new Date(1_800_000_000_000 + fraction));
    const looks: number[] = [];
    const port: PrometheusPort = {
      query: async (expr, time) => {
        looks.push(time);
        return { ok: true, value: expr.includes("http_requests_total") ? 0.01 : 0.05 };
      },
      queryRange: async () => ({ ok: true, value: [] }),
    };
    const environment = platform.spec.environments[1]!;
    const healthyAt = clock.date();
    let result: string | undefined;
    void verifyRelease(
      {
        subject: { platform, environment, project: "shop", component: "api", release: "r2", type: "service" },
        verify: platform.spec.pipeline[0]!.verify!,
        healthyAt,
        landedAt: healthyAt,
      },
      { prometheus: { ok: true, endpoint: platform.spec.observability!.prometheus[0]!, port }, clock: clock.date, timers: clock, minIntervalMs: 1000 },
    ).done.then((o) => (result = o.result));
    for (let i = 0; i < 6 && result === undefined; i++) {
      clock.advance(1000);
      await settle();
    }
    expect(result).toBe("verified");
    expect(looks).toHaveLength(8);
    // Two queries at each of +1, +2, +3 and +4 s, none after the window.
    const start = healthyAt.getTime() / 1000;
    expect([...new Set(looks.map((t) => Math.round(t - start)))]).toEqual([1, 2, 3, 4]);
  });
});
