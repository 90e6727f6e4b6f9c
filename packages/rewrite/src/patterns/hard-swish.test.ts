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
} from "../../test/support/pattern-test-support.js";

/** x · Clip(x + shift, lo, hi) / divisor with the bounds as inputs (opset ≥ 11). */
function clipped(shift = 3, hi = 6, divisor = 6): PatternBuild {
  return (g, x, k) => {
    const gate = g.op("Clip", [g.op("Add", [x, k(shift)]), k(0), k(hi)]);
    return g.op("Div", [g.op("Mul", [x, gate]), k(divisor)]);
  };
}

const variants: PatternVariant[] = [
  { name: "Div(Mul(x, Clip(x + 3, 0, 6)), 6)", build: clipped() },
  {
    name: "Mul(Mul(Clip(3 + x, 0, 6), x), 0.16666667), [1]-shaped constants",
    style: "vector",
    build: (g, x, k) => {
      const gate = g.op("Clip", [g.op("Add", [k(3), x]), k(0), k(6)]);
      return g.op("Mul", [g.op("Mul", [gate, x]), k(0.16666667)]);
    },
  },
  {
    name: "Mul(x, Div(Clip(x + 3, 0, 6), 6)), Constant nodes",
    style: "node",
    build: (g, x, k) =>
      g.op("Mul", [x, g.op("Div", [g.op("Clip", [g.op("Add", [x, k(3)]), k(0), k(6)]), k(6)])]),
  },
  {
    name: "opset 10: Clip with min/max attributes",
    opset: 10,
    build: (g, x, k) => {
      const gate = g.op("Clip", [g.op("Add", [x, k(3)])], { min: 0, max: 6 });
      return g.op("Mul", [k(0.16666667), g.op("Mul", [x, gate])]);
    },
  },
  {
    name: "Relu6 as Min(Max(x + 3, 0), 6)",
    build: (g, x, k) => {
      const gate = g.op("Min", [g.op("Max", [g.op("Add", [x, k(3)]), k(0)]), k(6)]);
      return g.op("Div", [g.op("Mul", [gate, x]), k(6)]);
    },
  },
  {
    name: "Relu6 as Max(0, Min(6, x + 3))",
    build: (g, x, k) => {
      const gate = g.op("Max", [k(0), g.op("Min", [k(6), g.op("Add", [k(3), x])])]);
      return g.op("Div", [g.op("Mul", [x, gate]), k(6)]);
    },
  },
  {
    name: "Relu6 as Min(Relu(x + 3), 6)",
    build: (g, x, k) => {
      const gate = g.op("Min", [g.op("Relu", [g.op("Add", [x, k(3)])]), k(6)]);
      return g.op("Div", [g.op("Mul", [x, gate]), k(6)]);
    },
  },
  {
    name: "Mul(x, HardSigmoid(x) with alpha = 1/6, beta = 0.5)",
    build: (g, x) => g.op("Mul", [x, g.op("HardSigmoid", [x], { alpha: 1 / 6, beta: 0.5 })]),
  },
  {
    name: "Mul(HardSigmoid(x) with alpha = 0.16666667, x)",
    build: (g, x) => g.op("Mul", [g.op("HardSigmoid", [x], { alpha: 0.16666667 }), x]),
  },
];

describe("hard-swish", () => {
  it.each(variants)("recognises $name as hard-swish and onnxruntime agrees", async (variant) => {
    const model = patternModel(variant);
    const site = expectWholeGraphSite(model, "hard-swish", "hard-swish");
    expect(site.params).toEqual({});
    await expectComputesActivation(model, site);
  });

  it("finds it in an If branch, a Loop body and a model-local function", async () => {
    await expectFoundInSubgraphs(clipped(), "hard-swish", "hard-swish");
  });

  it("refuses HardSigmoid with other alpha/beta, saying what it needs", () => {
    const model = patternModel({
      build: (g, x) => g.op("Mul", [x, g.op("HardSigmoid", [x], { alpha: 0.2 })]),
    });
    expectNoSite(
      model,
      "hard-swish",
      /HardSigmoid has alpha = 0\.2, beta = 0\.5; hard-swish needs alpha = 1\/6/,
    );
  });

  it("refuses a wrong shift, bound or divisor, naming it", () => {
    expectNoSite(
      patternModel({ build: clipped(2) }),
      "hard-swish",
      /constant added to x .* is 2, expected 3/,
    );
    expectNoSite(
      patternModel({ build: clipped(3, 5) }),
      "hard-swish",
      /clipped to \[0, 5\], expected \[0, 6\]/,
    );
    expectNoSite(
      patternModel({ build: clipped(3, 6, 5) }),
      "hard-swish",
      /constant factor is 0\.2, expected 0\.16666667/,
    );
    expectNoSite(
      patternModel({
        build: (g, x, k) =>
          g.op("Div", [
            g.op("Mul", [x, g.op("Clip", [g.op("Add", [x, k(3)]), k(0), g.op("Abs", [x])])]),
            k(6),
          ]),
      }),
      "hard-swish",
      /clip bounds of x \+ 3 are not constants/,
    );
  });

  it("refuses when the clip's output has another consumer or x + 3 is a graph output", () => {
    for (const [spoilClip, reason] of [
      [true, /inner value "clip_out.*has other consumers/],
      [false, /inner value "add_out.*is a graph output/],
    ] as const) {
      const model = patternModel({
        build: (g, x, k) => {
          const shifted = g.op("Add", [x, k(3)]);
          const gate = g.op("Clip", [shifted, k(0), k(6)]);
          if (spoilClip) addConsumer(g, gate);
          else exposeAsOutput(g, shifted);
          return g.op("Div", [g.op("Mul", [x, gate]), k(6)]);
        },
      });
      expectNoSite(model, "hard-swish", reason);
    }
  });

  it("does not match a clip of another tensor or HardSigmoid of another tensor", () => {
    expectNoSite(
      patternModel({
        build: (g, x, k) =>
          g.op("Div", [
            g.op("Mul", [x, g.op("Clip", [g.op("Add", [g.op("Neg", [x]), k(3)]), k(0), k(6)])]),
            k(6),
          ]),
      }),
      "hard-swish",
    );
    expectNoSite(
      patternModel({
        build: (g, x) =>
          g.op("Mul", [x, g.op("HardSigmoid", [g.op("Neg", [x])], { alpha: 1 / 6 })]),
      }),
      "hard-swish",
    );
  });
});
