/** Check run text (adapters/github/checks.ts): long text clipped on a line boundary. */
import { describe, expect, it } from "vitest";
import { clipCheckText } from "../../../adapters/github/checks.js";

describe("annotations", () => {
  it("clips long check text on a line boundary", () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join("\n");
    const clipped = clipCheckText(text, 1000);
    expect(clipped.length).toBeLessThanOrEqual(1000);
    expect(clipped).toMatch(/line \d+\n\n… \(shortened/);
  });
});
