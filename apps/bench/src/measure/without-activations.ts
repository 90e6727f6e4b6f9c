// The model with its activations taken out: each main-graph site's output is
// its input (an Identity, which onnxruntime removes). Its outputs mean nothing;
// it exists to be timed. Original time over this model's time is the most any
// stand-in could gain (Amdahl's limit, measured in the engine), and one minus
// its inverse is the share of the model's wall time its activations take,
// whatever the engine fused them into: a truer share than the profiler's,
// which cannot see inside fused kernels and slows small kernels unevenly.
import { decodeModel, encodeModel, type Value } from "@rectify/onnx";
import { findTypedSites } from "@rectify/rewrite";

/** The model's bytes with every main-graph activation site replaced by Identity; undefined when it has none. */
export function withoutActivations(bytes: Uint8Array): Uint8Array | undefined {
  const model = decodeModel(bytes);
  const sites = findTypedSites(model).sites.filter((site) => site.location === "main");
  if (sites.length === 0) return undefined;
  const graph = model.graph;
  // A site that reads another site's output reads what replaced it.
  const replaced = new Map<Value, Value>();
  for (const site of sites) {
    const input = replaced.get(site.input) ?? site.input;
    const identity = graph.addNode({
      opType: "Identity",
      inputs: [input],
      after: site.nodes[site.nodes.length - 1],
    });
    const output = identity.outputs[0]!;
    graph.replaceValue(site.output, output);
    replaced.set(site.output, output);
  }
  graph.eliminateDeadNodes({ initializers: true });
  return encodeModel(model);
}
