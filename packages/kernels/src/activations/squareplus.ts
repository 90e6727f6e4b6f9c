import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";

/** Inputs are clipped to ±2⁶⁰ before squaring so that x² stays finite in float32. */
export const squareLimit = 2 ** 60;

/**
 * Squareplus (x + √(x² + b))/2: a softplus look-alike from algebra alone
 * (b = 0 is ReLU; b = 4 gives the metallic-mean form). For x ≪ 0 the sum
 * cancels; b/(2(√(x²+b) − x)) is the same value without cancellation, used by f.
 */
export const squareplus = defineActivation({
  name: "squareplus",
  title: "Squareplus",
  formula: "(x + √(x² + b)) / 2",
  parameters: [
    {
      name: "b",
      default: 4,
      min: 0,
      description: "hinge smoothness b ≥ 0 (0 is ReLU)",
      typical: [0.01, 16],
    },
  ],
  f: (x, p) => {
    const b = p.b!;
    if (b === 0) return Number.isNaN(x) ? x : x > 0 ? x : 0;
    const root = Math.sqrt(x * x + b);
    if (x >= 0 || !Number.isFinite(root)) return Number.isNaN(x) ? x : (x + root) / 2 || 0;
    return b / (2 * (root - x));
  },
  df: (x, p) => {
    const b = p.b!;
    if (b === 0) return x > 0 ? 1 : x < 0 ? 0 : 0.5;
    if (!Number.isFinite(x)) return Number.isNaN(x) ? x : x > 0 ? 1 : 0;
    return 0.5 * (1 + x / Math.sqrt(x * x + b));
  },
  // (c + √(c² + b))/2 on c = x clipped to ±2⁶⁰, then max with x: the same value
  // wherever x² fits in float32, and relu(x) (to float32 precision) beyond,
  // where x² would overflow and the plain form gives ∞ or ∞ − ∞.
  expression: (p) => {
    const x = Expr.input();
    const c = x.clip(-squareLimit, squareLimit);
    return c.add(c.square().add(p.b!).sqrt()).mul(0.5).max(x);
  },
  properties: {
    monotonic: "nondecreasing",
    range: () => [0, Number.POSITIVE_INFINITY],
    kinks: (p) => (p.b === 0 ? [0] : []),
  },
});
