import type { ActivationDefinition, Parameters } from "../activation/activation.js";
import { defineExpressionActivation } from "../activation/expression-activation.js";
import { Expr } from "../expression/expression.js";
import { erfForms } from "./erf-forms.js";
import { squareLimit } from "./squareplus.js";
import { squaringForms } from "./squaring-forms.js";

// Approximating forms that are activations in their own right. Each is
// defined by its expression alone (f is the expression in float64, f′ its
// derivative); the catalog pairs them with the activations they stand in for.

/** max(x, a·x): PReLU / Leaky ReLU for any slope a ≤ 1, with one Mul and one Max. */
export const maxLeaky = defineExpressionActivation({
  name: "max-leaky",
  title: "Max-form leaky ReLU",
  formula: "max(x, a·x)",
  parameters: [
    {
      name: "a",
      default: 0.01,
      max: 1,
      description: "slope a ≤ 1 for x < 0 (above 1 the max picks a·x for x > 0)",
      typical: [-1, 1],
    },
  ],
  expression: (p) => {
    const x = Expr.input();
    return x.max(x.mul(p.a!));
  },
  properties: { kinks: () => [0] },
});

/** (x + |x|)/2, computed as x/2 + |x/2| so that it cannot overflow: ReLU from Mul, Abs and Add (NaN at x = −∞, where ∞ − ∞ appears). */
export const reluAbs = defineExpressionActivation({
  name: "relu-abs",
  title: "ReLU as (x + |x|)/2",
  formula: "(x + |x|)/2",
  parameters: [],
  expression: () => {
    const half = Expr.input().mul(0.5);
    return half.add(half.abs());
  },
  properties: {
    monotonic: "nondecreasing",
    range: () => [0, Number.POSITIVE_INFINITY],
    kinks: () => [0],
  },
});

/** max(x, 0): ReLU from Max. */
export const reluMax = defineExpressionActivation({
  name: "relu-max",
  title: "ReLU as max(x, 0)",
  formula: "max(x, 0)",
  parameters: [],
  expression: () => Expr.input().max(0),
  properties: {
    monotonic: "nondecreasing",
    range: () => [0, Number.POSITIVE_INFINITY],
    kinks: () => [0],
  },
});

/** clip(x, −1, 1): the piecewise-linear tanh. */
export const hardTanh = defineExpressionActivation({
  name: "hard-tanh",
  title: "HardTanh",
  formula: "min(max(x, −1), 1)",
  parameters: [],
  expression: () => Expr.input().clip(-1, 1),
  properties: { monotonic: "nondecreasing", range: () => [-1, 1], kinks: () => [-1, 1] },
});

const bParameter = {
  name: "b",
  default: 4,
  min: 0,
  minExclusive: true,
  description: "smoothness b > 0 (b = 4 matches the slope of σ at 0)",
  typical: [0.05, 20],
} as const;

/** x/√(x² + b) on x clipped to ±2⁶⁰ (so x² stays finite in float32; beyond that the value is ±1 anyway). */
function algebraicSign(x: Expr, p: Parameters): Expr {
  const c = x.clip(-squareLimit, squareLimit);
  return c.div(c.square().add(p.b!).sqrt());
}

/** ½(1 + x/√(x² + b)): the derivative of squareplus_b, a sigmoid from algebra. */
export const algebraicSigmoid = defineExpressionActivation({
  name: "algebraic-sigmoid",
  title: "Algebraic sigmoid",
  formula: "(1 + x/√(x² + b))/2",
  parameters: [bParameter],
  expression: (p) => algebraicSign(Expr.input(), p).add(1).mul(0.5),
  properties: { monotonic: "nondecreasing", range: () => [0, 1] },
});

/** x/√(x² + b): an algebraic tanh. */
export const algebraicTanh = defineExpressionActivation({
  name: "algebraic-tanh",
  title: "Algebraic tanh",
  formula: "x/√(x² + b)",
  parameters: [
    { ...bParameter, default: 1, description: "smoothness b > 0 (b = 1 matches tanh′(0))" },
  ],
  expression: (p) => algebraicSign(Expr.input(), p),
  properties: { monotonic: "nondecreasing", range: () => [-1, 1] },
});

/** x·(1 + x/√(x² + b))/2: SiLU (b ≈ 4) or GELU (b ≈ 1.4) with the algebraic sigmoid as gate. */
export const algebraicSilu = defineExpressionActivation({
  name: "algebraic-silu",
  title: "Algebraic SiLU",
  formula: "x·(1 + x/√(x² + b))/2",
  parameters: [bParameter],
  expression: (p) => {
    const x = Expr.input();
    return x.mul(algebraicSign(x, p).add(1).mul(0.5));
  },
  properties: { range: () => [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] },
});

/** x·clip(αx + ½, 0, 1): a hard gate for GELU (HardSwish is α = 1/6 for SiLU). */
export const hardGelu = defineExpressionActivation({
  name: "hard-gelu",
  title: "Hard GELU",
  formula: "x·min(max(0, αx + ½), 1)",
  parameters: [
    {
      name: "alpha",
      default: 0.25,
      min: 0,
      minExclusive: true,
      description: "gate slope α > 0",
      typical: [0.05, 1],
    },
  ],
  expression: (p) => {
    const x = Expr.input();
    return x.mul(x.mul(p.alpha!).add(0.5).clip(0, 1));
  },
  properties: { kinks: (p) => [-0.5 / p.alpha!, 0.5 / p.alpha!] },
});

/**
 * x·s/√(s² + c) with s = squareplus_b(x): Mish with both softplus and tanh
 * made algebraic. s is computed as relu(x) + b/(2(√(x² + b) + |x|)), free of
 * cancellation, on x clipped to ±2⁶⁰. The factor x in front is clipped only
 * from below: above +2⁶⁰ the fraction is 1 to float precision and the value
 * is x, and below −2⁶⁰ the clipped product already equals the limit −b/(4√c)
 * (so no comparison or Where is needed for either end).
 */
export const mishSquareplus = defineExpressionActivation({
  name: "mish-squareplus",
  title: "Algebraic Mish (squareplus inside)",
  formula: "x·s/√(s² + c), s = (x + √(x² + b))/2",
  parameters: [
    { ...bParameter, default: 4, description: "squareplus smoothness b > 0" },
    {
      name: "c",
      default: 1,
      min: 0,
      minExclusive: true,
      description: "algebraic-tanh smoothness c > 0",
      typical: [0.05, 20],
    },
  ],
  expression: (p) => {
    const x = Expr.input();
    const clippedBelow = x.max(-squareLimit);
    const clipped = clippedBelow.min(squareLimit);
    const gap = clipped.square().add(p.b!).sqrt().add(clipped.abs()).mul(2).reciprocal().mul(p.b!);
    const s = clipped.relu().add(gap);
    return clippedBelow.mul(s.div(s.square().add(p.c!).sqrt()));
  },
  properties: {},
});

/** Every approximating form, registered with the exact activations in index.ts. */
export const algebraicForms: readonly ActivationDefinition[] = [
  maxLeaky,
  reluAbs,
  reluMax,
  hardTanh,
  algebraicSigmoid,
  algebraicTanh,
  algebraicSilu,
  hardGelu,
  mishSquareplus,
  ...squaringForms,
  ...erfForms,
];
