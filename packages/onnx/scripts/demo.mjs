// The main job for now: build a small model with the builder, save it, load
// it back, edit it (Softplus → squareplus, the algebraic stand-in rectify is
// about), save again, and print what happened.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DataType,
  diffModels,
  loadModel,
  ModelBuilder,
  SeededRandom,
  saveModel,
  Tensor,
  validateModel,
} from "../dist/index.js";

function histogram(model) {
  const counts = new Map();
  for (const graph of model.graphs())
    for (const node of graph.nodes) counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op}×${n}`)
    .join(" ");
}

const builder = new ModelBuilder({ opset: 17, seed: 7, graphName: "demo_mlp" });
const x = builder.input("x", DataType.FLOAT, ["batch", 64]);
let h = x;
for (let layer = 0; layer < 3; layer++) {
  const w = builder.randomInitializer(`layer${layer}.weight`, [64, 64]);
  const b = builder.randomInitializer(`layer${layer}.bias`, [64], { normal: [0, 0.1] });
  h = builder.op("Add", [builder.op("MatMul", [h, w]), b]);
  h = builder.op(layer === 1 ? "Relu" : "Softplus", [h], undefined, { name: `act${layer}` });
}
builder.output(h, DataType.FLOAT, ["batch", 64], "y");
const built = builder.build();

const folder = await mkdtemp(join(tmpdir(), "rectify-demo-"));
try {
  const path = join(folder, "demo.onnx");
  await saveModel(built, path);
  const model = await loadModel(path);
  console.log(`built and saved ${path} (${(await stat(path)).size} bytes)`);
  console.log(
    `  read back: ${diffModels(built, model).length === 0 ? "identical IR" : "DIFFERENT"}; ops: ${histogram(model)}`,
  );

  // Edit: squareplus(x) = (x + sqrt(x² + 4)) / 2 in place of each Softplus.
  const graph = model.graph;
  let replaced = 0;
  for (const node of [...graph.nodes]) {
    if (node.opType !== "Softplus") continue;
    const input = node.inputs[0];
    const output = node.outputs[0];
    const four = graph.addInitializer(Tensor.fromArray(DataType.FLOAT, [], [4], "squareplus_b"));
    const half = graph.addInitializer(Tensor.fromArray(DataType.FLOAT, [], [0.5], "half"));
    const square = graph.addNode({ opType: "Mul", inputs: [input, input], before: node })
      .outputs[0];
    const shifted = graph.addNode({ opType: "Add", inputs: [square, four], before: node })
      .outputs[0];
    const root = graph.addNode({ opType: "Sqrt", inputs: [shifted], before: node }).outputs[0];
    const sum = graph.addNode({ opType: "Add", inputs: [input, root], before: node }).outputs[0];
    const result = graph.addNode({
      opType: "Mul",
      inputs: [sum, half],
      before: node,
      docString: "squareplus b=4",
    }).outputs[0];
    graph.replaceValue(output, result);
    graph.removeNode(node);
    replaced++;
  }
  const issues = validateModel(model);
  const edited = join(folder, "demo.squareplus.onnx");
  await saveModel(model, edited);
  console.log(
    `edited: replaced ${replaced} Softplus with squareplus; ops now: ${histogram(model)}`,
  );
  console.log(
    `  validation: ${issues.length === 0 ? "ok" : issues.map((i) => i.message).join("; ")}`,
  );
  console.log(
    `  saved ${edited} (${(await stat(edited)).size} bytes); inputs ${model.graph.inputs.map((v) => v.name)} → outputs ${model.graph.outputs.map((v) => v.name)}`,
  );
  if (issues.length > 0 || replaced !== 2) process.exitCode = 1;

  // Run both models in onnxruntime-node (a dev dependency here) on the same seeded input.
  let ort;
  try {
    ort = await import("onnxruntime-node");
  } catch {
    console.log("  (onnxruntime-node not installed: skipping the numeric comparison)");
  }
  if (ort) {
    const batch = 256;
    const data = new SeededRandom(1).float32(batch * 64, { normal: [0, 2] });
    const outputs = [];
    for (const file of [path, edited]) {
      const session = await ort.InferenceSession.create(file);
      const result = await session.run({ x: new ort.Tensor("float32", data, [batch, 64]) });
      outputs.push(result.y.data);
      await session.release();
    }
    let maxError = 0;
    for (let i = 0; i < outputs[0].length; i++)
      maxError = Math.max(maxError, Math.abs(outputs[0][i] - outputs[1][i]));
    console.log(
      `  onnxruntime-node, ${batch}×64 inputs ~ N(0, 4): max |softplus model − squareplus model| = ${maxError.toExponential(3)}`,
    );
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
