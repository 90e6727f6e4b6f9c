import { it } from "vitest";
import * as ort from "onnxruntime-node";
import { readFileSync } from "node:fs";
import { decodeModel, encodeModel, diffModels, decodeTensor } from "../src/index.js";
it("probe", async () => {
  console.log(Object.keys(ort), ort.env.versions);
  const b = readFileSync("/usr/share/libonnx-testdata/data/node/test_abs/model.onnx");
  const m = decodeModel(b);
  const e = encodeModel(m);
  console.log(Buffer.compare(Buffer.from(b), Buffer.from(e)), diffModels(m, decodeModel(e)));
  const s = await ort.InferenceSession.create(Buffer.from(b));
  console.log(s.inputNames, s.outputNames, (s as any).inputMetadata);
  const t = decodeTensor(readFileSync("/usr/share/libonnx-testdata/data/node/test_abs/test_data_set_0/input_0.pb"));
  console.log(t.name, t.dataType, t.dims, t.toArray().constructor.name);
  await s.release();
});
