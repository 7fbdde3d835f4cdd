/** The cluster context of an environment (flows/status/environment-contexts.ts). */
import { describe, expect, it } from "vitest";
import { contextOf } from "../../../flows/status/environment-contexts.js";
import { ENVIRONMENTS } from "../../support/status-scene.js";

describe("overview helpers", () => {
  it("reads environment contexts from a list or a function", () => {
    expect(contextOf(ENVIRONMENTS, "dev")).toBe("kind-dev");
    expect(contextOf(ENVIRONMENTS, "staging")).toBeUndefined();
    expect(contextOf(() => [{ name: "qa", cluster: { context: "kind-qa" } }], "qa")).toBe("kind-qa");
    expect(contextOf(ENVIRONMENTS, "nope")).toBeUndefined();
  });
});
