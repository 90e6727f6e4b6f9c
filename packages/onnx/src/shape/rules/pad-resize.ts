import { isSize } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import { integers, normalizeAxes, setTensor } from "./helpers.js";

const pad: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const rank = input.length;
  const pads =
    context.opset < 11
      ? (context.attributes.ints("pads") ?? context.attributes.ints("paddings"))
      : integers(numbersOf(context.known(1)));
  let axes = input.map((_, axis) => axis);
  if (context.opset >= 18 && context.hasInput(3)) {
    const given = integers(numbersOf(context.known(3)));
    const normalized = given ? normalizeAxes(given, rank) : undefined;
    if (!normalized)
      return setTensor(
        context,
        0,
        elementType,
        input.map(() => null),
      );
    axes = normalized;
  }
  if (!pads)
    return setTensor(
      context,
      0,
      elementType,
      input.map((dim, axis) => (axes.includes(axis) ? null : dim)),
    );
  if (pads.length !== 2 * axes.length)
    return context.conflict(`${pads.length} pads for ${axes.length} axes`);
  const output = [...input];
  for (const [index, axis] of axes.entries()) {
    const added = pads[index]! + pads[index + axes.length]!;
    const dim = input[axis] ?? null;
    if (added === 0) continue;
    if (typeof dim !== "number") output[axis] = null;
    else if (dim + added < 0) return context.conflict(`padding makes axis ${axis} negative`);
    else output[axis] = dim + added;
  }
  setTensor(context, 0, elementType, output);
};

const centerCropPad: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const axes = normalizeAxes(
    context.attributes.ints("axes") ?? input.map((_, axis) => axis),
    input.length,
  );
  const sizes = integers(numbersOf(context.known(1)));
  if (!axes) return context.conflict("center crop axes are out of range or repeated");
  if (!sizes)
    return setTensor(
      context,
      0,
      elementType,
      input.map((dim, axis) => (axes.includes(axis) ? null : dim)),
    );
  if (sizes.length !== axes.length || !sizes.every(isSize))
    return context.conflict("center crop sizes do not fit its axes");
  const output = [...input];
  for (const [index, axis] of axes.entries()) output[axis] = sizes[index]!;
  setTensor(context, 0, elementType, output);
};

/** Resize and Upsample: output sizes from constant sizes, or floor(dim * scale) from constant scales. */
const resize: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const rank = input.length;
  const unknown = () =>
    setTensor(
      context,
      0,
      elementType,
      input.map(() => null),
    );
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  const isUpsample = context.node.opType === "Upsample";
  if (isUpsample || context.opset < 11) {
    scales = context.opset < 9 ? context.attributes.floats("scales") : numbersOf(context.known(1));
  } else {
    const scaleValues = context.hasInput(2) ? numbersOf(context.known(2)) : undefined;
    const sizeValues = context.hasInput(3) ? numbersOf(context.known(3)) : undefined;
    if (scaleValues && scaleValues.length > 0) scales = scaleValues;
    else if (sizeValues && sizeValues.length > 0) sizes = sizeValues;
  }
  let axes = input.map((_, axis) => axis);
  if (!isUpsample && context.opset >= 18 && context.attributes.has("axes")) {
    const normalized = normalizeAxes(context.attributes.ints("axes") ?? [], rank);
    if (!normalized) return unknown();
    axes = normalized;
  }
  const output = [...input];
  if (sizes) {
    const policy =
      context.opset >= 18
        ? (context.attributes.string("keep_aspect_ratio_policy") ?? "stretch")
        : "stretch";
    if (sizes.length !== axes.length || !sizes.every(isSize))
      return context.conflict("resize sizes do not fit the input rank");
    for (const [index, axis] of axes.entries())
      output[axis] = policy === "stretch" ? sizes[index]! : null;
    return setTensor(context, 0, elementType, output);
  }
  if (!scales) return unknown();
  // A crop-and-resize output also depends on the region of interest: not modelled.
  if (context.attributes.string("coordinate_transformation_mode") === "tf_crop_and_resize")
    return unknown();
  if (scales.length !== axes.length || scales.some((scale) => !(scale > 0)))
    return context.conflict("resize scales do not fit the input rank");
  for (const [index, axis] of axes.entries()) {
    const dim = input[axis] ?? null;
    const scale = scales[index]!;
    if (scale === 1) continue;
    output[axis] = typeof dim === "number" ? Math.floor(dim * scale) : null;
  }
  setTensor(context, 0, elementType, output);
};

/** Ops that grow or shrink axes by constant amounts: Pad, CenterCropPad, Resize, Upsample. */
export const padResizeRules: RuleTable = {
  Pad: pad,
  CenterCropPad: centerCropPad,
  Resize: resize,
  Upsample: resize,
};
