import { DataType } from "../tensor/data-type.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Dim, KnownValue } from "./types.js";

const integerTypes: ReadonlySet<number> = new Set([
  DataType.INT8,
  DataType.INT16,
  DataType.INT32,
  DataType.INT64,
  DataType.UINT8,
  DataType.UINT16,
  DataType.UINT32,
  DataType.UINT64,
  DataType.BOOL,
]);

const floatTypes: ReadonlySet<number> = new Set([
  DataType.FLOAT,
  DataType.DOUBLE,
  DataType.FLOAT16,
  DataType.BFLOAT16,
]);

/** True for integer and bool element types, the ones shape folding computes with. */
export function isIntegerType(elementType: number): boolean {
  return integerTypes.has(elementType);
}

/**
 * The values of a small tensor (integers for shape folding, floats for
 * scale inputs), or undefined when it is large, external, or unreadable.
 */
export function knownFromTensor(tensor: Tensor, maxElements: number): KnownValue | undefined {
  const type = tensor.dataType;
  if (!integerTypes.has(type) && !floatTypes.has(type)) return undefined;
  if (tensor.isExternal && !tensor.hasData) return undefined;
  try {
    const shape = tensor.dims;
    if (tensor.elementCount > maxElements) return undefined;
    const values: Dim[] = [];
    for (const value of tensor.toFloat64Array()) {
      // int64 values beyond 2^53 lose precision: they are only ever "very large" (Slice ends), so say so.
      if (Number.isNaN(value)) values.push(null);
      else if (Math.abs(value) > Number.MAX_SAFE_INTEGER)
        values.push(value > 0 ? Infinity : -Infinity);
      else values.push(value);
    }
    return { shape, values };
  } catch {
    return undefined;
  }
}

/** The numeric values of a known tensor when every element is a number. */
export function numbersOf(known: KnownValue | undefined): number[] | undefined {
  if (!known) return undefined;
  const numbers: number[] = [];
  for (const value of known.values) {
    if (typeof value !== "number") return undefined;
    numbers.push(value);
  }
  return numbers;
}

/** A known 1-D (or scalar) tensor from values. */
export function knownVector(values: readonly Dim[]): KnownValue {
  return { shape: [values.length], values };
}
