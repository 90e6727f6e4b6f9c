// Every pattern rule against its case table (./index.ts): each variant is a
// site covering the whole graph that onnxruntime agrees with, the canonical
// form is found inside If/Loop bodies and functions, and each near miss is
// refused (saying why, when the table gives a reason).
import { describe, expect, it } from "vitest";
import { patternRules } from "../../src/patterns/index.js";
import type { NearMissCase, VariantCase } from "../support/pattern-cases.js";
import {
  expectComputesActivation,
  expectFoundInSubgraphs,
  expectNoSite,
  expectWholeGraphSite,
  patternModel,
  ruleResults,
} from "../support/pattern-test-support.js";
import { patternCaseTables } from "./index.js";

/** ` {beta: 1.702}` for a variant with parameters, nothing otherwise. */
function parameterText(params: VariantCase["params"]): string {
  const entries = Object.entries(params ?? {});
  if (entries.length === 0) return "";
  return ` {${entries.map(([name, value]) => `${name}: ${value}`).join(", ")}}`;
}

/** What a near-miss test promises, for its title. */
function nearMissTitle(miss: NearMissCase): string {
  if (miss.reason) return `refuses ${miss.name}, saying why`;
  if (miss.silent) return `does not match ${miss.name}, nor report it as a near miss`;
  return `does not match ${miss.name}`;
}

describe("pattern case tables", () => {
  it("cover every pattern rule, one table each", () => {
    const tabled = patternCaseTables.map((cases) => cases.rule);
    expect(new Set(tabled).size).toBe(tabled.length);
    for (const rule of patternRules) expect(tabled).toContain(rule.name);
  });

  for (const cases of patternCaseTables) {
    it(`${cases.rule}: has variants and near misses, each named once`, () => {
      expect(cases.variants.length).toBeGreaterThan(0);
      expect(cases.nearMisses.length).toBeGreaterThan(0);
      const names = [...cases.variants, ...cases.nearMisses].map((entry) => entry.name);
      expect(new Set(names).size).toBe(names.length);
      for (const miss of cases.nearMisses) expect(miss.reason && miss.silent).toBeFalsy();
    });
  }
});

for (const cases of patternCaseTables) {
  const { rule, activation } = cases;
  describe(rule, () => {
    for (const variant of cases.variants) {
      it(`recognises ${variant.name} as ${activation}${parameterText(variant.params)} and onnxruntime agrees`, async () => {
        const model = patternModel(variant);
        const site = expectWholeGraphSite(model, rule, activation);
        const expected = variant.params ?? {};
        expect(Object.keys(site.params).sort()).toEqual(Object.keys(expected).sort());
        for (const [name, value] of Object.entries(expected))
          expect(site.params[name]).toBeCloseTo(value, 6);
        if (variant.nodeCount !== undefined) expect(site.nodes).toHaveLength(variant.nodeCount);
        await expectComputesActivation(model, site);
      });
    }

    it("finds its canonical form in an If branch, a Loop body and a model-local function", async () => {
      await expectFoundInSubgraphs(cases.canonical, rule, activation);
    });

    for (const miss of cases.nearMisses) {
      it(nearMissTitle(miss), () => {
        const model = patternModel(miss);
        expectNoSite(model, rule, miss.reason);
        if (miss.silent) expect(ruleResults(model, rule).nearMisses).toEqual([]);
      });
    }
  });
}
