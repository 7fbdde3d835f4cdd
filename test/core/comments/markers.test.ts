/** Hidden comment markers (core/comments/markers.ts): parts named and told apart from other comments. */
import { describe, expect, it } from "vitest";
import { commentMarker, markerPart } from "../../../core/comments/markers.js";

describe("comment markers", () => {
  it("names the first part plainly and later parts by number", () => {
    expect(commentMarker("preview")).toBe("<!-- ferry:preview -->");
    expect(commentMarker("preview", 3)).toBe("<!-- ferry:preview:3 -->");
    expect(markerPart("<!-- ferry:preview -->\nbody", "preview")).toBe(1);
    expect(markerPart("<!-- ferry:preview:2 -->\nbody", "preview")).toBe(2);
  });

  it("does not mistake other comments or other keys for a part", () => {
    expect(markerPart("hello <!-- ferry:preview -->", "preview")).toBeUndefined();
    expect(markerPart("<!-- ferry:status:dev -->", "preview")).toBeUndefined();
    expect(markerPart("<!-- ferry:preview:0 -->", "preview")).toBeUndefined();
    expect(markerPart("<!-- ferry:preview:x -->", "preview")).toBeUndefined();
    expect(markerPart(null, "preview")).toBeUndefined();
    expect(() => commentMarker("bad key")).toThrow(/invalid comment key/);
  });
});
