import { type Model, tensorType, tensorTypeInfo } from "@rectify/onnx";
import { type RandomFeedsOptions, randomFeedDims } from "../verify/random-feeds.js";
import { findTypedSites } from "./plan-model.js";

/**
 * Each site's element count when the model's inputs have the sizes random
 * feeds would give them (`dynamicDims`, `inputShapes`; a dim named like
 * `batch` is 1, other dynamic dims 16): what planning prices per-node
 * overhead with when nothing runs the model. `model` is a copy: its input
 * declarations are made concrete.
 */
export function siteSizes(model: Model, options: RandomFeedsOptions = {}): Map<string, number> {
  const sizes = new Map<string, number>();
  let dims: Record<string, number[]>;
  try {
    dims = randomFeedDims(model, options);
  } catch {
    return sizes; // Inputs random feeds cannot size: planning goes without sizes.
  }
  for (const input of model.graph.inputs) {
    const concrete = dims[input.name];
    const info = tensorTypeInfo(input.type);
    if (concrete && info) input.type = tensorType(info.elementType, concrete);
  }
  for (const site of findTypedSites(model).sites)
    if (site.inferred?.elements !== undefined) sizes.set(site.id, site.inferred.elements);
  return sizes;
}
