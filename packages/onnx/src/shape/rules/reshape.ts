import { dimProduct, isSize } from "../dims.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim, KnownValue } from "../types.js";
import { setTensor, shapeFromKnown, vectorLength } from "./helpers.js";

/** Product of dims where one symbol times fixed ones of product 1 stays that symbol. */
export function symbolicProduct(dims: readonly Dim[]): Dim {
  const fixed = dimProduct(dims.filter((dim) => typeof dim === "number"));
  const others = dims.filter((dim) => typeof dim !== "number");
  if (fixed === null) return null;
  if (others.length === 0) return fixed;
  if (fixed === 0) return 0;
  if (others.length === 1 && fixed === 1) return others[0] ?? null;
  return null;
}

/** Known values keep flowing through ops that only change the shape. */
export function reshaped(
  known: KnownValue | undefined,
  shape: readonly Dim[] | undefined,
): KnownValue | undefined {
  if (!known || !shape?.every(isSize)) return undefined;
  return dimProduct(shape) === known.values.length
    ? { shape: shape as number[], values: known.values }
    : undefined;
}

/** The size a -1 stands for: what is left of the input's dims after the output's other dims. */
function inferredDim(context: RuleContext, input: readonly Dim[], others: readonly Dim[]): Dim {
  if (others.some((dim) => dim === null) || input.some((dim) => dim === null)) return null;
  const symbols = input.filter((dim): dim is string => typeof dim === "string");
  for (const dim of others) {
    if (typeof dim !== "string") continue;
    const at = symbols.indexOf(dim);
    if (at < 0) return null;
    symbols.splice(at, 1);
  }
  const inputFixed = dimProduct(input.filter((dim) => typeof dim === "number"));
  const outputFixed = dimProduct(others.filter((dim) => typeof dim === "number"));
  if (inputFixed === null || outputFixed === null || outputFixed === 0) return null;
  if (inputFixed % outputFixed !== 0) {
    if (symbols.length === 0)
      context.conflict(
        `cannot reshape ${inputFixed} elements into a shape with a multiple of ${outputFixed}`,
      );
    return null;
  }
  const quotient = inputFixed / outputFixed;
  if (symbols.length === 0) return quotient;
  return symbols.length === 1 && quotient === 1 ? symbols[0]! : null;
}

const reshape: ShapeRule = (context) => {
  const elementType = context.elementType(0);
  const input = context.shape(0);
  const target =
    context.opset < 5
      ? context.attributes.ints("shape")
      : (shapeFromKnown(context.known(1)) ?? undefined);
  if (!target) {
    const length = context.opset < 5 ? undefined : vectorLength(context, 1);
    return setTensor(
      context,
      0,
      elementType,
      length === undefined ? undefined : new Array(length).fill(null),
    );
  }
  const raw = context.opset < 5 ? target : (context.known(1)?.values ?? target);
  const allowZero = context.opset >= 14 && context.attributes.int("allowzero") === 1;
  let wildcard = -1;
  const output: Dim[] = [];
  for (const [index, value] of raw.entries()) {
    if (value === -1) {
      if (wildcard >= 0) return context.conflict("the target shape has more than one -1");
      wildcard = index;
      output.push(null);
    } else if (value === 0 && !allowZero) {
      output.push(input ? (input[index] ?? null) : null);
      if (input && index >= input.length)
        return context.conflict(`target dim ${index} copies (0) a dim the input lacks`);
    } else if (typeof value === "number" && !isSize(value)) {
      return context.conflict(`the target shape has an invalid size ${value}`);
    } else output.push(value ?? null);
  }
  if (wildcard >= 0 && input) {
    output[wildcard] = inferredDim(
      context,
      input,
      output.filter((_, index) => index !== wildcard),
    );
  }
  const inputCount = input ? dimProduct(input) : null;
  const outputCount = dimProduct(output);
  if (inputCount !== null && outputCount !== null && inputCount !== outputCount) {
    return context.conflict(`cannot reshape ${inputCount} elements into ${outputCount}`);
  }
  setTensor(context, 0, elementType, output, reshaped(context.known(0), output));
};

const flatten: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, [null, null]);
  let axis = context.attributes.int("axis") ?? 1;
  if (axis < 0) axis += input.length;
  if (axis < 0 || axis > input.length) return context.conflict(`axis ${axis} is out of range`);
  const output = [symbolicProduct(input.slice(0, axis)), symbolicProduct(input.slice(axis))];
  setTensor(context, 0, elementType, output, reshaped(context.known(0), output));
};

/** Reshape and Flatten: the same elements under a new shape. */
export const reshapeRules: RuleTable = {
  Reshape: reshape,
  Flatten: flatten,
};
