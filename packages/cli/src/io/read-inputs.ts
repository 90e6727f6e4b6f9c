import type { Model } from "@rectify/onnx";
import type { Feeds } from "@rectify/rewrite";
import { readFeeds } from "@rectify/rewrite/node";

/** Reads verification inputs for a model's graph inputs from .npy/.pb/.json files or a test_data_set directory. */
export function readInputFeeds(model: Model, paths: readonly string[]): Promise<Feeds> {
  return readFeeds(model, paths);
}
