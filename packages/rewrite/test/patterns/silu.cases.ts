import type { PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** Mul(Sigmoid(Mul(x, 1.702)), x), marking βx and the Sigmoid's output. */
const scaled: SpoilableBuild = (g, x, k, inner = unspoiled) => {
  const gate = inner(g.op("Sigmoid", [inner(g.op("Mul", [x, k(1.702)]))]));
  return g.op("Mul", [gate, x]);
};

export const siluCases: PatternCases = {
  rule: "silu",
  activation: "silu",
  canonical: scaled,
  variants: [
    {
      name: "Mul(x, Sigmoid(x))",
      params: { beta: 1 },
      build: (g, x) => g.op("Mul", [x, g.op("Sigmoid", [x])]),
    },
    {
      name: "Mul(Sigmoid(x), x)",
      params: { beta: 1 },
      build: (g, x) => g.op("Mul", [g.op("Sigmoid", [x]), x]),
    },
    {
      name: "Mul(x, Sigmoid(Mul(1.702, x)))",
      params: { beta: 1.702 },
      build: (g, x, k) => g.op("Mul", [x, g.op("Sigmoid", [g.op("Mul", [k(1.702), x])])]),
    },
    {
      name: "Mul(Sigmoid(Mul(x, 1.702)), x), Constant nodes",
      params: { beta: 1.702 },
      style: "node",
      build: scaled,
    },
    {
      name: "Mul(x, Sigmoid(Div(x, 0.5))), [1]-shaped constants",
      params: { beta: 2 },
      style: "vector",
      build: (g, x, k) => g.op("Mul", [x, g.op("Sigmoid", [g.op("Div", [x, k(0.5)])])]),
    },
  ],
  nearMisses: [
    {
      name: "a Sigmoid of another tensor (a gating product)",
      silent: true,
      build: (g, x) => g.op("Mul", [x, g.op("Sigmoid", [g.op("Neg", [x])])]),
    },
    {
      name: "a scaled Sigmoid of another tensor (a gating product)",
      silent: true,
      build: (g, x, k) =>
        g.op("Mul", [x, g.op("Sigmoid", [g.op("Mul", [k(1.702), g.op("Neg", [x])])])]),
    },
    {
      name: "β = -1",
      reason: /β = -1; silu needs a finite β > 0/,
      build: (g, x, k) => g.op("Mul", [x, g.op("Sigmoid", [g.op("Mul", [k(-1), x])])]),
    },
    {
      name: "an extra constant factor 2 on x",
      reason: /constant factor is 2, expected 1/,
      build: (g, x, k) => g.op("Mul", [g.op("Mul", [x, k(2)]), g.op("Sigmoid", [x])]),
    },
    ...innerValueCases(scaled),
  ],
};
