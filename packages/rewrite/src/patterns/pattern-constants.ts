import type { Value } from "@rectify/onnx";
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
  const data = constantData(value);
  return data && data.length === 1 ? data[0] : undefined;
}

/** True when `actual` is finite and equals `expected` within the constant tolerance. */
export function matchesConstant(actual: number | undefined, expected: number): boolean {
  // nearlyEqual(Infinity, b) holds (∞ ≤ tolerance·∞), so finiteness is checked first.
  return actual !== undefined && Number.isFinite(actual) && nearlyEqual(actual, expected);
}

/** A constant as messages show it: float32 values read as exporters write them (0.70710677). */
export function formatConstant(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(8))) : String(value);
}

/** The near-miss reason for a wrong constant: which one, its value and the expected one. */
export function wrongConstant(what: string, actual: number, expected: number): string {
  return `${what} is ${formatConstant(actual)}, expected ${formatConstant(expected)}`;
}
