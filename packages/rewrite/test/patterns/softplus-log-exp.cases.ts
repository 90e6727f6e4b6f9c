import type { PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** Log(Add(1, Exp(x))), marking Exp's output and the sum. */
const onePlus: SpoilableBuild = (g, x, k, inner = unspoiled) =>
  g.op("Log", [inner(g.op("Add", [k(1), inner(g.op("Exp", [x]))]))]);

export const softplusLogExpCases: PatternCases = {
  rule: "softplus-log-exp",
  activation: "softplus",
  canonical: onePlus,
  variants: [
    { name: "Log(Add(1, Exp(x)))", build: onePlus },
    {
      name: "Log(Add(Exp(x), 1)), Constant nodes",
      style: "node",
      build: (g, x, k) => g.op("Log", [g.op("Add", [g.op("Exp", [x]), k(1)])]),
    },
    {
      name: "Log(Add(Exp(x), 1.0000001)), [1]-shaped constants",
      style: "vector",
      build: (g, x, k) => g.op("Log", [g.op("Add", [g.op("Exp", [x]), k(1.0000001)])]),
    },
  ],
  nearMisses: [
    {
      name: "Log(2 + Exp(x))",
      reason: /constant added to Exp inside Log is 2, expected 1/,
      build: (g, x, k) => g.op("Log", [g.op("Add", [k(2), g.op("Exp", [x])])]),
    },
    ...innerValueCases(onePlus),
    {
      name: "Log(Exp(x) + z)",
      silent: true,
      build: (g, x) => g.op("Log", [g.op("Add", [g.op("Exp", [x]), g.op("Abs", [x])])]),
    },
    {
      name: "Log(1 + z)",
      silent: true,
      build: (g, x, k) => g.op("Log", [g.op("Add", [k(1), g.op("Abs", [x])])]),
    },
    { name: "Log(z)", silent: true, build: (g, x) => g.op("Log", [g.op("Abs", [x])]) },
  ],
};
