import type { Node, Value } from "@rectify/onnx";
import { escapingValue } from "./match.js";

/**
 * Why `nodes` cannot be replaced as one site whose anchor is `anchor`: a node
 * in another graph (a body reading a product its enclosing graph computes,
 * which the substitution would have to delete there), or an inner value read
 * outside the match or being a graph output. Undefined when they can.
 */
export function containmentProblem(
  nodes: readonly Node[],
  anchor: Node,
  output: Value,
): string | undefined {
  const elsewhere = nodes.find((node) => node.graph !== anchor.graph);
  if (elsewhere)
    return `${elsewhere.describe()} is computed in another graph than ${anchor.describe()}`;
  return escapingValue(nodes, output);
}
