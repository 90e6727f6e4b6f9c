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
  ruleResults,
} from "../../test/support/pattern-test-support.js";

const variants: PatternVariant[] = [
  {
    name: "Mul(x, Tanh(Softplus(x)))",
    build: (g, x) => g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [x])])]),
  },
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
];

describe("mish", () => {
  // expectWholeGraphSite also shows that Mish claims Log(1 + Exp(x)) before the softplus pattern does.
  it.each(variants)("recognises $name as mish and onnxruntime agrees", async (variant) => {
    const model = patternModel(variant);
    const site = expectWholeGraphSite(model, "mish", "mish");
    expect(site.params).toEqual({});
    await expectComputesActivation(model, site);
  });

  it("finds it in an If branch, a Loop body and a model-local function", async () => {
    await expectFoundInSubgraphs(
      (g, x) => g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [x])])]),
      "mish",
      "mish",
    );
  });

  it("refuses Log(2 + Exp(x)) inside, saying which constant", () => {
    const model = patternModel({
      build: (g, x, k) =>
        g.op("Mul", [x, g.op("Tanh", [g.op("Log", [g.op("Add", [k(2), g.op("Exp", [x])])])])]),
    });
    expectNoSite(model, "mish", /constant added to Exp inside Log is 2, expected 1/);
  });

  it("refuses when Softplus's output has another consumer or Tanh's is a graph output", () => {
    expectNoSite(
      patternModel({
        build: (g, x) => {
          const softplus = g.op("Softplus", [x]);
          addConsumer(g, softplus);
          return g.op("Mul", [x, g.op("Tanh", [softplus])]);
        },
      }),
      "mish",
      /inner value "softplus_out.*has other consumers/,
    );
    expectNoSite(
      patternModel({
        build: (g, x) => {
          const tanh = g.op("Tanh", [g.op("Softplus", [x])]);
          exposeAsOutput(g, tanh);
          return g.op("Mul", [x, tanh]);
        },
      }),
      "mish",
      /inner value "tanh_out.*is a graph output/,
    );
  });

  it("does not match Softplus of another tensor, or a scaled product", () => {
    const other = patternModel({
      build: (g, x) => g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [g.op("Neg", [x])])])]),
    });
    expect(ruleResults(other, "mish")).toEqual({ sites: [], nearMisses: [] });
    expectNoSite(
      patternModel({
        build: (g, x, k) =>
          g.op("Mul", [g.op("Mul", [x, k(0.5)]), g.op("Tanh", [g.op("Softplus", [x])])]),
      }),
      "mish",
      /constant factor is 0\.5, expected 1/,
    );
  });
});
