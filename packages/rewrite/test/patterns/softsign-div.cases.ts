import type { PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** Div(x, Add(1, Abs(x))), marking Abs's output and the sum. */
const divided: SpoilableBuild = (g, x, k, inner = unspoiled) =>
  g.op("Div", [x, inner(g.op("Add", [k(1), inner(g.op("Abs", [x]))]))]);

export const softsignDivCases: PatternCases = {
  rule: "softsign-div",
  activation: "softsign",
  canonical: divided,
  variants: [
    { name: "Div(x, Add(1, Abs(x)))", build: divided },
    {
      name: "Div(x, Add(Abs(x), 1)), Constant nodes",
      style: "node",
      build: (g, x, k) => g.op("Div", [x, g.op("Add", [g.op("Abs", [x]), k(1)])]),
    },
    {
      name: "Div(x, Add(Abs(x), 1.0000001)), [1]-shaped constants",
      style: "vector",
      build: (g, x, k) => g.op("Div", [x, g.op("Add", [g.op("Abs", [x]), k(1.0000001)])]),
    },
  ],
  nearMisses: [
    {
      name: "x / (2 + |x|)",
      reason: /constant added to \|x\| in x \/ \(c \+ \|x\|\) is 2, expected 1/,
      build: (g, x, k) => g.op("Div", [x, g.op("Add", [k(2), g.op("Abs", [x])])]),
    },
    ...innerValueCases(divided),
    {
      name: "x / (1 + |y|)",
      silent: true,
      build: (g, x, k) => g.op("Div", [x, g.op("Add", [k(1), g.op("Abs", [g.op("Neg", [x])])])]),
    },
    { name: "x / z", silent: true, build: (g, x) => g.op("Div", [x, g.op("Abs", [x])]) },
  ],
};
