import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";
import { sigmoid, softplus } from "../math/special.js";

/** Mish x·tanh(softplus(x)) (ONNX Mish). */
export const mish = defineActivation({
  name: "mish",
  title: "Mish",
  formula: "x·tanh(ln(1 + eˣ))",
  parameters: [],
  f: (x) => x * Math.tanh(softplus(x)),
  df: (x) => {
    const t = Math.tanh(softplus(x));
    const dt = 1 - t * t;
    return t + (dt === 0 ? 0 : x * dt * sigmoid(x));
  },
  expression: () => {
    const x = Expr.input();
    const sp = x.max(0).add(x.abs().neg().exp().add(1).log());
    return x.mul(sp.tanh());
  },
  // Minimum −0.30884 at x ≈ −1.1924.
  properties: { range: () => [-0.30885, Number.POSITIVE_INFINITY] },
  onnx: { opType: "Mish", since: 18 },
});
