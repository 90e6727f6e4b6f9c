import { DataType, type Model, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { fallbackReport } from "./fallback.js";

/** x → Shape → ConstantOfShape → Add x → Max 0 → y, with x's dims static or not. */
function shapeFill(dims: (number | string)[]): Model {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, dims);
  const zeros = builder.op("ConstantOfShape", [builder.op("Shape", [x])], {}, { name: "fill" });
  const sum = builder.op("Add", [x, zeros]);
  builder.output(
    builder.op("Max", [sum, builder.scalar(0, DataType.FLOAT, "zero")], {}, { name: "max" }),
    DataType.FLOAT,
    dims,
    "y",
  );
  return builder.build();
}

describe("fallbackReport", () => {
  it("judges each WebGPU provider by its own profile", () => {
    const model = shapeFill(["n", 8]);
    expect(fallbackReport(model, { name: "webgpu", target: "ort-webgpu" }).before).toEqual([
      { op: "ConstantOfShape", count: 1, nodes: ["fill"] },
    ]);
    const jsep = fallbackReport(model, { name: "webgpu-jsep", target: "ort-webgpu-jsep" });
    expect(jsep.before.map((op) => op.op).sort()).toEqual(["ConstantOfShape", "Max"]);
    expect(jsep.fallbackNodes).toBe(2);
  });

  it("does not charge nodes onnxruntime folds into constants at load", () => {
    // With static dims Shape and ConstantOfShape become initializers: no provider runs them.
    const model = shapeFill([1, 8]);
    expect(fallbackReport(model, { name: "webgpu", target: "ort-webgpu" })).toMatchObject({
      before: [],
      fallbackNodes: 0,
    });
    expect(
      fallbackReport(model, { name: "webgpu-jsep", target: "ort-webgpu-jsep" }).before,
    ).toEqual([{ op: "Max", count: 1, nodes: ["max"] }]);
  });

  it("does not charge an Identity onnxruntime removes, only one that yields a graph output", () => {
    const builder = new ModelBuilder({ opset: 17 });
    const x = builder.input("x", DataType.FLOAT, ["n", 8]);
    const inner = builder.op("Identity", [builder.op("Relu", [x])], {}, { name: "inner" });
    builder.output(builder.op("Sigmoid", [inner]), DataType.FLOAT, ["n", 8], "y");
    builder.output(
      builder.op("Identity", [inner], {}, { name: "copy" }),
      DataType.FLOAT,
      ["n", 8],
      "z",
    );
    const report = fallbackReport(builder.build(), {
      name: "webgpu-jsep",
      target: "ort-webgpu-jsep",
    });
    expect(report.before).toEqual([{ op: "Identity", count: 1, nodes: ["copy"] }]);
  });
});
