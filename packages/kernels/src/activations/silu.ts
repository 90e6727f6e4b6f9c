import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";
import { sigmoid } from "../math/special.js";

/** Lowest value of x·σ(x) (at x ≈ −1.2785), rounded down; x·σ(βx) reaches it divided by β. */
const siluFloor = -0.27847;

/** SiLU / Swish x·σ(βx) (β = 1 is SiLU). */
export const silu = defineActivation({
  name: "silu",
  title: "SiLU / Swish",
  formula: "x·σ(βx)",
  parameters: [
    {
      name: "beta",
      default: 1,
      min: 0,
      minExclusive: true,
      description: "gate sharpness β > 0 (β = 1 is SiLU; β → ∞ gives ReLU)",
      typical: [0.1, 10],
    },
  ],
  f: (x, p) => x * sigmoid(p.beta! * x),
  df: (x, p) => {
    const s = sigmoid(p.beta! * x);
    return s + p.beta! * x * s * (1 - s);
  },
  expression: (p) => {
    const x = Expr.input();
    return x.mul((p.beta === 1 ? x : x.mul(p.beta!)).sigmoid());
  },
  properties: { range: (p) => [siluFloor / p.beta!, Number.POSITIVE_INFINITY] },
});
