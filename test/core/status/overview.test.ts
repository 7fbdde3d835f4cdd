/** The status overview's selection and problems (core/status/overview.ts). */
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../core/status/diagnose.js";
import { problems, selects } from "../../../core/status/overview.js";
import { KEY } from "../../support/status-scene.js";
import { healthOf } from "../../support/component-health.js";

describe("overview helpers", () => {
  it("selects by name or project/name and lists every problem", () => {
    expect(selects({}, KEY)).toBe(true);
    expect(selects({ components: ["api"] }, KEY)).toBe(true);
    expect(selects({ components: ["shop/api"] }, KEY)).toBe(true);
    expect(selects({ components: ["pay/api", "web"] }, KEY)).toBe(false);
    const degraded = healthOf({ status: "Degraded", message: "OOMKilled in 1 pod" });
    const list = problems(
      [
        { environment: "dev", context: "kind-dev", components: [{ key: KEY, health: degraded, diagnosis: diagnose({ key: KEY, health: degraded }) }] },
        { environment: "prod", context: "kind-prod", unreachable: "connect ECONNREFUSED", components: [] },
        { environment: "staging", skipped: "no cluster context", components: [] },
      ],
      { components: ["web"] },
    );
    expect(list).toEqual(["dev shop/api: Degraded (OOMKilled in 1 pod)", "prod: unreachable (connect ECONNREFUSED)", "web: not found in dev"]);
  });
});
