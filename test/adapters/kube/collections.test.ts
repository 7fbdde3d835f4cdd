/** Label selectors of the observed collections (adapters/kube/collections.ts). */
import { describe, expect, it } from "vitest";
import { labelSelectorFor } from "../../../adapters/kube/collections.js";

describe("observer helpers", () => {
  it("builds label selectors from component selectors", () => {
    expect(labelSelectorFor()).toBe("ferry.dev/component");
    expect(labelSelectorFor({ project: "p", environment: "prod" })).toBe("ferry.dev/component,ferry.dev/environment=prod,ferry.dev/project=p");
  });
});
