import { DataType, ModelBuilder, tensorType, type Value } from "@rectify/onnx";
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

const variants: (PatternVariant & { beta: number })[] = [
  { name: "Mul(x, Sigmoid(x))", beta: 1, build: (g, x) => g.op("Mul", [x, g.op("Sigmoid", [x])]) },
  { name: "Mul(Sigmoid(x), x)", beta: 1, build: (g, x) => g.op("Mul", [g.op("Sigmoid", [x]), x]) },
  {
    name: "Mul(x, Sigmoid(Mul(1.702, x)))",
    beta: 1.702,
    build: (g, x, k) => g.op("Mul", [x, g.op("Sigmoid", [g.op("Mul", [k(1.702), x])])]),
  },
  {
    name: "Mul(Sigmoid(Mul(x, 1.702)), x), Constant nodes",
    beta: 1.702,
    style: "node",
    build: (g, x, k) => g.op("Mul", [g.op("Sigmoid", [g.op("Mul", [x, k(1.702)])]), x]),
  },
  {
    name: "Mul(x, Sigmoid(Div(x, 0.5))), [1]-shaped constants",
    beta: 2,
    style: "vector",
    build: (g, x, k) => g.op("Mul", [x, g.op("Sigmoid", [g.op("Div", [x, k(0.5)])])]),
  },
];

describe("silu", () => {
  it.each(variants)(
    "recognises $name as silu {beta: $beta} and onnxruntime agrees",
    async (variant) => {
      const model = patternModel(variant);
      const site = expectWholeGraphSite(model, "silu", "silu");
      expect(site.params.beta).toBeCloseTo(variant.beta, 6);
      await expectComputesActivation(model, site);
    },
  );

  it("finds it in an If branch, a Loop body and a model-local function", async () => {
    await expectFoundInSubgraphs(
      (g, x, k) => g.op("Mul", [g.op("Sigmoid", [g.op("Mul", [x, k(1.702)])]), x]),
      "silu",
      "silu",
    );
  });

  it("does not match a Sigmoid of another tensor, plain or scaled (a gating product)", () => {
    for (const scale of [false, true]) {
      const model = patternModel({
        build: (g, x, k) => {
          const other = g.op("Neg", [x]);
          return g.op("Mul", [
            x,
            g.op("Sigmoid", [scale ? g.op("Mul", [k(1.702), other]) : other]),
          ]);
        },
      });
      const { sites, nearMisses } = ruleResults(model, "silu");
      expect(sites).toEqual([]);
      expect(nearMisses).toEqual([]);
    }
  });

  it("refuses β ≤ 0 and an extra constant factor, saying so", () => {
    expectNoSite(
      patternModel({
        build: (g, x, k) => g.op("Mul", [x, g.op("Sigmoid", [g.op("Mul", [k(-1), x])])]),
      }),
      "silu",
      /β = -1; silu needs a finite β > 0/,
    );
    expectNoSite(
      patternModel({
        build: (g, x, k) => g.op("Mul", [g.op("Mul", [x, k(2)]), g.op("Sigmoid", [x])]),
      }),
      "silu",
      /constant factor is 2, expected 1/,
    );
  });

  it("finds silu inside a rescaled product without a near miss about the scale", () => {
    const model = patternModel({
      build: (g, x, k) => g.op("Mul", [g.op("Mul", [x, g.op("Sigmoid", [x])]), k(2)]),
    });
    const { sites, nearMisses } = ruleResults(model, "silu");
    expect(sites).toHaveLength(1);
    expect(sites[0]!.output.name).not.toBe("y");
    expect(nearMisses).toEqual([]);
  });

  it("refuses when the Sigmoid's output has another consumer or is a graph output", () => {
    for (const spoil of [addConsumer, exposeAsOutput]) {
      const model = patternModel({
        build: (g, x) => {
          const gate = g.op("Sigmoid", [x]);
          spoil(g, gate);
          return g.op("Mul", [x, gate]);
        },
      });
      expectNoSite(
        model,
        "silu",
        /inner value "sigmoid_out.*(has other consumers|is a graph output)/,
      );
    }
  });

  it("refuses a product in an If branch whose Sigmoid the enclosing graph computes", () => {
    const builder = new ModelBuilder({ opset: 17 });
    const x = builder.input("x", DataType.FLOAT, [4]);
    const gate = builder.op("Sigmoid", [x], {}, { name: "outer_sigmoid" });
    const typed = (value: Value) => {
      value.type = tensorType(DataType.FLOAT, [4]);
      return value;
    };
    const y = builder.op(
      "If",
      [builder.input("cond", DataType.BOOL, [])],
      {
        then_branch: builder.subgraph("then", (g) => [typed(g.op("Mul", [x, gate]))]),
        else_branch: builder.subgraph("else", (g) => [typed(g.op("Identity", [x]))]),
      },
      { name: "branch" },
    );
    builder.output(y, DataType.FLOAT, [4], "y");
    const model = builder.build();
    expectNoSite(model, "silu", /Sigmoid "outer_sigmoid" is computed in another graph/);
    expect(ruleResults(model, "Sigmoid").sites.map((site) => site.location)).toEqual(["main"]);
  });
});
