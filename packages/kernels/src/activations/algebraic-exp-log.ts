import type { ParameterSpec, Parameters } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";

/**
 * Algebraic stand-ins for exp and log, the building blocks of every tunable
 * algebraic form. Only Add, Sub, Mul, Div, Max, Relu and Sqrt: no comparison
 * or Where, so they run on devices with arithmetic alone.
 *
 * exp(x) for x ≤ 0: e^{x} = (e^{x/2ⁿ})^{2ⁿ}; e^{t} at t = x/2ⁿ is replaced by
 * its Taylor polynomial p of the chosen degree, then squared n times. Degree 1
 * is max(0, 1 + t)^{2ⁿ}. Higher degrees write p(t) = 1 + t + t²·r(t) and
 * evaluate max(0, 1 + t + c²·r(c)) with c = max(t, −1): p(t) itself for
 * t ≥ −1 (where p is positive and increasing), and below that a line that
 * falls from p(−1) to 0 at t = −1 − p(−1) (−4/3 for degree 3). So the result
 * is exactly 0 far out, as the degree-1 form is, rather than the constant
 * p(−1)^{2ⁿ} of a plain clamp, which x·e^{x}-like forms (SiLU, Mish) would
 * multiply by a huge x. The error falls as n or the degree grows, until
 * float32 rounding (amplified 2ⁿ-fold by the squarings) takes over.
 *
 * log(y) for y > 0: k square roots bring r = y^{1/2ᵏ} near 1, then
 * log r = 2·atanh((r − 1)/(r + 1)) by `terms` terms of its odd series
 * (terms = 0 is the plain 2ᵏ(r − 1)); log y = 2ᵏ·log r.
 */

/** Parameters n and degree of the squarings exp, shared by every form built on it. */
export const expParameters: readonly ParameterSpec[] = [
  {
    name: "n",
    default: 6,
    min: 0,
    max: 24,
    integer: true,
    description: "number of squarings n (0–24; cost one Mul each)",
    typical: [2, 12],
  },
  {
    name: "degree",
    default: 3,
    min: 1,
    max: 4,
    integer: true,
    description: "degree of the polynomial for e^{x/2ⁿ} (1–4)",
    typical: [1, 4],
  },
];

/** Parameters k and terms of the algebraic log. */
export const logParameters: readonly ParameterSpec[] = [
  {
    name: "k",
    default: 2,
    min: 0,
    max: 16,
    integer: true,
    description: "number of square roots k (0–16)",
    typical: [0, 6],
  },
  {
    name: "terms",
    default: 3,
    min: 0,
    max: 6,
    integer: true,
    description: "terms of the atanh series (0 is 2ᵏ(y^{1/2ᵏ} − 1))",
    typical: [0, 4],
  },
];

/**
 * e^{scale·x} for scale·x ≤ 0 from n squarings of a degree-d polynomial (see
 * above). The scale folds into the 2⁻ⁿ multiply, so e^{−|x|} or e^{−x²/2}
 * cost no extra Neg or Mul.
 */
export function expBySquaring(x: Expr, p: Parameters, scale = 1): Expr {
  const n = p.n!;
  const degree = p.degree!;
  const factor = scale * 2 ** -n;
  const t = factor === 1 ? x : x.mul(factor);
  let value: Expr;
  if (degree === 1) value = t.add(1).relu();
  else {
    const clamped = t.max(-1);
    // r(c) = 1/2! + c/3! + … + c^{d−2}/d! by Horner.
    let tail = Expr.constant(1 / factorial(degree));
    for (let k = degree - 1; k >= 2; k--) tail = tail.mul(clamped).add(1 / factorial(k));
    // (t + c²·r) + 1: the small part first, so that only the final Add rounds at the scale of 1.
    value = clamped.square().mul(tail).add(t).add(1).relu();
  }
  for (let i = 0; i < n; i++) value = value.square();
  return value;
}

function factorial(k: number): number {
  return k <= 1 ? 1 : k * factorial(k - 1);
}

/** ln y for y > 0 from k square roots and the atanh series (see above). */
export function logByRoots(y: Expr, p: Parameters): Expr {
  const k = p.k!;
  const terms = p.terms!;
  let r = y;
  for (let i = 0; i < k; i++) r = r.sqrt();
  if (terms === 0) return r.sub(1).mul(2 ** k);
  const u = r.sub(1).div(r.add(1));
  if (terms === 1) return u.mul(2 ** (k + 1));
  const u2 = u.square();
  // u(1 + u²/3 + u⁴/5 + …) by Horner in u².
  let series = Expr.constant(1 / (2 * terms - 1));
  for (let j = terms - 2; j >= 0; j--) series = series.mul(u2).add(1 / (2 * j + 1));
  return u.mul(series).mul(2 ** (k + 1));
}
