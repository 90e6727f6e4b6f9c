import type { ParameterSpec, Parameters } from "../activation/activation.js";
import { Expr, where } from "../expression/expression.js";

/**
 * Algebraic stand-ins for exp and log, the building blocks of every tunable
 * algebraic form. Only Add, Mul, Max, Sqrt and Div/Reciprocal.
 *
 * exp(x) for x ≤ 0: e^{x} = (e^{x/2ⁿ})^{2ⁿ}; e^{t} at t = x/2ⁿ is replaced by
 * its Taylor polynomial of the chosen degree, then squared n times. Degree 1
 * is max(0, 1 + x/2ⁿ)^{2ⁿ}. Higher degrees clamp t at −1 (where the
 * polynomial is still positive and decreasing); below x = −2ⁿ the result is
 * then 0 (the degree-1 form reaches 0 there by itself). The error falls as n or the degree
 * grows, until float32 rounding (amplified 2ⁿ-fold by the squarings) takes over.
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

/** e^{x} for x ≤ 0 from n squarings of a degree-d polynomial (see above). */
export function expBySquaring(x: Expr, p: Parameters): Expr {
  const n = p.n!;
  const degree = p.degree!;
  const t = n === 0 ? x : x.mul(2 ** -n);
  let value: Expr;
  if (degree === 1) value = t.add(1).relu();
  else {
    const clamped = t.max(-1);
    // Horner: 1 + t(1 + t/2(1 + t/3(…)))
    let poly = clamped.mul(1 / degree).add(1);
    for (let j = degree - 1; j >= 1; j--)
      poly = poly
        .mul(clamped)
        .mul(1 / j)
        .add(1);
    value = poly;
  }
  for (let i = 0; i < n; i++) value = value.square();
  // Below t = −1 the clamped polynomial would leave p(−1)^{2ⁿ} > 0, and x times that grows
  // without bound in SiLU- or Mish-like forms: the result is 0 there, as e^x nearly is.
  return degree === 1 ? value : where(t.less(-1), 0, value);
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
