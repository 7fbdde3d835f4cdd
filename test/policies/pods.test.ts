/** Image references taken apart (policies/pods.ts). */
import { describe, expect, it } from "vitest";
import { parseImage } from "../../policies/pods.js";

describe("no-latest-tag", () => {
  it("parses registry ports, tags and digests apart", () => {
    expect(parseImage("localhost:5000/app")).toEqual({ name: "localhost:5000/app" });
    expect(parseImage("localhost:5000/app:1.0")).toEqual({ name: "localhost:5000/app", tag: "1.0" });
    expect(parseImage("app@sha256:ab")).toEqual({ name: "app", digest: "sha256:ab" });
  });
});
