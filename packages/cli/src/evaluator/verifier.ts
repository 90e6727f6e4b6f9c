import type { Evaluator } from "@rectify/rewrite";
import { createEvaluator } from "@rectify/runtime";

/**
 * The Evaluator the CLI verifies with: @rectify/runtime on `provider`
 * (cpu: onnxruntime-node; wasm: onnxruntime-web's WASM build in Node).
 */
export function createVerifier(provider = "cpu"): Evaluator {
  return createEvaluator({ provider });
}
