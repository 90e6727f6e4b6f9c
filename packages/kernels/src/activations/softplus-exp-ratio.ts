import { defineActivation } from "../activation/activation.js";
import { Expr, where } from "../expression/expression.js";

/**
 * x/(1 − e^{−x/s}): one Exp and one Div instead of softplus's Exp and Log.
 * With s = ln 2 it approximates softplus (its limit at 0 is ln 2 = softplus(0));
 * with s = 1 it approximates the base-2 softplus log₂(1 + 2ˣ) (limit 1 at 0).
 * It is s·B(x/s) with B(t) = t/(1 − e^{−t}), whose Taylor series
 * 1 + t/2 + t²/12 − t⁴/720 + t⁶/30240 is used for |t| < 1/4, where the
 * quotient is 0/0 at t = 0 and loses float32 digits nearby.
 */
export const softplusExpRatio = defineActivation({
  name: "softplus-exp-ratio",
  title: "Exp-ratio softplus",
  formula: "x/(1 − e^{−x/s})",
  parameters: [
    {
      name: "s",
      default: Math.LN2,
      min: 0,
      minExclusive: true,
      description: "scale s > 0 (ln 2 approximates softplus; 1 approximates log₂(1 + 2ˣ))",
      typical: [0.3, 2],
    },
  ],
  f: (x, p) => {
    const s = p.s!;
    const t = x / s;
    if (Number.isNaN(t)) return t;
    if (Math.abs(t) < 0.25) return s * series(t);
    return x / -Math.expm1(-t);
  },
  df: (x, p) => {
    const t = x / p.s!;
    if (Number.isNaN(t)) return t;
    if (Math.abs(t) < 1e-3) return 0.5 + t / 6 - (t * t * t) / 180;
    if (t < 0) {
      // e^{t}(e^{t} − 1 − t)/(e^{t} − 1)²: no overflow as t → −∞.
      const e = Math.exp(t);
      const m = Math.expm1(t);
      return (e * (m - t)) / (m * m);
    }
    const e = Math.exp(-t);
    const d = -Math.expm1(-t);
    return (d - t * e) / (d * d);
  },
  expression: (p) => {
    const s = p.s!;
    const x = Expr.input();
    const t = x.mul(1 / s);
    const t2 = t.square();
    const nearZero = t2
      .mul(1 / 30240)
      .add(-1 / 720)
      .mul(t2)
      .add(1 / 12)
      .mul(t2)
      .add(t.mul(0.5))
      .add(1)
      .mul(s);
    const quotient = x.div(t.neg().exp().neg().add(1));
    return where(t.abs().less(0.25), nearZero, quotient);
  },
  properties: { monotonic: "increasing", range: () => [0, Number.POSITIVE_INFINITY] },
});

function series(t: number): number {
  const t2 = t * t;
  return 1 + t / 2 + t2 * (1 / 12 + t2 * (-1 / 720 + t2 / 30240));
}
