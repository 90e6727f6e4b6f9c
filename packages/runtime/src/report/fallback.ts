import type { Model } from "@rectify/onnx";
import { builtinTarget, type UnsupportedOp, unsupportedOps } from "@rectify/rewrite/light";
import type { ExecutionProvider } from "../providers/provider.js";
import { type PlacedFallback, type Placement, placedFallback } from "./placement.js";

/** Which nodes a provider would not run natively (they fall back to the CPU), by op. */
export interface FallbackReport {
  readonly provider: string;
  readonly target: string;
  /** Ops of the model as given that the provider lacks, with counts and node names. */
  readonly before: readonly UnsupportedOp[];
  /** The same after rewrite-on-load (absent when nothing was rewritten). */
  readonly after?: readonly UnsupportedOp[];
  /** Nodes the profile predicts fall back, after rewriting when there was one. */
  readonly fallbackNodes: number;
  /**
   * What onnxruntime really did, read from its session log (the browser GPU
   * providers): compute nodes on the CPU (the number that matters), shape
   * nodes it keeps on the CPU on purpose, and the copies between providers.
   */
  readonly placed?: PlacedFallback;
}

/**
 * The fallback report of a model on a provider, from the provider's target profile; `rewritten` adds the after-rewrite side.
 * Each provider names its own profile (cpu → ort-cpu, wasm → ort-wasm, webgpu → ort-webgpu, webgpu-jsep →
 * ort-webgpu-jsep), probed on the real engine with CPU fallback disabled, so the report says what onnxruntime
 * would place on the CPU, not what another provider lacks. Nodes onnxruntime folds into constants when it
 * loads the model (a ConstantOfShape of a static shape) run nowhere and are not counted.
 */
export function fallbackReport(
  model: Model,
  provider: Pick<ExecutionProvider, "name" | "target">,
  rewritten?: Model,
  placement?: Placement,
): FallbackReport {
  const target = builtinTarget(provider.target);
  const before = unsupportedOps(model, target);
  const after = rewritten ? unsupportedOps(rewritten, target) : undefined;
  const final = after ?? before;
  return {
    provider: provider.name,
    target: target.name,
    before,
    ...(after ? { after } : {}),
    fallbackNodes: final.reduce((total, op) => total + op.count, 0),
    ...(placement ? { placed: placedFallback(placement) } : {}),
  };
}
