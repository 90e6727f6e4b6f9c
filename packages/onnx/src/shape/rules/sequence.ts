import { numbersOf } from "../known-values.js";
import type { RuleTable } from "../rule-context.js";
import { fromTypeProto, joinTypes, tensorOf } from "../type-proto.js";
import type { Dim, ValueType } from "../types.js";
import { elementTypes, setTensor } from "./helpers.js";

function elementOf(type: ValueType | undefined): ValueType | undefined {
  return type?.kind === "sequence" || type?.kind === "optional" ? type.element : undefined;
}

/** Sequence and optional ops: element types flow, shapes where every element agrees. */
export const sequenceRules: RuleTable = {
  SequenceEmpty: (context) => {
    const dtype = context.attributes.int("dtype") ?? elementTypes.float;
    context.setOutput(0, { kind: "sequence", element: tensorOf(dtype, undefined) });
  },
  SequenceConstruct: (context) => {
    let element = context.input(0);
    for (let index = 1; index < context.inputCount; index++)
      element = joinTypes(element, context.input(index));
    context.setOutput(0, { kind: "sequence", element });
  },
  SequenceInsert: (context) => {
    // A sequence straight from SequenceEmpty has no elements yet: the inserted tensor alone sets the type.
    const fromEmpty = context.node.inputs[0]?.producer?.opType === "SequenceEmpty";
    const inserted = context.input(1);
    const element = fromEmpty ? inserted : joinTypes(elementOf(context.input(0)), inserted);
    context.setOutput(0, { kind: "sequence", element });
  },
  SequenceErase: (context) => context.setOutput(0, context.input(0)),
  SequenceAt: (context) => context.setOutput(0, elementOf(context.input(0))),
  SequenceLength: (context) => setTensor(context, 0, elementTypes.int64, []),
  SplitToSequence: (context) => {
    const type = context.tensor(0);
    if (!type) return;
    const shape = type.shape;
    const raw = context.attributes.int("axis") ?? 0;
    const axis = shape && raw < 0 ? raw + shape.length : raw;
    if (!shape || axis < 0 || axis >= shape.length) {
      return context.setOutput(0, {
        kind: "sequence",
        element: tensorOf(type.elementType, undefined),
      });
    }
    let piece: Dim = null;
    let keep = true;
    if (!context.hasInput(1)) {
      // Without split every element is one slice along the axis, kept as size 1 or dropped.
      piece = 1;
      keep = (context.attributes.int("keepdims") ?? 1) !== 0;
    } else {
      const sizes = numbersOf(context.known(1));
      const dim = shape[axis];
      if (sizes?.length === 1 && context.shape(1)?.length === 0 && typeof dim === "number") {
        piece = sizes[0]! > 0 && dim % sizes[0]! === 0 ? sizes[0]! : null;
      } else if (sizes && sizes.length > 0 && sizes.every((size) => size === sizes[0]))
        piece = sizes[0]!;
    }
    const elementShape = keep
      ? shape.map((dim, at) => (at === axis ? piece : dim))
      : shape.filter((_, at) => at !== axis);
    context.setOutput(0, { kind: "sequence", element: tensorOf(type.elementType, elementShape) });
  },
  ConcatFromSequence: (context) => {
    const element = elementOf(context.input(0));
    if (element?.kind !== "tensor") return;
    const newAxis = context.attributes.int("new_axis") === 1;
    const shape = element.shape;
    const raw = context.attributes.int("axis");
    if (!shape || raw === undefined) return setTensor(context, 0, element.elementType, undefined);
    const rank = shape.length + (newAxis ? 1 : 0);
    const axis = raw < 0 ? raw + rank : raw;
    if (axis < 0 || axis >= rank) return context.conflict(`concat axis ${raw} is out of range`);
    const output = newAxis
      ? [...shape.slice(0, axis), null, ...shape.slice(axis)]
      : shape.map((dim, at) => (at === axis ? null : dim));
    setTensor(context, 0, element.elementType, output);
  },
  SequenceMap: (context) => {
    const body = context.attributes.graph("body");
    if (!body) return;
    const inputs = Array.from({ length: context.inputCount }, (_, index) => {
      const type = context.input(index);
      return type?.kind === "sequence" ? type.element : type;
    });
    const outputs = context.inferSubgraph(body, inputs);
    for (const [index, element] of outputs.entries())
      context.setOutput(index, { kind: "sequence", element });
  },
  Optional: (context) => {
    const declared = context.node.attribute("type")?.proto.tp;
    const element = context.hasInput(0) ? context.input(0) : fromTypeProto(declared);
    context.setOutput(0, { kind: "optional", element });
  },
  OptionalGetElement: (context) => {
    const input = context.input(0);
    context.setOutput(0, input?.kind === "optional" ? input.element : input);
  },
  OptionalHasElement: (context) => setTensor(context, 0, elementTypes.bool, []),
};
