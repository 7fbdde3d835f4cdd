/** The preview comment's splitting (flows/preview/run.ts) on in-memory inputs. */
import { describe, expect, it } from "vitest";
import { commentMarker, markerPart } from "../../../core/comments/markers.js";
import { previewParts } from "../../../flows/preview/run.js";

describe("preview comment", () => {
  it("falls back to the summary when the full diff needs too many comments", () => {
    const huge = (detail: "full" | "summary") => (detail === "full" ? `${"```diff\n"}${"+x\n".repeat(200_000)}${"```\n"}` : "summary text\n");
    const parts = previewParts(huge, 5);
    expect(parts).toEqual([`${commentMarker("preview")}\nsummary text\n`]);
    const some = previewParts((d) => (d === "full" ? "+y\n".repeat(30_000) : "summary"), 5);
    expect(some.length).toBeGreaterThan(1);
    expect(some.map((p) => markerPart(p, "preview"))).toEqual(some.map((_, i) => i + 1));
  });
});
