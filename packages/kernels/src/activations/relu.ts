import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";

/** ReLU max(0, x). f′(0) is a convention: `derivativeAtZero` picks 0 (PyTorch, TF) or 1. */
export const relu = defineActivation({
  name: "relu",
  title: "ReLU",
  formula: "max(0, x)",
  parameters: [
    {
      name: "derivativeAtZero",
      default: 0,
      min: 0,
      max: 1,
      integer: true,
      description: "the value taken as f′(0): 0 or 1",
    },
  ],
  f: (x) => (Number.isNaN(x) ? x : x > 0 ? x : 0),
  df: (x, p) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? 0 : p.derivativeAtZero!),
  expression: () => Expr.input().relu(),
  kernel(input, output) {
    for (let i = 0; i < input.length; i++) {
      const x = input[i]!;
      output[i] = x > 0 ? x : x <= 0 ? 0 : x; // NaN stays NaN
    }
  },
  properties: {
    monotonic: "nondecreasing",
    range: () => [0, Number.POSITIVE_INFINITY],
    kinks: () => [0],
  },
  onnx: { opType: "Relu", since: 6 },
});
