/**
 * Special functions in float64 that JavaScript's Math lacks. Written here
 * (no dependency) because the kernels package has none; accuracy is checked
 * in special.test.ts against reference values (relative error of erf below
 * 2e-15 everywhere; of erfc below 3e-14 on [1, 2], where it is computed as
 * 1 − erf, and below 5e-15 beyond, down to its underflow at x ≈ 27).
 */

const twoOverSqrtPi = 1.1283791670955126; // 2/√π
const oneOverSqrtPi = 0.5641895835477563; // 1/√π

/** erf(x) for 0 ≤ x ≤ 2.5 by the all-positive series 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3···(2n+1)) (no cancellation). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return twoOverSqrtPi * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x ≥ 2.5 by its continued fraction
 * e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated with
 * Lentz's method.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (oneOverSqrtPi * Math.exp(-x * x)) / f;
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  const value = a < 2.5 ? erfSeries(a) : a > 6 ? 1 : 1 - erfcContinuedFraction(a);
  return x < 0 || Object.is(x, -0) ? -value : value;
}

/** The complementary error function 1 − erf(x), accurate in relative terms in the right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  // 1 − erf loses relative accuracy as erfc shrinks; the continued fraction converges well from 2 on.
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // erfc underflows float64 (and the fraction would see ∞·0)
  return erfcContinuedFraction(x);
}

/** The standard normal CDF Φ(x), accurate in relative terms in the left tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return 0.3989422804014327 * Math.exp(-0.5 * x * x);
}

/** The logistic sigmoid 1/(1+e^{−x}), without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** ln(1+eˣ) without overflow or cancellation: max(x,0) + log1p(e^{−|x|}). */
export function softplus(x: number): number {
  if (Number.isNaN(x)) return x;
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
