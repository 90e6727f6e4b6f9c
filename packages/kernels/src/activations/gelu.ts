import { defineActivation } from "../activation/activation.js";
import { Expr } from "../expression/expression.js";
import { normalCdf, normalPdf, sigmoid } from "../math/special.js";

/** Lowest value of GELU and of its tanh and sigmoid forms (all near −0.17 at x ≈ −0.75), rounded down. */
const geluFloor = -0.1701;

/** GELU x·Φ(x), with Φ from this package's erfc (float64 relative error ~1e-15, see math/special.ts). */
export const gelu = defineActivation({
  name: "gelu",
  title: "GELU",
  formula: "x·Φ(x) = x·(1 + erf(x/√2))/2",
  parameters: [],
  f: (x) => x * normalCdf(x),
  df: (x) => normalCdf(x) + x * normalPdf(x),
  expression: () => {
    const x = Expr.input();
    return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
  },
  properties: { range: () => [geluFloor, Number.POSITIVE_INFINITY] },
  onnx: { opType: "Gelu", since: 20 },
});

const sqrtTwoOverPi = Math.sqrt(2 / Math.PI);
const cubic = 0.044715;

/** The tanh form of GELU, x·(1 + tanh(√(2/π)(x + 0.044715x³)))/2. */
export const geluTanh = defineActivation({
  name: "gelu-tanh",
  title: "GELU (tanh form)",
  formula: "x·(1 + tanh(√(2/π)·(x + 0.044715x³)))/2",
  parameters: [],
  // (1 + tanh u)/2 = σ(2u): the same value without cancellation for x ≪ 0.
  f: (x) => x * sigmoid(2 * sqrtTwoOverPi * (x + cubic * x * x * x)),
  df: (x) => {
    const t = Math.tanh(sqrtTwoOverPi * (x + cubic * x * x * x));
    const half = sigmoid(2 * sqrtTwoOverPi * (x + cubic * x * x * x));
    const dt = 1 - t * t;
    return half + (dt === 0 ? 0 : 0.5 * x * dt * sqrtTwoOverPi * (1 + 3 * cubic * x * x));
  },
  expression: () => {
    const x = Expr.input();
    const inner = x.add(x.square().mul(x).mul(cubic)).mul(sqrtTwoOverPi);
    return x.mul(0.5).mul(inner.tanh().add(1));
  },
  properties: { range: () => [geluFloor, Number.POSITIVE_INFINITY] },
  onnx: { opType: "Gelu", since: 20, attributes: () => ({ approximate: "tanh" }) },
});

/** The sigmoid form of GELU, x·σ(1.702x). */
export const geluSigmoid = defineActivation({
  name: "gelu-sigmoid",
  title: "GELU (sigmoid form)",
  formula: "x·σ(1.702x)",
  parameters: [],
  f: (x) => x * sigmoid(1.702 * x),
  df: (x) => {
    const s = sigmoid(1.702 * x);
    return s + 1.702 * x * s * (1 - s);
  },
  expression: () => {
    const x = Expr.input();
    return x.mul(x.mul(1.702).sigmoid());
  },
  properties: { range: () => [geluFloor, Number.POSITIVE_INFINITY] },
});
