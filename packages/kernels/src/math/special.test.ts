import { describe, expect, it } from "vitest";
import { erf, erfc, normalCdf, sigmoid, softplus } from "./special.js";

// Reference values: CPython's math.erf / math.erfc (an independent implementation, correctly rounded or within an ulp).
const erfTable: [number, number][] = [
  [0, 0],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [2.5, 0.999593047982555],
  [3, 0.9999779095030014],
];
const erfcTable: [number, number][] = [
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [2, 0.004677734981047265],
  [2.5, 0.0004069520174449589],
  [3, 2.2090496998585438e-5],
  [4, 1.541725790028002e-8],
  [5, 1.5374597944280351e-12],
  [7.0710678118654755, 1.5239706048320995e-23],
  [10, 2.088487583762545e-45],
  [20, 5.3958656116079005e-176],
];

const relativeError = (got: number, want: number) =>
  want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);

describe("special functions", () => {
  it("erf matches published values to ~1e-15 and is odd", () => {
    for (const [x, want] of erfTable) {
      expect(relativeError(erf(x), want)).toBeLessThan(2e-15);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
  });

  it("erfc keeps relative accuracy deep in the tail", () => {
    for (const [x, want] of erfcTable)
      expect(relativeError(erfc(x), want)).toBeLessThan(x <= 2 ? 3e-14 : 5e-15);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
    expect(erfc(30)).toBe(0);
  });

  it("normalCdf, sigmoid and softplus are stable at extremes", () => {
    // x/√2 rounds differently in the two computations; Φ's slope in relative terms (~10) magnifies that.
    expect(relativeError(normalCdf(-10), 7.619853024160593e-24)).toBeLessThan(3e-14);
    expect(normalCdf(0)).toBe(0.5);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
    expect(relativeError(sigmoid(-30), 9.357622968839299e-14)).toBeLessThan(1e-15);
    expect(softplus(1000)).toBe(1000);
    expect(relativeError(softplus(-40), 4.248354255291589e-18)).toBeLessThan(1e-15);
    expect(softplus(0)).toBe(Math.LN2);
  });
});
