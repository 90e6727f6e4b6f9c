import type { Model } from "@rectify/onnx";
import { RewriteError } from "../errors/rewrite-error.js";
import type { Feeds } from "./evaluator.js";
import { declaredInputs } from "./feeds.js";

/**
 * The error for an original model that failed on the verification inputs:
 * the model is the user's own and unchanged, so the inputs are at fault.
 * FEEDS_UNRUNNABLE names each input's shape, the model's dynamic dims and
 * how to choose others. Errors other than EVALUATOR_FAILED pass through.
 */
export function feedsUnrunnable(
  error: unknown,
  model: Model,
  feeds: Feeds,
  given: boolean,
): unknown {
  if (!(error instanceof RewriteError) || error.code !== "EVALUATOR_FAILED") return error;
  const shapes = Object.entries(feeds)
    .map(([name, tensor]) => `${name} [${tensor.dims.join(", ")}]`)
    .join(", ");
  const dynamic = declaredInputs(model)
    .filter((input) => input.shape?.some((dim) => typeof dim !== "number"))
    .map((input) => `${input.name} [${input.shape!.map((dim) => dim || "?").join(", ")}]`);
  const hint = given
    ? "check that the input files match the model"
    : `the model declares ${dynamic.length > 0 ? dynamic.join(", ") : "only static shapes"}; choose sizes with --dim NAME=N or --input-shape INPUT=D1,D2,…, or pass real inputs with --inputs`;
  return new RewriteError(
    "FEEDS_UNRUNNABLE",
    `the original model cannot run on the ${given ? "given" : "random"} inputs (${shapes}): ${hint}. ${error.message}`,
    { value: Object.keys(feeds)[0] },
    { cause: error },
  );
}
