import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";
import { sigmoid, softplus as softplus1 } from "../math/special.js";

/**
 * Softplus with sharpness k: ln(1 + e^{kx})/k, computed as
 * max(x, 0) + ln(1 + e^{−k|x|})/k so that it neither overflows nor cancels.
 */
export const softplus = defineActivation({
  name: "softplus",
  title: "Softplus",
  formula: "ln(1 + e^{kx}) / k",
  parameters: [
    {
      name: "k",
      default: 1,
      min: 0,
      minExclusive: true,
      description: "sharpness k > 0 (k → ∞ gives ReLU)",
      typical: [0.1, 10],
    },
  ],
  f: (x, p) => softplus1(p.k! * x) / p.k!,
  df: (x, p) => sigmoid(p.k! * x),
  expression: (p) => {
    const x = Expr.input();
    const k = p.k!;
    const tail = x.abs().mul(-k).exp().add(1).log();
    return x.max(0).add(k === 1 ? tail : tail.div(k));
  },
  properties: { monotonic: "increasing", range: () => [0, Number.POSITIVE_INFINITY] },
  onnx: { opType: "Softplus", since: 1 },
});
