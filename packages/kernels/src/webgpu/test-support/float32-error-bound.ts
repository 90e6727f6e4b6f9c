// A first-order bound on how far a float32 evaluation of an expression may be
// from the exact (float64) value: running error analysis over the DAG. Each
// node's bound is what its operands' bounds propagate to (through the op's
// Lipschitz constant or derivative) plus its own rounding: u = 2⁻²⁴ of the
// result for + − ·, the WGSL spec's ULP counts for builtins (exp: 3 + 2|x|
// ULP, log: 3 ULP or 2⁻²¹ absolute near 1, ÷: 2.5 ULP, √: ~5 ULP), the
// documented error of the shader's own erf/tanh/sigmoid, and the smallest
// normal 2⁻¹²⁶ where a result is subnormal (WGSL may flush those to zero).
// Each op's own rule is in its definition (expression/ops.ts).
// Cancellation shows up by itself: a − b keeps the absolute bounds of a and b.
// Where a comparison, Sign or Floor could go either way within the bounds,
// the jump counts in full. Rows (reducing activations) are handled
// element-wise, ReduceSum adding the recursive-summation bound.
import { type Expr, expandOps, expressionNodes } from "../../expression/expression.js";
import { opDefinitions } from "../../expression/ops.js";

const unitRoundoff = 2 ** -24;
const smallestNormal = 2 ** -126;

/** Bound of the error a float32 computation of `root` may have, per output element. */
export function float32ErrorBound(expression: Expr, row: Float64Array): Float64Array {
  // Ops without their own bound (Lookup) are bounded as the kernels compute them: expanded.
  const root = expandOps(expression, (op) => opDefinitions[op].float32Error !== undefined);
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
      const definition = opDefinitions[node.op];
      const operands = node.inputs.map((input) => values.get(input)!);
      const operandErrors = node.inputs.map((input) => errors.get(input)!);
      const width = Math.max(3, operands.length);
      const v = new Float64Array(width);
      const e = new Float64Array(width);
      const exact = width === operands.length ? v : v.subarray(0, operands.length);
      const exactErrors = width === operands.length ? e : e.subarray(0, operands.length);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < operands.length; k++) {
          v[k] = operands[k]![i]!;
          e[k] = operandErrors[k]![i]!;
        }
        const r = definition.evaluate(exact);
        value[i] = r;
        const local = definition.float32Error!(r, exact, exactErrors);
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

/** True when a float64 intermediate of `root` at x is finite but beyond the float32 range (float32 gives ±∞ there). */
export function overflowsFloat32(root: Expr, x: number): boolean {
  const values = new Map<Expr, number>();
  let overflows = false;
  for (const node of expressionNodes(root)) {
    const operands = node.inputs.map((input) => values.get(input) ?? 0);
    const value =
      node.op === "Input"
        ? x
        : node.op === "Constant"
          ? node.value
          : opDefinitions[node.op].evaluate(operands);
    if (Number.isFinite(value) && Math.abs(value) > 3.4028234663852886e38) overflows = true;
    values.set(node, value);
  }
  return overflows;
}
