import type { RuleTable, ShapeRule } from "../rule-context.js";
import { elementTypes, sameAsInput, setTensor } from "./helpers.js";

/** Normalizations whose extra outputs (running statistics) have the channel shape. */
const batchNormalization: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  setTensor(context, 0, elementType, input);
  // spatial = 0 (opsets before 9) keeps statistics per position, whose shape is not modelled here.
  if (context.attributes.int("spatial") === 0) return;
  const channels = input?.[1] ?? context.shape(1)?.[0] ?? null;
  for (let index = 1; index < context.outputCount; index++) {
    setTensor(
      context,
      index,
      context.elementType(index === 1 || index === 3 ? 3 : 4) || elementType,
      [channels],
    );
  }
};

const layerNormalization: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  setTensor(context, 0, elementType, input);
  if (!input) return;
  const raw = context.attributes.int("axis") ?? -1;
  const axis = raw < 0 ? raw + input.length : raw;
  if (axis < 0 || axis >= input.length)
    return context.conflict(`layer normalization axis ${raw} is out of range`);
  const statistics = input.map((dim, at) => (at < axis ? dim : 1));
  // stash_type names the statistics' element type (a TensorProto data type, float by default).
  const statisticsType = context.attributes.int("stash_type") ?? elementTypes.float;
  setTensor(context, 1, statisticsType, statistics);
  setTensor(context, 2, statisticsType, statistics);
};

/** Normalization ops: the output is the input's type; statistics outputs are typed where defined. */
export const normalizationRules: RuleTable = {
  BatchNormalization: batchNormalization,
  InstanceNormalization: sameAsInput,
  GroupNormalization: sameAsInput,
  LayerNormalization: layerNormalization,
  RMSNormalization: sameAsInput,
};
