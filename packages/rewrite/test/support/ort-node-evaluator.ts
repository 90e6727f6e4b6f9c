// An Evaluator over onnxruntime-node for this package's tests. The product's
// evaluators live in @rectify/runtime; this one exists so tests here can run
// the real runtime without depending on that package (which depends on us).
import { float32ToFloat16Bits } from "@rectify/onnx";
import * as ort from "onnxruntime-node";
import { RewriteError } from "../../src/errors/rewrite-error.js";
import type { Evaluator, FeedData, Feeds, FeedTensor } from "../../src/verify/evaluator.js";
import { checkFeedTensor, isFeedType } from "../../src/verify/feeds.js";

/** Options of createOrtNodeEvaluator. */
export interface OrtNodeEvaluatorOptions {
  /** Merged over the defaults: one intra-op and one inter-op thread (the test machines share two cores), errors-only logging. */
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
}

/** An Evaluator that runs each model in a fresh onnxruntime-node CPU session and releases it afterwards. */
export function createOrtNodeEvaluator(options: OrtNodeEvaluatorOptions = {}): Evaluator {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ["cpu"],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    ...options.sessionOptions,
  };
  const name = `onnxruntime-node ${ort.env.versions.node ?? "?"} (cpu)`;
  return {
    name,
    async run(model: Uint8Array, feeds: Feeds): Promise<Record<string, FeedTensor>> {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [input, tensor] of Object.entries(feeds)) {
        checkFeedTensor(input, tensor);
        ortFeeds[input] = toOrtTensor(tensor);
      }
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, sessionOptions);
      } catch (cause) {
        throw failure(`${name} could not load the model`, cause);
      }
      try {
        const results = await session.run(ortFeeds);
        const outputs: Record<string, FeedTensor> = {};
        for (const output of session.outputNames) {
          const tensor = results[output];
          if (!tensor) throw failure(`${name} returned no value for output "${output}"`);
          outputs[output] = fromOrtTensor(output, tensor);
        }
        return outputs;
      } catch (cause) {
        if (cause instanceof RewriteError) throw cause;
        throw failure(`${name} could not run the model`, cause);
      } finally {
        await session.release();
      }
    },
  };
}

function failure(message: string, cause?: unknown): RewriteError {
  const detail =
    cause === undefined ? "" : `: ${cause instanceof Error ? cause.message : String(cause)}`;
  return new RewriteError("EVALUATOR_FAILED", `${message}${detail}`, {}, { cause });
}

/** A FeedTensor as an ort.Tensor (same element layout: float16 as bits, bool as 0/1 bytes). */
export function toOrtTensor(tensor: FeedTensor): ort.Tensor {
  return new ort.Tensor(
    tensor.type,
    tensor.data as ort.Tensor.DataTypeMap[typeof tensor.type],
    tensor.dims,
  );
}

/** An ort.Tensor as a FeedTensor holding a copy of its data; throws EVALUATOR_FAILED for types feeds cannot carry. */
export function fromOrtTensor(name: string, tensor: ort.Tensor): FeedTensor {
  if (!isFeedType(tensor.type) || typeof tensor.data === "string" || Array.isArray(tensor.data)) {
    throw failure(
      `output "${name}" has type ${tensor.type}, which rectify cannot compare (supported: numeric and bool tensors)`,
    );
  }
  const dims = [...tensor.dims];
  // Where the JS engine has Float16Array (Node 24+), ort may hand float16 back as one; feeds carry bits.
  if (tensor.type === "float16" && !(tensor.data instanceof Uint16Array)) {
    return {
      type: "float16",
      dims,
      data: Uint16Array.from(tensor.data as ArrayLike<number>, float32ToFloat16Bits),
    };
  }
  // Copied so the result does not alias memory onnxruntime may reuse.
  const data = (tensor.data as FeedData).slice() as FeedData;
  return { type: tensor.type, dims, data };
}
