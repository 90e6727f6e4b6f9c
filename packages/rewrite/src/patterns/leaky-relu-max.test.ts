import { describe, expect, it } from "vitest";
import {
  addConsumer,
  expectComputesActivation,
  expectFoundInSubgraphs,
  expectNoSite,
  expectWholeGraphSite,
  exposeAsOutput,
  type PatternVariant,
  patternModel,
} from "../../test/support/pattern-test-support.js";

const variants: (PatternVariant & { alpha: number })[] = [
  {
    name: "Max(x, Mul(0.1, x))",
    alpha: 0.1,
    build: (g, x, k) => g.op("Max", [x, g.op("Mul", [k(0.1), x])]),
  },
  {
    name: "Max(Mul(x, 0.2), x), [1]-shaped constants",
    alpha: 0.2,
    style: "vector",
    build: (g, x, k) => g.op("Max", [g.op("Mul", [x, k(0.2)]), x]),
  },
  {
    name: "Max(x, Div(x, 10)), Constant nodes",
    alpha: 0.1,
    style: "node",
    build: (g, x, k) => g.op("Max", [x, g.op("Div", [x, k(10)])]),
  },
  {
    name: "Max(x, Mul(x, 0)) (ReLU)",
    alpha: 0,
    build: (g, x, k) => g.op("Max", [x, g.op("Mul", [x, k(0)])]),
  },
];

describe("leaky-relu-max", () => {
  it.each(variants)(
    "recognises $name as leaky-relu {alpha: $alpha} and onnxruntime agrees",
    async (variant) => {
      const model = patternModel(variant);
      const site = expectWholeGraphSite(model, "leaky-relu-max", "leaky-relu");
      expect(site.params.alpha).toBeCloseTo(variant.alpha, 6);
      await expectComputesActivation(model, site);
    },
  );

  it("finds it in an If branch, a Loop body and a model-local function", async () => {
    await expectFoundInSubgraphs(
      (g, x, k) => g.op("Max", [g.op("Mul", [k(0.25), x]), x]),
      "leaky-relu-max",
      "leaky-relu",
    );
  });

  it("refuses α outside [0, 1), saying so", () => {
    for (const alpha of [1.5, -0.1, 1]) {
      expectNoSite(
        patternModel({ build: (g, x, k) => g.op("Max", [x, g.op("Mul", [x, k(alpha)])]) }),
        "leaky-relu-max",
        new RegExp(`α = ${alpha} is no leaky ReLU \\(needs 0 ≤ α < 1\\)`),
      );
    }
  });

  it("refuses when α·x has another consumer or is a graph output", () => {
    for (const spoil of [addConsumer, exposeAsOutput]) {
      const model = patternModel({
        build: (g, x, k) => {
          const scaled = g.op("Mul", [x, k(0.1)]);
          spoil(g, scaled);
          return g.op("Max", [x, scaled]);
        },
      });
      expectNoSite(
        model,
        "leaky-relu-max",
        /inner value "mul_out.*(has other consumers|is a graph output)/,
      );
    }
  });

  it("does not match Max(x, α·z), Max(x, x), three operands or a missing one", () => {
    const cases = [
      (g, x, k) => g.op("Max", [x, g.op("Mul", [k(0.1), g.op("Neg", [x])])]),
      (g, x) => g.op("Max", [x, x]),
      (g, x, k) => g.op("Max", [x, g.op("Mul", [k(0.1), x]), g.op("Mul", [k(0.2), x])]),
      (g, x, k) => {
        const max = g.op("Max", [x, g.op("Mul", [k(0.1), x])]);
        max.producer!.setInputs([x]);
        return max;
      },
    ] satisfies PatternVariant["build"][];
    for (const build of cases) expectNoSite(patternModel({ build }), "leaky-relu-max");
  });
});
