import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";

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
    const root = Math.sqrt(x * x + b);
    if (x >= 0 || b === 0 || !Number.isFinite(root))
      return Number.isNaN(x) ? x : (x + root) / 2 || 0;
    return b / (2 * (root - x));
  },
  df: (x, p) => {
    const b = p.b!;
    if (b === 0) return x > 0 ? 1 : x < 0 ? 0 : 0.5;
    if (!Number.isFinite(x)) return Number.isNaN(x) ? x : x > 0 ? 1 : 0;
    return 0.5 * (1 + x / Math.sqrt(x * x + b));
  },
  expression: (p) => {
    const x = Expr.input();
    return x.add(x.square().add(p.b!).sqrt()).mul(0.5);
  },
  properties: {
    monotonic: "nondecreasing",
    range: () => [0, Number.POSITIVE_INFINITY],
    kinks: (p) => (p.b === 0 ? [0] : []),
  },
});
