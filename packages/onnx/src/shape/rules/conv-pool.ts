import { isSize } from "../dims.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { elementTypes, setTensor } from "./helpers.js";

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[] | undefined;
  autoPad: string;
}

/** Kernel, strides, dilations, pads and auto_pad of a convolution or pooling node over `spatial` axes. */
function windowOf(
  context: RuleContext,
  spatial: number,
  kernel: number[] | undefined,
): Window | undefined {
  const read = context.attributes;
  if (!kernel || kernel.length !== spatial || !kernel.every((k) => isSize(k) && k > 0))
    return undefined;
  const strides = read.ints("strides") ?? new Array(spatial).fill(1);
  const dilations = read.ints("dilations") ?? new Array(spatial).fill(1);
  const pads = read.ints("pads");
  const autoPad = read.string("auto_pad") ?? "NOTSET";
  if (strides.length !== spatial || dilations.length !== spatial) return undefined;
  if (strides.some((s) => s <= 0) || dilations.some((d) => d <= 0)) return undefined;
  if (pads && pads.length !== 2 * spatial) return undefined;
  return { kernel, strides, dilations, pads, autoPad };
}

/** Output size of one spatial axis of a convolution or pooling window. */
function windowDim(input: Dim, axis: number, window: Window, ceil: boolean): Dim {
  if (!isSize(input)) return null;
  const stride = window.strides[axis]!;
  const extent = (window.kernel[axis]! - 1) * window.dilations[axis]! + 1;
  if (window.autoPad === "SAME_UPPER" || window.autoPad === "SAME_LOWER")
    return Math.ceil(input / stride);
  const spatial = window.kernel.length;
  const padded =
    window.autoPad === "VALID"
      ? input
      : input + (window.pads?.[axis] ?? 0) + (window.pads?.[axis + spatial] ?? 0);
  if (padded < extent) return null;
  const steps = (padded - extent) / stride;
  let size = (ceil ? Math.ceil(steps) : Math.floor(steps)) + 1;
  // With ceil_mode the last window must start inside the input or left padding (onnxruntime's rule).
  if (
    ceil &&
    window.autoPad !== "VALID" &&
    (size - 1) * stride >= input + (window.pads?.[axis] ?? 0)
  )
    size--;
  return size;
}

const conv: ShapeRule = (context) => {
  const input = context.shape(0);
  const weights = context.shape(1);
  const elementType =
    context.node.opType === "ConvInteger" ? elementTypes.int32 : context.elementType(0);
  if (!input || input.length < 3)
    return setTensor(
      context,
      0,
      elementType,
      input?.map(() => null),
    );
  const spatial = input.length - 2;
  const channels = weights?.[0] ?? null;
  const kernel =
    context.attributes.ints("kernel_shape") ??
    weights?.slice(2).map((dim) => (isSize(dim) ? dim : -1));
  const window = windowOf(context, spatial, kernel);
  const dims = input
    .slice(2)
    .map((dim, axis) => (window ? windowDim(dim, axis, window, false) : null));
  setTensor(context, 0, elementType, [input[0] ?? null, channels, ...dims]);
};

const convTranspose: ShapeRule = (context) => {
  const input = context.shape(0);
  const weights = context.shape(1);
  const elementType = context.elementType(0);
  if (!input || input.length < 3)
    return setTensor(
      context,
      0,
      elementType,
      input?.map(() => null),
    );
  const spatial = input.length - 2;
  const read = context.attributes;
  const group = read.int("group") ?? 1;
  const perGroup = weights?.[1];
  const channels = isSize(perGroup) ? perGroup * group : null;
  const outputShape = read.ints("output_shape");
  if (outputShape) {
    const dims = outputShape.length === spatial ? outputShape : outputShape.slice(2);
    if (dims.length !== spatial || !dims.every(isSize))
      return context.conflict("output_shape does not fit the input rank");
    return setTensor(context, 0, elementType, [input[0] ?? null, channels, ...dims]);
  }
  const kernel =
    read.ints("kernel_shape") ?? weights?.slice(2).map((dim) => (isSize(dim) ? dim : -1));
  const window = windowOf(context, spatial, kernel);
  const outputPadding = read.ints("output_padding") ?? new Array(spatial).fill(0);
  const dims = input.slice(2).map((dim, axis): Dim => {
    if (!window || !isSize(dim)) return null;
    const stride = window.strides[axis]!;
    if (window.autoPad === "SAME_UPPER" || window.autoPad === "SAME_LOWER") return dim * stride;
    const extent = (window.kernel[axis]! - 1) * window.dilations[axis]! + 1;
    const pads =
      window.autoPad === "VALID"
        ? 0
        : (window.pads?.[axis] ?? 0) + (window.pads?.[axis + spatial] ?? 0);
    const size = stride * (dim - 1) + (outputPadding[axis] ?? 0) + extent - pads;
    return size >= 0 ? size : null;
  });
  setTensor(context, 0, elementType, [input[0] ?? null, channels, ...dims]);
};

function pool(withIndices: boolean): ShapeRule {
  return (context) => {
    const input = context.shape(0);
    const elementType = context.elementType(0);
    if (!input || input.length < 3)
      return setTensor(
        context,
        0,
        elementType,
        input?.map(() => null),
      );
    const spatial = input.length - 2;
    const window = windowOf(context, spatial, context.attributes.ints("kernel_shape"));
    const ceil = context.opset >= 10 && context.attributes.int("ceil_mode") === 1;
    const dims = input
      .slice(2)
      .map((dim, axis) => (window ? windowDim(dim, axis, window, ceil) : null));
    const output = [input[0] ?? null, input[1] ?? null, ...dims];
    setTensor(context, 0, elementType, output);
    if (withIndices) setTensor(context, 1, elementTypes.int64, output);
  };
}

const globalPool: ShapeRule = (context) => {
  const input = context.shape(0);
  setTensor(
    context,
    0,
    context.elementType(0),
    input?.map((dim, axis) => (axis < 2 ? dim : 1)),
  );
};

/** Convolution and pooling ops. */
export const convPoolRules: RuleTable = {
  Conv: conv,
  ConvInteger: conv,
  QLinearConv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool(true),
  AveragePool: pool(false),
  LpPool: pool(false),
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
};
