import type { RuleTable, ShapeRule } from "../rule-context.js";
import { setTensor } from "./helpers.js";

/** A loss is per element with reduction "none", else a scalar; the per-element shape is the target's. */
function loss(withLogProbabilities: boolean): ShapeRule {
  return (context) => {
    const elementType = context.elementType(0);
    const reduction = context.attributes.string("reduction") ?? "mean";
    const scores = context.shape(0);
    const perElement =
      scores && scores.length >= 2 ? [scores[0]!, ...scores.slice(2)] : context.shape(1);
    setTensor(context, 0, elementType, reduction === "none" ? perElement : []);
    if (withLogProbabilities) setTensor(context, 1, elementType, scores);
  };
}

/** Loss functions. */
export const lossRules: RuleTable = {
  NegativeLogLikelihoodLoss: loss(false),
  SoftmaxCrossEntropyLoss: loss(true),
};
