import type { Graph, Node, Value } from "@rectify/onnx";
import { tensorTypeInfo } from "@rectify/onnx";

/** Ops onnxruntime never folds into constants, whatever their inputs. */
const neverFolded = new Set([
  "RandomUniform",
  "RandomNormal",
  "RandomUniformLike",
  "RandomNormalLike",
  "Multinomial",
  "Bernoulli",
]);

/**
 * Nodes of a main graph that onnxruntime folds into initializers when it
 * loads the model (its constant folding): Constant, nodes whose inputs are
 * all constants, and Shape or Size of an input with static dims; and Identity
 * nodes it removes (those not producing a graph output). No provider
 * runs them, so a provider that lacks their kernel (ConstantOfShape on
 * WebGPU) is not charged for them. Subgraphs are left alone: onnxruntime
 * folds them less predictably.
 */
export function foldedNodes(graph: Graph): Set<Node> {
  const inputs = new Set(graph.inputs.map((value) => value.name));
  // An initializer that is also a graph input can be overridden by a feed, so it is not a constant.
  const constant = new Set(
    graph.initializers.map((value) => value.name).filter((name) => !inputs.has(name)),
  );
  const staticInputs = new Set(
    graph.inputs
      .filter((value) => tensorTypeInfo(value.type)?.shape?.every((dim) => typeof dim === "number"))
      .map((value) => value.name),
  );
  const outputs = new Set(graph.outputs.map((value) => value.name));
  const folded = new Set<Node>();
  for (const node of graph.nodes) {
    // Its basic optimizations also drop Identity nodes that do not produce a graph output (JSEP has no Identity kernel).
    if (
      node.opType === "Identity" &&
      node.domain === "" &&
      !outputs.has(node.outputs[0]?.name ?? "")
    ) {
      folded.add(node);
      continue;
    }
    if (
      neverFolded.has(node.opType) ||
      node.attributes.some((attribute) => attribute.graph || attribute.graphList.length > 0)
    )
      continue;
    const given = node.inputs.filter((value): value is Value => value !== null);
    const foldable =
      node.opType === "Constant" ||
      (given.length > 0 && given.every((value) => constant.has(value.name))) ||
      ((node.opType === "Shape" || node.opType === "Size") &&
        given.every((value) => staticInputs.has(value.name) || constant.has(value.name)));
    if (!foldable) continue;
    folded.add(node);
    for (const output of node.outputs) if (output) constant.add(output.name);
  }
  return folded;
}
