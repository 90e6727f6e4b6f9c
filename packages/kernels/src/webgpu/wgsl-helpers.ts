// WGSL functions the generated shaders call where a WGSL builtin lacks the
// float64 evaluator's semantics: WGSL's min/max/clamp need not propagate NaN,
// exp/log/sqrt/pow leave out-of-range arguments undefined, tanh may give NaN
// for large |x|, and there is no erf or sigmoid. NaN and ±∞ are recognised by
// their bits, which no compiler may assume away.

import type { WgslHelperName } from "../expression/ops.js";

/** Names of the helper functions; a shader includes the ones it calls (and what they call). */
export type WgslHelper = WgslHelperName;

/** The largest finite float32. */
const float32Max = 3.4028234663852886e38;

/**
 * The shortest WGSL f32 literal that rounds to `value` (finite and normal in
 * float32), or undefined when none does: WGSL rejects a decimal above the
 * largest f32 even when it would round down to it.
 */
export function float32Literal(value: number): string | undefined {
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = single.toPrecision(digits);
    const parsed = Number(text);
    if (Math.fround(parsed) === single && Math.abs(parsed) <= float32Max)
      return `${text.includes("e") || text.includes(".") ? text : `${text}.0`}f`.replace("e+", "e");
  }
  return undefined;
}

function literal(value: number): string {
  const text = float32Literal(value);
  if (text === undefined) throw new Error(`no f32 literal for ${value}`);
  return text;
}

/** Horner form c₀ + t(c₁ + t(c₂ + …)). */
function horner(variable: string, coefficients: readonly number[]): string {
  return coefficients
    .map(literal)
    .reduceRight((inner, coefficient) => `${coefficient} + ${variable} * (${inner})`);
}

const twoOverRootPi = 2 / Math.sqrt(Math.PI);
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
/** erf(x) = 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n+1)): seven terms are within 3e-8 (relative) for |x| < 0.5. */
const erfSeries = Array.from(
  { length: 7 },
  (_, n) => ((-1) ** n * twoOverRootPi) / (factorial(n) * (2 * n + 1)),
);
/**
 * Abramowitz & Stegun 7.1.26 (after Hastings): erf(x) = 1 − t·P(t)·e^{−x²},
 * t = 1/(1 + p·x), |error| ≤ 1.5e-7 for x ≥ 0; used for |x| ≥ 0.5, where that
 * is below 3e-7 relative.
 */
const erfTailP = 0.3275911;
const erfTail = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
/** tanh's Taylor series (x − x³/3 + 2x⁵/15 − …): six terms are within 1e-8 (relative) for |x| < 0.3. */
const tanhSeries = [1, -1 / 3, 2 / 15, -17 / 315, 62 / 2835, -1382 / 155925];

interface HelperDefinition {
  readonly needs: readonly WgslHelper[];
  readonly source: string;
}

const definitions: Record<WgslHelper, HelperDefinition> = {
  f32bits: {
    needs: [],
    // A function call is never a constant expression, so ±∞ and NaN built here are not shader-creation errors.
    source: "fn f32bits(bits: u32) -> f32 {\n  return bitcast<f32>(bits);\n}",
  },
  isNan: {
    needs: [],
    source:
      "fn isNan(x: f32) -> bool {\n  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;\n}",
  },
  isInfinite: {
    needs: [],
    source:
      "fn isInfinite(x: f32) -> bool {\n  return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u;\n}",
  },
  maxPropagatingNan: {
    needs: ["isNan"],
    source: `fn maxPropagatingNan(a: f32, b: f32) -> f32 {
  if (isNan(a)) { return a; }
  if (isNan(b)) { return b; }
  return select(b, a, a > b);
}`,
  },
  minPropagatingNan: {
    needs: ["isNan"],
    source: `fn minPropagatingNan(a: f32, b: f32) -> f32 {
  if (isNan(a)) { return a; }
  if (isNan(b)) { return b; }
  return select(b, a, a < b);
}`,
  },
  clip: {
    needs: ["isNan", "maxPropagatingNan", "minPropagatingNan"],
    source: `fn clip(x: f32, low: f32, high: f32) -> f32 {
  if (isNan(x)) { return x; }
  return minPropagatingNan(maxPropagatingNan(x, low), high);
}`,
  },
  rectify: {
    needs: ["isNan"],
    source: `fn rectify(x: f32) -> f32 {
  return select(0.0f, x, x > 0.0f || isNan(x));
}`,
  },
  signum: {
    needs: ["isNan"],
    source: `fn signum(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  return select(select(0.0f, -1.0f, x < 0.0f), 1.0f, x > 0.0f);
}`,
  },
  squareRoot: {
    needs: ["isNan", "isInfinite", "f32bits"],
    source: `fn squareRoot(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x < 0.0f) { return f32bits(0x7fc00000u); }
  if (x == 0.0f) { return x; }
  if (isInfinite(x)) { return x; }
  return sqrt(x);
}`,
  },
  exponential: {
    needs: ["isNan", "f32bits"],
    // Beyond ln(f32 max) the result is +∞; below ln(smallest subnormal) it is 0.
    source: `fn exponential(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x > 88.7228394f) { return f32bits(0x7f800000u); }
  if (x < -103.972084f) { return 0.0f; }
  return exp(x);
}`,
  },
  logarithm: {
    needs: ["isNan", "isInfinite", "f32bits"],
    source: `fn logarithm(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x < 0.0f) { return f32bits(0x7fc00000u); }
  if (x == 0.0f) { return f32bits(0xff800000u); }
  if (isInfinite(x)) { return x; }
  return log(x);
}`,
  },
  power: {
    needs: ["isNan", "isInfinite", "f32bits", "exponential"],
    // JavaScript's a ** b: x⁰ = 1 (even NaN⁰), (±1)^±∞ = NaN, negative bases only with integer exponents.
    source: `fn power(a: f32, b: f32) -> f32 {
  if (b == 0.0f) { return 1.0f; }
  if (isNan(a) || isNan(b)) { return f32bits(0x7fc00000u); }
  let magnitude = abs(a);
  if (isInfinite(b)) {
    if (magnitude == 1.0f) { return f32bits(0x7fc00000u); }
    return select(0.0f, f32bits(0x7f800000u), (magnitude > 1.0f) == (b > 0.0f));
  }
  let integral = floor(b) == b;
  if (a < 0.0f && !integral) { return f32bits(0x7fc00000u); }
  var result: f32;
  if (magnitude == 0.0f) {
    result = select(f32bits(0x7f800000u), 0.0f, b > 0.0f);
  } else if (isInfinite(magnitude)) {
    result = select(0.0f, f32bits(0x7f800000u), b > 0.0f);
  } else {
    // exp2(b·log2|a|) with the product's range checked (WGSL leaves exp2 of huge arguments undefined).
    let exponent = b * log2(magnitude);
    result = select(select(exp2(exponent), 0.0f, exponent < -150.0f), f32bits(0x7f800000u), exponent > 128.0f);
  }
  // Integers beyond 2²⁴ are even in f32.
  let odd = integral && abs(b) < 16777216.0f && (i32(b) & 1) == 1;
  let negative = (bitcast<u32>(a) & 0x80000000u) != 0u;
  return select(result, -result, odd && negative);
}`,
  },
  errorFunction: {
    needs: ["isNan", "exponential"],
    source: `fn errorFunction(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let magnitude = abs(x);
  if (magnitude < 0.5f) {
    let square = x * x;
    return x * (${horner("square", erfSeries)});
  }
  if (magnitude >= 6.0f) { return sign(x); }
  let t = 1.0f / (1.0f + ${literal(erfTailP)} * magnitude);
  let complement = t * (${horner("t", erfTail)}) * exponential(-magnitude * magnitude);
  return select(complement - 1.0f, 1.0f - complement, x > 0.0f);
}`,
  },
  hyperbolicTangent: {
    needs: ["isNan", "exponential"],
    // WGSL's tanh may be NaN for large |x| and loses relative accuracy near 0 (sinh/cosh).
    source: `fn hyperbolicTangent(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let magnitude = abs(x);
  if (magnitude < 0.3f) {
    let square = x * x;
    return x * (${horner("square", tanhSeries)});
  }
  if (magnitude >= 10.0f) { return sign(x); }
  let e = exponential(-2.0f * magnitude);
  let t = (1.0f - e) / (1.0f + e);
  return select(-t, t, x > 0.0f);
}`,
  },
  logistic: {
    needs: ["isNan", "exponential"],
    // e^{−|x|} never overflows: 1/(1 + e) for x ≥ 0, e/(1 + e) below.
    source: `fn logistic(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let e = exponential(-abs(x));
  let s = 1.0f / (1.0f + e);
  return select(e * s, s, x >= 0.0f);
}`,
  },
};

/** The WGSL source of the given helpers and everything they call, each once, callees first. */
export function helperSource(used: ReadonlySet<WgslHelper>): string {
  const ordered: WgslHelper[] = [];
  const visit = (name: WgslHelper) => {
    if (ordered.includes(name)) return;
    for (const need of definitions[name].needs) visit(need);
    ordered.push(name);
  };
  for (const name of [...used].sort()) visit(name);
  return ordered.map((name) => `\n${definitions[name].source}\n`).join("");
}
