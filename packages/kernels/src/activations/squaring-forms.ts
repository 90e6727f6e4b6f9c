import type { ActivationDefinition, ParameterSpec, Parameters } from "../activation/activation.js";
import { defineExpressionActivation } from "../activation/expression-activation.js";
import { Expr } from "../expression/expression.js";
import { expBySquaring, expParameters, logByRoots, logParameters } from "./algebraic-exp-log.js";
import { celu, elu, selu } from "./elu-family.js";

// Tunable algebraic forms: every transcendental activation rebuilt from the
// squarings exp (and the square-root log), each written in e^{−|x|} or
// e^{min(x,0)} so that the exp argument is never positive. Their error falls
// as n (and k) grow; the catalog lists several settings with op counts. None
// compares or selects (no Less, Where): where a form needs the branch for the
// sign of x, it takes it from signOf(x) below with Max and Mul.

const exp = expBySquaring;

/**
 * A power of two that is a normal float32 (WGSL may flush subnormals), so that
 * x clipped to ±signEpsilon, divided by it, is exactly ±1 for |x| ≥ 2⁻¹⁰⁰ in
 * float32 as well; dividing by it, not multiplying by 2¹⁰⁰, keeps every
 * intermediate within [−1, 1].
 */
const signEpsilon = 2 ** -100;

/**
 * ±1 with the sign of x, from Clip and Div. Within 2⁻¹⁰⁰ of 0 it is x/2⁻¹⁰⁰
 * instead, where the branches it selects between agree to far better than
 * float precision; it is 0 at 0, ±1 at ±∞ and NaN at NaN.
 */
export function signOf(x: Expr): Expr {
  return x.clip(-signEpsilon, signEpsilon).div(signEpsilon);
}

/** e^{x} on (−∞, 0] by n squarings of a degree-d polynomial. */
export const expSquaring = defineExpressionActivation({
  name: "exp-squaring",
  title: "Exp by squarings",
  formula: "p_d(x/2ⁿ)^{2ⁿ}, p₁(t) = max(0, 1 + t)",
  parameters: [
    { ...expParameters[0]!, default: 8 },
    { ...expParameters[1]!, default: 1 },
  ],
  expression: (p) => exp(Expr.input(), p),
  properties: { monotonic: "nondecreasing", range: () => [0, 1], domain: [-Infinity, 0] },
});

/** ln y by k square roots and an atanh series. */
export const logRoots = defineExpressionActivation({
  name: "log-roots",
  title: "Log by square roots",
  formula: "2ᵏ⁺¹·atanh-series((r − 1)/(r + 1)), r = y^{1/2ᵏ}",
  parameters: logParameters,
  expression: (p) => logByRoots(Expr.input(), p),
  properties: { monotonic: "nondecreasing", domain: [2 ** -100, 2 ** 100] },
});

/** softplus = max(x, 0) + ln(1 + e^{−|x|}), both parts algebraic. */
export const softplusSquaring = defineExpressionActivation({
  name: "softplus-squaring",
  title: "Algebraic softplus",
  formula: "max(x, 0) + log≈(1 + exp≈(−|x|))",
  parameters: [...expParameters, ...logParameters],
  expression: (p) => {
    const x = Expr.input();
    return x.max(0).add(logByRoots(exp(x.abs(), p, -1).add(1), p));
  },
  properties: { range: () => [0, Number.POSITIVE_INFINITY] },
});

/**
 * σ(x) = e^{min(x, 0)}/(1 + u) with u = e^{−|x|}: the numerator is 1 for x > 0
 * and u for x < 0, which is max(u, sign x) since 0 ≤ u ≤ 1. Neither branch
 * cancels, and at x → −∞ it is 0/1, not 1 − 1.
 */
function sigmoidFromExp(x: Expr, p: Parameters): Expr {
  const u = exp(x.abs(), p, -1);
  return u.max(signOf(x)).div(u.add(1));
}

export const sigmoidSquaring = defineExpressionActivation({
  name: "sigmoid-squaring",
  title: "Algebraic sigmoid (squarings)",
  formula: "max(u, sign x)/(1 + u), u = exp≈(−|x|)",
  parameters: expParameters,
  expression: (p) => sigmoidFromExp(Expr.input(), p),
  properties: { range: () => [0, 1] },
});

export const tanhSquaring = defineExpressionActivation({
  name: "tanh-squaring",
  title: "Algebraic tanh (squarings)",
  formula: "sign x·(1 − v)/(1 + v), v = exp≈(−2|x|)",
  parameters: expParameters,
  expression: (p) => {
    const x = Expr.input();
    const v = exp(x.abs(), p, -2);
    return signOf(x).mul(Expr.constant(1).sub(v).div(v.add(1)));
  },
  properties: { range: () => [-1, 1] },
});

export const siluSquaring = defineExpressionActivation({
  name: "silu-squaring",
  title: "Algebraic SiLU (squarings)",
  formula: "x·σ≈(x)",
  parameters: expParameters,
  expression: (p) => {
    const x = Expr.input();
    return x.mul(sigmoidFromExp(x, p));
  },
  properties: {},
});

// Abramowitz & Stegun 7.1.26: erfc(z) ≈ (a₁t + … + a₅t⁵)e^{−z²}, t = 1/(1 + pz), z ≥ 0, |error| ≤ 1.5e−7.
const erfcP = 0.3275911;
const erfcA = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];

/**
 * GELU x·Φ(x) = relu(x) − |x|·q with q = Φ(−|x|) = erfc(|x|/√2)/2 (no
 * cancellation on either side), erfc by A&S 7.1.26 and e^{−x²/2} by squarings.
 */
export const geluSquaring = defineExpressionActivation({
  name: "gelu-squaring",
  title: "Algebraic GELU (squarings)",
  formula: "relu(x) − |x|·erfc≈(|x|/√2)/2",
  parameters: expParameters,
  expression: (p) => {
    const x = Expr.input();
    const a = x.abs();
    const t = a
      .mul(erfcP * Math.SQRT1_2)
      .add(1)
      .reciprocal();
    let poly = Expr.constant(erfcA[4]!);
    for (let i = 3; i >= 0; i--) poly = poly.mul(t).add(erfcA[i]!);
    const q = poly
      .mul(t)
      .mul(exp(x.square(), p, -0.5))
      .mul(0.5);
    return x.relu().sub(a.mul(q));
  },
  properties: {},
});

/**
 * Mish x·tanh(softplus x), with tanh(ln(1 + eˣ)) = ((1 + eˣ)² − 1)/((1 + eˣ)² + 1)
 * multiplied through by e^{−2 max(x, 0)}: with a = e^{min(x, 0)} and
 * b = e^{−max(x, 0)} (one is 1, the other u = e^{−|x|}, so a + b = 1 + u) it is
 * a(1 + u + b)/((1 + u)² + b²), free of cancellation on both sides:
 * (1 + 2u)/(1 + 2u + 2u²) for x ≥ 0, (u² + 2u)/(u² + 2u + 2) below.
 */
export const mishSquaring = defineExpressionActivation({
  name: "mish-squaring",
  title: "Algebraic Mish (squarings)",
  formula:
    "x·a(1 + u + b)/((1 + u)² + b²), a = max(u, sign x), b = max(u, −sign x), u = exp≈(−|x|)",
  parameters: expParameters,
  expression: (p) => {
    const x = Expr.input();
    const u = exp(x.abs(), p, -1);
    const sign = signOf(x);
    const a = u.max(sign);
    const b = u.max(sign.neg());
    const onePlusU = u.add(1);
    const tanhSoftplus = a.mul(onePlusU.add(b)).div(onePlusU.square().add(b.square()));
    return x.mul(tanhSoftplus);
  },
  properties: {},
});

/** relu(x) + scale·(exp≈(min(x, 0)/α) − 1), the shape shared by ELU, SELU and CELU. */
function eluLike(x: Expr, p: Parameters, reluScale: number, expScale: number, inside: number) {
  const linear = reluScale === 1 ? x.relu() : x.relu().mul(reluScale);
  return linear.add(exp(x.min(0), p, inside).sub(1).mul(expScale));
}

function withExp(parameters: readonly ParameterSpec[]): ParameterSpec[] {
  return [...parameters, ...expParameters];
}

export const eluSquaring = defineExpressionActivation({
  name: "elu-squaring",
  title: "Algebraic ELU (squarings)",
  formula: "relu(x) + α(exp≈(min(x, 0)) − 1)",
  parameters: withExp(elu.parameters),
  expression: (p) => eluLike(Expr.input(), p, 1, p.alpha!, 1),
  properties: { monotonic: "nondecreasing" },
});

export const seluSquaring = defineExpressionActivation({
  name: "selu-squaring",
  title: "Algebraic SELU (squarings)",
  formula: "λ·relu(x) + λα(exp≈(min(x, 0)) − 1)",
  parameters: withExp(selu.parameters),
  expression: (p) => eluLike(Expr.input(), p, p.gamma!, p.gamma! * p.alpha!, 1),
  properties: { monotonic: "nondecreasing" },
});

export const celuSquaring = defineExpressionActivation({
  name: "celu-squaring",
  title: "Algebraic CELU (squarings)",
  formula: "relu(x) + α(exp≈(min(x, 0)/α) − 1)",
  parameters: withExp(celu.parameters),
  expression: (p) => eluLike(Expr.input(), p, 1, p.alpha!, 1 / p.alpha!),
  properties: { monotonic: "nondecreasing" },
});

/** Softmax with the squarings exp (the shifted arguments are ≤ 0). */
export const softmaxSquaring = defineExpressionActivation({
  name: "softmax-squaring",
  title: "Algebraic softmax (squarings)",
  formula: "e≈ᵢ/Σⱼ e≈ⱼ, e≈ᵢ = exp≈(xᵢ − max x)",
  parameters: expParameters,
  expression: (p) => {
    const x = Expr.input();
    const e = exp(x.sub(Expr.apply("ReduceMax", x)), p);
    return e.div(Expr.apply("ReduceSum", e));
  },
  properties: { range: () => [0, 1] },
});

/** LogSumExp with the squarings exp and the square-root log (the sum is in [1, row length]). */
export const logSumExpSquaring = defineExpressionActivation({
  name: "logsumexp-squaring",
  title: "Algebraic LogSumExp (squarings)",
  formula: "m + log≈(Σᵢ exp≈(xᵢ − m)), m = max x",
  parameters: [...expParameters, ...logParameters],
  expression: (p) => {
    const x = Expr.input();
    const m = Expr.apply("ReduceMax", x);
    return m.add(logByRoots(Expr.apply("ReduceSum", exp(x.sub(m), p)), p));
  },
  properties: {},
});

/** The tunable forms, in the order the catalog lists them. */
export const squaringForms: readonly ActivationDefinition[] = [
  expSquaring,
  logRoots,
  softplusSquaring,
  sigmoidSquaring,
  tanhSquaring,
  siluSquaring,
  geluSquaring,
  mishSquaring,
  eluSquaring,
  seluSquaring,
  celuSquaring,
  softmaxSquaring,
  logSumExpSquaring,
];
