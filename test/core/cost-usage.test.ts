/** Requests suggested from measured usage (core/cost-usage.ts), against figures computed by hand. */
import { describe, expect, it } from "vitest";
import type { RenderedObjects } from "../../core/cost.js";
import { formatAmount, formatUsageText } from "../../core/cost-report.js";
import { podUsage, suggestRequest, suggestRequests } from "../../core/cost-usage.js";
import { deployment, hpa, pricing } from "../support/cost-objects.js";

const MiB = 2 ** 20;

describe("requests suggested from usage", () => {
  const labels = (component: string) => ({ "ferry.dev/project": "shop", "ferry.dev/component": component, "ferry.dev/environment": "prod" });
  const metrics = (pod: string, cpu: string, memory: string) => ({
    metadata: { name: pod, namespace: "shop-prod" },
    containers: [{ name: "main", usage: { cpu, memory } }],
  });

  it("rounds usage / 0.7 up to 10m CPU and 16Mi memory, at least one step", () => {
    expect(suggestRequest("cpu", 0.1)).toBe(0.15); // 0.142857 → 150m
    expect(suggestRequest("cpu", 0.35)).toBe(0.5); // exactly 500m
    expect(suggestRequest("cpu", 0)).toBe(0.01);
    expect(suggestRequest("memory", 100 * MiB) / MiB).toBe(144); // 142.86Mi → 144Mi
    expect([formatAmount("cpu", 0.15), formatAmount("memory", 144 * MiB), formatAmount("memory", 1.5 * 2 ** 30)]).toEqual(["150m", "144Mi", "1.5Gi"]);
  });

  it("suggests less for a component under 50% of its request and more for one over 90%, priced per replica counted", () => {
    const components: RenderedObjects[] = [
      { environment: "prod", project: "shop", component: "api", objects: [deployment("api", 1, "1", "1Gi"), hpa("api", 3, 10)] },
      { environment: "prod", project: "shop", component: "web", objects: [deployment("web", 2, "200m", "256Mi")] },
    ];
    const pods = [
      podUsage(metrics("api-1", "200m", "300Mi"), labels("api")),
      podUsage(metrics("api-2", "250m", "700Mi"), labels("api")),
      podUsage(metrics("web-1", "190m", "250Mi"), labels("web")),
      podUsage(metrics("other", "5", "5Gi"), { ...labels("web"), "ferry.dev/environment": "dev" }),
      // A preview of prod's web: prod's labels plus ferry.dev/preview, in its own namespace; not prod's usage.
      podUsage({ ...metrics("web-pr", "5", "5Gi"), metadata: { name: "web-pr", namespace: "shop-pr-7" } }, { ...labels("web"), "ferry.dev/preview": "7" }),
    ];
    const s = suggestRequests("prod", components, pods, pricing);
    expect(s.map((x) => [x.component, x.resource, x.verdict, x.pods, x.replicas])).toEqual([
      ["api", "cpu", "over-provisioned", 2, 3],
      ["api", "memory", "ok", 2, 3],
      ["web", "cpu", "under-provisioned", 1, 2],
      ["web", "memory", "under-provisioned", 1, 2],
    ]);
    const [apiCpu, apiMemory, webCpu, webMemory] = s;
    // api: highest CPU 250m of 1 core (25%): 250m / 0.7 = 357m → 360m; 3 replicas save 0.64 x 3 x 23.
    expect(apiCpu).toMatchObject({ request: 1, usage: 0.25, ratio: 0.25, suggested: 0.36 });
    expect(apiCpu!.monthlyDelta).toBeCloseTo(-0.64 * 3 * 23);
    // api memory: 700Mi of 1Gi (68%) stays.
    expect(apiMemory).toMatchObject({ suggested: 2 ** 30, monthlyDelta: 0 });
    // web: 190m of 200m (95%): 190m / 0.7 = 271.4m → 280m; 2 replicas cost 0.08 x 2 x 23 more.
    expect(webCpu!.suggested).toBe(0.28);
    expect(webCpu!.monthlyDelta).toBeCloseTo(0.08 * 2 * 23);
    // web memory: 250Mi of 256Mi: 357.1Mi → 368Mi; (368 - 256) / 1024 GiB x 2 x 3.1.
    expect(webMemory!.suggested / MiB).toBe(368);
    expect(webMemory!.monthlyDelta).toBeCloseTo(((368 - 256) / 1024) * 2 * 3.1);

    const text = formatUsageText([{ environment: "prod", context: "prod-eu", suggestions: s }], "EUR");
    expect(text).toMatch(/^shop\/api\s+main\s+cpu\s+1\s+250m\s+25%\s+2\s+360m\s+3\s+-EUR 44\.16\s+over-provisioned: saving$/m);
    expect(text).toMatch(/^shop\/web\s+main\s+cpu\s+200m\s+190m\s+95%\s+1\s+280m\s+2\s+\+EUR 3\.68\s+under-provisioned: risk$/m);
  });
});
