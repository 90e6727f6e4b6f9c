import { describe, expect, it } from "vitest";
import { opCounts, transcendentalOps } from "../expression/expression.js";
import {
  catalog,
  catalogJson,
  catalogMarkdown,
  catalogSection,
  formatSignificant,
  replaceCatalogSection,
} from "./catalog.js";
import { instantiateEntry } from "./error.js";
import { approximations } from "./index.js";

describe("the catalog", () => {
  const rows = catalog();

  it("has one measured row per approximation entry, computed once", () => {
    expect(rows).toHaveLength(approximations.length);
    expect(catalog()).toBe(rows);
    approximations.forEach((entry, i) => {
      const row = rows[i]!;
      const { approximation } = instantiateEntry(entry);
      expect(row.exactName).toBe(entry.exact);
      expect(row.approximationName).toBe(entry.approximation);
      expect(row.ops).toEqual(opCounts(approximation.expression));
      expect(row.transcendental.every((op) => transcendentalOps.has(op))).toBe(true);
      expect(row.maxAbsError === Number.POSITIVE_INFINITY || row.maxAbsError >= 0).toBe(true);
      expect(row.meanAbsErrorNormal).toBeGreaterThanOrEqual(0);
      // The mean under N(0, 1) can never exceed the max (the max over rows for vectors is over other rows, so skip those).
      if (!row.reduces) expect(row.meanAbsErrorNormal).toBeLessThanOrEqual(row.maxAbsError);
    });
  });

  it("shows known values: squareplus_4 vs softplus 1 − ln 2 at 0, ReLU vs softplus ln 2 at 0", () => {
    const squareplus = rows.find((r) => r.approximation === "squareplus{b=4}")!;
    expect(squareplus.exact).toBe("softplus");
    expect(squareplus.maxAbsError).toBeCloseTo(1 - Math.LN2, 12);
    expect(squareplus.argMaxAbsError).toBe(0);
    expect(squareplus.transcendental).toEqual([]);
    const relu = rows.find((r) => r.exact === "softplus" && r.approximation === "relu")!;
    expect(relu.maxAbsError).toBeCloseTo(Math.LN2, 14);
    const leaky = rows.find((r) => r.exact === "relu" && r.approximationName === "leaky-relu")!;
    expect(leaky.maxAbsError).toBe(Number.POSITIVE_INFINITY);
    expect(leaky.maxAbsErrorUnbounded).toBe("-inf");
  });

  it("formats Markdown with 3 significant digits and ∞ with a direction", () => {
    expect(formatSignificant(0.30685281944)).toBe("0.307");
    expect(formatSignificant(-2.4321)).toBe("−2.43");
    expect(formatSignificant(0.0000569123)).toBe("5.69e−5");
    expect(formatSignificant(720061.1)).toBe("7.20e5");
    expect(formatSignificant(Number.NaN)).toBe("—");
    const markdown = catalogMarkdown(rows);
    const lines = markdown.trimEnd().split("\n");
    expect(lines).toHaveLength(rows.length + 2);
    expect(markdown).toContain(
      "| softplus | `squareplus{b=4}` | 7: Add×2 Mul×2 Max Sqrt Clip | no | 0.307 | 0 |",
    );
    expect(markdown).toContain(
      "| relu | `leaky-relu{alpha=0.01}` | 3: Mul Less Where | no | ∞ (x → −∞) | → −∞ |",
    );
    expect(markdown).toContain("exp on (−∞, 0]");
  });

  it("writes JSON with the agreed keys and null for non-finite numbers", () => {
    const parsed = JSON.parse(catalogJson(rows)) as Record<string, unknown>[];
    expect(parsed).toHaveLength(rows.length);
    for (const object of parsed) {
      for (const key of [
        "exact",
        "approximation",
        "params",
        "ops",
        "maxAbsError",
        "argMaxAbsError",
        "maxRelError",
        "meanAbsErrorNormal",
      ])
        expect(object).toHaveProperty(key);
      expect(Object.keys(object).slice(0, 8)).toEqual([
        "exact",
        "approximation",
        "params",
        "ops",
        "maxAbsError",
        "argMaxAbsError",
        "maxRelError",
        "meanAbsErrorNormal",
      ]);
    }
    const leaky = parsed.find(
      (o) => o.exact === "relu" && o.approximation === "leaky-relu{alpha=0.01}",
    )!;
    expect(leaky.maxAbsError).toBeNull();
    expect(leaky.maxAbsErrorUnbounded).toBe("-inf");
    expect(leaky.argMaxAbsErrorTail).toBe("-inf");
    const softmax = parsed.find((o) => o.exact === "softmax")!;
    expect(softmax.argMaxAbsError).toBeNull();
    expect(softmax.worstVector).toMatchObject({ length: expect.any(Number) });
  });

  it("replaces only the text between the README markers", () => {
    const readme = "# x\n\n<!-- catalog:start -->\nold\n<!-- catalog:end -->\n\nafter\n";
    const updated = replaceCatalogSection(readme, "| a |\n");
    expect(updated).toBe("# x\n\n<!-- catalog:start -->\n| a |\n<!-- catalog:end -->\n\nafter\n");
    expect(catalogSection(updated)).toBe("| a |");
    expect(() => catalogSection("no markers")).toThrow(/catalog:start/);
  });
});

describe("the float32 column", () => {
  const row = (approximation: string, params: Record<string, number>) =>
    catalog().find(
      (r) =>
        r.approximationName === approximation &&
        Object.entries(params).every(([key, value]) => r.params[key] === value),
    )!;

  it("shows float32 rounding amplified by the squarings, which float64 does not see", () => {
    const n8 = row("exp-squaring", { n: 8, degree: 4 });
    const n6 = row("exp-squaring", { n: 6, degree: 3 });
    expect(n8.maxAbsError).toBeLessThan(1e-10);
    expect(n8.maxAbsErrorFloat32).toBeGreaterThan(1e-6);
    // In float32 the n = 8 form is worse than the n = 6 one.
    expect(n8.maxAbsErrorFloat32).toBeGreaterThan(n6.maxAbsErrorFloat32);
  });

  it("is exact for exact algebraic rewrites, never below the float64 error, and NaN for rows", () => {
    expect(row("relu-max", {}).maxAbsErrorFloat32).toBe(0);
    for (const r of catalog())
      if (!r.reduces) expect(r.maxAbsErrorFloat32).toBeGreaterThanOrEqual(r.maxAbsError);
      else expect(r.maxAbsErrorFloat32).toBeNaN();
  });
});
