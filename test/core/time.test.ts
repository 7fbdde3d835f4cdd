/** Durations as Ferry writes them (core/time.ts). */
import { describe, expect, it } from "vitest";
import { formatDuration } from "../../core/time.js";

describe("outcome", () => {
  it("formats durations", () => {
    expect([formatDuration(0), formatDuration(45), formatDuration(1800), formatDuration(5400), formatDuration(3661)]).toEqual([
      "0s",
      "45s",
      "30m",
      "1h30m",
      "1h1m1s",
    ]);
  });
});
