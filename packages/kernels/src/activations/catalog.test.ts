// Generic property tests over every registered activation: adding one to
// src/activations/index.ts is enough for it to be checked here.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Activation,
  type ActivationDefinition,
  instantiate,
  type Parameters,
} from "../activation/activation.js";
import { activations } from "./index.js";

/** Random valid parameters for a definition (within its constraints, moderate magnitudes). */
function parametersArbitrary(definition: ActivationDefinition): fc.Arbitrary<Parameters> {
  const fields: Record<string, fc.Arbitrary<number>> = {};
  for (const spec of definition.parameters) {
    const [lo, hi] = spec.typical ?? [
      spec.min ?? -10,
      spec.max ?? Math.max((spec.min ?? 0) + 10, spec.default * 4),
    ];
    if (spec.integer) fields[spec.name] = fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
    else
      fields[spec.name] = fc
        .double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true })
        .filter(
          (v) =>
            !(spec.minExclusive && v <= (spec.min ?? -Infinity)) &&
            !(spec.maxExclusive && v >= (spec.max ?? Infinity)),
        );
  }
  return fc.record(fields) as fc.Arbitrary<Parameters>;
}

const near = (a: number, b: number, relative: number, absolute: number) =>
  Math.abs(a - b) <= absolute + relative * Math.max(Math.abs(a), Math.abs(b));

const float32Edges = [
  0, -0, 1e-45, -1e-45, 1.17e-38, -1.17e-38, 1, -1, 88, -88, 89, -89, 100, -100, 1e4, -1e4, 3.4e38,
  -3.4e38,
];

describe.each(activations.map((definition) => [definition.name, definition] as const))(
  "activation %s",
  (_name, definition) => {
    const withParams = fc.tuple(parametersArbitrary(definition), fc.context());

    it("f′ agrees with central finite differences away from kinks", () => {
      fc.assert(
        fc.property(
          parametersArbitrary(definition),
          fc.double({ min: -20, max: 20, noNaN: true }),
          (given, x) => {
            const activation = instantiate(definition, given);
            const [lo, hi] = definition.properties.domain ?? [-Infinity, Infinity];
            const h = 1e-5 * Math.max(1, Math.abs(x));
            // Near a domain edge (log near 0) the step would be too coarse for the curvature.
            if (x - 1000 * h < lo || x + 1000 * h > hi) return;
            const kinks = definition.properties.kinks?.(activation.params) ?? [];
            if (kinks.some((k) => Math.abs(k - x) < 4 * h)) return;
            const [fl, f0, fr] = [activation.f(x - h), activation.f(x), activation.f(x + h)];
            // Approximating forms switch branches at points nobody lists (where an Abs or Max
            // inside flips): there the one-sided slopes differ, and f′ is one of them.
            if (
              definition.derivativeFromExpression &&
              !near((f0 - fl) / h, (fr - f0) / h, 1e-3, 1e-5)
            )
              return;
            const numeric = (fr - fl) / (2 * h);
            expect(near(activation.df(x), numeric, 1e-4, 1e-6)).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    });

    it("the expression evaluates to f (float64)", () => {
      fc.assert(
        fc.property(withParams, fc.double({ min: -60, max: 60, noNaN: true }), ([given], x) => {
          const activation = instantiate(definition, given);
          const [lo, hi] = definition.properties.domain ?? [-Infinity, Infinity];
          if (x < lo || x > hi) return;
          const fromExpression = activation.compiled.evaluate(x);
          expect(near(fromExpression, activation.f(x), 1e-9, 1e-12)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it("the Float32Array kernel matches f to float32 rounding, and finite inputs give finite outputs", () => {
      const activation = instantiate(definition);
      const [lo, hi] = definition.properties.domain ?? [-Infinity, Infinity];
      const inputs = new Float32Array([...float32Edges.filter((x) => x >= lo && x <= hi)]);
      fc.assert(
        fc.property(
          fc.float({
            noNaN: true,
            noDefaultInfinity: true,
            min: Math.fround(Math.max(lo, -3e38)),
            max: Math.fround(Math.min(hi, 3e38)),
          }),
          (x) => {
            const out = activation.kernel(new Float32Array([x]), undefined, 1);
            // Finite unless the true value is beyond float32 (SELU's λ·3.4e38).
            expect(
              Number.isFinite(out[0]) || Math.abs(activation.f(x)) > 3.4028234663852886e38,
            ).toBe(true);
            expect(near(out[0]!, activation.f(x), 2 ** -22, 1e-30)).toBe(true);
          },
        ),
        { numRuns: 500 },
      );
      // Reducing activations take rows of one element here, where f describes them.
      const out = activation.kernel(inputs, undefined, 1);
      for (let i = 0; i < inputs.length; i++) {
        expect(
          Number.isFinite(out[i]) || Math.abs(activation.f(inputs[i]!)) > 3.4028234663852886e38,
        ).toBe(true);
        expect(near(out[i]!, activation.f(inputs[i]!), 2 ** -22, 1e-30)).toBe(true);
      }
      expect(activation.kernel(new Float32Array([Number.NaN]))).toSatisfy((r: Float32Array) =>
        Number.isNaN(r[0]),
      );
    });

    it("is monotonic where it claims to be", () => {
      const claim = definition.properties.monotonic;
      if (!claim) return;
      fc.assert(
        fc.property(
          withParams,
          fc.double({ min: -40, max: 40, noNaN: true }),
          fc.double({ min: 1e-6, max: 5, noNaN: true }),
          ([given], x, step) => {
            const activation = instantiate(definition, given);
            const [lo, hi] = definition.properties.domain ?? [-Infinity, Infinity];
            if (x < lo || x + step > hi) return;
            const a = activation.f(x);
            const b = activation.f(x + step);
            // Monotonic up to float64 rounding: u/√(1 + u²) near ±1 wobbles by an ulp or two.
            expect(b >= a - 1e-14 * Math.max(1, Math.abs(a))).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    });

    it("stays inside its claimed range", () => {
      const range = definition.properties.range;
      if (!range) return;
      fc.assert(
        fc.property(withParams, fc.double({ min: -1e6, max: 1e6, noNaN: true }), ([given], x) => {
          const activation = instantiate(definition, given);
          const [lo, hi] = definition.properties.domain ?? [-Infinity, Infinity];
          if (x < lo || x > hi) return;
          const [min, max] = range(activation.params);
          const y = activation.f(x);
          expect(y >= min && y <= max).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  },
);
