import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";
import { erf as errorFunction } from "../math/special.js";

const twoOverSqrtPi = 2 / Math.sqrt(Math.PI);

/**
 * The error function (ONNX Erf), odd and bounded by ±1. Models use it outside
 * the GELU patterns too (custom normalisations, attention variants); its
 * stand-ins for devices without Erf are in erf-forms.ts.
 */
export const erf = defineActivation({
  name: "erf",
  title: "Error function",
  formula: "2/√π·∫₀ˣ e^{−t²} dt",
  parameters: [],
  f: (x) => errorFunction(x),
  df: (x) => twoOverSqrtPi * Math.exp(-x * x),
  expression: () => Expr.input().erf(),
  // erf(x) rounds to ±1 in float64 beyond |x| ≈ 5.9, so it is nondecreasing there, not increasing.
  properties: { monotonic: "nondecreasing", range: () => [-1, 1] },
  onnx: { opType: "Erf", since: 9 },
});
