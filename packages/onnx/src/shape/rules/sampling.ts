import { isSize } from "../dims.js";
import type { RuleTable } from "../rule-context.js";
import { elementTypes, setTensor, shapeFromKnown } from "./helpers.js";

/** Sampling, detection and data-dependent ops whose output sizes come from attributes or other inputs' shapes. */
export const samplingRules: RuleTable = {
  NonMaxSuppression: (context) => setTensor(context, 0, elementTypes.int64, [null, 3]),
  RoiAlign: (context) => {
    const input = context.shape(0);
    const rois = context.shape(1)?.[0] ?? null;
    const height = context.attributes.int("output_height") ?? 1;
    const width = context.attributes.int("output_width") ?? 1;
    setTensor(context, 0, context.elementType(0), [rois, input?.[1] ?? null, height, width]);
  },
  MaxRoiPool: (context) => {
    const pooled = context.attributes.ints("pooled_shape");
    const input = context.shape(0);
    if (pooled?.length !== 2) return;
    setTensor(context, 0, context.elementType(0), [
      context.shape(1)?.[0] ?? null,
      input?.[1] ?? null,
      ...pooled,
    ]);
  },
  GridSample: (context) => {
    const input = context.shape(0);
    const grid = context.shape(1);
    if (!input || !grid || grid.length !== input.length) {
      return setTensor(
        context,
        0,
        context.elementType(0),
        input?.map(() => null),
      );
    }
    setTensor(context, 0, context.elementType(0), [
      input[0] ?? grid[0] ?? null,
      input[1] ?? null,
      ...grid.slice(1, -1),
    ]);
  },
  MaxUnpool: (context) => {
    const input = context.shape(0);
    const elementType = context.elementType(0);
    const given = context.hasInput(2) ? shapeFromKnown(context.known(2)) : undefined;
    if (given) return setTensor(context, 0, elementType, given);
    if (!input || input.length < 3 || context.hasInput(2))
      return setTensor(
        context,
        0,
        elementType,
        input?.map(() => null),
      );
    const spatial = input.length - 2;
    const kernel = context.attributes.ints("kernel_shape");
    const strides = context.attributes.ints("strides") ?? new Array(spatial).fill(1);
    const pads = context.attributes.ints("pads") ?? new Array(2 * spatial).fill(0);
    if (
      !kernel ||
      kernel.length !== spatial ||
      strides.length !== spatial ||
      pads.length !== 2 * spatial
    )
      return;
    const dims = input
      .slice(2)
      .map((dim, axis) =>
        isSize(dim)
          ? (dim - 1) * strides[axis]! + kernel[axis]! - pads[axis]! - pads[axis + spatial]!
          : null,
      );
    setTensor(context, 0, elementType, [input[0] ?? null, input[1] ?? null, ...dims]);
  },
  Unique: (context) => {
    const input = context.shape(0);
    const axis = context.attributes.int("axis");
    const elementType = context.elementType(0);
    if (axis === undefined || !input)
      setTensor(context, 0, elementType, axis === undefined ? [null] : undefined);
    else {
      const at = axis < 0 ? axis + input.length : axis;
      if (at < 0 || at >= input.length)
        return context.conflict(`unique axis ${axis} is out of range`);
      setTensor(
        context,
        0,
        elementType,
        input.map((dim, index) => (index === at ? null : dim)),
      );
    }
    for (let index = 1; index < 4; index++) setTensor(context, index, elementTypes.int64, [null]);
  },
};
