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

const variants: PatternVariant[] = [
  {
    name: "Log(Add(1, Exp(x)))",
    build: (g, x, k) => g.op("Log", [g.op("Add", [k(1), g.op("Exp", [x])])]),
  },
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
];

describe("softplus-log-exp", () => {
  it.each(variants)("recognises $name as softplus and onnxruntime agrees", async (variant) => {
    const model = patternModel(variant);
    const site = expectWholeGraphSite(model, "softplus-log-exp", "softplus");
    expect(site.params).toEqual({});
    await expectComputesActivation(model, site);
  });

  it("finds it in an If branch, a Loop body and a model-local function", async () => {
    await expectFoundInSubgraphs(
      (g, x, k) => g.op("Log", [g.op("Add", [k(1), g.op("Exp", [x])])]),
      "softplus-log-exp",
      "softplus",
    );
  });

  it("refuses Log(2 + Exp(x)), saying which constant", () => {
    const model = patternModel({
      build: (g, x, k) => g.op("Log", [g.op("Add", [k(2), g.op("Exp", [x])])]),
    });
    expectNoSite(model, "softplus-log-exp", /constant added to Exp inside Log is 2, expected 1/);
  });

  it("refuses when Exp's output has another consumer or the sum is a graph output", () => {
    expectNoSite(
      patternModel({
        build: (g, x, k) => {
          const exp = g.op("Exp", [x]);
          addConsumer(g, exp);
          return g.op("Log", [g.op("Add", [k(1), exp])]);
        },
      }),
      "softplus-log-exp",
      /inner value "exp_out.*has other consumers/,
    );
    expectNoSite(
      patternModel({
        build: (g, x, k) => {
          const sum = g.op("Add", [k(1), g.op("Exp", [x])]);
          exposeAsOutput(g, sum);
          return g.op("Log", [sum]);
        },
      }),
      "softplus-log-exp",
      /inner value "add_out.*is a graph output/,
    );
  });

  it("does not match Log(Exp(x) + z) or Log(1 + x)", () => {
    expectNoSite(
      patternModel({
        build: (g, x) => g.op("Log", [g.op("Add", [g.op("Exp", [x]), g.op("Abs", [x])])]),
      }),
      "softplus-log-exp",
    );
    expectNoSite(
      patternModel({ build: (g, x, k) => g.op("Log", [g.op("Add", [k(1), g.op("Abs", [x])])]) }),
      "softplus-log-exp",
    );
    expectNoSite(
      patternModel({ build: (g, x) => g.op("Log", [g.op("Abs", [x])]) }),
      "softplus-log-exp",
    );
  });
});
