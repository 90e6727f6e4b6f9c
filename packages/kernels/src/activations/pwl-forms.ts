import {
  type ActivationDefinition,
  defineActivation,
  type ParameterSpec,
  type Parameters,
} from "../activation/activation.js";
import { defineExpressionActivation } from "../activation/expression-activation.js";
import {
  evaluatePwl,
  fitLut,
  fitPwl,
  type Line,
  type PiecewiseLinear,
  type PwlFitOptions,
  slopePwl,
} from "../approximations/pwl-fit.js";
import { Expr } from "../expression/expression.js";
import { celu, elu, selu } from "./elu-family.js";
import { erf } from "./erf.js";
import { gelu, geluTanh } from "./gelu.js";
import { exp, sigmoid, softsign, tanh } from "./logistic.js";
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

/**
 * How a family's pieces are placed: `pwl`, the fewest continuous pieces
 * (knots anywhere); `lut`, a table on a uniform grid (a lookup-table device
 * indexes it with one multiply and a Floor).
 */
export type PiecewiseKind = "pwl" | "lut";

/** The pieces of `<exact>-pwl` (or `-lut`) for these parameters. */
export function pwlPieces(
  exact: ActivationDefinition,
  p: Parameters,
  domain = exact.properties.domain,
  kind: PiecewiseKind = "pwl",
): PiecewiseLinear {
  const key = `${kind}|${exact.name}|${JSON.stringify(p)}`;
  let pwl = fitted.get(key);
  if (!pwl) {
    const own = Object.fromEntries(exact.parameters.map((spec) => [spec.name, p[spec.name]!]));
    pwl = (kind === "lut" ? fitLut : fitPwl)((x) => exact.f(x, own), {
      ...(fitHints.get(exact) ?? {}),
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
 * The pieces over ops an integer NPU runs: with x̂ = clip(x, t₀, t_K),
 * y = v₀ + ReluSum(x̂; tₖ, cₖ) + s_L·min(x − t₀, 0) + s_R·relu(x − t_K),
 * cₖ the change of slope at knot k (ReluSum is Σₖ cₖ·relu(x̂ − tₖ), which a
 * lowering writes in four nodes for any K), s_L and s_R the outer lines'
 * slopes (left out when 0, so that y(±∞) is the asymptote, never ∞ − ∞).
 */
export function pwlExpression(pwl: PiecewiseLinear, x: Expr = Expr.input()): Expr {
  const { knots, values, left, right } = pwl;
  const last = knots.length - 1;
  const first = knots[0]!;
  const rampKnots: number[] = [];
  const changes: number[] = [];
  let slope = 0;
  for (let i = 0; i < last; i++) {
    const next = (values[i + 1]! - values[i]!) / (knots[i + 1]! - knots[i]!);
    if (next !== slope) {
      rampKnots.push(knots[i]!);
      changes.push(next - slope);
    }
    slope = next;
  }
  let y: Expr = Expr.constant(values[0]!);
  if (rampKnots.length > 0) y = x.clip(first, knots[last]!).reluSum(rampKnots, changes).add(y);
  if (left.slope !== 0) y = y.add(x.sub(first).min(0).mul(left.slope));
  if (right.slope !== 0) y = y.add(x.sub(knots[last]!).relu().mul(right.slope));
  return y;
}

/**
 * Convex pieces (slopes never falling, outer lines included) as the Max of
 * their lines, concave ones as the Min: y = max/min over k of aₖ + bₖ·x, one
 * Mul, one Add and one Max or Min per line, no Clip or ramps. Each line is
 * evaluated on its own, so float32 loses nothing to the cancellation a ramp
 * sum's terms can have. Undefined for pieces that are neither.
 */
export function pwlLinesExpression(pwl: PiecewiseLinear, x: Expr = Expr.input()): Expr | undefined {
  const lines = pwlLines(pwl);
  const slopes = lines.map((line) => line.slope);
  const rising = slopes.every((slope, k) => k === 0 || slope >= slopes[k - 1]!);
  const falling = slopes.every((slope, k) => k === 0 || slope <= slopes[k - 1]!);
  if (!rising && !falling) return undefined;
  const terms = lines.map((line) => x.mul(line.slope).add(line.intercept));
  return terms.reduce((y, term) => (rising ? y.max(term) : y.min(term)));
}

/** Every piece's line, the outer two included, left to right (a piece of zero width adds none). */
export function pwlLines(pwl: PiecewiseLinear): Line[] {
  const { knots, values } = pwl;
  const lines: Line[] = [pwl.left];
  for (let i = 0; i + 1 < knots.length; i++) {
    const width = knots[i + 1]! - knots[i]!;
    if (!(width > 0)) continue;
    const slope = (values[i + 1]! - values[i]!) / width;
    lines.push({ slope, intercept: values[i]! - slope * knots[i]! });
  }
  lines.push(pwl.right);
  return lines;
}

/**
 * A table's pieces as one Lookup over the grid plus the outer lines:
 * y = Lookup(x; t₀, h, v) + s_L·min(x − t₀, 0) + s_R·relu(x − t_N).
 */
export function lutExpression(pwl: PiecewiseLinear, x: Expr = Expr.input()): Expr {
  const { knots, values, left, right } = pwl;
  const cells = knots.length - 1;
  const start = knots[0]!;
  const step = (knots[cells]! - start) / cells;
  let y = x.lookup(start, step, values);
  if (left.slope !== 0) y = y.add(x.sub(start).min(0).mul(left.slope));
  if (right.slope !== 0)
    y = y.add(
      x
        .sub(start + cells * step)
        .relu()
        .mul(right.slope),
    );
  return y;
}

/** A family; `domain` narrows the exact activation's (exp: (−∞, 0], the inputs of softmax after the max shift). */
function pwlForm(
  exact: ActivationDefinition,
  domain = exact.properties.domain,
  kind: PiecewiseKind = "pwl",
): ActivationDefinition {
  const pieces = (p: Parameters) => pwlPieces(exact, p, domain, kind);
  const form = defineActivation({
    name: `${exact.name}-${kind}`,
    title: `${exact.title}, ${kind === "lut" ? "lookup table" : "piecewise linear"}`,
    formula:
      kind === "lut"
        ? `a table on a uniform grid, interpolated, within e of ${exact.name} on [lo, hi], its asymptotes outside`
        : `continuous pieces within e of ${exact.name} on [lo, hi], its asymptotes outside the knots`,
    parameters: [...exact.parameters, ...fitParameters],
    f: (x, p) => evaluatePwl(pieces(p), x),
    df: (x, p) => slopePwl(pieces(p), x),
    expression: (p) => (kind === "lut" ? lutExpression(pieces(p)) : pwlExpression(pieces(p))),
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

/**
 * What a fit needs told about an activation: softsign approaches ±1 like
 * 1/x, too slowly to read the asymptotes off f (within 1e-3 only beyond
 * |x| = 999).
 */
const fitHints = new Map<ActivationDefinition, Partial<PwlFitOptions>>([
  [
    softsign,
    {
      asymptotes: {
        left: { slope: 0, intercept: -1 },
        right: { slope: 0, intercept: 1 },
        far: 2 ** 30,
      },
    },
  ],
]);

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
  softsign,
  exp,
];

export const pwlForms: readonly ActivationDefinition[] = pwlExacts.map((exact) =>
  exact === exp ? pwlForm(exact, [Number.NEGATIVE_INFINITY, 0]) : pwlForm(exact),
);

/**
 * The activations with a lookup-table family: those with a piecewise-linear
 * one, but softsign (a uniform grid out to |x| = 1/e would need 10⁴–10⁵ entries).
 */
export const lutExacts: readonly ActivationDefinition[] = pwlExacts.filter(
  (exact) => exact !== softsign,
);

/** The lookup-table families `<name>-lut`, one per activation of `lutExacts`. */
export const lutForms: readonly ActivationDefinition[] = lutExacts.map((exact) =>
  exact === exp
    ? pwlForm(exact, [Number.NEGATIVE_INFINITY, 0], "lut")
    : pwlForm(exact, exact.properties.domain, "lut"),
);

/**
 * 1/s on [1, n] from ops an integer NPU runs: a first guess that is linear
 * between powers of two (within 12.5% of 1/s), then three Newton steps
 * r ← r·(2 − s·r), each squaring the relative error (12.5% → 1.6% → 2.4e−4 →
 * 6e−8). It holds for s in [1, 2n); n is a power of two.
 */
export function reciprocalExpression(s: Expr, n: number): Expr {
  const knots: number[] = [];
  const changes: number[] = [];
  let slope = 0;
  for (let a = 1; a < n; a *= 2) {
    const next = -1 / (2 * a * a); // (1/(2a) − 1/a) / a
    knots.push(a);
    changes.push(next - slope);
    slope = next;
  }
  let r = s.clip(1, n).reluSum(knots, changes).add(1);
  for (let step = 0; step < 3; step++) r = r.mul(Expr.constant(2).sub(s.mul(r)));
  return r;
}

const relativeExps = new Map<string, PiecewiseLinear>();

/**
 * exp on (−∞, 0] within e·eʸ + e/n: relative to exp itself down to where it
 * is below e/n, so that a row of up to n terms sums within 2e·(its sum)
 * however its errors line up (an absolute bound would let n same-signed
 * errors add up to n·e).
 */
function relativeExp(e: number, n: number): PiecewiseLinear {
  const key = `${e}|${n}`;
  let fit = relativeExps.get(key);
  if (!fit) {
    fit = fitPwl(Math.exp, {
      maxError: e * fitMargin,
      band: (y) => fitMargin * e * (Math.exp(y) + 1 / n),
      domain: [Number.NEGATIVE_INFINITY, 0],
      nondecreasing: true,
    });
    if (relativeExps.size >= keptFits) relativeExps.delete(relativeExps.keys().next().value!);
    relativeExps.set(key, fit);
  }
  return fit;
}

/**
 * ln s on [1, n] within e, as pieces between knots in geometric progression
 * 1, r, r², …: log's chord over [a, ra] strays from it by the same amount
 * for every a (log(ra) − log(a) = log r), so shifting every chord up by half
 * that stray gives the minimax line of each piece, all meeting at the knots.
 * The ratio r solves stray(r) = 2e; beyond n (and below 1) the outer pieces
 * continue. Knots: ⌈ln n / ln r⌉ + 1 (n = 2¹⁶, e = 3.3e−4: 152).
 */
export function logPieces(e: number, n: number): PiecewiseLinear {
  // The chord of ln over [1, r] at its farthest: at s* = (r − 1)/ln r, ln s* − (s* − 1)·ln r/(r − 1).
  const stray = (r: number) => {
    const slope = Math.log(r) / (r - 1);
    const at = 1 / slope;
    return Math.log(at) - (at - 1) * slope;
  };
  let low = 1 + 1e-9;
  let high = 2 ** 20;
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(low * high);
    if (stray(mid) <= 2 * e) low = mid;
    else high = mid;
  }
  const pieces = Math.max(1, Math.ceil(Math.log(n) / Math.log(low)));
  const ratio = n ** (1 / pieces); // the same count, spread to end exactly at n (each stray ≤ 2e)
  const shift = stray(ratio) / 2;
  const knots = Float64Array.from({ length: pieces + 1 }, (_, k) => ratio ** k);
  const values = Float64Array.from(knots, (t) => Math.log(t) + shift);
  const slopeOf = (i: number) => (values[i + 1]! - values[i]!) / (knots[i + 1]! - knots[i]!);
  const line = (i: number, at: number) => ({
    slope: slopeOf(i),
    intercept: values[at]! - slopeOf(i) * knots[at]!,
  });
  return { knots, values, left: line(0, 0), right: line(pieces - 1, pieces) };
}

/** The ratio each of logExpression's chunks spans (inputs below 64: float32 ramp sums stay within 1.3e−5 of float64). */
const logChunk = 64;

/** logExpression's chunks, the pieces each uses, and the bound they give: a chunk is off by at most its shift, half the chord's stray. */
function logChunks(e: number, n: number) {
  const chunks = Math.max(1, Math.ceil(Math.log(n) / Math.log(logChunk) - 1e-9));
  const pieces = logPieces(e / chunks, logChunk);
  const shift = pieces.values[0]!; // ln 1 + shift
  return { chunks, pieces, bound: chunks * shift };
}

/**
 * ln s for s in [1, n] within e, in float32 too: ln s = Σⱼ ln clip(s/64ʲ, 1, 64)
 * (exact: every chunk below s's is ln 64, every one above ln 1), each ln on
 * [1, 64] from logPieces within e/J. One ramp sum over all of [1, n] would
 * add terms of size s that cancel to ln s, and lose 1.4e−2 to float32
 * rounding near s = 65,536; a chunk's terms stay below 64.
 */
export function logExpression(s: Expr, e: number, n: number): Expr {
  const { chunks, pieces } = logChunks(e, n);
  let sum: Expr | undefined;
  for (let j = 0; j < chunks; j++) {
    const scaled = j === 0 ? s : s.mul(logChunk ** -j);
    const term = pwlExpression(pieces, scaled.clip(1, logChunk));
    sum = sum ? sum.add(term) : term;
  }
  return sum!;
}

/** The parameters of the row forms (softmax-pwl, logsumexp-pwl): the error bound e and the longest row n. */
function rowFitParameters(errorDescription: string): ParameterSpec[] {
  return [
    {
      name: "e",
      default: 1e-3,
      min: 1e-6,
      max: 0.1,
      description: errorDescription,
      typical: [1e-4, 1e-2],
    },
    {
      name: "n",
      default: 65536,
      min: 2,
      max: 2 ** 24,
      integer: true,
      description: "the longest row (rounded up to a power of two)",
    },
  ];
}

/** The longest row a row form holds for: n rounded up to a power of two. */
function rowLength(p: Parameters): number {
  return 2 ** Math.ceil(Math.log2(Math.max(2, p.n!)));
}

/**
 * Softmax from a piecewise-linear exp on (−∞, 0] (max |error| e) and the
 * Newton reciprocal of the sum: e≈ᵢ = exp≈(xᵢ − max x), pᵢ = e≈ᵢ·(1/Σ e≈)≈.
 * Ops: ReduceMax, ReduceSum, Sub, Clip, ReluSum, Mul, Add. Rows of up to n
 * elements (the reciprocal's first guess holds up to 2n).
 */
export const softmaxPwl = defineExpressionActivation({
  name: "softmax-pwl",
  title: "Softmax, piecewise-linear exp and Newton reciprocal",
  formula:
    "e≈ᵢ·r, e≈ᵢ = exp≈(xᵢ − max x) within e·(eˣ + 1/n), r = Newton³(1/Σ e≈), rows of at most n",
  parameters: rowFitParameters(
    "relative error of the piecewise-linear exp on (−∞, 0] (e·(eˣ + 1/n) absolute)",
  ),
  expression: (p) => {
    const x = Expr.input();
    const n = rowLength(p);
    const t = pwlExpression(relativeExp(p.e!, n), x.sub(Expr.apply("ReduceMax", x)));
    return t.mul(reciprocalExpression(Expr.apply("ReduceSum", t), n));
  },
  properties: { range: () => [0, 1] },
});

/**
 * LogSumExp from ops an integer NPU runs: m + ln≈(Σ exp≈(xᵢ − m)), m = max x,
 * exp≈ within e/3·(eʸ + 1/n) on (−∞, 0] (the sum within 2e/3 of itself, so
 * its log within about 2e/3) and ln≈ within e/3 on [1, n] (logExpression). Ops:
 * ReduceMax, ReduceSum, Sub, Clip, ReluSum, Min, Mul, Add. Rows of at most n.
 */
export const logSumExpPwl = defineExpressionActivation({
  name: "logsumexp-pwl",
  title: "LogSumExp, piecewise-linear exp and log",
  formula:
    "m + ln≈(Σ exp≈(xᵢ − m)), m = max x, exp≈ within e/3·(eˣ + 1/n), ln≈ within e/3 on [1, n]",
  parameters: rowFitParameters("max |error| (a third each from exp, the sum and log)"),
  expression: (p) => {
    const x = Expr.input();
    const n = rowLength(p);
    const m = Expr.apply("ReduceMax", x);
    const t = pwlExpression(relativeExp(p.e! / 3, n), x.sub(m));
    return m.add(logExpression(Expr.apply("ReduceSum", t), p.e! / 3, n));
  },
  properties: {
    monotonic: "increasing",
    // |ln≈ ŝ − ln s| ≤ the log's bound + |ln ŝ − ln s|, and |ŝ − s| ≤ ε·(s + 1) ≤ 2ε·s (s ≥ 1: the row's max
    // contributes e⁰ = 1) with ε the exp fit's relative band, so |ln ŝ − ln s| ≤ −ln(1 − 2ε).
    errorBound: (p) => {
      const n = rowLength(p);
      const epsilon = (fitMargin * p.e!) / 3;
      return logChunks(p.e! / 3, n).bound - Math.log(1 - 2 * epsilon);
    },
  },
});
