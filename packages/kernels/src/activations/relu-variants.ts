import { defineActivation } from "../activation/activation.js";
import { Expr, where } from "../expression/expression.js";

/** Leaky ReLU: x for x ≥ 0, αx below (ONNX LeakyRelu). */
export const leakyRelu = defineActivation({
  name: "leaky-relu",
  title: "Leaky ReLU",
  formula: "x ≥ 0 ? x : αx",
  parameters: [
    {
      name: "alpha",
      default: 0.01,
      min: 0,
      description: "slope α ≥ 0 for x < 0",
      typical: [0, 1],
    },
  ],
  f: (x, p) => (x >= 0 ? x : p.alpha! * x),
  df: (x, p) => (Number.isNaN(x) ? x : x >= 0 ? 1 : p.alpha!),
  expression: (p) => {
    const x = Expr.input();
    return where(x.less(0), x.mul(p.alpha!), x);
  },
  properties: {
    monotonic: "nondecreasing",
    kinks: () => [0],
  },
  onnx: { opType: "LeakyRelu", since: 6, attributes: (p) => ({ alpha: p.alpha! }) },
});

/** Parametric ReLU: x for x ≥ 0, ax below, with a learned slope a of any sign (ONNX PRelu). */
export const prelu = defineActivation({
  name: "prelu",
  title: "PReLU",
  formula: "x ≥ 0 ? x : ax",
  parameters: [
    {
      name: "a",
      default: 0.25,
      description: "learned slope a for x < 0 (any sign)",
      typical: [-2, 2],
    },
  ],
  f: (x, p) => (x >= 0 ? x : p.a! * x),
  df: (x, p) => (Number.isNaN(x) ? x : x >= 0 ? 1 : p.a!),
  expression: (p) => {
    const x = Expr.input();
    return where(x.less(0), x.mul(p.a!), x);
  },
  properties: { kinks: () => [0] },
  onnx: { opType: "PRelu", since: 9 },
});

/** ReLU6: min(max(0, x), 6), ONNX Clip(x, 0, 6). */
export const relu6 = defineActivation({
  name: "relu6",
  title: "ReLU6",
  formula: "min(max(0, x), 6)",
  parameters: [],
  f: (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x, 0), 6)),
  df: (x) => (Number.isNaN(x) ? x : x > 0 && x < 6 ? 1 : 0),
  expression: () => Expr.input().clip(0, 6),
  properties: {
    monotonic: "nondecreasing",
    range: () => [0, 6],
    kinks: () => [0, 6],
  },
  onnx: { opType: "Clip", since: 11 },
});

/** Shifted ReLU max(−a, x): the piecewise-linear stand-in for ELU with α = a. */
export const shiftedRelu = defineActivation({
  name: "shifted-relu",
  title: "Shifted ReLU",
  formula: "max(−a, x)",
  parameters: [{ name: "a", default: 1, min: 0, description: "floor −a (a ≥ 0)", typical: [0, 4] }],
  f: (x, p) => (Number.isNaN(x) ? x : Math.max(x, -p.a!)),
  df: (x, p) => (Number.isNaN(x) ? x : x > -p.a! ? 1 : 0),
  expression: (p) => Expr.input().max(-p.a!),
  properties: {
    monotonic: "nondecreasing",
    range: (p) => [-p.a!, Number.POSITIVE_INFINITY],
    kinks: (p) => [-p.a!],
  },
});
