import { encodeModel } from "@rectify/onnx";
import {
  compareOutputs,
  type Feeds,
  randomFeeds,
  runOnEvaluator,
  withinLimit,
} from "@rectify/rewrite";
import { createEvaluator } from "@rectify/runtime";
import { exitCodes } from "../io/cli-error.js";
import { loadModelFile } from "../io/load.js";
import { readInputFeeds } from "../io/read-inputs.js";
import { formatNumber, formatTable } from "../output/table.js";

/** Options of `rectify verify`. */
export interface VerifyOptions {
  /** Runtime provider that runs both models (cpu: onnxruntime-node, wasm: onnxruntime-web). */
  readonly provider?: string;
  readonly inputs?: string[];
  readonly maxOutputError?: number;
  readonly seed?: number;
  readonly json?: boolean;
}

/** `rectify verify <a> <b>`: run both models on the same inputs and compare every output. */
export async function verifyCommand(
  first: string,
  second: string,
  options: VerifyOptions,
): Promise<{ output: string; code: number }> {
  const a = await loadModelFile(first);
  const b = await loadModelFile(second);
  const feeds: Feeds = options.inputs?.length
    ? await readInputFeeds(a, options.inputs)
    : randomFeeds(a, { seed: options.seed ?? 1 });
  const evaluator = createEvaluator({ provider: options.provider ?? "cpu" });
  const comparison = compareOutputs(
    await runOnEvaluator(evaluator, encodeModel(a), feeds, first),
    await runOnEvaluator(evaluator, encodeModel(b), feeds, second),
  );
  const limit = options.maxOutputError;
  const passed = withinLimit(comparison, limit);
  const code = passed ? exitCodes.ok : exitCodes.budgetNotMet;
  const inputs = options.inputs?.length
    ? options.inputs.join(", ")
    : `random (seed ${options.seed ?? 1})`;
  if (options.json) {
    return {
      output: JSON.stringify(
        {
          a: first,
          b: second,
          evaluator: evaluator.name,
          inputs,
          maxOutputError: limit ?? null,
          passed,
          comparison,
        },
        null,
        2,
      ),
      code,
    };
  }
  const rows = comparison.outputs.map((output) => [
    output.name,
    output.dims.join("×"),
    formatNumber(output.maxAbsError),
    formatNumber(output.maxRelativeError),
    output.cosineSimilarity === null ? "—" : output.cosineSimilarity.toFixed(6),
    output.top1Agreement === null ? "—" : `${(output.top1Agreement * 100).toFixed(1)}%`,
  ]);
  const verdict =
    limit === undefined
      ? ""
      : `\nlimit max |error| ${formatNumber(limit)}: ${passed ? "met" : "NOT MET"}`;
  return {
    output: `${first} vs ${second} on ${evaluator.name}, inputs ${inputs}\n\n${formatTable(["output", "shape", "max |error|", "max rel", "cosine", "top-1 agree"], rows)}${verdict}`,
    code,
  };
}
