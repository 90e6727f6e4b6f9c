import type { Model } from "@rectify/onnx";
import { opKey } from "../plan/cost.js";
import { graphScopes } from "../sites/graph-scopes.js";
import type { TargetProfile } from "../targets/profile.js";
import { foldedNodes } from "./folded-nodes.js";

/** Ops left in the rewritten model that the target does not run. */
export interface UnsupportedOp {
  readonly op: string;
  readonly count: number;
  /** Node names (first few) and their locations. */
  readonly nodes: readonly string[];
}

/**
 * Ops of the model the target does not run, with where (first five nodes
 * each). Nodes a runtime folds into constants at load (foldedNodes) run
 * nowhere and are not counted.
 */
export function unsupportedOps(model: Model, target: TargetProfile): UnsupportedOp[] {
  const found = new Map<string, { count: number; nodes: string[] }>();
  const folded = foldedNodes(model.graph);
  for (const { graph, opset } of graphScopes(model)) {
    const here = target.atOpset(opset);
    for (const node of graph.nodes) {
      if (folded.has(node) || here.runs(node.opType, node.domain)) continue;
      const key = opKey(node.opType, node.domain);
      const entry = found.get(key) ?? { count: 0, nodes: [] };
      entry.count++;
      if (entry.nodes.length < 5) entry.nodes.push(node.name || `#${node.index}`);
      found.set(key, entry);
    }
  }
  return [...found].map(([op, entry]) => ({ op, ...entry })).sort((a, b) => b.count - a.count);
}
