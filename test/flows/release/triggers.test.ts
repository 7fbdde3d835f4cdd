/** What starts a release (flows/release/triggers.ts): Ferry's files in the commits, Ferry's own checks, components waiting for a check. */
import { describe, expect, it } from "vitest";
import { commitsTouchFerry, componentsWaitingFor, isFerryCheck } from "../../../flows/release/triggers.js";

describe("triggers", () => {
  it("sees .ferry/ in added, modified or removed files", () => {
    expect(commitsTouchFerry([{ added: ["src/a.ts"], modified: [], removed: [] }], {})).toBe(false);
    expect(commitsTouchFerry([{ added: [], modified: [], removed: [".ferry/api.yaml"] }], {})).toBe(true);
    expect(commitsTouchFerry([{ modified: [".ferry/api.yaml"] }], {})).toBe(true);
    expect(commitsTouchFerry([{ modified: [".ferryx/a"] }, { added: ["x/.ferry/a.yaml"] }], {})).toBe(false);
  });

  it("asks GitHub when the payload may be incomplete", () => {
    expect(commitsTouchFerry([], { id: "x" })).toBe("unknown");
    expect(commitsTouchFerry([], null)).toBe(false);
    expect(
      commitsTouchFerry(
        Array.from({ length: 2048 }, () => ({ added: ["a"] })),
        {},
      ),
    ).toBe("unknown");
  });

  it("finds components waiting for a check, and knows Ferry's own checks", () => {
    const files = new Map([
      [
        ".ferry/a.yaml",
        "apiVersion: ferry.dev/v1alpha1\nkind: Component\nmetadata: {name: a, project: p}\nspec:\n  type: service\n  build: {waitForCheck: build}\n  container: {image: x:1}\n",
      ],
    ]);
    expect(componentsWaitingFor(files, "build").map((c) => c.metadata.name)).toEqual(["a"]);
    expect(componentsWaitingFor(files, "test")).toEqual([]);
    expect(isFerryCheck("Ferry / release")).toBe(true);
    expect(isFerryCheck("build")).toBe(false);
  });
});
