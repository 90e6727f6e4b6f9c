import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";
import { sigmoid, softplus } from "../math/special.js";

// Multivariable activations over a row. The expressions subtract the row's
// maximum before exponentiating, so no term overflows; `f` and `df` describe
// a row of one element (LSE(x) = x, LSE₀⁺(x) = softplus(x), softmax(x) = 1).

const reduceMax = (x: Expr) => Expr.apply("ReduceMax", x);
const reduceSum = (x: Expr) => Expr.apply("ReduceSum", x);

function rowMax(x: Float64Array): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    if (Number.isNaN(v)) return v;
    if (v > m) m = v;
  }
  return m;
}

/** Σ e^{xᵢ − shift}: with shift ≥ max xᵢ no term overflows. */
function shiftedSum(x: Float64Array, shift: number): number {
  let sum = 0;
  for (const v of x) sum += Math.exp(v - shift);
  return sum;
}

/** LogSumExp ln Σ e^{xᵢ} over a row (ONNX ReduceLogSumExp). */
export const logSumExp = defineActivation({
  name: "logsumexp",
  title: "LogSumExp",
  formula: "ln Σᵢ e^{xᵢ}",
  parameters: [],
  f: (x) => x,
  df: (x) => (Number.isNaN(x) ? x : 1),
  fVector: (x) => {
    const m = rowMax(x);
    if (!Number.isFinite(m)) return m; // NaN, or ±∞ dominates
    return m + Math.log(shiftedSum(x, m));
  },
  expression: () => {
    const x = Expr.input();
    const m = reduceMax(x);
    return m.add(reduceSum(x.sub(m).exp()).log());
  },
  properties: { monotonic: "increasing" },
  onnx: { opType: "ReduceLogSumExp", since: 18 },
});

/** LSE₀⁺ = ln(1 + Σ e^{xᵢ}): LogSumExp with an extra zero argument (a multivariable softplus). */
export const logSumExpZero = defineActivation({
  name: "logsumexp-zero",
  title: "LSE₀⁺",
  formula: "ln(1 + Σᵢ e^{xᵢ})",
  parameters: [],
  f: (x) => softplus(x),
  df: (x) => sigmoid(x),
  fVector: (x) => {
    const m = Math.max(rowMax(x), 0);
    if (!Number.isFinite(m)) return m;
    // With every xᵢ ≤ 0 the result is log1p(Σ e^{xᵢ}), which stays accurate when the sum is tiny.
    if (m === 0) return Math.log1p(shiftedSum(x, 0));
    return m + Math.log(Math.exp(-m) + shiftedSum(x, m));
  },
  expression: () => {
    const x = Expr.input();
    const m = reduceMax(x).max(0);
    return m.add(
      m
        .neg()
        .exp()
        .add(reduceSum(x.sub(m).exp()))
        .log(),
    );
  },
  properties: { monotonic: "increasing", range: () => [0, Number.POSITIVE_INFINITY] },
});

/** Softmax e^{xᵢ}/Σⱼ e^{xⱼ} over a row (ONNX Softmax on the last axis). */
export const softmax = defineActivation({
  name: "softmax",
  title: "Softmax",
  formula: "e^{xᵢ}/Σⱼ e^{xⱼ}",
  parameters: [],
  f: (x) => (Number.isNaN(x) ? x : 1),
  df: (x) => (Number.isNaN(x) ? x : 0),
  fVector: (x) => {
    const m = rowMax(x);
    const out = new Float64Array(x.length);
    if (Number.isNaN(m)) return out.fill(Number.NaN);
    if (m === Number.POSITIVE_INFINITY) {
      // The infinite entries share the mass.
      const count = x.filter((v) => v === m).length;
      for (let i = 0; i < x.length; i++) out[i] = x[i] === m ? 1 / count : 0;
      return out;
    }
    if (m === Number.NEGATIVE_INFINITY) return out.fill(1 / x.length);
    const sum = shiftedSum(x, m);
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]! - m) / sum;
    return out;
  },
  expression: () => {
    const x = Expr.input();
    const e = x.sub(reduceMax(x)).exp();
    return e.div(reduceSum(e));
  },
  properties: { range: () => [0, 1] },
  onnx: { opType: "Softmax", since: 13 },
});
