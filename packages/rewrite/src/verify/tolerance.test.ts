import { describe, expect, it } from "vitest";
import type { FeedTensor } from "./evaluator.js";
import { checkTolerance, defaultTolerance } from "./tolerance.js";

const f32 = (values: number[]): FeedTensor => ({
  type: "float32",
  dims: [values.length],
  data: new Float32Array(values),
});

describe("checkTolerance", () => {
  it("passes elements within atol + rtol·|reference| and names the worst one outside", () => {
    const tolerance = { absolute: 1e-3, relative: 1e-2 };
    // Allowances: 0.001, 0.011, 1.001.
    const reference = { y: f32([0, 1, 100]) };
    expect(checkTolerance(reference, { y: f32([0.0009, 1.0105, 100.9]) }, tolerance)).toEqual({
      tolerance,
      passed: true,
      violations: 0,
      nonFiniteMismatches: 0,
      worst: null,
    });
    const failing = checkTolerance(reference, { y: f32([0.002, 1.02, 100.5]) }, tolerance);
    expect(failing.passed).toBe(false);
    expect(failing.violations).toBe(2);
    expect(failing.worst).toMatchObject({ output: "y", index: 1, reference: 1 });
    expect(failing.worst!.difference).toBeCloseTo(0.02, 6);
    expect(failing.worst!.allowed).toBeCloseTo(0.011, 12);
  });

  it("fails on NaN or Inf on one side only, whatever the tolerance", () => {
    const huge = { absolute: 1e30, relative: 1e30 };
    const check = checkTolerance(
      { y: f32([1, Number.NaN, Number.POSITIVE_INFINITY, 2]) },
      { y: f32([Number.NaN, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]) },
      huge,
    );
    // NaN vs NaN agrees; 1 vs NaN, +Inf vs −Inf and 2 vs +Inf do not.
    expect(check).toMatchObject({
      passed: false,
      violations: 3,
      nonFiniteMismatches: 3,
      worst: null,
    });
  });

  it("has a default of atol 1e-3, rtol 1e-3", () => {
    expect(defaultTolerance).toEqual({ absolute: 1e-3, relative: 1e-3 });
    expect(checkTolerance({ y: f32([10]) }, { y: f32([10.0105]) }).passed).toBe(true);
    expect(checkTolerance({ y: f32([10]) }, { y: f32([10.02]) }).passed).toBe(false);
  });
});
