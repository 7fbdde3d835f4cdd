/** Values at field paths (core/drift/fields.ts). */
import { describe, expect, it } from "vitest";
import { liveFieldDiffs, valueAt } from "../../../core/drift/fields.js";
import { R1, deployment, live } from "../../support/drift-objects.js";

describe("the report", () => {
  it("reads a value back at a path it wrote", () => {
    const o = live(deployment("prod", R1, 3));
    expect(valueAt(o, "spec.template.spec.containers[name=main].image")).toBe("ghcr.io/acme/api:1.0.0");
    expect(valueAt(o, 'metadata.labels["ferry.dev/environment"]')).toBe("prod");
    expect(liveFieldDiffs(deployment("prod", R1, 3), o)).toEqual([]);
  });
});
