import { readFileSync } from "node:fs";
import { decodeModel } from "@rectify/onnx";
import { randomFeeds } from "@rectify/rewrite";
import { createEvaluator } from "@rectify/runtime";

const bytes = readFileSync(process.argv[2]);
const ev = createEvaluator({ provider: process.argv[3] ?? "cpu" });
const feeds = randomFeeds(decodeModel(bytes), {
  seed: 1,
  dynamicDims: JSON.parse(process.argv[4] ?? "{}"),
});
const p = await ev.profile(bytes, feeds, { runs: 10 });
console.log(
  "graph",
  p.graph,
  "kernel",
  p.kernelMilliseconds.toFixed(3),
  "run",
  p.runMilliseconds.toFixed(3),
);
for (const node of p.nodes)
  if (node.milliseconds > 0.005)
    console.log(
      node.milliseconds.toFixed(4).padStart(8),
      (node.domain + "." + node.opType).padEnd(34),
      node.name.padEnd(40),
      node.inputs.join(",").slice(0, 60),
      "->",
      node.outputs.join(","),
    );
