import { isSize } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleContext } from "../rule-context.js";
import { tensorOf } from "../type-proto.js";
import type { Dim, KnownValue } from "../types.js";

/** ONNX element type ids the rules name. */
export const elementTypes = {
  float: 1,
  int32: 6,
  int64: 7,
  bool: 9,
} as const;

/** Sets output `index` to a tensor type. */
export function setTensor(
  context: RuleContext,
  index: number,
  elementType: number,
  shape: readonly Dim[] | undefined,
  known?: KnownValue,
): void {
  context.setOutput(index, tensorOf(elementType, shape), known);
}

/** Output 0 has the type of input 0 (unary elementwise ops, normalizations). */
export function sameAsInput(context: RuleContext): void {
  const type = context.tensor(0);
  if (type) setTensor(context, 0, type.elementType, type.shape);
}

/** An int list given as an attribute before `sinceOpset` and as input `inputIndex` from then on. */
export function intsFromAttributeOrInput(
  context: RuleContext,
  name: string,
  inputIndex: number,
  sinceOpset: number,
): { given: boolean; values: number[] | undefined } {
  if (context.opset < sinceOpset) {
    const values = context.attributes.ints(name);
    return { given: values !== undefined, values };
  }
  if (!context.hasInput(inputIndex)) return { given: false, values: undefined };
  return { given: true, values: numbersOf(context.known(inputIndex)) };
}

/** A 1-D known tensor read as a shape (sizes, symbols, unknowns); undefined when not 1-D or unknown. */
export function shapeFromKnown(known: KnownValue | undefined): Dim[] | undefined {
  if (known?.shape.length !== 1) return undefined;
  return known.values.map((value) => (typeof value === "string" || isSize(value) ? value : null));
}

/** Ranks beyond this are hostile: a shape input claiming 10^9 dims must not allocate them. */
export const maxRank = 1024;

/** The length of a 1-D shape-like input (at most maxRank), from its shape or its known values. */
export function vectorLength(context: RuleContext, index: number): number | undefined {
  const shape = context.shape(index);
  if (shape?.length === 1 && isSize(shape[0])) return shape[0] <= maxRank ? shape[0] : undefined;
  const known = context.known(index);
  return known?.shape.length === 1 ? known.shape[0] : undefined;
}

/** Rank of input `index` when known. */
export function rankOf(context: RuleContext, index: number): number | undefined {
  return context.shape(index)?.length;
}

/** Integer values as ints, rejecting fractions and infinities. */
export function integers(values: readonly number[] | undefined): number[] | undefined {
  if (!values) return undefined;
  return values.every((value) => Number.isSafeInteger(value)) ? values.slice() : undefined;
}

/** Normalizes axes for `rank`; undefined when one is out of range or repeated. */
export function normalizeAxes(axes: readonly number[], rank: number): number[] | undefined {
  const seen = new Set<number>();
  for (const axis of axes) {
    const at = axis < 0 ? axis + rank : axis;
    if (!Number.isInteger(at) || at < 0 || at >= rank || seen.has(at)) return undefined;
    seen.add(at);
  }
  return [...seen];
}
