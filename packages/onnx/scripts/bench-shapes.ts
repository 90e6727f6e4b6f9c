// How long inferShapes takes on large graphs (the inference must stay linear
// in graph size): builds a transformer-like stack of N blocks, each with a
// Shape → Gather → Concat → Reshape chain, MatMul, Add, Softmax, and times
// inference (median of several runs, each on a fresh model). CPU time is
// printed too: on a shared machine wall time mostly measures the neighbours.
//
// Usage: pnpm --filter @rectify/onnx exec tsx scripts/bench-shapes.ts [blocks…]
import { DataType, inferShapes, type Model, ModelBuilder } from "../src/index.js";

function transformerLike(blocks: number): Model {
  const b = new ModelBuilder({ opset: 17, seed: 1 });
  let x = b.input("x", DataType.FLOAT, ["batch", "seq", 64]);
  const weight = b.randomInitializer("w", [64, 64]);
  const heads = b.int64s([8, 8], "heads");
  const first = b.int64s([0], "first");
  const second = b.int64s([1], "second");
  for (let block = 0; block < blocks; block++) {
    const shape = b.op("Shape", [x]);
    const batch = b.op("Gather", [shape, first]);
    const seq = b.op("Gather", [shape, second]);
    const split = b.op("Reshape", [x, b.op("Concat", [batch, seq, heads], { axis: 0 })]);
    const scores = b.op("Softmax", [
      b.op("MatMul", [split, b.op("Transpose", [split], { perm: [0, 1, 3, 2] })]),
    ]);
    const merged = b.op("Reshape", [
      b.op("MatMul", [scores, split]),
      b.op("Concat", [batch, seq, b.int64s([-1], "rest")], { axis: 0 }),
    ]);
    x = b.op("Add", [x, b.op("MatMul", [merged, weight])]);
  }
  b.output(x);
  return b.build({ validate: false });
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
for (const blocks of sizes.length > 0 ? sizes : [100, 1000, 4000]) {
  const times: number[] = [];
  const cpu: number[] = [];
  let nodes = 0;
  let shaped = 0;
  for (let run = 0; run < 5; run++) {
    const model = transformerLike(blocks);
    nodes = model.graph.nodes.length;
    const started = performance.now();
    const usage = process.cpuUsage();
    shaped = inferShapes(model).valuesWithShape;
    times.push(performance.now() - started);
    const spent = process.cpuUsage(usage);
    cpu.push((spent.user + spent.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(
    `${String(nodes).padStart(6)} nodes: inferShapes median ${times[2]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)}), CPU time median ${cpu[2]!.toFixed(1)} ms, ${shaped} values shaped, ${((1000 * times[2]!) / nodes).toFixed(1)} µs/node`,
  );
}
