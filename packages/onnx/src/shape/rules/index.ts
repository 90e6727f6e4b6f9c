import type { RuleTable } from "../rule-context.js";
import { concatRules } from "./concat.js";
import { constantRules } from "./constants.js";
import { controlFlowRules } from "./control-flow.js";
import { convPoolRules } from "./conv-pool.js";
import { einsumRules } from "./einsum.js";
import { elementwiseRules } from "./elementwise.js";
import { gatherRules } from "./gather.js";
import { generatorRules } from "./generators.js";
import { imageRules } from "./image.js";
import { layoutRules } from "./layout.js";
import { lossRules } from "./losses.js";
import { matmulRules } from "./matmul.js";
import { normalizationRules } from "./normalization.js";
import { padResizeRules } from "./pad-resize.js";
import { quantizationRules } from "./quantization.js";
import { recurrentRules } from "./recurrent.js";
import { reductionRules } from "./reductions.js";
import { reshapeRules } from "./reshape.js";
import { samplingRules } from "./sampling.js";
import { sequenceRules } from "./sequence.js";
import { signalRules } from "./signal.js";
import { sliceRules } from "./slice.js";
import { splitRules } from "./split.js";
import { squeezeRules } from "./squeeze.js";
import { textRules } from "./text.js";
import { trainingRules } from "./training.js";

let table: RuleTable | undefined;

/**
 * Every op with an inference rule (default domain by op type, others as
 * `domain::op`); ops missing here leave their outputs unknown. Built on first
 * use: a bundle that decodes models but never infers shapes (the runtime's)
 * then drops the rules.
 */
export function shapeRules(): RuleTable {
  if (table) return table;
  const all: RuleTable = Object.assign(
    Object.create(null) as Record<string, never>,
    elementwiseRules,
    constantRules,
    generatorRules,
    reshapeRules,
    sliceRules,
    squeezeRules,
    layoutRules,
    splitRules,
    padResizeRules,
    gatherRules,
    concatRules,
    convPoolRules,
    matmulRules,
    reductionRules,
    recurrentRules,
    controlFlowRules,
    sequenceRules,
    lossRules,
    quantizationRules,
    samplingRules,
    normalizationRules,
    textRules,
    imageRules,
    einsumRules,
    signalRules,
    trainingRules,
  );
  table = all;
  return all;
}
