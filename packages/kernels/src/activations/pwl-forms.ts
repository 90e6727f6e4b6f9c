import {
  type ActivationDefinition,
  defineActivation,
  type ParameterSpec,
  type Parameters,
} from "../activation/activation.js";
import { evaluatePwl, fitPwl, type PiecewiseLinear, slopePwl } from "../approximations/pwl-fit.js";
import { Expr } from "../expression/expression.js";
import { celu, elu, selu } from "./elu-family.js";
import { erf } from "./erf.js";
import { gelu, geluTanh } from "./gelu.js";
import { exp, sigmoid, tanh } from "./logistic.js";
import { mish } from "./mish.js";
import { silu } from "./silu.js";
import { softplus } from "./softplus.js";

/**
 * Piecewise-linear stand-ins, one family per smooth activation: `<name>-pwl`
 * with the activation's own parameters, the max |error| `e` the fit meets,
 * and the interval [lo, hi] it meets it on (the defaults, −64 and 64, stand
 * for ℝ, and the pieces outside the knots are then the asymptotes). A
 * narrower [lo, hi] is the distribution-aware fit: the knots go where a
 * model's inputs lie. Fits are kept per parameter set (the last 256).
 */
const fitted = new Map<string, PiecewiseLinear>();
const keptFits = 256;
const fitMargin = 0.995;

/** The pieces of `<exact>-pwl` for these parameters. */
export function pwlPieces(
  exact: ActivationDefinition,
  p: Parameters,
  domain = exact.properties.domain,
): PiecewiseLinear {
  const key = `${exact.name}|${JSON.stringify(p)}`;
  let pwl = fitted.get(key);
  if (!pwl) {
    const own = Object.fromEntries(exact.parameters.map((spec) => [spec.name, p[spec.name]!]));
    pwl = fitPwl((x) => exact.f(x, own), {
      // Fitted 0.5% inside e: what float32 arithmetic adds stays within it.
      maxError: p.e! * fitMargin,
      // Their extremes, −64 and 64, stand for ℝ: a scaled activation may bend further out.
      range: [
        p.lo === -64 ? Number.NEGATIVE_INFINITY : p.lo!,
        p.hi === 64 ? Number.POSITIVE_INFINITY : p.hi!,
      ],
      ...(exact.properties.monotonic ? { nondecreasing: true } : {}),
      ...(domain ? { domain } : {}),
    });
    if (fitted.size >= keptFits) fitted.delete(fitted.keys().next().value!);
    fitted.set(key, pwl);
  }
  return pwl;
}

const fitParameters: readonly ParameterSpec[] = [
  {
    name: "e",
    default: 1e-3,
    min: 0,
    minExclusive: true,
    description: "max |error| the fit meets on [lo, hi]",
    typical: [1e-4, 1e-1],
  },
  // The range always holds [−1, 1], where every one of these functions bends.
  {
    name: "lo",
    default: -64,
    min: -64,
    max: -1,
    description: "where the fit starts to hold, in [−64, −1] (−64, the default: all of ℝ below)",
  },
  {
    name: "hi",
    default: 64,
    min: 1,
    max: 64,
    description: "where it stops holding, in [1, 64] (64, the default: all of ℝ above)",
  },
];

/**
 * The pieces over primitive ops an integer NPU runs (Clip, Sub, Relu, Mul,
 * Add, Min): with x̂ = clip(x, t₀, t_K),
 * y = v₀ + Σₖ cₖ·relu(x̂ − tₖ) + s_L·min(x − t₀, 0) + s_R·relu(x − t_K),
 * cₖ the change of slope at knot k, s_L and s_R the outer lines' slopes (left
 * out when 0, so that y(±∞) is the asymptote, never ∞ − ∞).
 */
export function pwlExpression(pwl: PiecewiseLinear): Expr {
  const x = Expr.input();
  const { knots, values, left, right } = pwl;
  const last = knots.length - 1;
  const first = knots[0]!;
  const clipped = x.clip(first, knots[last]!);
  let y: Expr = Expr.constant(values[0]!);
  let slope = 0;
  for (let i = 0; i < last; i++) {
    const next = (values[i + 1]! - values[i]!) / (knots[i + 1]! - knots[i]!);
    const change = next - slope;
    // x̂ ≥ t₀, so the first term needs no Relu.
    const ramp = i === 0 ? clipped.sub(first) : clipped.sub(knots[i]!).relu();
    if (change !== 0) y = y.add(ramp.mul(change));
    slope = next;
  }
  if (left.slope !== 0) y = y.add(x.sub(first).min(0).mul(left.slope));
  if (right.slope !== 0) y = y.add(x.sub(knots[last]!).relu().mul(right.slope));
  return y;
}

/** A family; `domain` narrows the exact activation's (exp: (−∞, 0], the inputs of softmax after the max shift). */
function pwlForm(
  exact: ActivationDefinition,
  domain = exact.properties.domain,
): ActivationDefinition {
  const pieces = (p: Parameters) => pwlPieces(exact, p, domain);
  const form = defineActivation({
    name: `${exact.name}-pwl`,
    title: `${exact.title}, piecewise linear`,
    formula: `continuous pieces within e of ${exact.name} on [lo, hi], its asymptotes outside the knots`,
    parameters: [...exact.parameters, ...fitParameters],
    f: (x, p) => evaluatePwl(pieces(p), x),
    df: (x, p) => slopePwl(pieces(p), x),
    expression: (p) => pwlExpression(pieces(p)),
    properties: {
      ...(exact.properties.monotonic ? { monotonic: "nondecreasing" as const } : {}),
      kinks: (p) => [...pieces(p).knots],
      ...(domain ? { domain } : {}),
    },
    derivativeFromExpression: true,
  });
  piecesByForm.set(form, pieces);
  return form;
}

const piecesByForm = new Map<ActivationDefinition, (p: Parameters) => PiecewiseLinear>();

/** The pieces of a piecewise-linear form with these parameters; undefined for any other activation. */
export function piecesOf(
  definition: ActivationDefinition,
  params: Parameters,
): PiecewiseLinear | undefined {
  return piecesByForm.get(definition)?.(params);
}

/** The smooth activations with a piecewise-linear family (exp on (−∞, 0] only). */
export const pwlExacts: readonly ActivationDefinition[] = [
  sigmoid,
  tanh,
  softplus,
  silu,
  gelu,
  geluTanh,
  mish,
  elu,
  selu,
  celu,
  erf,
  exp,
];

export const pwlForms: readonly ActivationDefinition[] = pwlExacts.map((exact) =>
  exact === exp ? pwlForm(exact, [Number.NEGATIVE_INFINITY, 0]) : pwlForm(exact),
);
