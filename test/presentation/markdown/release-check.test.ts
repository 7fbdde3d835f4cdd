/** The release check's report (presentation/markdown/release-check.ts). */
import { describe, expect, it } from "vitest";
import { planRelease } from "../../../core/release/plan.js";
import { releaseReport, resultsTable } from "../../../presentation/markdown/release-check.js";
import { componentYaml } from "../../support/harness.js";
import { EMPTY, setup } from "../../support/release-setup.js";

describe("release report", () => {
  it("stays in progress while a component waits, and fails when a publish failed", () => {
    const { bundle, apps, catalog, cel } = setup({ ".ferry/api.yaml": componentYaml() });
    const env = bundle.platform.spec.environments[0]!;
    const [item] = planRelease({ bundle, components: apps, environments: [{ env, state: EMPTY }], catalog, cel }).items;
    expect(releaseReport([{ item: item!, status: "waiting", check: "build" }], "acme/shop-api@x", undefined, []).state).toBe("in_progress");
    const failed = releaseReport([{ item: item!, status: "failed", error: "push rejected | by hook" }], "acme/shop-api@x", undefined, []);
    expect(failed.state).toBe("failure");
    expect(failed.summary).toContain("push rejected \\| by hook");
    expect(resultsTable([])).toBe("No components.");
  });
});
