import type { Graph, Model } from "@rectify/onnx";

/** Every graph of a model to search, with where it is and which opset its nodes use. */
export interface GraphScope {
  readonly graph: Graph;
  readonly location: string;
  readonly opset: number;
}

/** The main graph, every If/Loop/Scan body (nested), and every model-local function body. */
export function graphScopes(model: Model): GraphScope[] {
  const scopes: GraphScope[] = [];
  const modelOpset = model.opsetVersion("") ?? 1;
  const visit = (graph: Graph, location: string, opset: number) => {
    scopes.push({ graph, location, opset });
    for (const node of graph.nodes) {
      for (const attribute of node.attributes) {
        const bodies = attribute.graph ? [attribute.graph] : attribute.graphList;
        bodies.forEach((body, index) => {
          const suffix = bodies.length > 1 ? `[${index}]` : "";
          visit(body, `${location} > ${node.describe()} > ${attribute.name}${suffix}`, opset);
        });
      }
    }
  };
  visit(model.graph, "main", modelOpset);
  for (const fn of model.functions)
    visit(fn.graph, `function ${fn.domain}.${fn.name}`, fn.opsetVersion("") ?? modelOpset);
  return scopes;
}
