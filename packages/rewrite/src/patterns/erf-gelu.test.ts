import { describe, expect, it } from "vitest";
import {
  addConsumer,
  expectComputesActivation,
  expectFoundInSubgraphs,
  expectNoSite,
  expectWholeGraphSite,
  exposeAsOutput,
  type PatternBuild,
  type PatternVariant,
  patternModel,
  ruleResults,
} from "../../test/support/pattern-test-support.js";

/** √2 rounded to float32 (1.4142135), as exporters write it. */
const sqrt2 = Math.fround(Math.SQRT2);

/** PyTorch: Mul(Mul(x, Add(Erf(Div(x, 1.4142135)), 1)), 0.5). */
const pytorch: PatternBuild = (g, x, k) => {
  const gate = g.op("Add", [g.op("Erf", [g.op("Div", [x, k(sqrt2)])]), k(1)]);
  return g.op("Mul", [g.op("Mul", [x, gate]), k(0.5)]);
};

const variants: PatternVariant[] = [
  { name: "PyTorch: Mul(Mul(x, 1 + Erf(x / 1.4142135)), 0.5)", build: pytorch },
  {
    name: "TensorFlow: Mul(Mul(0.5, x), Add(1, Erf(Mul(x, 0.70710677)))), [1]-shaped constants",
    style: "vector",
    build: (g, x, k) => {
      const gate = g.op("Add", [k(1), g.op("Erf", [g.op("Mul", [x, k(0.70710677)])])]);
      return g.op("Mul", [g.op("Mul", [k(0.5), x]), gate]);
    },
  },
  {
    name: "Paddle: Mul(x, Mul(0.5, Erf(0.70710677 · x) + 1)), Constant nodes",
    style: "node",
    build: (g, x, k) => {
      const gate = g.op("Add", [g.op("Erf", [g.op("Mul", [k(0.70710677), x])]), k(1)]);
      return g.op("Mul", [x, g.op("Mul", [k(0.5), gate])]);
    },
  },
  {
    name: "½ as a Div by 2 and √2 written to 5 digits (1.41421): Div(Mul(gate, x), 2)",
    build: (g, x, k) => {
      const gate = g.op("Add", [
        k(1),
        g.op("Erf", [g.op("Div", [x, k(Number(Math.SQRT2.toFixed(5)))])]),
      ]);
      return g.op("Div", [g.op("Mul", [gate, x]), k(2)]);
    },
  },
];

describe("erf-gelu", () => {
  it.each(variants)("recognises $name as gelu and onnxruntime agrees", async (variant) => {
    const model = patternModel(variant);
    const site = expectWholeGraphSite(model, "erf-gelu", "gelu");
    expect(site.params).toEqual({});
    expect(site.nodes).toHaveLength(5);
    await expectComputesActivation(model, site);
  });

  it("finds it in an If branch, a Loop body and a model-local function", async () => {
    await expectFoundInSubgraphs(pytorch, "erf-gelu", "gelu");
  });

  it("refuses a half that is 0.6, saying so", () => {
    const model = patternModel({
      build: (g, x, k) => {
        const gate = g.op("Add", [g.op("Erf", [g.op("Div", [x, k(sqrt2)])]), k(1)]);
        return g.op("Mul", [g.op("Mul", [x, gate]), k(0.6)]);
      },
    });
    expectNoSite(model, "erf-gelu", /constant factor is 0\.6.*expected 0\.5/);
  });

  it("refuses a wrong √2 and a wrong 1", () => {
    const scale = patternModel({
      build: (g, x, k) => {
        const gate = g.op("Add", [g.op("Erf", [g.op("Div", [x, k(2)])]), k(1)]);
        return g.op("Mul", [g.op("Mul", [x, gate]), k(0.5)]);
      },
    });
    expectNoSite(scale, "erf-gelu", /Erf's argument .* is 0\.5, expected 0\.70710678/);
    const offset = patternModel({
      build: (g, x, k) => {
        const gate = g.op("Add", [g.op("Erf", [g.op("Div", [x, k(sqrt2)])]), k(2)]);
        return g.op("Mul", [g.op("Mul", [x, gate]), k(0.5)]);
      },
    });
    expectNoSite(offset, "erf-gelu", /constant added to Erf is 2, expected 1/);
  });

  it("refuses when an inner value has another consumer or is a graph output", () => {
    const consumed = patternModel({
      build: (g, x, k) => {
        const erf = g.op("Erf", [g.op("Div", [x, k(sqrt2)])]);
        addConsumer(g, erf);
        return g.op("Mul", [g.op("Mul", [x, g.op("Add", [erf, k(1)])]), k(0.5)]);
      },
    });
    expectNoSite(consumed, "erf-gelu", /inner value "erf_out.*" .*has other consumers/);
    // Only the outer Mul reports it: the inner one is judged where the ½ is applied.
    expect(ruleResults(consumed, "erf-gelu").nearMisses).toHaveLength(1);
    const exposed = patternModel({
      build: (g, x, k) => {
        const product = g.op("Mul", [
          x,
          g.op("Add", [g.op("Erf", [g.op("Div", [x, k(sqrt2)])]), k(1)]),
        ]);
        exposeAsOutput(g, product);
        return g.op("Mul", [product, k(0.5)]);
      },
    });
    expectNoSite(exposed, "erf-gelu", /is a graph output/);
  });

  it("does not match when Erf reads another tensor or the product has another factor", () => {
    expectNoSite(
      patternModel({
        build: (g, x, k) => {
          const other = g.op("Neg", [x]);
          const gate = g.op("Add", [g.op("Erf", [g.op("Div", [other, k(sqrt2)])]), k(1)]);
          return g.op("Mul", [g.op("Mul", [x, gate]), k(0.5)]);
        },
      }),
      "erf-gelu",
    );
    expectNoSite(
      patternModel({
        build: (g, x, k) => {
          const gate = g.op("Add", [g.op("Erf", [g.op("Div", [x, k(sqrt2)])]), k(1)]);
          return g.op("Mul", [g.op("Mul", [x, gate]), g.op("Sin", [x])]);
        },
      }),
      "erf-gelu",
    );
  });

  it("does not throw on a Mul with a missing input or an Erf without one", () => {
    const model = patternModel({
      build: (g, x, k) => {
        const erf = g.op("Erf", [x]);
        const half = g.op("Mul", [erf, k(0.5)]);
        half.producer!.setInputs([half.producer!.inputs[0]!, null]);
        return g.op("Mul", [g.op("Add", [half, k(1)]), x]);
      },
    });
    expectNoSite(model, "erf-gelu");
  });
});
