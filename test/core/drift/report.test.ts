/** The drift report (core/drift/report.ts): sorted findings, text and the check's table. */
import { describe, expect, it } from "vitest";
import { clusterDrift } from "../../../core/drift/cluster.js";
import { environmentsDrift } from "../../../core/drift/environments.js";
import { driftConclusion, driftReport, formatDriftText } from "../../../core/drift/report.js";
import { formatDriftMarkdown } from "../../../presentation/markdown/drift-check.js";
import { R1, deployment, env, held, live, liveState, service, R2 } from "../../support/drift-objects.js";

describe("the report", () => {
  const between = environmentsDrift([
    env("staging", { "shop/api": held(R2, [deployment("staging", R2, 1)]) }),
    env("prod", { "shop/api": held(R1, [deployment("prod", R1, 3)]) }),
  ]);
  const prodGit = [deployment("prod", R1, 3), service("prod")];
  const prod = clusterDrift("prod", prodGit, liveState([live(prodGit[0]!, (x) => (x.spec.replicas = 5))]));
  const report = driftReport({
    environments: ["staging", "prod"],
    between,
    clusters: [{ environment: "prod", findings: prod }],
    notes: [{ environment: "staging", message: "no cluster context" }],
  });

  it("sorts findings the same whatever order they come in", () => {
    const again = driftReport({
      environments: ["staging", "prod"],
      between,
      clusters: [{ environment: "prod", findings: [...prod].reverse() }],
      notes: [{ environment: "staging", message: "no cluster context" }],
    });
    expect(again).toEqual(report);
    expect(report.findings.map((f) => f.kind)).toEqual(["release", "missing", "modified"]);
  });

  it("writes a text report and a markdown table of findings for the check, failing on drift against the cluster", () => {
    expect(formatDriftText(report)).toContain("  prod Deployment shop-prod/api: edited in the cluster\n    spec.replicas: git 3, live 5\n");
    const md = formatDriftMarkdown(report);
    expect(md).toContain("| Environment | Object | Drift | Field | Git | Live / expected |");
    expect(md).toContain("| prod | `Deployment shop-prod/api` | edited in the cluster | `spec.replicas` | 3 | 5 |");
    expect(md).toContain("| prod | `Service shop-prod/api` | missing in the cluster | – | present | absent |");
    expect(md).toContain(`| staging, prod | \`shop/api\` | release differs | – | staging: ${R2}, prod: ${R1} | – |`);
    expect(md).toContain("- staging: no cluster context");
    expect(driftConclusion(report)).toBe("failure");
    expect(driftConclusion(driftReport({ environments: ["staging", "prod"], between, clusters: [] }))).toBe("neutral");
    expect(driftConclusion(driftReport({ environments: ["prod"], between: { releases: [], findings: [], notes: [] }, clusters: [] }))).toBe("success");
  });
});
