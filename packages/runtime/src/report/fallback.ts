import type { Model } from "@rectify/onnx";
import {
  builtinTarget,
  graphScopes,
  type TargetProfile,
  type UnsupportedOp,
} from "@rectify/rewrite";
import type { ExecutionProvider } from "../providers/provider.js";
import { foldedNodes } from "./folded-nodes.js";

/** Which nodes a provider would not run natively (they fall back to the CPU), by op. */
export interface FallbackReport {
  readonly provider: string;
  readonly target: string;
  /** Ops of the model as given that the provider lacks, with counts and node names. */
  readonly before: readonly UnsupportedOp[];
  /** The same after rewrite-on-load (absent when nothing was rewritten). */
  readonly after?: readonly UnsupportedOp[];
  /** Nodes that would fall back, after rewriting when there was one. */
  readonly fallbackNodes: number;
}

/** Nodes the target does not run at their graph's opset, by op, leaving out nodes onnxruntime folds away at load. */
function fallbackOps(model: Model, target: TargetProfile): UnsupportedOp[] {
  const found = new Map<string, { count: number; nodes: string[] }>();
  const folded = foldedNodes(model.graph);
  for (const { graph, opset } of graphScopes(model)) {
    const here = target.atOpset(opset);
    for (const node of graph.nodes) {
      if (folded.has(node) || here.runs(node.opType, node.domain)) continue;
      const key =
        node.domain && node.domain !== "ai.onnx" ? `${node.domain}.${node.opType}` : node.opType;
      const entry = found.get(key) ?? { count: 0, nodes: [] };
      entry.count++;
      if (entry.nodes.length < 5) entry.nodes.push(node.name || `#${node.index}`);
      found.set(key, entry);
    }
  }
  return [...found].map(([op, entry]) => ({ op, ...entry })).sort((a, b) => b.count - a.count);
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
): FallbackReport {
  const target = builtinTarget(provider.target);
  const before = fallbackOps(model, target);
  const after = rewritten ? fallbackOps(rewritten, target) : undefined;
  const final = after ?? before;
  return {
    provider: provider.name,
    target: target.name,
    before,
    ...(after ? { after } : {}),
    fallbackNodes: final.reduce((total, op) => total + op.count, 0),
  };
}
