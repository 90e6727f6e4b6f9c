import type { ActivationDefinition, Parameters } from "../activation/activation.js";
import { defineExpressionActivation } from "../activation/expression-activation.js";
import { Expr } from "../expression/expression.js";
import { expBySquaring, expParameters } from "./algebraic-exp-log.js";
import { signOf } from "./squaring-forms.js";

// Stand-ins for erf on devices without Erf. erf is odd: the Abramowitz &
// Stegun forms compute g(|x|) ≈ erf(|x|) and restore the sign with signOf(x)
// (Clip and Div, no comparison or Where); the others are odd by construction.
// Every form but erf-tanh is algebraic. erf is bounded, so an absolute error
// budget holds over all of ℝ; the catalog measures each form.

/** erf(x) is 1 in float64 from |x| ≈ 5.9 on; the forms clamp |x| to this, so every intermediate stays finite in float32. */
const saturation = 6;

/** min(|x|, 6): erf's argument where it still differs from ±1. */
function clampedMagnitude(x: Expr): Expr {
  return x.abs().min(saturation);
}

/** 1 + c₁a + c₂a² + … by Horner. */
function onePlusPolynomial(a: Expr, coefficients: readonly number[]): Expr {
  let value = Expr.constant(coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 0; i--) value = value.mul(a).add(coefficients[i]!);
  return value.mul(a).add(1);
}

// Abramowitz & Stegun 7.1.26: erfc(a) ≈ (a₁t + … + a₅t⁵)e^{−a²}, t = 1/(1 + pa),
// |error| ≤ 1.5e−7. a₅ is raised from 1.061405429 by 1e−9 so that a₁ + … + a₅ = 1
// (exactly, in float64 Horner at t = 1): erfc(0) = 1 and the form is 0 at 0
// instead of jumping by ±1e−9 there (the max error stays 1.39e−7).
const squaringP = 0.3275911;
const squaringA = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.06140543];

/** sign x·(1 − P(t)·e^{−a²}) with e^{−a²} by squarings (see algebraic-exp-log.ts), a = min(|x|, 6). */
export const erfSquaring = defineExpressionActivation({
  name: "erf-squaring",
  title: "Algebraic erf (squarings)",
  formula: "sign x·(1 − (a₁t + … + a₅t⁵)·exp≈(−x²)), t = 1/(1 + p|x|)",
  parameters: expParameters,
  expression: (p) => {
    const x = Expr.input();
    const a = clampedMagnitude(x);
    const t = a.mul(squaringP).add(1).reciprocal();
    let polynomial = Expr.constant(squaringA[4]!);
    for (let i = 3; i >= 0; i--) polynomial = polynomial.mul(t).add(squaringA[i]!);
    const complement = polynomial.mul(t).mul(expBySquaring(a.square(), p, -1));
    return signOf(x).mul(Expr.constant(1).sub(complement));
  },
  properties: { range: () => [-1, 1], kinks: () => [-saturation, saturation] },
});

/**
 * sign x·(1 − (1 + c₁a + … + c_d a^d)^{−2ᵐ}): the reciprocal first (at most 1),
 * then m squarings, so nothing overflows; 0 at x = 0 exactly.
 */
function reciprocalPowerForm(x: Expr, coefficients: readonly number[], squarings: number): Expr {
  let power = onePlusPolynomial(clampedMagnitude(x), coefficients).reciprocal();
  for (let i = 0; i < squarings; i++) power = power.square();
  return signOf(x).mul(Expr.constant(1).sub(power));
}

// Abramowitz & Stegun 7.1.27 (|error| ≤ 5e−4) and 7.1.28 (|error| ≤ 3e−7), for x ≥ 0.
const quarticC = [0.278393, 0.230389, 0.000972, 0.078108];
const sexticC = [
  0.0705230784, 0.0422820123, 0.0092705272, 0.0001520143, 0.0002765672, 0.0000430638,
];

export const erfQuartic = defineExpressionActivation({
  name: "erf-quartic",
  title: "Algebraic erf (A&S 7.1.27)",
  formula: "sign x·(1 − (1 + c₁|x| + … + c₄x⁴)^{−4})",
  parameters: [],
  expression: () => reciprocalPowerForm(Expr.input(), quarticC, 2),
  properties: { range: () => [-1, 1], kinks: () => [-saturation, saturation] },
});

export const erfSextic = defineExpressionActivation({
  name: "erf-sextic",
  title: "Algebraic erf (A&S 7.1.28)",
  formula: "sign x·(1 − (1 + c₁|x| + … + c₆x⁶)^{−16})",
  parameters: [],
  expression: () => reciprocalPowerForm(Expr.input(), sexticC, 4),
  properties: { range: () => [-1, 1], kinks: () => [-saturation, saturation] },
});

/** Beyond ±2¹², u = x(a + bx²) is past 10¹⁰ and u/√(1 + u²) is 1 in float32; the clip keeps u² finite for a, b ≤ 10⁶. */
const algebraicBound = 2 ** 12;

/** u/√(1 + u²) with u = x(a + bx²): odd without a sign, 9 ops; a and b fitted minimax against erf. */
export const algebraicErf = defineExpressionActivation({
  name: "algebraic-erf",
  title: "Algebraic erf (cubic inside)",
  formula: "u/√(1 + u²), u = x·(a + b·x²)",
  parameters: [
    {
      name: "a",
      default: 1.07978,
      min: 0,
      minExclusive: true,
      max: 1e6,
      description: "slope a at 0, 0 < a ≤ 10⁶ (erf′(0) = 2/√π ≈ 1.128)",
      typical: [0.5, 2],
    },
    {
      name: "b",
      default: 0.52867,
      min: 0,
      max: 1e6,
      description: "cubic coefficient b, 0 ≤ b ≤ 10⁶ (b = 0 is the algebraic tanh)",
      typical: [0, 2],
    },
  ],
  expression: (p: Parameters) => {
    const x = Expr.input().clip(-algebraicBound, algebraicBound);
    const u = x.mul(x.square().mul(p.b!).add(p.a!));
    return u.div(u.square().add(1).sqrt());
  },
  properties: {
    monotonic: "nondecreasing",
    range: () => [-1, 1],
    kinks: () => [-algebraicBound, algebraicBound],
  },
});

/** clip(k·x, −1, 1): erf for piecewise-linear devices, k fitted minimax. */
export const hardErf = defineExpressionActivation({
  name: "hard-erf",
  title: "Hard erf",
  formula: "min(max(k·x, −1), 1)",
  parameters: [
    {
      name: "k",
      default: 0.84979,
      min: 0,
      minExclusive: true,
      description: "slope k > 0 (minimax against erf near 0.85)",
      typical: [0.1, 4],
    },
  ],
  expression: (p) => Expr.input().mul(p.k!).clip(-1, 1),
  properties: {
    monotonic: "nondecreasing",
    range: () => [-1, 1],
    kinks: (p) => [-1 / p.k!, 1 / p.k!],
  },
});

/** x clipped to ±2²⁰ so that x³ stays finite in float32 (tanh is ±1 long before). */
const tanhBound = 2 ** 20;

/**
 * tanh(k·x + c·x³), for devices with Tanh but no Erf (WebNN-like): with c = 0
 * it is the 2-op tanh(k·x); both fitted minimax against erf.
 */
export const erfTanh = defineExpressionActivation({
  name: "erf-tanh",
  title: "erf as tanh",
  formula: "tanh(k·x + c·x³)",
  parameters: [
    {
      name: "k",
      default: 1.129676,
      min: 0,
      minExclusive: true,
      description: "slope k > 0 (erf′(0) = 2/√π ≈ 1.128)",
      typical: [0.5, 2],
    },
    {
      name: "c",
      default: 0.0997927,
      min: 0,
      max: 1e6,
      description: "cubic coefficient c, 0 ≤ c ≤ 10⁶ (c = 0 is tanh(k·x))",
      typical: [0, 0.5],
    },
  ],
  expression: (p) => {
    const x = Expr.input();
    if (p.c === 0) return x.mul(p.k!).tanh();
    const clipped = x.clip(-tanhBound, tanhBound);
    return clipped.mul(clipped.square().mul(p.c!).add(p.k!)).tanh();
  },
  properties: { monotonic: "nondecreasing", range: () => [-1, 1] },
});

/** The erf stand-ins, in the order the catalog lists them. */
export const erfForms: readonly ActivationDefinition[] = [
  erfSquaring,
  erfSextic,
  erfQuartic,
  algebraicErf,
  hardErf,
  erfTanh,
];
