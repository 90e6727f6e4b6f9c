import { BroadcastError, broadcastShapes, dimProduct, isSize } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim, KnownValue } from "../types.js";
import {
  integers,
  intsFromAttributeOrInput,
  normalizeAxes,
  setTensor,
  shapeFromKnown,
  vectorLength,
} from "./helpers.js";

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
function reshaped(
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

const squeeze: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  const axes = intsFromAttributeOrInput(context, "axes", 1, 13);
  if (!input || (axes.given && !axes.values)) return setTensor(context, 0, elementType, undefined);
  let drop: number[] | undefined;
  if (axes.given) {
    drop = normalizeAxes(integers(axes.values) ?? [Number.NaN], input.length);
    if (!drop) return context.conflict("squeeze axes are out of range or repeated");
    for (const axis of drop) {
      const dim = input[axis];
      if (typeof dim === "number" && dim !== 1)
        return context.conflict(`cannot squeeze axis ${axis} of size ${dim}`);
    }
  } else {
    // Without axes every size-1 dim goes; a symbolic or unknown dim might be 1, so the rank is unknown.
    if (input.some((dim) => typeof dim !== "number"))
      return setTensor(context, 0, elementType, undefined);
    drop = input.flatMap((dim, index) => (dim === 1 ? [index] : []));
  }
  const output = input.filter((_, index) => !drop.includes(index));
  setTensor(context, 0, elementType, output, reshaped(context.known(0), output));
};

const unsqueeze: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  const axes = intsFromAttributeOrInput(context, "axes", 1, 13);
  const values = integers(axes.values);
  if (!input || !values) return setTensor(context, 0, elementType, undefined);
  const rank = input.length + values.length;
  const inserted = normalizeAxes(values, rank);
  if (!inserted) return context.conflict("unsqueeze axes are out of range or repeated");
  const output: Dim[] = [];
  let next = 0;
  for (let axis = 0; axis < rank; axis++)
    output.push(inserted.includes(axis) ? 1 : (input[next++] ?? null));
  setTensor(context, 0, elementType, output, reshaped(context.known(0), output));
};

const transpose: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const perm = context.attributes.ints("perm") ?? input.map((_, index) => input.length - 1 - index);
  if (
    perm.length !== input.length ||
    !normalizeAxes(perm, input.length) ||
    perm.some((axis) => axis < 0)
  )
    return context.conflict(`perm [${perm.join(", ")}] does not fit rank ${input.length}`);
  const known = input.length === 1 ? context.known(0) : undefined;
  setTensor(
    context,
    0,
    elementType,
    perm.map((axis) => input[axis] ?? null),
    known,
  );
};

const expand: ShapeRule = (context) => {
  const elementType = context.elementType(0);
  let target = shapeFromKnown(context.known(1));
  if (!target) {
    const length = vectorLength(context, 1);
    if (length === undefined) return setTensor(context, 0, elementType, undefined);
    target = new Array(length).fill(null);
  }
  const output = broadcastShapes([context.shape(0), target]);
  if (output instanceof BroadcastError) return context.conflict(`cannot expand: ${output.message}`);
  setTensor(context, 0, elementType, output);
};

const tile: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const repeats = integers(numbersOf(context.known(1)));
  if (repeats && repeats.length !== input.length)
    return context.conflict(`${repeats.length} repeats for rank ${input.length}`);
  const output = input.map((dim, index) => {
    const times = repeats?.[index];
    if (times === undefined) return null;
    if (times === 1) return dim;
    return typeof dim === "number" ? dim * times : null;
  });
  setTensor(context, 0, elementType, output);
};

function blockRearrange(toDepth: boolean): ShapeRule {
  return (context) => {
    const input = context.shape(0);
    const elementType = context.elementType(0);
    const block = context.attributes.int("blocksize");
    if (input?.length !== 4 || !block || block <= 0)
      return setTensor(context, 0, elementType, input ? [null, null, null, null] : undefined);
    const [n, c, h, w] = input;
    const grow = (dim: Dim | undefined, by: number) => (typeof dim === "number" ? dim * by : null);
    const shrink = (dim: Dim | undefined, by: number) =>
      typeof dim === "number" && dim % by === 0 ? dim / by : null;
    const square = block * block;
    const output = toDepth
      ? [n ?? null, grow(c, square), shrink(h, block), shrink(w, block)]
      : [n ?? null, shrink(c, square), grow(h, block), grow(w, block)];
    setTensor(context, 0, elementType, output);
  };
}

/** Ops that rearrange a tensor's shape without computing. */
export const reshapeRules: RuleTable = {
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  SpaceToDepth: blockRearrange(true),
  DepthToSpace: blockRearrange(false),
};
