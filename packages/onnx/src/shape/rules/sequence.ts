import type { RuleTable } from "../rule-context.js";
import { fromTypeProto, joinTypes, tensorOf } from "../type-proto.js";
import type { ValueType } from "../types.js";
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
    const element = joinTypes(elementOf(context.input(0)), context.input(1));
    context.setOutput(0, { kind: "sequence", element });
  },
  SequenceErase: (context) => context.setOutput(0, context.input(0)),
  SequenceAt: (context) => context.setOutput(0, elementOf(context.input(0))),
  SequenceLength: (context) => setTensor(context, 0, elementTypes.int64, []),
  SplitToSequence: (context) => {
    const type = context.tensor(0);
    if (type)
      context.setOutput(0, { kind: "sequence", element: tensorOf(type.elementType, undefined) });
  },
  ConcatFromSequence: (context) => {
    const element = elementOf(context.input(0));
    if (element?.kind !== "tensor") return;
    const newAxis = context.attributes.int("new_axis") === 1;
    const rank = element.shape ? element.shape.length + (newAxis ? 1 : 0) : undefined;
    setTensor(
      context,
      0,
      element.elementType,
      rank === undefined ? undefined : new Array(rank).fill(null),
    );
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
