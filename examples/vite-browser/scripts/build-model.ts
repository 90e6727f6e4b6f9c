// Writes public/softplus-matmul.onnx with @rectify/onnx's ModelBuilder (run once: `pnpm model`).
import { mkdirSync, writeFileSync } from "node:fs";
import { DataType, encodeModel, ModelBuilder } from "@rectify/onnx";
import { inputDims, outputDims, weightDims, weights } from "../src/model.js";

const builder = new ModelBuilder({ opset: 17 });
const x = builder.input("x", DataType.FLOAT, [...inputDims]);
const w = builder.constant(DataType.FLOAT, [...weightDims], Float32Array.from(weights), "w");
const y = builder.op(
  "MatMul",
  [builder.op("Softplus", [x], {}, { name: "softplus" }), w],
  {},
  { name: "matmul" },
);
builder.output(y, DataType.FLOAT, [...outputDims], "y");

const file = new URL("../public/softplus-matmul.onnx", import.meta.url);
mkdirSync(new URL(".", file), { recursive: true });
writeFileSync(file, encodeModel(builder.build()));
console.log(`wrote ${file.pathname}`);
