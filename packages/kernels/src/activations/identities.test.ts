// Identities between activations that the issue names, plus the row
// behaviour of the multivariable ones (softmax, LSE, LSE₀⁺).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantiate } from "../activation/activation.js";
import { maxLeaky } from "./algebraic-forms.js";
import { eluMax } from "./elu-family.js";
import {
  elu,
  getActivation,
  logSumExp,
  logSumExpZero,
  prelu,
  relu,
  sigmoid,
  softmax,
  softplus,
  squareplus,
} from "./index.js";

const finite = (min = -1e6, max = 1e6) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

describe("identities", () => {
  it("ReLU is positively homogeneous: max(0, ax) = a·max(0, x) for a ≥ 0", () => {
    const r = instantiate(relu);
    fc.assert(
      fc.property(finite(0, 1e3), finite(), (a, x) => {
        expect(r.f(a * x)).toBeCloseTo(a * r.f(x), 6);
        expect(r.kernel(new Float32Array([Math.fround(a) * Math.fround(x)]))[0]).toBe(
          Math.fround(Math.fround(a) * Math.fround(x)) > 0
            ? Math.fround(Math.fround(a) * Math.fround(x))
            : 0,
        );
      }),
    );
  });

  it("squareplus with b = 0 is ReLU (f, f′ away from 0, and the expression)", () => {
    const s0 = instantiate(squareplus, { b: 0 });
    const r = instantiate(relu);
    fc.assert(
      fc.property(finite(), (x) => {
        // Equal as numbers (the expression may give −0 at x = −0), up to the last
        // tiny x: below 1e-162, x² underflows to 0 and (x + √x²)/2 gives x/2 instead of 0.
        expect(s0.f(x) === r.f(x)).toBe(true);
        const slack = Math.abs(x) < 1e-150 ? Math.abs(x) : 0;
        expect(Math.abs(s0.compiled.evaluate(x) - r.f(x))).toBeLessThanOrEqual(slack);
        if (x !== 0) expect(s0.df(x)).toBe(r.df(x));
      }),
    );
  });

  it("softplus′ = sigmoid (for every sharpness k, softplus_k′(x) = σ(kx))", () => {
    const sig = instantiate(sigmoid);
    fc.assert(
      fc.property(finite(0.1, 10), finite(-50, 50), (k, x) => {
        const sp = instantiate(softplus, { k });
        expect(sp.df(x)).toBeCloseTo(sig.f(k * x), 14);
        const h = 1e-6;
        expect((sp.f(x + h) - sp.f(x - h)) / (2 * h)).toBeCloseTo(sig.f(k * x), 5);
      }),
    );
  });

  it("PReLU with a ≤ 1 equals max(x, a·x), in float64 and in the float32 kernels", () => {
    fc.assert(
      fc.property(finite(-5, 1), finite(), (a, x) => {
        const p = instantiate(prelu, { a });
        const m = instantiate(maxLeaky, { a });
        // Equal as numbers (the max form may give −0 where PReLU gives +0).
        expect(m.f(x) === p.f(x)).toBe(true);
        const x32 = new Float32Array([x]);
        // Both with the slope rounded to float32 as a float32 kernel holds it.
        expect(m.compiled.evaluate32(x32[0]!) === p.compiled.evaluate32(x32[0]!)).toBe(true);
      }),
    );
  });

  it("ELU with α ≤ 1 equals max(x, α(e^{min(x,0)} − 1)), in float64 and within float32 rounding", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), finite(-50, 50), (alpha, x) => {
        const e = instantiate(elu, { alpha });
        const m = instantiate(eluMax, { alpha });
        expect(Math.abs(m.f(x) - e.f(x))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)));
        const x32 = Math.fround(x);
        expect(
          Math.abs(m.compiled.evaluate32(x32) - e.compiled.evaluate32(x32)),
        ).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x32)));
      }),
    );
    expect(() => instantiate(eluMax, { alpha: 1.5 })).toThrow(/alpha must be ≤ 1, got 1.5/);
  });

  it("PReLU with a > 1 differs from max(x, a·x), so the catalog restricts that form to a ≤ 1", () => {
    expect(instantiate(prelu, { a: 2 }).f(3)).toBe(3);
    expect(() => instantiate(maxLeaky, { a: 2 })).toThrow(/a must be ≤ 1, got 2/);
  });
});

describe("multivariable activations", () => {
  const rows = fc.array(finite(-1000, 1000), { minLength: 1, maxLength: 40 });

  it("softmax sums to 1, is invariant under shifts and matches its expression", () => {
    const s = instantiate(softmax);
    fc.assert(
      fc.property(rows, finite(-1e3, 1e3), (row, shift) => {
        const x = Float64Array.from(row);
        const y = s.fVector(x) as Float64Array;
        expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        const shifted = s.fVector(x.map((v) => v + shift)) as Float64Array;
        for (let i = 0; i < x.length; i++) expect(shifted[i]).toBeCloseTo(y[i]!, 9);
        const fromExpression = s.compiled.evaluateVector(x) as Float64Array;
        for (let i = 0; i < x.length; i++) expect(fromExpression[i]).toBeCloseTo(y[i]!, 12);
      }),
    );
  });

  it("LogSumExp lies in [max, max + ln n], LSE₀⁺ = LSE of the row with a 0 added, both match their expressions", () => {
    const lse = instantiate(logSumExp);
    const lse0 = instantiate(logSumExpZero);
    fc.assert(
      fc.property(rows, (row) => {
        const x = Float64Array.from(row);
        const m = Math.max(...row);
        const value = lse.fVector(x) as number;
        expect(value).toBeGreaterThanOrEqual(m);
        expect(value).toBeLessThanOrEqual(m + Math.log(row.length) + 1e-12);
        expect(lse.compiled.evaluateVector(x) as number).toBeCloseTo(value, 9);
        const withZero = lse.fVector(Float64Array.from([...row, 0])) as number;
        expect(lse0.fVector(x) as number).toBeCloseTo(withZero, 9);
        expect(lse0.compiled.evaluateVector(x) as number).toBeCloseTo(withZero, 9);
      }),
    );
  });

  it("stays finite where the naive formulas overflow (rows at ±1000 and beyond float32)", () => {
    const x = Float64Array.from([1000, 999, -1000]);
    expect(instantiate(logSumExp).fVector(x)).toBeCloseTo(1000 + Math.log(1 + Math.exp(-1)), 12);
    const p = instantiate(softmax).fVector(x) as Float64Array;
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(p[2]).toBe(0);
    expect(instantiate(logSumExpZero).fVector(Float64Array.from([-1000]))).toBe(0);
  });

  it("the float32 kernel works on rows and reduces LSE to one value per row", () => {
    const lse = instantiate(logSumExp);
    const out = lse.kernel(new Float32Array([0, 0, 1, 1, 5, -5]), undefined, 2);
    expect(out.length).toBe(3);
    expect(out[0]).toBeCloseTo(Math.LN2, 6);
    expect(out[1]).toBeCloseTo(1 + Math.LN2, 6);
    const sm = instantiate(softmax).kernel(new Float32Array([1, 1, 1, 1]), undefined, 2);
    expect([...sm]).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(() => lse.kernel(new Float32Array(5), undefined, 2)).toThrow(
      /rowLength must be a positive integer dividing the input length 5/,
    );
  });
});

describe("parameters", () => {
  it("reject values outside their constraints with a message naming the activation and parameter", () => {
    expect(() => instantiate(getActivation("elu"), { alpha: -1 })).toThrow(
      /elu: alpha must be ≥ 0, got -1/,
    );
    expect(() => instantiate(squareplus, { b: -0.5 })).toThrow(/squareplus: b must be ≥ 0/);
    expect(() => instantiate(softplus, { k: 0 })).toThrow(/softplus: k must be > 0/);
    expect(() => instantiate(getActivation("exp-squaring"), { n: 2.5 })).toThrow(
      /n must be an integer/,
    );
    expect(() => instantiate(relu, { slope: 1 })).toThrow(/relu has no parameter "slope"/);
    expect(() => getActivation("swishy")).toThrow(/no activation named "swishy"; known: .*silu/);
  });
});
