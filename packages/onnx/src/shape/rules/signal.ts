import { isSize } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleTable } from "../rule-context.js";
import type { Dim } from "../types.js";
import { elementTypes, setTensor } from "./helpers.js";

/** A scalar input's value when known and a size. */
function sizeInput(values: number[] | undefined): number | null {
  const value = values?.[0];
  return value !== undefined && isSize(value) ? value : null;
}

/** DFT and STFT (their last axis holds real and imaginary parts), windows and the mel filter matrix. */
export const signalRules: RuleTable = {
  ...windowRules(),
  DFT: (context) => {
    const input = context.shape(0);
    const elementType = context.elementType(0);
    if (!input || input.length < 2) return setTensor(context, 0, elementType, undefined);
    const raw =
      context.opset >= 20
        ? context.hasInput(2)
          ? numbersOf(context.known(2))?.[0]
          : -2
        : (context.attributes.int("axis") ?? 1);
    const output: Dim[] = [...input.slice(0, -1), 2];
    if (raw === undefined)
      return setTensor(
        context,
        0,
        elementType,
        output.map((_dim, at) => (at === output.length - 1 ? 2 : null)),
      );
    const axis = raw < 0 ? raw + input.length : raw;
    if (axis < 0 || axis >= input.length - 1)
      return context.conflict(`DFT axis ${raw} is out of range`);
    const length = context.hasInput(1)
      ? sizeInput(numbersOf(context.known(1)))
      : (input[axis] ?? null);
    const onesided = context.attributes.int("onesided") === 1;
    output[axis] = onesided
      ? typeof length === "number"
        ? Math.floor(length / 2) + 1
        : null
      : length;
    setTensor(context, 0, elementType, output);
  },
  STFT: (context) => {
    const signal = context.shape(0);
    const elementType = context.elementType(0);
    const step = sizeInput(numbersOf(context.known(1)));
    const windowLength = context.shape(2)?.[0];
    const frameLength = context.hasInput(3)
      ? sizeInput(numbersOf(context.known(3)))
      : isSize(windowLength)
        ? windowLength
        : null;
    const length = signal?.[1];
    const frames =
      isSize(length) && step && frameLength !== null && length >= frameLength
        ? Math.floor((length - frameLength) / step) + 1
        : null;
    const onesided = (context.attributes.int("onesided") ?? 1) === 1;
    const bins =
      frameLength === null ? null : onesided ? Math.floor(frameLength / 2) + 1 : frameLength;
    setTensor(context, 0, elementType, [signal?.[0] ?? null, frames, bins, 2]);
  },
  MelWeightMatrix: (context) => {
    const bins = sizeInput(numbersOf(context.known(0)));
    const length = sizeInput(numbersOf(context.known(1)));
    const elementType = context.attributes.int("output_datatype") ?? elementTypes.float;
    setTensor(context, 0, elementType, [length === null ? null : Math.floor(length / 2) + 1, bins]);
  },
};

function windowRules(): RuleTable {
  const window: RuleTable[string] = (context) => {
    const size = numbersOf(context.known(0))?.[0];
    const elementType = context.attributes.int("output_datatype") ?? elementTypes.float;
    setTensor(context, 0, elementType, [size !== undefined && isSize(size) ? size : null]);
  };
  return { HannWindow: window, HammingWindow: window, BlackmanWindow: window };
}
