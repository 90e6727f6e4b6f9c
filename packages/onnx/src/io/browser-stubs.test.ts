import { describe, expect, it } from "vitest";
import { ModelBuilder } from "../builder/model-builder.js";
import { DataType } from "../tensor/data-type.js";
import {
  loadExternalData,
  loadModel,
  saveModel,
  saveModelPaths,
  trackTemporaryFile,
} from "./browser-stubs.js";

const model = (() => {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, [2]);
  builder.output(builder.op("Relu", [x]), DataType.FLOAT, [2], "y");
  return builder.build();
})();

describe("the browser entry's file I/O", () => {
  it.each([
    [
      "loadModel",
      () => loadModel("model.onnx"),
      "IO_READ",
      /fetch the model and pass its bytes to decodeModel/,
    ],
    ["loadExternalData", () => loadExternalData(model, "models"), "IO_READ", /tensors inline/],
    [
      "saveModel",
      () => saveModel(model, "out.onnx"),
      "IO_WRITE",
      /encodeModel\(model\) gives the bytes/,
    ],
    ["saveModelPaths", () => saveModelPaths(model, "out.onnx"), "IO_WRITE", /encodeModel\(model\)/],
    ["trackTemporaryFile", () => trackTemporaryFile("out.onnx.tmp"), "IO_WRITE", /need Node/],
  ] as const)("%s rejects with %s, saying file paths need Node", async (_, call, code, advice) => {
    const error = await call().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ name: "OnnxError", code });
    expect((error as Error).message).toMatch(/file paths need Node/);
    expect((error as Error).message).toMatch(advice);
  });
});
