/** The cost totals per project and environment and their text and JSON report (core/cost-report.ts), against figures computed by hand. */
import { describe, expect, it } from "vitest";
import { costByEnvironment } from "../../core/cost.js";
import type { RenderedObjects } from "../../core/cost.js";
import { costJson, formatCostText } from "../../core/cost-report.js";
import { claim, deployment, hpa, pricing } from "../support/cost-objects.js";

describe("the monthly cost of a component", () => {
  it("totals components per project and environment, sorted by project and component", () => {
    const rendered: RenderedObjects[] = [
      { environment: "prod", project: "shop", component: "web", objects: [deployment("web", 2, "100m", "128Mi")] },
      { environment: "prod", project: "pay", component: "ledger", objects: [deployment("ledger", 1, "1", "2Gi"), claim("ledger-data", "50Gi")] },
      { environment: "prod", project: "shop", component: "api", objects: [deployment("api", 1, "500m", "512Mi"), hpa("api", 2, 4)] },
      { environment: "dev", project: "shop", component: "api", objects: [deployment("api", 1, "100m", "128Mi")] },
    ];
    const [prod, dev] = costByEnvironment(rendered, ["prod", "dev"], pricing);
    const web = 2 * (0.1 * 23 + 0.125 * 3.1);
    const ledger = 23 + 2 * 3.1 + 50 * 0.1;
    const api = 2 * (0.5 * 23 + 0.5 * 3.1);
    expect(prod!.components.map((c) => `${c.project}/${c.component}`)).toEqual(["pay/ledger", "shop/api", "shop/web"]);
    expect(prod!.projects.map((p) => [p.project, Number(p.monthly.toFixed(4))])).toEqual([
      ["pay", Number(ledger.toFixed(4))],
      ["shop", Number((api + web).toFixed(4))],
    ]);
    expect(prod!.monthly).toBeCloseTo(ledger + api + web);
    expect(prod!.maxMonthly).toBeCloseTo(ledger + 2 * api + web);
    expect(dev!.monthly).toBeCloseTo(0.1 * 23 + 0.125 * 3.1);

    const json = costJson({ currency: "EUR", environments: [prod!, dev!] }) as {
      currency: string;
      environments: { name: string; monthly: number; components: { project: string; component: string; monthly: number; min: number; max: number }[] }[];
    };
    expect(json.currency).toBe("EUR");
    expect(json.environments.map((e) => e.name)).toEqual(["prod", "dev"]);
    expect(json.environments[0]!.components[1]).toMatchObject({
      project: "shop",
      component: "api",
      monthly: 26.1,
      min: 26.1,
      max: 52.2,
      replicas: 2,
      maxReplicas: 4,
    });
    expect(formatCostText({ currency: "EUR", environments: [prod!] })).toMatch(/^prod\s+shop\/api\s+2-4\s+1\s+1\s+0\s+EUR 26\.10\s+EUR 52\.20$/m);
  });
});
