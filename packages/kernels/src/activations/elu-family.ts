import { defineActivation } from "../activation/activation.js";
import { defineExpressionActivation } from "../activation/expression-activation.js";
import { Expr } from "../expression/expression.js";

// Each is relu(x) + c·(e^{min(x,0)} − 1): no Where, and the exponential never overflows.

/** ELU: x for x > 0, α(eˣ − 1) below (ONNX Elu). */
export const elu = defineActivation({
  name: "elu",
  title: "ELU",
  formula: "x > 0 ? x : α(eˣ − 1)",
  parameters: [
    { name: "alpha", default: 1, min: 0, description: "saturation −α (α ≥ 0)", typical: [0, 4] },
  ],
  f: (x, p) => (x > 0 ? x : p.alpha! * Math.expm1(x)),
  df: (x, p) => (Number.isNaN(x) ? x : x > 0 ? 1 : p.alpha! * Math.exp(x)),
  expression: (p) => {
    const x = Expr.input();
    return x.relu().add(x.min(0).exp().sub(1).mul(p.alpha!));
  },
  properties: {
    monotonic: "nondecreasing",
    range: (p) => [-p.alpha!, Number.POSITIVE_INFINITY],
    kinks: (p) => (p.alpha === 1 ? [] : [0]),
  },
  onnx: { opType: "Elu", since: 6, attributes: (p) => ({ alpha: p.alpha! }) },
});

/** SELU: λx for x > 0, λα(eˣ − 1) below, with the self-normalising constants as defaults (ONNX Selu). */
export const selu = defineActivation({
  name: "selu",
  title: "SELU",
  formula: "λ·(x > 0 ? x : α(eˣ − 1))",
  parameters: [
    {
      name: "alpha",
      default: 1.6732632423543772,
      min: 0,
      description: "α ≥ 0 (default from the SELU paper)",
      typical: [0, 4],
    },
    {
      name: "gamma",
      default: 1.0507009873554805,
      min: 0,
      minExclusive: true,
      description: "scale λ > 0 (default from the SELU paper)",
      typical: [0.5, 2],
    },
  ],
  f: (x, p) => p.gamma! * (x > 0 ? x : p.alpha! * Math.expm1(x)),
  df: (x, p) => (Number.isNaN(x) ? x : x > 0 ? p.gamma! : p.gamma! * p.alpha! * Math.exp(x)),
  expression: (p) => {
    const x = Expr.input();
    return x
      .relu()
      .mul(p.gamma!)
      .add(
        x
          .min(0)
          .exp()
          .sub(1)
          .mul(p.gamma! * p.alpha!),
      );
  },
  properties: {
    monotonic: "nondecreasing",
    range: (p) => [-p.gamma! * p.alpha!, Number.POSITIVE_INFINITY],
    kinks: (p) => (p.alpha === 1 ? [] : [0]),
  },
  onnx: {
    opType: "Selu",
    since: 6,
    attributes: (p) => ({ alpha: p.alpha!, gamma: p.gamma! }),
  },
});

/** CELU: max(0, x) + min(0, α(e^{x/α} − 1)), continuously differentiable for every α (ONNX Celu). */
export const celu = defineActivation({
  name: "celu",
  title: "CELU",
  formula: "max(0, x) + min(0, α(e^{x/α} − 1))",
  parameters: [
    {
      name: "alpha",
      default: 1,
      min: 0,
      minExclusive: true,
      description: "α > 0",
      typical: [0.1, 4],
    },
  ],
  f: (x, p) => (x > 0 ? x : p.alpha! * Math.expm1(x / p.alpha!)),
  df: (x, p) => (Number.isNaN(x) ? x : x > 0 ? 1 : Math.exp(x / p.alpha!)),
  expression: (p) => {
    const x = Expr.input();
    const a = p.alpha!;
    const inner = a === 1 ? x.min(0) : x.min(0).mul(1 / a);
    return x.relu().add(inner.exp().sub(1).mul(a));
  },
  properties: {
    monotonic: "nondecreasing",
    range: (p) => [-p.alpha!, Number.POSITIVE_INFINITY],
  },
  onnx: { opType: "Celu", since: 12, attributes: (p) => ({ alpha: p.alpha! }) },
});

/**
 * ELU for α ≤ 1 as max(x, α(e^{min(x,0)} − 1)): the same function in four or
 * five nodes instead of six (for x < 0, α(eˣ − 1) ≥ x when α ≤ 1; for x ≥ 0
 * the second operand is 0 ≤ x).
 */
export const eluMax = defineExpressionActivation({
  name: "elu-max",
  title: "ELU as a max (α ≤ 1)",
  formula: "max(x, α(e^{min(x,0)} − 1))",
  parameters: [
    {
      name: "alpha",
      default: 1,
      min: 0,
      max: 1,
      description: "saturation −α, 0 ≤ α ≤ 1 (above 1 the max no longer picks the exponential)",
      typical: [0, 1],
    },
  ],
  expression: (p) => {
    const x = Expr.input();
    const below = x.min(0).exp().sub(1);
    // α = 1 (the default) needs no Mul: four nodes.
    return x.max(p.alpha === 1 ? below : below.mul(p.alpha!));
  },
  properties: { kinks: (p) => (p.alpha === 1 ? [] : [0]) },
});
