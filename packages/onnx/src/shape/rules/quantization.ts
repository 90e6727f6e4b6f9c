import type { RuleTable } from "../rule-context.js";
import { elementTypes, setTensor } from "./helpers.js";

const uint8 = 2;

/** Quantize and dequantize ops keep the shape and change the element type. */
export const quantizationRules: RuleTable = {
  QuantizeLinear: (context) => {
    const declared = context.opset >= 21 ? context.attributes.int("output_dtype") : undefined;
    const zeroPoint = context.hasInput(2) ? context.elementType(2) : uint8;
    const elementType = declared || zeroPoint;
    setTensor(context, 0, elementType, context.shape(0));
  },
  DequantizeLinear: (context) => {
    // The output takes the scale's type from opset 19 (unless output_dtype says otherwise); before that it is float.
    const declared = context.opset >= 19 ? context.attributes.int("output_dtype") : undefined;
    const elementType =
      declared || (context.opset >= 19 ? context.elementType(1) : elementTypes.float);
    setTensor(context, 0, elementType, context.shape(0));
  },
  DynamicQuantizeLinear: (context) => {
    setTensor(context, 0, uint8, context.shape(0));
    setTensor(context, 1, elementTypes.float, []);
    setTensor(context, 2, uint8, []);
  },
};
