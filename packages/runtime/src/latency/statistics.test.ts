import { SeededRandom } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { median, quantile, ratioInterval, spread } from "./statistics.js";

describe("timing statistics", () => {
  it("medians and quantiles interpolate between order statistics", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([0, 10, 20, 30, 40], 0.9)).toBeCloseTo(36, 12);
    expect(quantile([5], 0.9)).toBe(5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(spread([10, 10, 10, 10])).toBe(0);
    expect(spread([8, 9, 10, 11, 12])).toBeCloseTo(0.2, 12);
  });

  it("the paired bootstrap brackets a real ratio and excludes 1 when the difference is real", () => {
    const random = new SeededRandom(7);
    const baseline = Array.from({ length: 60 }, () => 10 + random.next());
    const faster = baseline.map((ms) => ms * 0.5 + random.next() * 0.1);
    const [low, high] = ratioInterval(baseline, faster);
    expect(low).toBeLessThan(median(faster) / median(baseline));
    expect(high).toBeGreaterThan(median(faster) / median(baseline));
    expect(high).toBeLessThan(0.6);
    expect(low).toBeGreaterThan(0.45);
    // The same seed gives the same interval; identical samples give exactly 1.
    expect(ratioInterval(baseline, faster)).toEqual([low, high]);
    expect(ratioInterval(baseline, baseline)).toEqual([1, 1]);
  });

  it("the interval of two samples of one distribution contains 1", () => {
    const random = new SeededRandom(11);
    const a = Array.from({ length: 80 }, () => 5 + random.next());
    const b = Array.from({ length: 80 }, () => 5 + random.next());
    const [low, high] = ratioInterval(a, b);
    expect(low).toBeLessThan(1);
    expect(high).toBeGreaterThan(1);
  });
});
