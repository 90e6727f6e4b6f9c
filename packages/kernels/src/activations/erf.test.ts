// erf and its stand-ins beyond the generic catalog checks: reference values,
// oddness, the published error bounds of the Abramowitz & Stegun forms, and
// catalog parameters that are the package's own minimax fits.
import { describe, expect, it } from "vitest";
import { instantiate } from "../activation/activation.js";
import { catalogRow } from "../approximations/catalog.js";
import { fitMinimax } from "../approximations/fit.js";
import { approximationsFor } from "../approximations/index.js";
import { erf } from "./erf.js";
import { erfForms } from "./erf-forms.js";

const entries = approximationsFor("erf");
const rows = entries.map(catalogRow);
const row = (id: string) => rows.find((r) => r.approximation === id)!;

describe("erf", () => {
  const e = instantiate(erf);

  it("matches reference values, is odd, and has f′(0) = 2/√π", () => {
    // Reference values to 16 digits (DLMF 7.2 / A&S table 7.1).
    for (const [x, value] of [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
    ] as const) {
      expect(e.f(x)).toBeCloseTo(value, 15);
      expect(e.f(-x)).toBe(-e.f(x));
    }
    expect(e.f(40)).toBe(1);
    expect(e.df(0)).toBeCloseTo(2 / Math.sqrt(Math.PI), 15);
    expect(erf.onnx).toMatchObject({ opType: "Erf", since: 9 });
  });
});

describe("erf stand-ins", () => {
  it("are odd, 0 at 0 and ±1 far out, in float64 and in float32", () => {
    for (const definition of erfForms) {
      const g = instantiate(definition);
      for (const x of [1e-30, 1e-3, 0.3, 1, 2.5, 5, 7, 1e6, 3.4e38]) {
        expect(g.f(-x)).toBe(-g.f(x));
        expect(g.compiled.evaluate32(-x)).toBe(-g.compiled.evaluate32(x));
      }
      expect(Math.abs(g.f(0))).toBe(0);
      expect(g.f(1e30)).toBeCloseTo(1, 6);
      expect(g.compiled.evaluate32(3.4e38)).toBeCloseTo(1, 6);
    }
  });

  it("have no jump at 0 in the Abramowitz & Stegun forms (slope 2/√π, 7.1.27 a little lower)", () => {
    const slopeNearZero = (name: string) =>
      instantiate(erfForms.find((definition) => definition.name === name)!).f(1e-7) / 1e-7;
    // A&S 7.1.26's own a₅ would leave ±1e−9 at 0⁺, 1% of erf(1e−7).
    for (const name of ["erf-squaring", "erf-sextic"])
      expect(Math.abs(slopeNearZero(name) - 2 / Math.sqrt(Math.PI))).toBeLessThan(1e-4);
    // 7.1.27's slope at 0 is 4c₁ = 1.1136, 1.3% low.
    expect(slopeNearZero("erf-quartic")).toBeCloseTo(4 * 0.278393, 6);
  });

  it("keep the published Abramowitz & Stegun bounds, and the error is bounded on all of ℝ", () => {
    for (const r of rows) expect(r.maxAbsErrorUnbounded).toBeUndefined();
    expect(row("erf-sextic").maxAbsError).toBeLessThan(3e-7); // 7.1.28
    expect(row("erf-quartic").maxAbsError).toBeLessThan(5e-4); // 7.1.27
    // 7.1.26's 1.5e−7, reached once the squarings exp is accurate enough.
    const squaring = rows.filter((r) => r.approximationName === "erf-squaring");
    expect(squaring.map((r) => r.approximation)).toEqual([
      "erf-squaring{n=4,degree=3}",
      "erf-squaring{n=4,degree=4}",
      "erf-squaring{n=5,degree=4}",
      "erf-squaring{n=8,degree=4}",
    ]);
    expect(squaring[3]!.maxAbsError).toBeLessThan(1.5e-7);
    for (let i = 1; i < squaring.length; i++)
      expect(squaring[i]!.maxAbsError).toBeLessThan(squaring[i - 1]!.maxAbsError);
    // Float32 rounding, amplified by the squarings, stays within a few 1e−6.
    for (const r of rows) expect(r.maxAbsErrorFloat32).toBeLessThan(r.maxAbsError + 6e-6);
  });

  it("offers a cheaper form for every looser budget", () => {
    // Fits and tables (-pwl, -lut) are one ReluSum or Lookup node whose cost grows with their size.
    const algebraic = rows.filter(
      (r) => r.transcendental.length === 0 && !/-(pwl|lut)\{/.test(r.approximation),
    );
    const byOps = [...algebraic].sort((a, b) => a.opTotal - b.opTotal);
    expect(byOps[0]!.approximation).toBe("hard-erf{k=0.84979}");
    expect(byOps[0]!.opTotal).toBe(2);
    expect(row("algebraic-erf{a=1.07978,b=0.52867}").maxAbsError).toBeLessThan(0.01);
    expect(row("erf-tanh{k=1.12968,c=0.0997927}").maxAbsError).toBeLessThan(3e-4);
    expect(row("erf-tanh{k=1.20332,c=0}").opTotal).toBe(2);
  });

  it("list parameters that the package's minimax fit cannot improve by more than 0.1%", () => {
    const fittable = entries.filter((entry) => entry.fittable);
    expect(fittable.length).toBe(5);
    for (const entry of fittable) {
      const fit = fitMinimax(entry);
      expect(fit.error).toBeGreaterThan(0.999 * fit.initialError);
    }
  }, 120_000);
});
