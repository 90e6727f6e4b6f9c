import { isSize } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { integers, intsFromAttributeOrInput, normalizeAxes, setTensor } from "./helpers.js";

const split: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  const outputs = context.outputCount;
  const setAll = (dimAt: (index: number) => Dim, axis: number) => {
    for (let index = 0; index < outputs; index++) {
      setTensor(
        context,
        index,
        elementType,
        input?.map((dim, at) => (at === axis ? dimAt(index) : dim)),
      );
    }
  };
  if (!input) return setAll(() => null, -1);
  const raw = context.attributes.int("axis") ?? 0;
  const axis = raw < 0 ? raw + input.length : raw;
  if (axis < 0 || axis >= input.length)
    return context.conflict(`split axis ${raw} is out of range`);
  const dim = input[axis] ?? null;
  const sizes = intsFromAttributeOrInput(context, "split", 1, 13);
  if (sizes.given) {
    const parts = integers(sizes.values);
    if (!parts) return setAll(() => null, axis);
    if (parts.length !== outputs || parts.some((part) => !isSize(part)))
      return context.conflict(`split sizes [${parts.join(", ")}] do not match ${outputs} outputs`);
    const total = parts.reduce((sum, part) => sum + part, 0);
    if (typeof dim === "number" && total !== dim)
      return context.conflict(`split sizes add up to ${total}, the axis has ${dim}`);
    return setAll((index) => parts[index]!, axis);
  }
  if (typeof dim !== "number") return setAll(() => null, axis);
  const pieces = context.opset >= 18 ? (context.attributes.int("num_outputs") ?? outputs) : outputs;
  if (pieces <= 0) return context.conflict("split into zero outputs");
  if (context.opset >= 18 && context.attributes.has("num_outputs")) {
    // From opset 18 an uneven split gives ceil(dim / n) to every output but the last.
    const chunk = Math.ceil(dim / pieces);
    return setAll((index) => (index < pieces - 1 ? chunk : dim - chunk * (pieces - 1)), axis);
  }
  if (dim % pieces !== 0)
    return context.conflict(`axis of size ${dim} does not split evenly into ${pieces}`);
  setAll(() => dim / pieces, axis);
};

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

const oneHot: ShapeRule = (context) => {
  const indices = context.shape(0);
  const elementType = context.elementType(2);
  if (!indices) return setTensor(context, 0, elementType, undefined);
  const depthValue = numbersOf(context.known(1))?.[0];
  const depth =
    depthValue !== undefined && Number.isFinite(depthValue) && depthValue >= 0
      ? Math.floor(depthValue)
      : null;
  const rank = indices.length + 1;
  const raw = context.attributes.int("axis") ?? -1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) return context.conflict(`one-hot axis ${raw} is out of range`);
  setTensor(context, 0, elementType, [...indices.slice(0, axis), depth, ...indices.slice(axis)]);
};

const gatherND: ShapeRule = (context) => {
  const data = context.shape(0);
  const indices = context.shape(1);
  const elementType = context.elementType(0);
  if (!data || !indices || indices.length === 0)
    return setTensor(context, 0, elementType, undefined);
  const batch = context.attributes.int("batch_dims") ?? 0;
  const last = indices[indices.length - 1];
  if (!isSize(last)) return setTensor(context, 0, elementType, undefined);
  if (batch + last > data.length)
    return context.conflict("gather_nd indices are deeper than the data");
  setTensor(context, 0, elementType, [...indices.slice(0, -1), ...data.slice(batch + last)]);
};

const compress: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  const raw = context.attributes.int("axis");
  if (raw === undefined) return setTensor(context, 0, elementType, [null]);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const axis = raw < 0 ? raw + input.length : raw;
  if (axis < 0 || axis >= input.length)
    return context.conflict(`compress axis ${raw} is out of range`);
  setTensor(
    context,
    0,
    elementType,
    input.map((dim, at) => (at === axis ? null : dim)),
  );
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

/** Split, Pad, Resize and other ops that change sizes along axes. */
export const splitPadRules: RuleTable = {
  Split: split,
  Pad: pad,
  Resize: resize,
  Upsample: resize,
  OneHot: oneHot,
  GatherND: gatherND,
  Compress: compress,
  CenterCropPad: centerCropPad,
};
