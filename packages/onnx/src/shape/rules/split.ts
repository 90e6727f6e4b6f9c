import { isSize } from "../dims.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { integers, intsFromAttributeOrInput, setTensor } from "./helpers.js";

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

/** Split along one axis: by sizes, evenly, or by num_outputs (opset 18). */
export const splitRules: RuleTable = {
  Split: split,
};
