/** The preview's cost section: before -> after and the change per component and in total, the autoscaler range, and the comment's size limit. */
import { describe, expect, it } from "vitest";
import { compareCost, estimateCost } from "../../../core/cost.js";
import { GITHUB_COMMENT_LIMIT, splitMarkdown } from "../../../presentation/markdown/split.js";
import { previewCostSection } from "../../../presentation/markdown/preview-cost.js";
import { previewMarkdown } from "../../../presentation/markdown/preview.js";
import type { ComponentPreview, EnvironmentPreview } from "../../../core/preview/model.js";
import { diffTrees } from "../../../renderers/diff.js";
import { Pricing } from "../../../renderers/model/index.js";
import type { K8sObject } from "../../../renderers/types.js";

const pricing = Pricing.parse({ cpu: 20, memory: 4, storage: 0.1, currency: "EUR" });
const none = diffTrees(new Map(), new Map());

function workload(name: string, replicas: number, cpu: string, hpa?: { min: number; max: number }): K8sObject[] {
  const d: K8sObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: { replicas, template: { spec: { containers: [{ name: "main", resources: { requests: { cpu, memory: "512Mi" } } }] } } },
  };
  if (!hpa) return [d];
  const h: K8sObject = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name },
    spec: { scaleTargetRef: { kind: "Deployment", name }, minReplicas: hpa.min, maxReplicas: hpa.max },
  };
  return [d, h];
}

function component(key: string, before: K8sObject[], after: K8sObject[] | undefined): ComponentPreview {
  return {
    key,
    status: after ? "changed" : "invalid",
    release: "r2",
    current: "r1",
    diff: none,
    diagnostics: [],
    ...(after ? { cost: compareCost(estimateCost(before, pricing), estimateCost(after, pricing)) } : {}),
  };
}

const env = (components: ComponentPreview[]): EnvironmentPreview => ({ name: "prod", production: true, mode: "pull-request", components });

describe("the preview's cost section", () => {
  it("shows now, with the pull request and the change per component and in total, with the autoscaler's range", () => {
    const lines = previewCostSection(
      env([
        component("shop/api", workload("api", 2, "250m"), workload("api", 1, "500m", { min: 3, max: 6 })),
        component("shop/web", workload("web", 1, "1"), []),
        component("shop/broken", workload("broken", 1, "1"), undefined),
      ]),
    );
    // api: 2 x (0.25 x 20 + 0.5 x 4) = 14 -> 3 x (0.5 x 20 + 0.5 x 4) = 36, up to 6 x 12 = 72; web: 1 x (20 + 2) = 22 -> 0.
    expect(lines).toEqual([
      "#### Cost in prod",
      "",
      "| component | monthly now | with this pull request | change |",
      "| --- | ---: | ---: | ---: |",
      "| `shop/api` | EUR 14.00 | EUR 36.00 (up to EUR 72.00) | +EUR 22.00 |",
      "| `shop/web` | EUR 22.00 | EUR 0.00 | -EUR 22.00 |",
      "| **total** | **EUR 36.00** | **EUR 36.00 (up to EUR 72.00)** | **EUR 0.00** |",
      "",
      "Not costed (invalid): `shop/broken`.",
      "",
    ]);
  });

  it("is left out when nothing costs anything (a platform without prices)", () => {
    const free = Pricing.parse({});
    const c: ComponentPreview = {
      ...component("shop/api", [], []),
      cost: compareCost(estimateCost(workload("api", 1, "1"), free), estimateCost(workload("api", 2, "1"), free)),
    };
    expect(previewCostSection(env([c]))).toEqual([]);
    expect(previewCostSection(env([]))).toEqual([]);
  });

  it("keeps every part of a comment with a thousand costed components under GitHub's limit", () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      component(`shop/component-${String(i).padStart(4, "0")}`, workload(`c${i}`, 1, "100m"), workload(`c${i}`, 2, "100m")),
    );
    const md = previewMarkdown({ environments: [env(many)] }, { source: "acme/shop@abc", platform: undefined, fork: false, diagnostics: [] });
    const parts = splitMarkdown(md, { header: (n) => `<!-- ferry:preview:${n} -->` });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.filter((p) => p.length > GITHUB_COMMENT_LIMIT)).toEqual([]);
    const all = parts.join("\n");
    // 1000 x (0.1 x 20 + 0.5 x 4) = 4000 -> 8000.
    expect(all).toContain("| **total** | **EUR 4000.00** | **EUR 8000.00** | **+EUR 4000.00** |");
    expect(all).toContain("| `shop/component-0999` | EUR 4.00 | EUR 8.00 | +EUR 4.00 |");
  });
});
