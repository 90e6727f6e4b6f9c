import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { builder, infer, shapeOf } from "../../test/support/shape-models.js";
import { tensorType } from "../builder/types.js";
import {
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
} from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";

describe("shape inference on hostile models", () => {
  it("reads negative declared dims as unknown", () => {
    const b = builder();
    const type = create(TypeProtoSchema, {
      value: {
        case: "tensorType",
        value: create(TypeProto_TensorSchema, {
          elemType: DataType.FLOAT,
          shape: create(TensorShapeProtoSchema, {
            dim: [
              create(TensorShapeProto_DimensionSchema, { value: { case: "dimValue", value: -3n } }),
              create(TensorShapeProto_DimensionSchema, { value: { case: "dimValue", value: 4n } }),
            ],
          }),
        }),
      },
    });
    const x = b.model.graph.addInput("x", type);
    const relu = b.op("Relu", [x]);
    const { summary } = infer(b);
    expect(shapeOf(relu)).toEqual([null, 4]);
    expect(summary.conflicts).toEqual([]);
  });

  it("leaves nodes with wrong ranks untyped or reports them, never throws", () => {
    const b = builder(13);
    const flat = b.input("flat", DataType.FLOAT, [3, 4]);
    const conv = b.op("Conv", [flat, b.input("w", DataType.FLOAT, [2, 3, 3])]);
    const scalar = b.input("scalar", DataType.FLOAT, []);
    const product = b.op("MatMul", [scalar, flat], undefined, { name: "scalar_matmul" });
    const transposed = b.op("Transpose", [flat], { perm: [0, 0] }, { name: "bad_perm" });
    const gathered = b.op(
      "Gather",
      [b.int64s([1, 2, 3], "data"), b.constant(DataType.INT64, [], [7], "far")],
      undefined,
      { name: "far_gather" },
    );
    const { summary } = infer(b);
    expect(shapeOf(conv)).toEqual([null, null]);
    expect(product.type).toBeUndefined();
    expect(transposed.type).toBeUndefined();
    expect(gathered.type).toBeUndefined();
    expect(summary.conflicts.map((c) => c.node).sort()).toEqual([
      "bad_perm",
      "far_gather",
      "scalar_matmul",
    ]);
  });

  it("survives a cycle, leaving the nodes on it untyped and naming one", () => {
    const b = builder();
    const x = b.input("x", DataType.FLOAT, [2]);
    const first = b.op("Add", [x, x], undefined, { name: "first" });
    const second = b.op("Relu", [first], undefined, { name: "second" });
    first.producer!.setInput(1, second);
    const { summary } = infer(b);
    expect(first.type).toBeUndefined();
    expect(second.type).toBeUndefined();
    expect(summary.conflicts.map((c) => c.node).sort()).toEqual(["first", "second"]);
    expect(summary.conflicts[0]!.message).toContain("cycle");
  });

  it("does not materialize huge ranges or constants", () => {
    const b = builder(13);
    const range = b.op("Range", [
      b.scalar(0, DataType.INT64, "start"),
      b.constant(DataType.INT64, [], [10n ** 15n], "limit"),
      b.scalar(1, DataType.INT64, "delta"),
    ]);
    const filled = b.op("ConstantOfShape", [b.int64s([1_000_000, 1_000_000], "huge")]);
    const shape = b.op("Shape", [filled]);
    infer(b);
    expect(shapeOf(range)).toEqual([10 ** 15]);
    expect(shapeOf(filled)).toEqual([1_000_000, 1_000_000]);
    expect(shapeOf(shape)).toEqual([2]);
  });

  it("stops at a function that calls itself", () => {
    const b = builder();
    b.function("local", "Forever", ["a"], (body, [a]) => [
      body.op("Forever", [a!], undefined, { domain: "local" }),
    ]);
    const x = b.input("x", DataType.FLOAT, [2]);
    const out = b.op("Forever", [x], undefined, { domain: "local" });
    const { summary } = infer(b);
    expect(out.type).toBeUndefined();
    expect(summary.unsupportedOps.get("local::Forever")).toBe(1);
  });

  it("handles a declared type that contradicts the producer without passing wrong constants on", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, [2, 3]);
    const shape = b.op("Shape", [x], undefined, { name: "shape" });
    shape.type = tensorType(DataType.INT64, [5]);
    const reshaped = b.op("Reshape", [x, shape]);
    const { summary } = infer(b);
    expect(summary.conflicts.map((c) => c.node)).toEqual(["shape"]);
    expect(shapeOf(reshaped)).toEqual([null, null, null, null, null]);
  });
});
