import type { Model } from "../ir/model.js";
import { ShapeInference } from "./engine.js";
import type { ShapeInferenceOptions, ShapeInferenceSummary } from "./types.js";

/**
 * Infers element types and shapes of every value in `model` (subgraphs too)
 * from its inputs, initializers and op semantics, writes them where the
 * declared type says less, and returns what it found, conflicts included.
 */
export function inferShapes(
  model: Model,
  options: ShapeInferenceOptions = {},
): ShapeInferenceSummary {
  return new ShapeInference(model, options).run();
}
