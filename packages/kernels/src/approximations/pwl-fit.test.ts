import { describe, expect, it } from "vitest";
import { instantiate } from "../activation/activation.js";
import { getActivation } from "../activations/index.js";
import { piecesOf, pwlLines, pwlLinesExpression, pwlPieces } from "../activations/pwl-forms.js";
import { compileExpression } from "../expression/evaluate.js";
import { measureError } from "./error.js";
import { evaluatePwl, fitPwl, segmentCount } from "./pwl-fit.js";

/**
 * The bar from the issue: a greedy chord segmenter over ℝ (each chord shifted
 * by the error bound, pieces need not join) at max |error| 1e-3, and the
 * knots uniform spacing needs on the same range.
 */
const bar = {
  sigmoid: { greedy: 19, uniform: 59 },
  tanh: { greedy: 26, uniform: 111 },
  softplus: { greedy: 24, uniform: 127 },
  silu: { greedy: 28, uniform: 179 },
  gelu: { greedy: 22, uniform: 113 },
} as const;

describe("fitPwl", () => {
  for (const [name, { greedy, uniform }] of Object.entries(bar)) {
    it(`${name} at 1e-3 over ℝ: continuous, within 10% of the greedy count, 2.5× fewer than uniform knots`, () => {
      const exact = instantiate(getActivation(name));
      const definition = getActivation(`${name}-pwl`);
      const approximation = instantiate(definition, { e: 1e-3 });
      const pieces = pwlPieces(exact.definition, approximation.params);
      const segments = pieces.knots.length - 1;
      expect(segments).toBeLessThanOrEqual(Math.floor(greedy * 1.1));
      expect(segments * 2.5).toBeLessThanOrEqual(uniform);
      // Continuous: the outer lines meet the end knots.
      const first = pieces.knots[0]!;
      const last = pieces.knots[pieces.knots.length - 1]!;
      expect(pieces.left.slope * first + pieces.left.intercept).toBeCloseTo(pieces.values[0]!, 12);
      expect(pieces.right.slope * last + pieces.right.intercept).toBeCloseTo(
        pieces.values[pieces.values.length - 1]!,
        12,
      );
      // The error engine, over ℝ, agrees that the bound holds.
      const error = measureError(exact, approximation, { maxAbsOnly: true });
      expect(error.maxAbsError).toBeLessThanOrEqual(1e-3);
      expect(error.maxAbsError).toBeGreaterThan(0.5e-3);
      expect(segmentCount(pieces)).toBe(pieces.knots.length + 1);
    });
  }

  it("fits exp on (−∞, 0] ending with a knot at 0, and narrows to a range", () => {
    const pieces = fitPwl(Math.exp, { maxError: 1e-3, domain: [Number.NEGATIVE_INFINITY, 0] });
    expect(pieces.knots[pieces.knots.length - 1]).toBe(0);
    for (let x = -20; x <= 0; x += 1 / 64)
      expect(Math.abs(evaluatePwl(pieces, x) - Math.exp(x))).toBeLessThanOrEqual(1.002e-3);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const narrow = fitPwl(sigmoid, { maxError: 1e-3, range: [-2, 2] });
    const wide = fitPwl(sigmoid, { maxError: 1e-3 });
    expect(narrow.knots.length).toBeLessThan(wide.knots.length);
    // Checked on a grid: between its points a line may stray 0.2% of the bound further.
    for (let x = -2; x <= 2; x += 1 / 128)
      expect(Math.abs(evaluatePwl(narrow, x) - sigmoid(x))).toBeLessThanOrEqual(1.002e-3);
  });

  it("ends on the asymptote in few pieces for any bound and range (a walk that cannot land steps back)", () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 300; i++) {
      const maxError = 10 ** (-4 + 3 * random());
      const range = [-64 + 63 * random(), 1 + 63 * random()] as const;
      const pieces = fitPwl(sigmoid, { maxError, range, nondecreasing: true });
      expect(pieces.knots.length).toBeLessThan(200);
      for (let k = 1; k < pieces.knots.length; k++)
        expect(pieces.knots[k]!).toBeGreaterThan(pieces.knots[k - 1]!);
    }
  });

  it("refuses a bad error bound and a function without straight asymptotes", () => {
    expect(() => fitPwl(Math.tanh, { maxError: 0 })).toThrow(/maxError/);
    expect(() => fitPwl((x) => x * x, { maxError: 1e-3 })).toThrow(/asymptote/);
  });
});

describe("convex and concave pieces as the Max or Min of their lines", () => {
  it("softplus, ELU and exp's pieces are convex: the Max of lines is the same function; sigmoid's are neither", () => {
    for (const name of ["softplus", "elu", "exp"]) {
      const fit = instantiate(getActivation(`${name}-pwl`), { e: 1e-2 });
      const pieces = piecesOf(fit.definition, fit.params)!;
      const lines = pwlLinesExpression(pieces)!;
      expect(lines.op, name).toBe("Max");
      expect(pwlLines(pieces).length).toBe(pieces.knots.length + 1);
      const compiled = compileExpression(lines);
      for (let x = -30; x <= (name === "exp" ? 0 : 30); x += 0.01)
        expect(
          Math.abs(compiled.evaluate(x) - evaluatePwl(pieces, x)),
          `${name} at ${x}`,
        ).toBeLessThan(1e-12);
    }
    const sigmoid = instantiate(getActivation("sigmoid-pwl"), { e: 1e-2 });
    expect(pwlLinesExpression(piecesOf(sigmoid.definition, sigmoid.params)!)).toBeUndefined();
  });

  it("concave pieces give the Min of their lines", () => {
    const concave = {
      knots: Float64Array.from([0, 1, 2]),
      values: Float64Array.from([0, 1, 1.5]),
      left: { slope: 2, intercept: 0 },
      right: { slope: 0, intercept: 1.5 },
    };
    const lines = pwlLinesExpression(concave)!;
    expect(lines.op).toBe("Min");
    const compiled = compileExpression(lines);
    for (const x of [-1, 0, 0.5, 1, 1.5, 2, 5])
      expect(compiled.evaluate(x)).toBeCloseTo(evaluatePwl(concave, x), 12);
  });
});
