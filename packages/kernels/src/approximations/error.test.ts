import { describe, expect, it } from "vitest";
import { instantiate, type Parameters } from "../activation/activation.js";
import { defineExpressionActivation } from "../activation/expression-activation.js";
import { getActivation } from "../activations/index.js";
import { Expr } from "../expression/expression.js";
import { normalCdf, normalPdf } from "../math/special.js";
import { errorGrid, measureEntry, measureError, vectorRows } from "./error.js";

const activation = (name: string, params: Partial<Parameters> = {}) =>
  instantiate(getActivation(name), params);
const inverseSqrtTwoPi = 1 / Math.sqrt(2 * Math.PI);

describe("measureError on elementwise activations", () => {
  it("finds squareplus_b's max error against ReLU, √b/2 at x = 0", () => {
    for (const b of [4, 1, 0.25]) {
      const m = measureError(activation("relu"), activation("squareplus", { b }));
      expect(m.maxAbsError).toBeCloseTo(Math.sqrt(b) / 2, 12);
      expect(m.argMaxAbsError).toBe(0);
      expect(m.signedErrorAtMax).toBeCloseTo(Math.sqrt(b) / 2, 12);
      expect(m.maxAbsErrorUnbounded).toBeUndefined();
    }
  });

  it("finds softplus's max error against ReLU, ln 2 at x = 0", () => {
    const m = measureError(activation("softplus"), activation("relu"));
    expect(m.maxAbsError).toBeCloseTo(Math.LN2, 14);
    expect(m.argMaxAbsError).toBe(0);
    expect(m.signedErrorAtMax).toBeCloseTo(-Math.LN2, 14);
  });

  it("refines an argument that lies between grid points (SiLU vs ReLU: x = 1 + e^{−x})", () => {
    const m = measureError(activation("silu"), activation("relu"));
    // x·σ(−x) peaks where xσ(x) = 1, i.e. x = 1 + W(1/e); the value there is x − 1.
    const peak = 1.278464542761074;
    expect(m.argMaxAbsError).toBeCloseTo(peak, 7);
    expect(m.maxAbsError).toBeCloseTo(peak - 1, 13);
  });

  it("reports an error that grows without bound (ReLU vs Leaky ReLU) as unbounded towards −∞", () => {
    const m = measureError(activation("relu"), activation("leaky-relu", { alpha: 0.01 }));
    expect(m.maxAbsError).toBe(Number.POSITIVE_INFINITY);
    expect(m.argMaxAbsError).toBe(Number.NEGATIVE_INFINITY);
    expect(m.maxAbsErrorUnbounded).toBe("-inf");
    // Where relu = 0 the relative error is not measured (below the floor): only x > 0 counts, where they agree.
    expect(m.maxRelError).toBe(0);
    // E|0.01·X; X < 0| = 0.01/√(2π): unbounded but with a finite mean.
    expect(m.meanAbsErrorNormal).toBeCloseTo(0.01 * inverseSqrtTwoPi, 13);
  });

  it("names the side (or both sides) where the error grows", () => {
    const identity = activation("leaky-relu", { alpha: 1 });
    const left = measureError(identity, activation("prelu", { a: 3 }));
    expect(left.maxAbsErrorUnbounded).toBe("-inf");
    const right = measureError(activation("relu"), activation("hard-tanh"));
    expect(right.maxAbsErrorUnbounded).toBe("+inf");
    expect(right.argMaxAbsError).toBe(Number.POSITIVE_INFINITY);
    const both = measureError(identity, activation("hard-tanh"));
    expect(both.maxAbsErrorUnbounded).toBe("both");
  });

  it("reports NaN from the approximation at a finite point as an infinite error there", () => {
    // x + 0·ln|x|: x everywhere except NaN at 0 (0·−∞).
    const broken = defineExpressionActivation({
      name: "broken-identity",
      title: "broken",
      formula: "x + 0·ln|x|",
      parameters: [],
      expression: () => {
        const x = Expr.input();
        return x.add(x.abs().log().mul(0));
      },
      properties: {},
    });
    const m = measureError(activation("leaky-relu", { alpha: 1 }), instantiate(broken));
    expect(m.maxAbsError).toBe(Number.POSITIVE_INFINITY);
    expect(m.maxAbsErrorUnbounded).toBe("point");
    expect(m.argMaxAbsError).toBe(0);
  });

  it("reports a supremum approached in a tail as a finite limit at −∞ (Mish vs its squareplus form: b/(4√c))", () => {
    const m = measureError(activation("mish"), activation("mish-squareplus", { b: 4, c: 1 }));
    expect(m.maxAbsErrorUnbounded).toBeUndefined();
    expect(m.argMaxAbsError).toBe(Number.NEGATIVE_INFINITY);
    expect(m.maxAbsError).toBeCloseTo(1, 9);
  });

  it("counts float64 rounding at huge |x| as no error ((ln 2·x)/ln 2 ≠ x)", () => {
    const m = measureError(
      activation("softplus", { k: Math.LN2 }),
      activation("softplus-exp-ratio", { s: 1 }),
    );
    expect(m.maxAbsError).toBeLessThan(0.05);
    expect(Math.abs(m.argMaxAbsError)).toBeLessThan(10);
    const identical = measureError(activation("relu"), activation("relu-max"));
    expect(identical.maxAbsError).toBe(0);
    expect(identical.argMaxAbsError).toBeNaN();
    expect(identical.meanAbsErrorNormal).toBe(0);
  });

  it("measures relative error where |f| ≥ the floor, with its argument", () => {
    // |clip(x) − tanh x|/|tanh x| peaks at x = ±1: (1 − tanh 1)/tanh 1.
    const m = measureError(activation("tanh"), activation("hard-tanh"));
    expect(m.maxRelError).toBeCloseTo((1 - Math.tanh(1)) / Math.tanh(1), 12);
    expect(Math.abs(m.argMaxRelError)).toBeCloseTo(1, 12);
    expect(m.maxAbsError).toBeCloseTo(1 - Math.tanh(1), 12);
    // hard-sigmoid is 0 where σ is still above the floor: relative error 1 there.
    const hard = measureError(activation("sigmoid"), activation("hard-sigmoid"));
    expect(hard.maxRelError).toBe(1);
    expect(hard.relativeFloor).toBe(1e-6);
    const coarse = measureError(activation("sigmoid"), activation("algebraic-sigmoid"), {
      relativeFloor: 1e-2,
    });
    expect(coarse.maxRelError).toBeLessThan(
      measureError(activation("sigmoid"), activation("algebraic-sigmoid")).maxRelError,
    );
  });

  it("matches closed forms for the mean absolute error under N(0, 1)", () => {
    // |relu(x) − x| = relu(−x): E = 1/√(2π).
    const identity = measureError(activation("relu"), activation("leaky-relu", { alpha: 1 }));
    expect(identity.meanAbsErrorNormal).toBeCloseTo(inverseSqrtTwoPi, 13);
    // |max(−1, x) − relu(x)| = min(1, |x|) for x < 0: ∫₋₁⁰|x|φ + Φ(−1) = φ(0) − φ(1) + Φ(−1).
    const shifted = measureError(activation("relu"), activation("shifted-relu", { a: 1 }));
    expect(shifted.meanAbsErrorNormal).toBeCloseTo(normalPdf(0) - normalPdf(1) + normalCdf(-1), 13);
    expect(shifted.maxAbsError).toBe(1);
    // |x − clip(x, −1, 1)| = (|x| − 1)⁺: E = 2(φ(1) − Φ(−1)).
    const clipped = measureError(activation("leaky-relu", { alpha: 1 }), activation("hard-tanh"));
    expect(clipped.meanAbsErrorNormal).toBeCloseTo(2 * (normalPdf(1) - normalCdf(-1)), 13);
  });

  it("measures a domain-restricted pair on its domain only (exp by squarings on (−∞, 0])", () => {
    const exact = activation("exp");
    const approximation = activation("exp-squaring", { n: 8, degree: 1 });
    const m = measureError(exact, approximation, { domain: [Number.NEGATIVE_INFINITY, 0] });
    // (1 + x/N)ᴺ ≈ eˣ(1 − x²/2N): the error x²eˣ/2N peaks near x = −2 at 2e⁻²/N.
    expect(m.maxAbsError).toBeCloseTo((2 * Math.exp(-2)) / 256, 5);
    expect(m.argMaxAbsError).toBeCloseTo(-2, 1);
    expect(m.maxAbsErrorUnbounded).toBeUndefined();
    // Conditional on the domain: the mean over x ≤ 0 is divided by P(X ≤ 0) = 1/2.
    expect(m.meanAbsErrorNormal).toBeGreaterThan(0);
    const whole = measureError(exact, approximation);
    expect(whole.maxAbsError).toBe(Number.POSITIVE_INFINITY);
    const grid = errorGrid([1, 1024]);
    expect(grid[0]).toBe(1);
    expect(grid[grid.length - 1]).toBe(1024);
  });

  it("measures a catalog entry with its declared domain", () => {
    const m = measureEntry({ exact: "log", approximation: "log-roots", domain: [1, 1024] });
    expect(m.domain).toEqual([1, 1024]);
    expect(Number.isFinite(m.maxAbsError)).toBe(true);
    expect(m.argMaxAbsError).toBeGreaterThanOrEqual(1);
    expect(m.argMaxAbsError).toBeLessThanOrEqual(1024);
  });
});

describe("measureError on multivariable activations", () => {
  it("measures softmax on seeded rows and names the worst one", () => {
    const exact = activation("softmax");
    const approximation = activation("softmax-squaring", { n: 4, degree: 3 });
    const m = measureError(exact, approximation);
    expect(m.maxAbsError).toBeGreaterThan(1e-4);
    expect(m.maxAbsError).toBeLessThan(0.1);
    expect(m.argMaxAbsError).toBeNaN();
    expect(m.worstVector).toBeDefined();
    expect(m.worstVector!.length).toBeGreaterThanOrEqual(2);
    // The worst row's own error is what was reported.
    const rows = vectorRows();
    const worst = rows.find(
      (row) =>
        row.values.length === m.worstVector!.length &&
        row.pattern === m.worstVector!.pattern &&
        row.spread === m.worstVector!.spread,
    )!;
    const f = exact.fVector(worst.values) as Float64Array;
    const g = approximation.fVector(worst.values) as Float64Array;
    const index = m.worstVector!.index;
    expect(Math.abs(g[index]! - f[index]!)).toBeLessThanOrEqual(m.maxAbsError);
    expect(m.meanAbsErrorNormal).toBeGreaterThan(0);
    expect(m.meanAbsErrorNormal).toBeLessThan(m.maxAbsError);
  });

  it("is deterministic and finds no error for an activation against itself", () => {
    const a = measureError(activation("logsumexp"), activation("logsumexp-squaring"));
    const b = measureError(activation("logsumexp"), activation("logsumexp-squaring"));
    expect(b).toEqual(a);
    const same = measureError(activation("logsumexp"), activation("logsumexp"));
    expect(same.maxAbsError).toBe(0);
    expect(vectorRows().every((row) => row.values.length >= 2 && row.values.length <= 64)).toBe(
      true,
    );
  });
});
