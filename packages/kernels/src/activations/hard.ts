import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";

/** Heaviside step: 1 for x > 0, 0 for x < 0, and a chosen value at 0. */
export const heaviside = defineActivation({
  name: "heaviside",
  title: "Heaviside step",
  formula: "x > 0 ? 1 : x < 0 ? 0 : h₀",
  parameters: [
    {
      name: "atZero",
      default: 0.5,
      min: 0,
      max: 1,
      description: "the value h₀ at x = 0, in [0, 1]",
    },
  ],
  f: (x, p) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? 0 : p.atZero!),
  df: (x) => (Number.isNaN(x) ? x : 0),
  // Sign keeps NaN (comparisons would turn it into 0 or 1).
  expression: (p) => {
    const sign = Expr.apply("Sign", Expr.input());
    return sign.relu().add(sign.abs().neg().add(1).mul(p.atZero!));
  },
  properties: { monotonic: "nondecreasing", range: () => [0, 1], kinks: () => [0] },
});

/** HardSigmoid max(0, min(1, αx + β)) (ONNX HardSigmoid; PyTorch's is α = 1/6). */
export const hardSigmoid = defineActivation({
  name: "hard-sigmoid",
  title: "HardSigmoid",
  formula: "max(0, min(1, αx + β))",
  parameters: [
    {
      name: "alpha",
      default: 0.2,
      min: 0,
      minExclusive: true,
      description: "slope α > 0",
      typical: [0.05, 1],
    },
    { name: "beta", default: 0.5, description: "offset β", typical: [0, 1] },
  ],
  f: (x, p) => (Number.isNaN(x) ? x : Math.min(1, Math.max(0, p.alpha! * x + p.beta!))),
  df: (x, p) => {
    const y = p.alpha! * x + p.beta!;
    return Number.isNaN(x) ? x : y > 0 && y < 1 ? p.alpha! : 0;
  },
  expression: (p) => Expr.input().mul(p.alpha!).add(p.beta!).clip(0, 1),
  properties: {
    monotonic: "nondecreasing",
    range: () => [0, 1],
    kinks: (p) => [-p.beta! / p.alpha!, (1 - p.beta!) / p.alpha!],
  },
  onnx: {
    opType: "HardSigmoid",
    since: 6,
    attributes: (p) => ({ alpha: p.alpha!, beta: p.beta! }),
  },
});

/** HardSwish x·relu6(x + 3)/6 (ONNX HardSwish). */
export const hardSwish = defineActivation({
  name: "hard-swish",
  title: "HardSwish",
  formula: "x·min(max(0, x + 3), 6)/6",
  parameters: [],
  f: (x) => (Number.isNaN(x) ? x : x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
  df: (x) => (Number.isNaN(x) ? x : x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6),
  expression: () => {
    const x = Expr.input();
    return x.mul(
      x
        .mul(1 / 6)
        .add(0.5)
        .clip(0, 1),
    );
  },
  // Minimum −3/8 at x = −3/2.
  properties: { range: () => [-0.375, Number.POSITIVE_INFINITY], kinks: () => [-3, 3] },
  onnx: { opType: "HardSwish", since: 14 },
});

/** Hard-Mish x·min(max(0, x + 2), 2)/2: piecewise quadratic, 0 below −2, x above 0. */
export const hardMish = defineActivation({
  name: "hard-mish",
  title: "Hard-Mish",
  formula: "x·min(max(0, x + 2), 2)/2",
  parameters: [],
  f: (x) => (Number.isNaN(x) ? x : x <= -2 ? 0 : x >= 0 ? x : (x * (x + 2)) / 2),
  df: (x) => (Number.isNaN(x) ? x : x <= -2 ? 0 : x >= 0 ? 1 : x + 1),
  expression: () => {
    const x = Expr.input();
    return x.mul(0.5).mul(x.add(2).clip(0, 2));
  },
  // Minimum −1/2 at x = −1.
  properties: { range: () => [-0.5, Number.POSITIVE_INFINITY], kinks: () => [-2] },
});
