import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import {
  integers,
  intsFromAttributeOrInput,
  normalizeAxes,
  setTensor,
  vectorLength,
} from "./helpers.js";
import { reshaped } from "./reshape.js";

const squeeze: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  const axes = intsFromAttributeOrInput(context, "axes", 1, 13);
  if (!input) return setTensor(context, 0, elementType, undefined);
  if (axes.given && !axes.values) {
    // Axes computed at run time: how many is known from their shape, which ones is not.
    const count = vectorLength(context, 1);
    const rank =
      count !== undefined && count > 0 && count <= input.length ? input.length - count : undefined;
    return setTensor(
      context,
      0,
      elementType,
      rank === undefined ? undefined : new Array(rank).fill(null),
    );
  }
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
  if (!input) return setTensor(context, 0, elementType, undefined);
  if (!values) {
    const count = axes.given ? vectorLength(context, 1) : undefined;
    const rank = count === undefined ? undefined : input.length + count;
    return setTensor(
      context,
      0,
      elementType,
      rank === undefined ? undefined : new Array(rank).fill(null),
    );
  }
  const rank = input.length + values.length;
  const inserted = normalizeAxes(values, rank);
  if (!inserted) return context.conflict("unsqueeze axes are out of range or repeated");
  const output: Dim[] = [];
  let next = 0;
  for (let axis = 0; axis < rank; axis++)
    output.push(inserted.includes(axis) ? 1 : (input[next++] ?? null));
  setTensor(context, 0, elementType, output, reshaped(context.known(0), output));
};

/** Squeeze and Unsqueeze: axes from the attribute before opset 13, from the input after. */
export const squeezeRules: RuleTable = {
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
};
