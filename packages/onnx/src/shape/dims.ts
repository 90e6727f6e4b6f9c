import type { Dim } from "./types.js";

/** Why a broadcast failed, when two fixed sizes cannot be broadcast together. */
export class BroadcastError {
  constructor(readonly message: string) {}
}

/** One output dimension of a numpy broadcast over the given input dimensions. */
function broadcastDim(dims: readonly Dim[]): Dim | BroadcastError {
  let fixed: number | undefined;
  let symbol: string | undefined;
  let unknown = false;
  let mixedSymbols = false;
  for (const dim of dims) {
    if (dim === 1) continue;
    if (typeof dim === "number") {
      if (fixed !== undefined && fixed !== dim)
        return new BroadcastError(`dimensions ${fixed} and ${dim} cannot be broadcast`);
      fixed = dim;
    } else if (typeof dim === "string") {
      if (symbol !== undefined && symbol !== dim) mixedSymbols = true;
      symbol = dim;
    } else unknown = true;
  }
  // A symbolic or unknown size broadcast against n > 1 must itself be 1 or n, so n it is.
  if (fixed !== undefined) return fixed;
  if (unknown || mixedSymbols) return null;
  return symbol ?? 1;
}

/** Numpy (multidirectional) broadcast of shapes; undefined when any rank is unknown. */
export function broadcastShapes(
  shapes: readonly (readonly Dim[] | undefined)[],
): Dim[] | undefined | BroadcastError {
  let rank = 0;
  for (const shape of shapes) {
    if (!shape) return undefined;
    rank = Math.max(rank, shape.length);
  }
  const result: Dim[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const column: Dim[] = [];
    for (const shape of shapes as readonly (readonly Dim[])[]) {
      const at = axis - (rank - shape.length);
      if (at >= 0) column.push(shape[at] ?? null);
    }
    const dim = broadcastDim(column);
    if (dim instanceof BroadcastError) return dim;
    result.push(dim);
  }
  return result;
}

/** The dimension two possibly different sources agree on: itself when equal, else unknown. */
export function joinDim(a: Dim, b: Dim): Dim {
  return a === b ? a : null;
}

/** Joins two shapes dimension by dimension (If branches, loop iterations); undefined when ranks differ. */
export function joinShapes(
  a: readonly Dim[] | undefined,
  b: readonly Dim[] | undefined,
): Dim[] | undefined {
  if (!a || !b || a.length !== b.length) return undefined;
  return a.map((dim, index) => joinDim(dim, b[index] ?? null));
}

/** Product of dimensions when all are fixed, else null. */
export function dimProduct(dims: readonly Dim[]): number | null {
  let product = 1;
  for (const dim of dims) {
    if (typeof dim !== "number") return null;
    product *= dim;
  }
  return Number.isSafeInteger(product) ? product : null;
}

/** Normalizes a possibly negative axis for a tensor of `rank`; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const at = axis < 0 ? axis + rank : axis;
  return Number.isInteger(at) && at >= 0 && at < rank ? at : undefined;
}

/** True when `dim` is a usable size (a non-negative safe integer). */
export function isSize(dim: unknown): dim is number {
  return typeof dim === "number" && Number.isSafeInteger(dim) && dim >= 0;
}

/** A fixed size from a dimension, or undefined. */
export function sizeOf(dim: Dim | undefined): number | undefined {
  return isSize(dim) ? dim : undefined;
}

/** `a + b` over dimensions: exact when both fixed, symbolic plus zero keeps the symbol, else unknown. */
export function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  return null;
}
