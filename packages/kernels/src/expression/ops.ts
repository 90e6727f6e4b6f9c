// The primitive-op vocabulary, declared once. Every consumer reads it: the
// expression builder (arity), the float64 evaluator and its forward-mode
// derivative, the float32 error bound, the WGSL and WASM kernel generators,
// and the ONNX lowering in @rectify/rewrite (minimum opset, bool results).
// Adding an op means adding one entry here (plus a lowering rule in rewrite
// when it is not one ONNX node of the same name).
import { KernelsError } from "../errors/kernels-error.js";
import { erf, sigmoid } from "../math/special.js";

/** The primitive ops' names (their definitions are `opDefinitions` below, in this order). */
export type PrimitiveOp =
  | "Add"
  | "Sub"
  | "Mul"
  | "Div"
  | "Max"
  | "Min"
  | "Pow"
  | "Greater"
  | "Less"
  | "GreaterOrEqual"
  | "Neg"
  | "Abs"
  | "Sqrt"
  | "Reciprocal"
  | "Exp"
  | "Log"
  | "Erf"
  | "Tanh"
  | "Sigmoid"
  | "Relu"
  | "Sign"
  | "Floor"
  | "Where"
  | "Clip"
  | "ReduceMax"
  | "ReduceSum"
  | "ReluSum"
  | "Lookup";

/** The WGSL helper functions generated shaders may call (see wgsl-helpers.ts). */
export type WgslHelperName =
  | "f32bits"
  | "isNan"
  | "isInfinite"
  | "maxPropagatingNan"
  | "minPropagatingNan"
  | "clip"
  | "rectify"
  | "signum"
  | "squareRoot"
  | "exponential"
  | "logarithm"
  | "power"
  | "errorFunction"
  | "hyperbolicTangent"
  | "logistic";

/** Operand values of one op application, in order (at least three entries; unused ones are 0). */
export type Operands = ArrayLike<number>;

/** One primitive op. */
export interface OpDefinition {
  /**
   * Operand count. `"knots"` takes x then (knot, coefficient) pairs;
   * `"table"` takes x, x₀, h, then at least two table values.
   */
  readonly arity: number | "knots" | "table";
  /** Not piecewise-polynomial: what an "algebraic-only" device lacks. */
  readonly transcendental: boolean;
  /** Reduces a vector argument to a scalar (multivariable activations). */
  readonly reduction: boolean;
  /** Gives 1 or 0 here and a bool tensor in ONNX. */
  readonly comparison: boolean;
  /** Opset of ONNX's default domain from which the op exists with numpy broadcasting (1: always). */
  readonly minimumOpset: number;
  /** The value in float64. */
  evaluate(v: Operands): number;
  /**
   * The value as a float32 kernel computes it, for ops made of several
   * float32 steps (operands are float32 already); others round `evaluate`.
   */
  evaluate32?(v: Operands): number;
  /** The derivative of r = op(v) from the operands' derivatives dv (one-sided at kinks). */
  tangent(r: number, v: Operands, dv: Operands): number;
  /**
   * A first-order bound on the error of a float32 kernel's result r, given
   * bounds e on its operands' errors: what they propagate to plus the op's
   * own rounding (see float32-error-bound.ts for the model). Ops without one
   * are bounded through `expand`.
   */
  float32Error?(r: number, v: Operands, e: Operands): number;
  /**
   * The op as a WGSL expression over operand names; `use` includes a helper
   * and returns its name; `define` adds a module-scope function (once per
   * name) and returns its name.
   */
  wgsl?(
    args: readonly string[],
    use: (helper: WgslHelperName) => string,
    define: (name: string, source: string) => string,
  ): string;
  /** The op as an AssemblyScript f32x4 expression over operand names (ops without one are expanded). */
  wasm?(args: readonly string[]): string;
  /**
   * The op in terms of other primitive ops, for kernels and lowerings that
   * lack it. `build` applies an op to operand handles; `constant` makes one.
   */
  expand?<T>(
    args: readonly T[],
    build: ExpandBuilder<T>,
    values: readonly (number | undefined)[],
  ): T;
}

/** What `expand` builds with: op application and constants over some handle type. */
export interface ExpandBuilder<T> {
  apply(op: PrimitiveOp, ...operands: T[]): T;
  constant(value: number): T;
}

const unitRoundoff = 2 ** -24;
/** Absolute error of the shader's A&S 7.1.26 erf (1.5e-7), rounded up. */
const erfAbsoluteError = 2 ** -22;

/** a·b that is 0 whenever either is (no 0·∞ = NaN in bounds or derivatives). */
export function times(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

/** ULPs of a float32 result of magnitude |r|. */
const ulps = (count: number, r: number) => times(count, 2 * unitRoundoff * Math.abs(r));

/** The error of a choice between a and b: the chosen one's, or either's when the bounds overlap. */
function chosen(a: number, b: number, ea: number, eb: number, choseA: boolean): number {
  if (Math.abs(a - b) > ea + eb) return choseA ? ea : eb;
  return Math.max(ea, eb);
}

const relu = (a: number) => (Number.isNaN(a) ? a : a > 0 ? a : 0);
const maxNan = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a > b ? a : b;
const minNan = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a < b ? a : b;

type Partial3 = Pick<OpDefinition, "evaluate32" | "float32Error" | "wgsl" | "wasm" | "expand">;

function op(
  arity: OpDefinition["arity"],
  evaluate: OpDefinition["evaluate"],
  tangent: OpDefinition["tangent"],
  rest: Partial3 & {
    transcendental?: boolean;
    reduction?: boolean;
    comparison?: boolean;
    minimumOpset?: number;
  },
): OpDefinition {
  return {
    arity,
    evaluate,
    tangent,
    transcendental: rest.transcendental ?? false,
    reduction: rest.reduction ?? false,
    comparison: rest.comparison ?? false,
    minimumOpset: rest.minimumOpset ?? 1,
    ...(rest.evaluate32 ? { evaluate32: rest.evaluate32 } : {}),
    ...(rest.float32Error ? { float32Error: rest.float32Error } : {}),
    ...(rest.wgsl ? { wgsl: rest.wgsl } : {}),
    ...(rest.wasm ? { wasm: rest.wasm } : {}),
    ...(rest.expand ? { expand: rest.expand } : {}),
  };
}

const noTangent = () => 0;

function comparison(
  test: (a: number, b: number) => boolean,
  wgslOperator: string,
  wasmOp: string,
  minimumOpset: number,
): OpDefinition {
  return op(2, (v) => (test(v[0]!, v[1]!) ? 1 : 0), noTangent, {
    comparison: true,
    minimumOpset,
    // The result may flip when the operands' bounds overlap.
    float32Error: (_r, v, e) =>
      e[0]! + e[1]! > 0 && Math.abs(v[0]! - v[1]!) <= e[0]! + e[1]! ? 1 : 0,
    wgsl: ([a, b]) => `select(0.0f, 1.0f, ${a} ${wgslOperator} ${b})`,
    wasm: ([a, b]) => `v128.and(f32x4.${wasmOp}(${a}, ${b}), ones())`,
  });
}

/**
 * Every primitive op, named as ONNX op types where ONNX has one. Comparisons
 * evaluate to 1 or 0; Where takes such a condition; Clip takes (x, lo, hi);
 * ReduceMax and ReduceSum reduce a vector argument to a scalar; ReluSum and
 * Lookup are the piecewise-linear ops a lowering writes compactly.
 */
export const opDefinitions: { readonly [op in PrimitiveOp]: OpDefinition } = {
  Add: op(
    2,
    (v) => v[0]! + v[1]!,
    (_r, _v, d) => d[0]! + d[1]!,
    {
      minimumOpset: 7,
      float32Error: (r, _v, e) => e[0]! + e[1]! + unitRoundoff * Math.abs(r),
      wgsl: ([a, b]) => `${a} + ${b}`,
      wasm: ([a, b]) => `f32x4.add(${a}, ${b})`,
    },
  ),
  Sub: op(
    2,
    (v) => v[0]! - v[1]!,
    (_r, _v, d) => d[0]! - d[1]!,
    {
      minimumOpset: 7,
      float32Error: (r, _v, e) => e[0]! + e[1]! + unitRoundoff * Math.abs(r),
      wgsl: ([a, b]) => `${a} - ${b}`,
      wasm: ([a, b]) => `f32x4.sub(${a}, ${b})`,
    },
  ),
  Mul: op(
    2,
    (v) => v[0]! * v[1]!,
    (_r, v, d) => times(v[1]!, d[0]!) + times(v[0]!, d[1]!),
    {
      minimumOpset: 7,
      float32Error: (r, v, e) =>
        times(Math.abs(v[1]!), e[0]!) +
        times(Math.abs(v[0]!), e[1]!) +
        times(e[0]!, e[1]!) +
        ulps(0.5, r),
      wgsl: ([a, b]) => `${a} * ${b}`,
      wasm: ([a, b]) => `f32x4.mul(${a}, ${b})`,
    },
  ),
  Div: op(
    2,
    (v) => v[0]! / v[1]!,
    (_r, v, d) => times(1 / v[1]!, d[0]!) - times(v[0]! / (v[1]! * v[1]!), d[1]!),
    {
      minimumOpset: 7,
      float32Error: (r, v, e) => {
        if (Math.abs(v[1]!) <= e[1]!) return Number.POSITIVE_INFINITY;
        return (e[0]! + times(Math.abs(r), e[1]!)) / (Math.abs(v[1]!) - e[1]!) + ulps(2.5, r);
      },
      wgsl: ([a, b]) => `${a} / ${b}`,
      wasm: ([a, b]) => `f32x4.div(${a}, ${b})`,
    },
  ),
  Max: op(
    2,
    (v) => maxNan(v[0]!, v[1]!),
    (_r, v, d) => (v[0]! >= v[1]! ? d[0]! : d[1]!),
    {
      minimumOpset: 8,
      float32Error: (r, v, e) => chosen(v[0]!, v[1]!, e[0]!, e[1]!, Object.is(r, v[0]!)),
      wgsl: ([a, b], use) => `${use("maxPropagatingNan")}(${a}, ${b})`,
      // WASM's f32x4.max/min propagate NaN, as the evaluator does.
      wasm: ([a, b]) => `f32x4.max(${a}, ${b})`,
    },
  ),
  Min: op(
    2,
    (v) => minNan(v[0]!, v[1]!),
    (_r, v, d) => (v[0]! <= v[1]! ? d[0]! : d[1]!),
    {
      minimumOpset: 8,
      float32Error: (r, v, e) => chosen(v[0]!, v[1]!, e[0]!, e[1]!, Object.is(r, v[0]!)),
      wgsl: ([a, b], use) => `${use("minPropagatingNan")}(${a}, ${b})`,
      wasm: ([a, b]) => `f32x4.min(${a}, ${b})`,
    },
  ),
  Pow: op(
    2,
    (v) => v[0]! ** v[1]!,
    (r, v, d) => {
      const [a, b] = [v[0]!, v[1]!];
      return (
        times(a === 0 && b === 1 ? 1 : b * a ** (b - 1), d[0]!) + times(r * Math.log(a), d[1]!)
      );
    },
    {
      transcendental: true,
      minimumOpset: 7,
      float32Error: (r, v, e) => {
        const [a, b] = [v[0]!, v[1]!];
        if (a === 0 || !Number.isFinite(a)) return 0;
        const logBase = Math.log(Math.abs(a));
        const exponent = b * Math.log2(Math.abs(a));
        const propagated =
          times(Math.abs(b), e[0]! / Math.abs(a)) + times(Math.abs(logBase), e[1]!);
        // exp2(b·log2|a|): log2 is 2⁻²¹ absolute or 3 ULP, the product rounds, exp2 is 3 + 2|y| ULP.
        const exponentError =
          Math.abs(b) * (2 ** -21 + 6 * unitRoundoff * Math.abs(Math.log2(Math.abs(a)))) +
          unitRoundoff * Math.abs(exponent);
        return (
          times(Math.abs(r), Math.expm1(propagated + Math.LN2 * exponentError)) +
          ulps(3 + 2 * Math.abs(exponent), r)
        );
      },
      wgsl: ([a, b], use) => `${use("power")}(${a}, ${b})`,
      wasm: ([a, b]) => `vpow(${a}, ${b})`,
    },
  ),
  Greater: comparison((a, b) => a > b, ">", "gt", 7),
  Less: comparison((a, b) => a < b, "<", "lt", 7),
  GreaterOrEqual: comparison((a, b) => a >= b, ">=", "ge", 12),
  Neg: op(
    1,
    (v) => -v[0]!,
    (_r, _v, d) => -d[0]!,
    {
      float32Error: (_r, _v, e) => e[0]!,
      wgsl: ([a]) => `-${a}`,
      wasm: ([a]) => `f32x4.neg(${a})`,
    },
  ),
  Abs: op(
    1,
    (v) => Math.abs(v[0]!),
    (_r, v, d) => (v[0]! > 0 ? d[0]! : v[0]! < 0 ? -d[0]! : Math.abs(d[0]!)),
    {
      float32Error: (_r, _v, e) => e[0]!,
      wgsl: ([a]) => `abs(${a})`,
      wasm: ([a]) => `f32x4.abs(${a})`,
    },
  ),
  Sqrt: op(
    1,
    (v) => Math.sqrt(v[0]!),
    (r, _v, d) => times(0.5 / r, d[0]!),
    {
      float32Error: (r, _v, e) => {
        const propagated = r > 0 ? Math.min(e[0]! / (2 * r), Math.sqrt(e[0]!)) : Math.sqrt(e[0]!);
        return propagated + ulps(5, r);
      },
      wgsl: ([a], use) => `${use("squareRoot")}(${a})`,
      wasm: ([a]) => `f32x4.sqrt(${a})`,
    },
  ),
  Reciprocal: op(
    1,
    (v) => 1 / v[0]!,
    (r, _v, d) => times(-r * r, d[0]!),
    {
      float32Error: (r, v, e) => {
        if (Math.abs(v[0]!) <= e[0]!) return Number.POSITIVE_INFINITY;
        return times(Math.abs(r), e[0]!) / (Math.abs(v[0]!) - e[0]!) + ulps(2.5, r);
      },
      wgsl: ([a]) => `1.0f / ${a}`,
      wasm: ([a]) => `f32x4.div(ones(), ${a})`,
    },
  ),
  Exp: op(
    1,
    (v) => Math.exp(v[0]!),
    (r, _v, d) => times(r, d[0]!),
    {
      transcendental: true,
      float32Error: (r, v, e) =>
        times(Math.abs(r), Math.expm1(e[0]!)) + ulps(3 + 2 * Math.abs(v[0]!), r),
      wgsl: ([a], use) => `${use("exponential")}(${a})`,
      wasm: ([a]) => `vexp(${a})`,
    },
  ),
  Log: op(
    1,
    (v) => Math.log(v[0]!),
    (_r, v, d) => times(1 / v[0]!, d[0]!),
    {
      transcendental: true,
      float32Error: (r, v, e) => {
        if (Math.abs(v[0]!) <= e[0]!) return Number.POSITIVE_INFINITY;
        return e[0]! / (Math.abs(v[0]!) - e[0]!) + ulps(3, r) + 2 ** -21;
      },
      wgsl: ([a], use) => `${use("logarithm")}(${a})`,
      wasm: ([a]) => `vlog(${a})`,
    },
  ),
  Erf: op(
    1,
    (v) => erf(v[0]!),
    (_r, v, d) => times(1.1283791670955126 * Math.exp(-v[0]! * v[0]!), d[0]!),
    {
      transcendental: true,
      minimumOpset: 9,
      // Below 0.5 the shader sums a series: a few ULP, relative.
      float32Error: (r, v, e) =>
        1.13 * e[0]! + (Math.abs(v[0]!) < 0.5 ? 0 : erfAbsoluteError) + ulps(4, r),
      wgsl: ([a], use) => `${use("errorFunction")}(${a})`,
      wasm: ([a]) => `verf(${a})`,
    },
  ),
  Tanh: op(
    1,
    (v) => Math.tanh(v[0]!),
    (r, _v, d) => times(1 - r * r, d[0]!),
    {
      transcendental: true,
      float32Error: (r, v, e) => {
        const a = Math.abs(v[0]!);
        // From |x| = 10 on the shader returns ±1 exactly; above 0.3, exp(−2|x|) of up to
        // 3 + 4|x| ULP goes through (1 − e)/(1 + e) (slope ≤ 2); below, a series.
        if (a >= 10) return e[0]! + ulps(1, r);
        return e[0]! + (a < 0.3 ? 0 : 4 * unitRoundoff * (3 + 4 * a)) + ulps(4, r);
      },
      wgsl: ([a], use) => `${use("hyperbolicTangent")}(${a})`,
      wasm: ([a]) => `vtanh(${a})`,
    },
  ),
  Sigmoid: op(
    1,
    (v) => sigmoid(v[0]!),
    (r, _v, d) => times(r * (1 - r), d[0]!),
    {
      transcendental: true,
      float32Error: (r, v, e) => {
        const a = v[0]!;
        // σ′ = σ(1 − σ) ≤ min(1/4, σ): the slope over [a − ea, a + ea] is at most σ(a + ea).
        const slope = Math.min(0.25, 1 / (1 + Math.exp(-(a + e[0]!))));
        // e^{−|x|} (3 + 2|x| ULP) enters relatively below 0, and as at most 6u above.
        const local = a < 0 ? ulps(4 + 3 + 2 * Math.abs(a), r) : 6 * unitRoundoff + ulps(4, r);
        return times(slope, e[0]!) + local;
      },
      wgsl: ([a], use) => `${use("logistic")}(${a})`,
      wasm: ([a]) => `vsigmoid(${a})`,
    },
  ),
  Relu: op(
    1,
    (v) => relu(v[0]!),
    (_r, v, d) => (v[0]! > 0 ? d[0]! : 0),
    {
      float32Error: (r, v, e) => chosen(v[0]!, 0, e[0]!, 0, r === v[0]!),
      wgsl: ([a], use) => `${use("rectify")}(${a})`,
      wasm: ([a]) => `f32x4.max(${a}, zeros())`,
    },
  ),
  Sign: op(
    1,
    (v) => {
      const a = v[0]!;
      return Number.isNaN(a) ? a : a > 0 ? 1 : a < 0 ? -1 : 0;
    },
    noTangent,
    {
      minimumOpset: 9,
      float32Error: (_r, v, e) => (e[0]! > 0 && Math.abs(v[0]!) <= e[0]! ? 2 : 0),
      wgsl: ([a], use) => `${use("signum")}(${a})`,
      wasm: ([a]) => `vsign(${a})`,
    },
  ),
  Floor: op(1, (v) => Math.floor(v[0]!), noTangent, {
    float32Error: (_r, v, e) =>
      e[0]! > 0 && Math.abs(v[0]! - Math.round(v[0]!)) <= e[0]! ? 1 + e[0]! : 0,
    wgsl: ([a]) => `floor(${a})`,
    wasm: ([a]) => `f32x4.floor(${a})`,
  }),
  Where: op(
    3,
    (v) => (v[0]! !== 0 ? v[1]! : v[2]!),
    (_r, v, d) => (v[0]! !== 0 ? d[1]! : d[2]!),
    {
      minimumOpset: 9,
      float32Error: (_r, v, e) => {
        if (e[0]! > 0 && Math.abs(v[0]!) <= e[0]!)
          return Math.max(e[1]!, e[2]!) + Math.abs(v[1]! - v[2]!);
        return v[0]! !== 0 ? e[1]! : e[2]!;
      },
      // NaN ≠ 0 picks the first branch, as in the float64 evaluator.
      wgsl: ([c, a, b], use) => `select(${b}, ${a}, ${c} != 0.0f || ${use("isNan")}(${c}))`,
      wasm: ([c, a, b]) => `v128.bitselect(${a}, ${b}, f32x4.ne(${c}, zeros()))`,
    },
  ),
  Clip: op(
    3,
    // ONNX Clip: min(max(x, lo), hi); NaN stays NaN.
    (v) => (Number.isNaN(v[0]!) ? v[0]! : Math.min(Math.max(v[0]!, v[1]!), v[2]!)),
    (_r, v, d) => (v[0]! < v[1]! ? d[1]! : v[0]! > v[2]! ? d[2]! : d[0]!),
    {
      minimumOpset: 6,
      float32Error: (r, v, e) => {
        const low = Math.max(v[0]!, v[1]!);
        const lowError = chosen(v[0]!, v[1]!, e[0]!, e[1]!, Object.is(low, v[0]!));
        return chosen(low, v[2]!, lowError, e[2]!, Object.is(r, low));
      },
      wgsl: ([x, lo, hi], use) => `${use("clip")}(${x}, ${lo}, ${hi})`,
      wasm: ([x, lo, hi]) => `f32x4.min(f32x4.max(${x}, ${lo}), ${hi})`,
    },
  ),
  ReduceMax: op(
    1,
    (v) => v[0]!,
    (_r, _v, d) => d[0]!,
    {
      reduction: true,
      float32Error: (_r, _v, e) => e[0]!,
    },
  ),
  ReduceSum: op(
    1,
    (v) => v[0]!,
    (_r, _v, d) => d[0]!,
    {
      reduction: true,
      float32Error: (_r, _v, e) => e[0]!,
    },
  ),
  /**
   * ReluSum(x, t₁, c₁, …, t_K, c_K) = Σₖ cₖ·relu(x − tₖ): the ramps of a
   * piecewise-linear function. A lowering writes it as one broadcast Sub,
   * Relu and MatMul over the K knots; kernels unroll it.
   */
  ReluSum: op(
    "knots",
    (v) => {
      const x = v[0]!;
      let sum = 0;
      for (let k = 1; k + 1 < v.length; k += 2) sum += v[k + 1]! * relu(x - v[k]!);
      return sum;
    },
    (_r, v, d) => {
      const x = v[0]!;
      let sum = 0;
      for (let k = 1; k + 1 < v.length; k += 2) {
        const ramp = x - v[k]!;
        if (ramp > 0) sum += times(v[k + 1]!, d[0]! - d[k]!) + times(ramp, d[k + 1]!);
      }
      return sum;
    },
    {
      // Each Sub, Mul and Add rounded, summed in order (as the kernels do).
      evaluate32: (v) => {
        const x = v[0]!;
        const round = Math.fround;
        let sum = 0;
        for (let k = 1; k + 1 < v.length; k += 2)
          sum = round(sum + round(v[k + 1]! * relu(round(x - v[k]!))));
        return sum;
      },
      // Summed in order: each term's propagated error and rounding, plus each partial sum's.
      float32Error: (_r, v, e) => {
        const x = v[0]!;
        let bound = 0;
        let partial = 0;
        for (let k = 1; k + 1 < v.length; k += 2) {
          const ramp = relu(x - v[k]!);
          const term = v[k + 1]! * ramp;
          partial += term;
          bound +=
            times(Math.abs(v[k + 1]!), e[0]! + e[k]! + unitRoundoff * ramp) +
            times(ramp, e[k + 1]!) +
            unitRoundoff * (Math.abs(term) + Math.abs(partial));
        }
        return bound;
      },
      // A loop over the knots in a function per K (unrolled, a fit with hundreds of knots makes
      // shaders that take SwiftShader minutes to compile); the sum runs in the same order.
      wgsl: ([x, ...pairs], use, define) => {
        const count = pairs.length >> 1;
        const rectify = use("rectify");
        const name = define(
          `reluSum${count}`,
          `fn reluSum${count}(x: f32, t: array<f32, ${count}>, c: array<f32, ${count}>) -> f32 {
  var knots = t;
  var coefficients = c;
  var sum = 0.0f;
  for (var k = 0u; k < ${count}u; k++) {
    sum = sum + coefficients[k] * ${rectify}(x - knots[k]);
  }
  return sum;
}`,
        );
        const knots = pairs.filter((_, i) => i % 2 === 0);
        const coefficients = pairs.filter((_, i) => i % 2 === 1);
        return `${name}(${x}, array<f32, ${count}>(${knots.join(", ")}), array<f32, ${count}>(${coefficients.join(", ")}))`;
      },
      wasm: ([x, ...pairs]) => {
        let sum = "";
        for (let k = 0; k + 1 < pairs.length; k += 2) {
          const term = `f32x4.mul(${pairs[k + 1]}, f32x4.pmax(f32x4.sub(${x}, ${pairs[k]}), zeros()))`;
          sum = sum ? `f32x4.add(${sum}, ${term})` : term;
        }
        return sum;
      },
      expand: ([x, ...pairs], b) => {
        let sum = b.constant(0);
        for (let k = 0; k + 1 < pairs.length; k += 2) {
          const term = b.apply(
            "Mul",
            b.apply("Relu", b.apply("Sub", x!, pairs[k]!)),
            pairs[k + 1]!,
          );
          sum = k === 0 ? term : b.apply("Add", sum, term);
        }
        return sum;
      },
    },
  ),
  /**
   * Lookup(x, x₀, h, y₀, …, y_N): linear interpolation in a table of values
   * at x₀ + i·h, x clamped to [x₀, x₀ + N·h]. A lowering on a device with
   * Gather writes it as an index (Floor, Cast) and two table reads; kernels
   * compute it as a clipped ReluSum with knots on the grid.
   */
  Lookup: op(
    "table",
    (v) => {
      const x = v[0]!;
      if (Number.isNaN(x)) return x;
      const x0 = v[1]!;
      const h = v[2]!;
      const cells = v.length - 4;
      const u = Math.min(Math.max((x - x0) / h, 0), cells);
      const i = Math.min(Math.floor(u), cells - 1);
      const left = v[3 + i]!;
      return left + (u - i) * (v[4 + i]! - left);
    },
    (_r, v, d) => {
      const x = v[0]!;
      const cells = v.length - 4;
      const u = (x - v[1]!) / v[2]!;
      if (!(u >= 0 && u < cells)) return 0;
      const i = Math.floor(u);
      return times((v[4 + i]! - v[3 + i]!) / v[2]!, d[0]!);
    },
    {
      // As a Gather device computes it: the cell's intercept and slope tables in float32.
      evaluate32: (v) => {
        const round = Math.fround;
        const x = v[0]!;
        if (Number.isNaN(x)) return x;
        const [x0, h] = [v[1]!, v[2]!];
        const cells = v.length - 4;
        const clipped = Math.min(Math.max(x, x0), round(x0 + cells * h));
        const i = Math.min(Math.floor(round(round(clipped - x0) * round(1 / h))), cells);
        const slope = i === cells ? 0 : (v[4 + i]! - v[3 + i]!) / h;
        const intercept = i === cells ? v[3 + i]! : v[3 + i]! - slope * (x0 + i * h);
        return round(round(intercept) + round(round(slope) * clipped));
      },
      expand: ([x, x0, _step, ...table], b, values) => {
        const [start, step] = [values[1], values[2]];
        if (start === undefined || step === undefined)
          throw new KernelsError(
            "EXPRESSION_INVALID",
            "Lookup expands only with a constant grid (x₀ and h)",
          );
        const cells = table.length - 1;
        const clipped = b.apply("Clip", x!, x0!, b.constant(start + cells * step));
        const pairs: typeof table = [];
        for (let i = 0; i < cells; i++) {
          const slope = (value: number | undefined, next: number | undefined) =>
            value === undefined || next === undefined ? undefined : (next - value) / step;
          const here = slope(values[3 + i], values[4 + i]);
          const before = i === 0 ? 0 : slope(values[2 + i], values[3 + i]);
          if (here === undefined || before === undefined)
            throw new KernelsError(
              "EXPRESSION_INVALID",
              "Lookup expands only with a constant table",
            );
          if (here === before) continue;
          pairs.push(b.constant(start + i * step), b.constant(here - before));
        }
        const ramps = pairs.length > 0 ? b.apply("ReluSum", clipped, ...pairs) : b.constant(0);
        return b.apply("Add", ramps, table[0]!);
      },
    },
  ),
};

/** Whether `count` operands suit the op's arity. */
export function arityAccepts(arity: OpDefinition["arity"], count: number): boolean {
  if (arity === "knots") return count >= 3 && count % 2 === 1;
  if (arity === "table") return count >= 5;
  return count === arity;
}

/** The arity as words, for messages. */
export function arityText(arity: OpDefinition["arity"]): string {
  if (arity === "knots") return "x and (knot, coefficient) pairs";
  if (arity === "table") return "x, x₀, h and at least two table values";
  return `${arity} operand${arity === 1 ? "" : "s"}`;
}
