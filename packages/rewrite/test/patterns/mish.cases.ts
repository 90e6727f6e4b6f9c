import type { PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** Mul(x, Tanh(Softplus(x))), marking Softplus's and Tanh's outputs. */
const withSoftplus: SpoilableBuild = (g, x, _k, inner = unspoiled) =>
  g.op("Mul", [x, inner(g.op("Tanh", [inner(g.op("Softplus", [x]))]))]);

// Every variant is claimed by mish as a whole, so Mish also takes Log(1 + Exp(x)) before softplus-log-exp does.
export const mishCases: PatternCases = {
  rule: "mish",
  activation: "mish",
  canonical: withSoftplus,
  variants: [
    { name: "Mul(x, Tanh(Softplus(x)))", build: withSoftplus },
    {
      name: "Mul(Tanh(Softplus(x)), x)",
      build: (g, x) => g.op("Mul", [g.op("Tanh", [g.op("Softplus", [x])]), x]),
    },
    {
      name: "Mul(x, Tanh(Log(Add(1, Exp(x)))))",
      build: (g, x, k) =>
        g.op("Mul", [x, g.op("Tanh", [g.op("Log", [g.op("Add", [k(1), g.op("Exp", [x])])])])]),
    },
    {
      name: "Mul(Tanh(Log(Add(Exp(x), 1))), x), Constant nodes",
      style: "node",
      build: (g, x, k) =>
        g.op("Mul", [g.op("Tanh", [g.op("Log", [g.op("Add", [g.op("Exp", [x]), k(1)])])]), x]),
    },
  ],
  nearMisses: [
    {
      name: "Log(2 + Exp(x)) inside",
      reason: /constant added to Exp inside Log is 2, expected 1/,
      build: (g, x, k) =>
        g.op("Mul", [x, g.op("Tanh", [g.op("Log", [g.op("Add", [k(2), g.op("Exp", [x])])])])]),
    },
    ...innerValueCases(withSoftplus),
    {
      name: "Softplus of another tensor",
      silent: true,
      build: (g, x) => g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [g.op("Neg", [x])])])]),
    },
    {
      name: "a product scaled by 0.5",
      reason: /constant factor is 0\.5, expected 1/,
      build: (g, x, k) =>
        g.op("Mul", [g.op("Mul", [x, k(0.5)]), g.op("Tanh", [g.op("Softplus", [x])])]),
    },
  ],
};
