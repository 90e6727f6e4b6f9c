// A first-order bound on how far a float32 evaluation of an expression may be
// from the exact (float64) value: running error analysis over the DAG. Each
// node's bound is what its operands' bounds propagate to (through the op's
// Lipschitz constant or derivative) plus its own rounding: u = 2⁻²⁴ of the
// result for + − ·, the WGSL spec's ULP counts for builtins (exp: 3 + 2|x|
// ULP, log: 3 ULP or 2⁻²¹ absolute near 1, ÷: 2.5 ULP, √: ~5 ULP), the
// documented error of the shader's own erf/tanh/sigmoid, and the smallest
// normal 2⁻¹²⁶ where a result is subnormal (WGSL may flush those to zero).
// Cancellation shows up by itself: a − b keeps the absolute bounds of a and b.
// Where a comparison, Sign or Floor could go either way within the bounds,
// the jump counts in full. Rows (reducing activations) are handled
// element-wise, ReduceSum adding the recursive-summation bound.
import { applyOp } from "../../expression/evaluate.js";
import { type Expr, expressionNodes } from "../../expression/expression.js";

const unitRoundoff = 2 ** -24;
const smallestNormal = 2 ** -126;
/** Absolute error of the shader's A&S 7.1.26 erf (1.5e-7), rounded up. */
const erfAbsoluteError = 2 ** -22;

/** a·b that is 0 whenever either is (no 0·∞ = NaN in bounds). */
function times(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

/** Bound of the error a float32 computation of `root` may have, per output element. */
export function float32ErrorBound(root: Expr, row: Float64Array): Float64Array {
  const n = row.length;
  const values = new Map<Expr, Float64Array>();
  const errors = new Map<Expr, Float64Array>();
  for (const node of expressionNodes(root)) {
    const value = new Float64Array(n);
    const error = new Float64Array(n);
    if (node.op === "Input") value.set(row);
    else if (node.op === "Constant") {
      value.fill(node.value);
      error.fill(Math.abs(Math.fround(node.value) - node.value));
    } else if (node.op === "ReduceSum" || node.op === "ReduceMax") {
      const v = values.get(node.inputs[0]!)!;
      const e = errors.get(node.inputs[0]!)!;
      // A scalar operand (the same in every element) reduces to itself; vectors are
      // reduced by the shader one element at a time, as the float64 evaluator does.
      const isSum = node.op === "ReduceSum";
      let total = isSum ? 0 : Number.NEGATIVE_INFINITY;
      let errorTotal = 0;
      let magnitude = 0;
      for (let i = 0; i < n; i++) {
        total = isSum
          ? total + v[i]!
          : Number.isNaN(total) || Number.isNaN(v[i]!)
            ? Number.NaN
            : Math.max(total, v[i]!);
        errorTotal = isSum ? errorTotal + e[i]! : Math.max(errorTotal, e[i]!);
        if (Number.isFinite(v[i]!)) magnitude += Math.abs(v[i]!);
      }
      value.fill(total);
      error.fill(isSum ? errorTotal + (n - 1) * unitRoundoff * magnitude : errorTotal);
      // A reduction that is of a scalar-valued operand is that value.
      if (v.every((entry) => Object.is(entry, v[0]))) {
        value.fill(v[0]!);
        error.fill(e[0]!);
      }
    } else {
      const operands = node.inputs.map((input) => values.get(input)!);
      const operandErrors = node.inputs.map((input) => errors.get(input)!);
      for (let i = 0; i < n; i++) {
        const a = operands[0]![i]!;
        const b = operands[1]?.[i] ?? 0;
        const c = operands[2]?.[i] ?? 0;
        const r = applyOp(node.op, a, b, c);
        value[i] = r;
        const local = localBound(node.op, r, a, b, c, [
          operandErrors[0]![i]!,
          operandErrors[1]?.[i] ?? 0,
          operandErrors[2]?.[i] ?? 0,
        ]);
        // Special values are exact (their own checks compare them); subnormals may flush.
        // An unbounded (or NaN, from ∞ − ∞ among bounds) error is infinite: that point is not checked.
        error[i] = !Number.isFinite(r)
          ? 0
          : Number.isNaN(local)
            ? Number.POSITIVE_INFINITY
            : local + (Math.abs(r) < smallestNormal && r !== 0 ? smallestNormal : 0);
      }
    }
    values.set(node, value);
    errors.set(node, error);
  }
  return errors.get(root)!;
}

/** The error of a choice between a and b: the chosen one's, or either's when the bounds overlap. */
function chosen(a: number, b: number, ea: number, eb: number, choseA: boolean): number {
  if (Math.abs(a - b) > ea + eb) return choseA ? ea : eb;
  return Math.max(ea, eb);
}

function localBound(
  op: Exclude<Expr["op"], "Input" | "Constant">,
  r: number,
  a: number,
  b: number,
  c: number,
  [ea, eb, ec]: number[],
): number {
  const magnitude = Math.abs(r);
  const ulps = (count: number) => times(count, 2 * unitRoundoff * magnitude);
  switch (op) {
    case "Add":
    case "Sub":
      return ea! + eb! + unitRoundoff * magnitude;
    case "Mul":
      return times(Math.abs(b), ea!) + times(Math.abs(a), eb!) + times(ea!, eb!) + ulps(0.5);
    case "Div":
      if (Math.abs(b) <= eb!) return Number.POSITIVE_INFINITY;
      return (ea! + times(magnitude, eb!)) / (Math.abs(b) - eb!) + ulps(2.5);
    case "Reciprocal":
      if (Math.abs(a) <= ea!) return Number.POSITIVE_INFINITY;
      return times(magnitude, ea!) / (Math.abs(a) - ea!) + ulps(2.5);
    // 1-Lipschitz in the operands' errors; only the chosen one's counts when the choice is sure.
    case "Max":
    case "Min":
      return chosen(a, b, ea!, eb!, Object.is(r, a));
    case "Clip": {
      const low = Math.max(a, b);
      const lowError = chosen(a, b, ea!, eb!, Object.is(low, a));
      return chosen(low, c, lowError, ec!, Object.is(r, low));
    }
    case "Relu":
      return chosen(a, 0, ea!, 0, r === a);
    case "Neg":
    case "Abs":
      return ea!;
    case "Greater":
    case "Less":
    case "GreaterOrEqual":
      return ea! + eb! > 0 && Math.abs(a - b) <= ea! + eb! ? 1 : 0;
    case "Sign":
      return ea! > 0 && Math.abs(a) <= ea! ? 2 : 0;
    case "Floor":
      return ea! > 0 && Math.abs(a - Math.round(a)) <= ea! ? 1 + ea! : 0;
    case "Where":
      if (ea! > 0 && Math.abs(a) <= ea!) return Math.max(eb!, ec!) + Math.abs(b - c);
      return a !== 0 ? eb! : ec!;
    case "Sqrt": {
      const propagated = r > 0 ? Math.min(ea! / (2 * r), Math.sqrt(ea!)) : Math.sqrt(ea!);
      return propagated + ulps(5);
    }
    case "Exp":
      return times(magnitude, Math.expm1(ea!)) + ulps(3 + 2 * Math.abs(a));
    case "Log":
      if (Math.abs(a) <= ea!) return Number.POSITIVE_INFINITY;
      return ea! / (Math.abs(a) - ea!) + ulps(3) + 2 ** -21;
    case "Pow": {
      if (a === 0 || !Number.isFinite(a)) return 0;
      const logBase = Math.log(Math.abs(a));
      const exponent = b * Math.log2(Math.abs(a));
      const propagated = times(Math.abs(b), ea! / Math.abs(a)) + times(Math.abs(logBase), eb!);
      // exp2(b·log2|a|): log2 is 2⁻²¹ absolute or 3 ULP, the product rounds, exp2 is 3 + 2|y| ULP.
      const exponentError =
        Math.abs(b) * (2 ** -21 + 6 * unitRoundoff * Math.abs(Math.log2(Math.abs(a)))) +
        unitRoundoff * Math.abs(exponent);
      return (
        times(magnitude, Math.expm1(propagated + Math.LN2 * exponentError)) +
        ulps(3 + 2 * Math.abs(exponent))
      );
    }
    // Below 0.5 (erf) and 0.3 (tanh) the shader sums a series: a few ULP, relative.
    case "Erf":
      return 1.13 * ea! + (Math.abs(a) < 0.5 ? 0 : erfAbsoluteError) + ulps(4);
    case "Tanh":
      // Above, exp(−2|x|) of up to 3 + 4|x| ULP goes through (1 − e)/(1 + e) (slope ≤ 2).
      // From |x| = 10 on it returns ±1 exactly.
      if (Math.abs(a) >= 10) return ea! + ulps(1);
      return ea! + (Math.abs(a) < 0.3 ? 0 : 4 * unitRoundoff * (3 + 4 * Math.abs(a))) + ulps(4);
    case "Sigmoid": {
      // σ′ = σ(1 − σ) ≤ min(1/4, σ): the slope over [a − ea, a + ea] is at most σ(a + ea).
      const slope = Math.min(0.25, 1 / (1 + Math.exp(-(a + ea!))));
      // e^{−|x|} (3 + 2|x| ULP) enters relatively below 0, and as at most 3·2u·e^{−x}(3 + 2x) ≤ 6u above.
      const local = a < 0 ? ulps(4 + 3 + 2 * Math.abs(a)) : 6 * unitRoundoff + ulps(4);
      return times(slope, ea!) + local;
    }
    case "ReduceMax":
    case "ReduceSum":
      return ea!;
  }
}

/** True when a float64 intermediate of `root` at x is finite but beyond the float32 range (float32 gives ±∞ there). */
export function overflowsFloat32(root: Expr, x: number): boolean {
  const values = new Map<Expr, number>();
  let overflows = false;
  for (const node of expressionNodes(root)) {
    const [a, b, c] = node.inputs.map((input) => values.get(input) ?? 0);
    const value =
      node.op === "Input"
        ? x
        : node.op === "Constant"
          ? node.value
          : applyOp(node.op, a ?? 0, b ?? 0, c ?? 0);
    if (Number.isFinite(value) && Math.abs(value) > 3.4028234663852886e38) overflows = true;
    values.set(node, value);
  }
  return overflows;
}
