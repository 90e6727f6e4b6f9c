import { DataType, type Graph, type Model, type Node, Tensor, type Value } from "@rectify/onnx";
import type { RewriteReport } from "../../src/report/report.js";
import { findSites } from "../../src/sites/find-sites.js";

/**
 * The rewritten model with each integer-device table computed as the device
 * computes it: the site's input rounded to its input grid (what the device
 * holds) before the table, and the table's result rounded to the output grid
 * after it. The table then gives exactly the device's value at each grid
 * input, so a float run of this model shows what the activations do on the
 * device (the rest of the model stays float). Sites are found by id in the
 * original model, whose input and output names the rewrite keeps.
 */
export function withDeviceActivations(
  original: Model,
  rewritten: Model,
  report: RewriteReport,
): Model {
  const byId = new Map(findSites(original).sites.map((site) => [site.id, site]));
  const graph = rewritten.graph;
  for (const site of report.sites) {
    if (!site.device) continue;
    const found = byId.get(site.id);
    if (!found) throw new Error(`site ${site.id} is not in the original model`);
    const input = graph.lookup(found.input.name);
    const output = graph.lookup(found.output.name);
    if (!input || !output)
      throw new Error(`site ${site.id}: its tensors are not in the rewritten model`);
    const readers = [...output.uses];
    // The table's own nodes (rectify's) read the input: they get the rounded one.
    const tableReads = [...input.uses].filter((use) => use.node.name.startsWith("rectify"));
    if (tableReads.length === 0)
      throw new Error(`site ${site.id}: no substitute node reads its input`);
    const roundedInput = roundToGrid(
      graph,
      input,
      site.device.input,
      site.device.bits,
      tableReads[0]!.node,
    );
    for (const use of tableReads) use.node.setInput(use.index, roundedInput);
    const roundedOutput = roundToGrid(graph, output, site.device.output, site.device.bits);
    for (const use of readers) use.node.setInput(use.index, roundedOutput);
  }
  graph.topologicalSort();
  return rewritten;
}

/** (clip(round(x / s) + z, qmin, qmax) − z)·s: x rounded to an integer grid (ONNX Round: ties to even). */
function roundToGrid(
  graph: Graph,
  x: Value,
  grid: { readonly scale: number; readonly zeroPoint: number },
  bits: 8 | 16,
  before?: Node,
): Value {
  const constant = (value: number) =>
    graph.addInitializer(
      Tensor.fromArray(DataType.FLOAT, [], [value]),
      graph.uniqueValueName("device_c"),
    );
  const step = (opType: string, inputs: Value[]) =>
    graph.addNode({ opType, inputs, ...(before ? { before } : {}) }).outputs[0]!;
  const scale = constant(grid.scale);
  const zero = constant(grid.zeroPoint);
  const scaled = step("Add", [step("Round", [step("Div", [x, scale])]), zero]);
  const clipped = step("Clip", [
    scaled,
    constant(-(2 ** (bits - 1))),
    constant(2 ** (bits - 1) - 1),
  ]);
  return step("Mul", [step("Sub", [clipped, zero]), scale]);
}
