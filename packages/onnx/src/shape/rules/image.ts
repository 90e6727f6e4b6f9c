import { dimProduct, isSize } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleTable } from "../rule-context.js";
import type { Dim } from "../types.js";
import { integers, setTensor } from "./helpers.js";

/** Image-layout ops of opsets 18–20 whose sizes come from constant inputs or other inputs' shapes. */
export const imageRules: RuleTable = {
  AffineGrid: (context) => {
    const size = integers(numbersOf(context.known(1)));
    const elementType = context.elementType(0);
    if (!size || (size.length !== 4 && size.length !== 5) || !size.every(isSize)) {
      const length = context.shape(1)?.[0];
      return setTensor(
        context,
        0,
        elementType,
        length === 4
          ? [null, null, null, 2]
          : length === 5
            ? [null, null, null, null, 3]
            : undefined,
      );
    }
    // size is [N, C, H, W] (2-D) or [N, C, D, H, W] (3-D); the grid drops C and adds the coordinates.
    setTensor(context, 0, elementType, [size[0]!, ...size.slice(2), size.length - 2]);
  },
  Col2Im: (context) => {
    const input = context.shape(0);
    const image = integers(numbersOf(context.known(1)));
    const block = integers(numbersOf(context.known(2)));
    const elementType = context.elementType(0);
    if (input?.length !== 3) return setTensor(context, 0, elementType, undefined);
    const area = block ? dimProduct(block) : null;
    const columns = input[1];
    const channels: Dim =
      area && typeof columns === "number" && columns % area === 0 ? columns / area : null;
    const spatial = image?.every(isSize)
      ? image
      : context.shape(1)?.[0] === 2
        ? [null, null]
        : undefined;
    if (!spatial) return setTensor(context, 0, elementType, undefined);
    setTensor(context, 0, elementType, [input[0] ?? null, channels, ...spatial]);
  },
  DeformConv: (context) => {
    const input = context.shape(0);
    const weights = context.shape(1);
    const offsets = context.shape(2);
    const elementType = context.elementType(0);
    if (!input) return setTensor(context, 0, elementType, undefined);
    // The offsets carry one (dy, dx) per output position, so their spatial dims are the output's.
    const spatial =
      offsets && offsets.length === input.length
        ? offsets.slice(2)
        : input.slice(2).map(() => null);
    setTensor(context, 0, elementType, [input[0] ?? null, weights?.[0] ?? null, ...spatial]);
  },
  ImageDecoder: (context) => {
    const format = context.attributes.string("pixel_format") ?? "RGB";
    setTensor(context, 0, 2, [null, null, format === "Grayscale" ? 1 : 3]);
  },
};
