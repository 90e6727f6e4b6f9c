import type { RuleTable, ShapeRule } from "../rule-context.js";

/**
 * Optimizer steps of ai.onnx.preview.training: inputs are R, T, then groups
 * of n tensors (X, G, and the optimizer's state); each output group is the
 * update of one input group: X, then the states (G has no output).
 */
function optimizer(outputGroups: number): ShapeRule {
  return (context) => {
    const count = context.outputCount / outputGroups;
    if (!Number.isInteger(count) || context.inputCount !== 2 + count * (outputGroups + 1)) return;
    for (let group = 0; group < outputGroups; group++) {
      const inputGroup = group === 0 ? 0 : group + 1;
      for (let index = 0; index < count; index++) {
        context.setOutput(group * count + index, context.input(2 + inputGroup * count + index));
      }
    }
  };
}

/** Training operators (preview domain), keyed `domain::op`. */
export const trainingRules: RuleTable = {
  "ai.onnx.preview.training::Adagrad": optimizer(2),
  "ai.onnx.preview.training::Momentum": optimizer(2),
  "ai.onnx.preview.training::Adam": optimizer(3),
};
