import type { GraphBuilder, Value } from "@rectify/onnx";
import { DataType } from "@rectify/onnx";
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
  type WriteConstant,
} from "../../test/support/pattern-test-support.js";

/** 0.5·x·(1 + Tanh(scale·(x + cubic·Pow(x, 3)))) as HuggingFace's NewGELU exports it. */
function newGelu(half = 0.5, scale = 0.7978846, cubic = 0.044715): PatternBuild {
  return (g, x, k) => {
    const inner = g.op("Add", [x, g.op("Mul", [k(cubic), g.op("Pow", [x, k(3)])])]);
    const gate = g.op("Add", [k(1), g.op("Tanh", [g.op("Mul", [k(scale), inner])])]);
    return g.op("Mul", [g.op("Mul", [k(half), x]), gate]);
  };
}

/** x·x·x as PyTorch's symbolic writes it. */
const cube = (g: GraphBuilder, x: Value) => g.op("Mul", [x, g.op("Mul", [x, x])]);

const variants: PatternVariant[] = [
  {
    name: "NewGELU: Mul(Mul(0.5, x), 1 + Tanh(0.7978846·(x + 0.044715·Pow(x, 3))))",
    build: newGelu(),
  },
  {
    name: "PyTorch: Mul(0.5, Mul(x, Add(1, Tanh(Mul(β, Add(x, Mul(κ, x·x·x))))))), Constant nodes",
    style: "node",
    build: (g, x, k) => {
      const inner = g.op("Mul", [
        k(0.7978846),
        g.op("Add", [x, g.op("Mul", [k(0.044715), cube(g, x)])]),
      ]);
      return g.op("Mul", [k(0.5), g.op("Mul", [x, g.op("Add", [k(1), g.op("Tanh", [inner])])])]);
    },
  },
  {
    name: "factored: Tanh((x·0.7978846)·(1 + Pow(x, 2)·0.044715)), Div by 2, [1]-shaped constants",
    style: "vector",
    build: (g, x, k) => {
      const sum = g.op("Add", [g.op("Mul", [g.op("Pow", [x, k(2)]), k(0.044715)]), k(1)]);
      const inner = g.op("Mul", [g.op("Mul", [x, k(0.7978846)]), sum]);
      return g.op("Div", [g.op("Mul", [g.op("Add", [g.op("Tanh", [inner]), k(1)]), x]), k(2)]);
    },
  },
  {
    name: "TensorFlow: Mul(x, Mul(Add(Tanh(...), 1), 0.5)), Pow with an int64 exponent, √(2/π) in float64",
    build: (g, x, k) => {
      const power = g.op("Pow", [x, g.scalar(3, DataType.INT64, "three")]);
      const inner = g.op("Add", [g.op("Mul", [power, k(0.044715)]), x]);
      const gate = g.op("Add", [
        g.op("Tanh", [g.op("Mul", [inner, k(Math.sqrt(2 / Math.PI))])]),
        k(1),
      ]);
      return g.op("Mul", [x, g.op("Mul", [gate, k(0.5)])]);
    },
  },
];

/** The NewGELU form with `spoil` applied to one inner value. */
function spoiled(spoil: (g: GraphBuilder, value: Value) => void): PatternBuild {
  return (g, x, k: WriteConstant) => {
    const power = g.op("Pow", [x, k(3)]);
    spoil(g, power);
    const inner = g.op("Add", [x, g.op("Mul", [k(0.044715), power])]);
    const gate = g.op("Add", [k(1), g.op("Tanh", [g.op("Mul", [k(0.7978846), inner])])]);
    return g.op("Mul", [g.op("Mul", [k(0.5), x]), gate]);
  };
}

describe("tanh-gelu", () => {
  it.each(variants)("recognises $name as gelu-tanh and onnxruntime agrees", async (variant) => {
    const model = patternModel(variant);
    const site = expectWholeGraphSite(model, "tanh-gelu", "gelu-tanh");
    expect(site.params).toEqual({});
    await expectComputesActivation(model, site);
  });

  it("finds it in an If branch, a Loop body and a model-local function", async () => {
    await expectFoundInSubgraphs(newGelu(), "tanh-gelu", "gelu-tanh");
  });

  it("refuses wrong constants, naming each", () => {
    expectNoSite(
      patternModel({ build: newGelu(0.6) }),
      "tanh-gelu",
      /constant factor is 0\.6, expected 0\.5/,
    );
    expectNoSite(
      patternModel({ build: newGelu(0.5, 0.8) }),
      "tanh-gelu",
      /scale inside Tanh .* is 0\.8, expected 0\.79788456/,
    );
    expectNoSite(
      patternModel({ build: newGelu(0.5, 0.7978846, 0.05) }),
      "tanh-gelu",
      /coefficient of x³ .* is 0\.05, expected 0\.044715/,
    );
  });

  it("refuses when an inner value has another consumer or is a graph output", () => {
    expectNoSite(
      patternModel({ build: spoiled(addConsumer) }),
      "tanh-gelu",
      /"pow_out.*has other consumers/,
    );
    expectNoSite(
      patternModel({ build: spoiled(exposeAsOutput) }),
      "tanh-gelu",
      /"pow_out.*is a graph output/,
    );
  });

  it("does not match a cube of another tensor or a square where the cube belongs", () => {
    expectNoSite(
      patternModel({
        build: (g, x, k) => {
          const inner = g.op("Add", [
            x,
            g.op("Mul", [k(0.044715), g.op("Pow", [g.op("Neg", [x]), k(3)])]),
          ]);
          const gate = g.op("Add", [k(1), g.op("Tanh", [g.op("Mul", [k(0.7978846), inner])])]);
          return g.op("Mul", [g.op("Mul", [k(0.5), x]), gate]);
        },
      }),
      "tanh-gelu",
    );
    expectNoSite(
      patternModel({
        build: (g, x, k) => {
          const inner = g.op("Add", [x, g.op("Mul", [k(0.044715), g.op("Mul", [x, x])])]);
          const gate = g.op("Add", [k(1), g.op("Tanh", [g.op("Mul", [k(0.7978846), inner])])]);
          return g.op("Mul", [g.op("Mul", [k(0.5), x]), gate]);
        },
      }),
      "tanh-gelu",
    );
  });
});
