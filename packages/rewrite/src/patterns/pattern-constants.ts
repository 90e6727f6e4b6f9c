import type { Tensor, Value } from "@rectify/onnx";
import { constantData, nearlyEqual } from "./match.js";

/** √½, the scale of x inside GELU's Erf (exporters write x/1.4142135 or x·0.70710677). */
export const inverseSqrt2 = Math.SQRT1_2;

/** √(2/π), the scale of tanh-GELU's inner polynomial (0.7978846 as float32). */
export const sqrtTwoOverPi = Math.sqrt(2 / Math.PI);

/** The cubic coefficient of tanh-GELU's inner polynomial x + 0.044715·x³. */
export const geluCubic = 0.044715;

/**
 * The number a constant of exactly one element holds (any rank). A constant
 * with more elements could broadcast x to a larger shape, which the activation
 * replacing the pattern would not, so patterns do not take it as a scalar.
 */
export function oneElementConstant(value: Value | null | undefined): number | undefined {
  // Rules ask this of every operand they pass; a weight matrix must not be converted to find out.
  if (value?.initializer && !hasOneElement(value.initializer)) return undefined;
  const data = constantData(value);
  return data && data.length === 1 ? data[0] : undefined;
}

function hasOneElement(tensor: Tensor): boolean {
  try {
    return tensor.elementCount === 1;
  } catch {
    // Malformed dims: not a constant a pattern can use.
    return false;
  }
}

/** True when `actual` is finite and equals `expected` within the constant tolerance. */
export function matchesConstant(actual: number | undefined, expected: number): boolean {
  // nearlyEqual(Infinity, b) holds (∞ ≤ tolerance·∞), so finiteness is checked first.
  return actual !== undefined && Number.isFinite(actual) && nearlyEqual(actual, expected);
}

/** A constant as messages show it: a float32 value as exporters write it (0.6, 0.70710677), others to 8 digits. */
export function formatConstant(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.fround(value) === value) {
    // The shortest decimal that reads back as the same float32.
    for (let digits = 1; digits < 9; digits++) {
      const shortest = Number(value.toPrecision(digits));
      if (Math.fround(shortest) === value) return String(shortest);
    }
  }
  return String(Number(value.toPrecision(8)));
}

/** The near-miss reason for a wrong constant: which one, its value and the expected one. */
export function wrongConstant(what: string, actual: number, expected: number): string {
  return `${what} is ${formatConstant(actual)}, expected ${formatConstant(expected)}`;
}
