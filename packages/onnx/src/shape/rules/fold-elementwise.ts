import { BroadcastError, broadcastShapes } from "../dims.js";
import type { Dim, KnownValue } from "../types.js";

/** One element of a folded elementwise op; null when the result is not known. */
export type ElementFold = (operands: readonly Dim[]) => Dim;

function exact(value: number): Dim {
  return Number.isSafeInteger(value) ? value : null;
}

const both =
  (op: (a: number, b: number) => number): ElementFold =>
  ([a, b]) =>
    typeof a === "number" && typeof b === "number" ? exact(op(a, b)) : null;

/** Integer folds of elementwise ops on shape tensors; symbolic dims survive + 0, * 1 and comparisons with themselves. */
export const elementFolds: Readonly<Record<string, ElementFold>> = {
  Add: (operands) => {
    const [a, b] = operands;
    if (a === 0) return b ?? null;
    if (b === 0) return a ?? null;
    return both((x, y) => x + y)(operands);
  },
  Sub: (operands) => (operands[1] === 0 ? (operands[0] ?? null) : both((x, y) => x - y)(operands)),
  Mul: (operands) => {
    const [a, b] = operands;
    if (a === 1) return b ?? null;
    if (b === 1) return a ?? null;
    return both((x, y) => x * y)(operands);
  },
  // Integer Div truncates toward zero (C semantics, as onnxruntime computes it).
  Div: (operands) =>
    operands[1] === 1
      ? (operands[0] ?? null)
      : both((x, y) => (y === 0 ? Number.NaN : Math.trunc(x / y)))(operands),
  Max: both((x, y) => Math.max(x, y)),
  Min: both((x, y) => Math.min(x, y)),
  Equal: ([a, b]) => {
    if (a === null || b === null || a === undefined || b === undefined) return null;
    if (a === b) return 1;
    return typeof a === "number" && typeof b === "number" ? 0 : null;
  },
  Less: both((x, y) => (x < y ? 1 : 0)),
  Greater: both((x, y) => (x > y ? 1 : 0)),
  LessOrEqual: both((x, y) => (x <= y ? 1 : 0)),
  GreaterOrEqual: both((x, y) => (x >= y ? 1 : 0)),
  And: both((x, y) => (x && y ? 1 : 0)),
  Or: both((x, y) => (x || y ? 1 : 0)),
  Neg: ([a]) => (typeof a === "number" ? exact(-a) : null),
  Abs: ([a]) => (typeof a === "number" ? Math.abs(a) : null),
  Not: ([a]) => (typeof a === "number" ? (a ? 0 : 1) : null),
  Where: ([condition, x, y]) => {
    if (typeof condition !== "number") return x === y ? (x ?? null) : null;
    return (condition ? x : y) ?? null;
  },
};

/** Folds an elementwise op over known tensors with numpy broadcasting; undefined when too large. */
export function foldElementwise(
  operands: readonly KnownValue[],
  fold: ElementFold,
  maxElements: number,
): KnownValue | undefined {
  const shape = broadcastShapes(operands.map((operand) => operand.shape));
  if (!shape || shape instanceof BroadcastError) return undefined;
  const dims = shape as number[];
  let count = 1;
  for (const dim of dims) count *= dim;
  if (!Number.isSafeInteger(count) || count > maxElements) return undefined;
  const rank = dims.length;
  const strides = operands.map((operand) => {
    const result: number[] = new Array(rank).fill(0);
    let stride = 1;
    for (let axis = operand.shape.length - 1; axis >= 0; axis--) {
      const size = operand.shape[axis]!;
      if (size !== 1) result[axis + rank - operand.shape.length] = stride;
      stride *= size;
    }
    return result;
  });
  const values: Dim[] = [];
  const index: number[] = new Array(rank).fill(0);
  for (let flat = 0; flat < count; flat++) {
    const args = operands.map((operand, which) => {
      let offset = 0;
      for (let axis = 0; axis < rank; axis++) offset += index[axis]! * strides[which]![axis]!;
      return operand.values[offset] ?? null;
    });
    values.push(fold(args));
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis]! < dims[axis]!) break;
      index[axis] = 0;
    }
  }
  return { shape: dims, values };
}
