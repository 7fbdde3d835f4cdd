import { describe, expect, it } from "vitest";
import { firstMovement } from "../../../core/diagnosis/movement.js";

const base = { name: "latencyP95", unit: "seconds" as const, value: 0.3, verdict: "verified" as const };

describe("firstMovement", () => {
  it("finds the first point that rose by half above the baseline and stayed there, ignoring a one-point blip", () => {
    const series: [number, number][] = [
      [10, 0.1],
      [20, 0.2],
      [30, 0.1],
      [40, 0.16],
      [50, 0.3],
    ];
    expect(firstMovement({ ...base, baseline: 0.1, series })).toMatchObject({
      at: 40,
      reference: 0.1,
      referenceIs: "baseline",
      value: 0.16,
      now: 0.3,
      crossed: "rise",
    });
  });

  it("without a baseline the reference is the window's first point; a crossed max counts at once", () => {
    const series: [number, number][] = [
      [10, 0.02],
      [20, 0.021],
      [30, 0.06],
      [40, 0.06],
    ];
    expect(firstMovement({ ...base, unit: "ratio", baseline: null, max: 0.05, series })).toMatchObject({ at: 30, referenceIs: "window start", crossed: "max" });
    expect(firstMovement({ ...base, unit: "ratio", baseline: null, series: series.slice(0, 2) })).toBeUndefined();
    expect(firstMovement({ ...base, baseline: 0.1, series: [] })).toBeUndefined();
  });

  it("a rise smaller than the unit's floor is noise", () => {
    expect(
      firstMovement({
        ...base,
        unit: "ratio",
        baseline: 0.001,
        series: [
          [10, 0.004],
          [20, 0.005],
        ],
      }),
    ).toBeUndefined();
  });
});
