import type { GraphBuilder, Value } from "@rectify/onnx";
import { DataType } from "@rectify/onnx";
import type { PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** HuggingFace's NewGELU 0.5·x·(1 + Tanh(scale·(x + cubic·Pow(x, 3)))), marking Pow's output. */
function newGelu(half = 0.5, scale = 0.7978846, cubic = 0.044715): SpoilableBuild {
  return (g, x, k, inner = unspoiled) => {
    const power = inner(g.op("Pow", [x, k(3)]));
    const sum = g.op("Add", [x, g.op("Mul", [k(cubic), power])]);
    const gate = g.op("Add", [k(1), g.op("Tanh", [g.op("Mul", [k(scale), sum])])]);
    return g.op("Mul", [g.op("Mul", [k(half), x]), gate]);
  };
}

/** x·x·x as PyTorch's symbolic writes it. */
const cube = (g: GraphBuilder, x: Value) => g.op("Mul", [x, g.op("Mul", [x, x])]);

export const tanhGeluCases: PatternCases = {
  rule: "tanh-gelu",
  activation: "gelu-tanh",
  canonical: newGelu(),
  variants: [
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
  ],
  nearMisses: [
    {
      name: "a half that is 0.6",
      reason: /constant factor is 0\.6, expected 0\.5/,
      build: newGelu(0.6),
    },
    {
      name: "a scale inside Tanh that is 0.8",
      reason: /scale inside Tanh .* is 0\.8, expected 0\.79788456/,
      build: newGelu(0.5, 0.8),
    },
    {
      name: "a coefficient of x³ that is 0.05",
      reason: /coefficient of x³ .* is 0\.05, expected 0\.044715/,
      build: newGelu(0.5, 0.7978846, 0.05),
    },
    ...innerValueCases(newGelu()),
    {
      name: "a cube of another tensor",
      silent: true,
      build: (g, x, k) => {
        const inner = g.op("Add", [
          x,
          g.op("Mul", [k(0.044715), g.op("Pow", [g.op("Neg", [x]), k(3)])]),
        ]);
        const gate = g.op("Add", [k(1), g.op("Tanh", [g.op("Mul", [k(0.7978846), inner])])]);
        return g.op("Mul", [g.op("Mul", [k(0.5), x]), gate]);
      },
    },
    {
      name: "a square where the cube belongs",
      silent: true,
      build: (g, x, k) => {
        const inner = g.op("Add", [x, g.op("Mul", [k(0.044715), g.op("Mul", [x, x])])]);
        const gate = g.op("Add", [k(1), g.op("Tanh", [g.op("Mul", [k(0.7978846), inner])])]);
        return g.op("Mul", [g.op("Mul", [k(0.5), x]), gate]);
      },
    },
  ],
};
