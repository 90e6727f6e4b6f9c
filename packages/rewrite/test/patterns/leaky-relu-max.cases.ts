import type { NearMissCase, PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** Max(Mul(0.25, x), x), marking α·x. */
const quarter: SpoilableBuild = (g, x, k, inner = unspoiled) =>
  g.op("Max", [inner(g.op("Mul", [k(0.25), x])), x]);

/** Max(x, Mul(x, α)) for an α that is no leaky ReLU's. */
const wrongAlpha = (alpha: number): NearMissCase => ({
  name: `α = ${alpha}`,
  reason: new RegExp(`α = ${alpha} is no leaky ReLU \\(needs 0 ≤ α < 1\\)`),
  build: (g, x, k) => g.op("Max", [x, g.op("Mul", [x, k(alpha)])]),
});

export const leakyReluMaxCases: PatternCases = {
  rule: "leaky-relu-max",
  activation: "leaky-relu",
  canonical: quarter,
  variants: [
    {
      name: "Max(x, Mul(0.1, x))",
      params: { alpha: 0.1 },
      build: (g, x, k) => g.op("Max", [x, g.op("Mul", [k(0.1), x])]),
    },
    {
      name: "Max(Mul(x, 0.2), x), [1]-shaped constants",
      params: { alpha: 0.2 },
      style: "vector",
      build: (g, x, k) => g.op("Max", [g.op("Mul", [x, k(0.2)]), x]),
    },
    {
      name: "Max(x, Div(x, 10)), Constant nodes",
      params: { alpha: 0.1 },
      style: "node",
      build: (g, x, k) => g.op("Max", [x, g.op("Div", [x, k(10)])]),
    },
    {
      name: "Max(x, Mul(x, 0)) (ReLU)",
      params: { alpha: 0 },
      build: (g, x, k) => g.op("Max", [x, g.op("Mul", [x, k(0)])]),
    },
  ],
  nearMisses: [
    wrongAlpha(1.5),
    wrongAlpha(-0.1),
    wrongAlpha(1),
    ...innerValueCases(quarter),
    {
      name: "Max(x, α·z)",
      silent: true,
      build: (g, x, k) => g.op("Max", [x, g.op("Mul", [k(0.1), g.op("Neg", [x])])]),
    },
    { name: "Max(x, x)", silent: true, build: (g, x) => g.op("Max", [x, x]) },
    {
      name: "Max with three operands",
      silent: true,
      build: (g, x, k) => g.op("Max", [x, g.op("Mul", [k(0.1), x]), g.op("Mul", [k(0.2), x])]),
    },
    {
      name: "Max with a missing operand",
      silent: true,
      build: (g, x, k) => {
        const max = g.op("Max", [x, g.op("Mul", [k(0.1), x])]);
        max.producer!.setInputs([x]);
        return max;
      },
    },
  ],
};
