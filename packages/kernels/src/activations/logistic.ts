import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";
import { sigmoid as logistic } from "../math/special.js";

/** The logistic sigmoid 1/(1 + e^{−x}) (ONNX Sigmoid). */
export const sigmoid = defineActivation({
  name: "sigmoid",
  title: "Sigmoid",
  formula: "1/(1 + e^{−x})",
  parameters: [],
  f: (x) => logistic(x),
  df: (x) => {
    const s = logistic(x);
    return s * (1 - s);
  },
  expression: () => Expr.input().sigmoid(),
  properties: { monotonic: "nondecreasing", range: () => [0, 1] },
  onnx: { opType: "Sigmoid", since: 6 },
});

/** tanh (ONNX Tanh). */
export const tanh = defineActivation({
  name: "tanh",
  title: "Tanh",
  formula: "(eˣ − e^{−x})/(eˣ + e^{−x})",
  parameters: [],
  f: (x) => Math.tanh(x),
  df: (x) => {
    const t = Math.tanh(x);
    return 1 - t * t;
  },
  expression: () => Expr.input().tanh(),
  properties: { monotonic: "nondecreasing", range: () => [-1, 1] },
  onnx: { opType: "Tanh", since: 6 },
});

/** Softsign x/(1 + |x|) (ONNX Softsign). */
export const softsign = defineActivation({
  name: "softsign",
  title: "Softsign",
  formula: "x/(1 + |x|)",
  parameters: [],
  f: (x) => (Number.isFinite(x) ? x / (1 + Math.abs(x)) : Math.sign(x)),
  df: (x) => 1 / (1 + Math.abs(x)) ** 2,
  expression: () => {
    const x = Expr.input();
    return x.div(x.abs().add(1));
  },
  properties: { monotonic: "increasing", range: () => [-1, 1] },
  onnx: { opType: "Softsign", since: 1 },
});

/** The exponential (the building block that softmax and LogSumExp need; its approximations live on (−∞, 0]). */
export const exp = defineActivation({
  name: "exp",
  title: "Exponential",
  formula: "eˣ",
  parameters: [],
  f: (x) => Math.exp(x),
  df: (x) => Math.exp(x),
  expression: () => Expr.input().exp(),
  // Above ~88.7, eˣ overflows float32.
  properties: {
    monotonic: "increasing",
    range: () => [0, Number.POSITIVE_INFINITY],
    domain: [-Infinity, 88],
  },
  onnx: { opType: "Exp", since: 6 },
});

/** The natural logarithm on (0, ∞) (what LogSumExp and softplus need; its approximation is log-roots). */
export const log = defineActivation({
  name: "log",
  title: "Natural logarithm",
  formula: "ln x",
  parameters: [],
  f: (x) => Math.log(x),
  df: (x) => 1 / x,
  expression: () => Expr.input().log(),
  properties: { monotonic: "increasing", domain: [2 ** -100, 2 ** 100] },
  onnx: { opType: "Log", since: 6 },
});
