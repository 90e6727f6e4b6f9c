import type { PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** x · Clip(x + shift, 0, hi) / divisor with the bounds as inputs (opset ≥ 11), marking x + shift and the clip. */
function clipped(shift = 3, hi = 6, divisor = 6): SpoilableBuild {
  return (g, x, k, inner = unspoiled) => {
    const gate = inner(g.op("Clip", [inner(g.op("Add", [x, k(shift)])), k(0), k(hi)]));
    return g.op("Div", [g.op("Mul", [x, gate]), k(divisor)]);
  };
}

export const hardSwishCases: PatternCases = {
  rule: "hard-swish",
  activation: "hard-swish",
  canonical: clipped(),
  variants: [
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
  ],
  nearMisses: [
    {
      name: "HardSigmoid with alpha = 0.2",
      reason: /HardSigmoid has alpha = 0\.2, beta = 0\.5; hard-swish needs alpha = 1\/6/,
      build: (g, x) => g.op("Mul", [x, g.op("HardSigmoid", [x], { alpha: 0.2 })]),
    },
    {
      name: "a shift of 2",
      reason: /constant added to x .* is 2, expected 3/,
      build: clipped(2),
    },
    {
      name: "an upper bound of 5",
      reason: /clipped to \[0, 5\], expected \[0, 6\]/,
      build: clipped(3, 5),
    },
    {
      name: "a divisor of 5",
      reason: /constant factor is 0\.2, expected 0\.16666667/,
      build: clipped(3, 6, 5),
    },
    {
      name: "a clip bound that is not a constant",
      reason: /clip bounds of x \+ 3 are not constants/,
      build: (g, x, k) =>
        g.op("Div", [
          g.op("Mul", [x, g.op("Clip", [g.op("Add", [x, k(3)]), k(0), g.op("Abs", [x])])]),
          k(6),
        ]),
    },
    ...innerValueCases(clipped()),
    {
      name: "a clip of another tensor",
      silent: true,
      build: (g, x, k) =>
        g.op("Div", [
          g.op("Mul", [x, g.op("Clip", [g.op("Add", [g.op("Neg", [x]), k(3)]), k(0), k(6)])]),
          k(6),
        ]),
    },
    {
      name: "HardSigmoid of another tensor",
      silent: true,
      build: (g, x) => g.op("Mul", [x, g.op("HardSigmoid", [g.op("Neg", [x])], { alpha: 1 / 6 })]),
    },
  ],
};
