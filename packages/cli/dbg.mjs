import { readFileSync } from "node:fs";
import { decodeModel } from "@rectify/onnx";
import { findSites, randomFeeds, siteTimes } from "@rectify/rewrite";
import { createEvaluator } from "@rectify/runtime";

const orig = decodeModel(readFileSync("/tmp/cnn-mish.onnx"));
const bytes = readFileSync("/tmp/cnn-mish.wasm.onnx");
const model = decodeModel(bytes);
const ev = createEvaluator({ provider: "wasm" });
const feeds = randomFeeds(orig, { seed: 1, dynamicDims: { batch: 4 } });
const p = await ev.profile(bytes, feeds, { runs: 5 });
const sites = findSites(orig).sites.map((s) => ({
  id: s.id,
  input: s.input.name,
  output: s.output.name,
}));
const t = siteTimes(model.graph, p, sites);
for (const [id, v] of t)
  console.log(id, v.milliseconds.toFixed(3), v.nodes.length, v.nodes.slice(0, 40).join(" | "));
