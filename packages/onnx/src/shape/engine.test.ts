import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { builder, infer, shapeOf } from "../../test/support/shape-models.js";
import { decodeModel } from "../codec/decode.js";
import { encodeModel } from "../codec/encode.js";
import { Attribute, AttributeType } from "../ir/attribute.js";
import { AttributeProtoSchema } from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";
import { inferShapes } from "./infer-shapes.js";

describe("shape inference: what is written and reported", () => {
  it("fills in missing and less specific types, keeps more specific declared ones, and reports conflicts", () => {
    const b = builder();
    const x = b.input("x", DataType.FLOAT, ["batch", 8]);
    const relu = b.op("Relu", [x], undefined, { name: "relu" });
    const refined = b.op("Sigmoid", [x], undefined, { name: "sigmoid" });
    const narrower = b.op("Tanh", [x], undefined, { name: "tanh" });
    const wrong = b.op("Neg", [x], undefined, { name: "neg" });
    b.output(refined, DataType.FLOAT, [null, 8]);
    b.output(narrower, DataType.FLOAT, [4, 8]);
    b.output(wrong, DataType.FLOAT, [3, 9]);
    const { model, summary } = infer(b);
    expect(shapeOf(relu)).toEqual(["batch", 8]);
    expect(shapeOf(refined)).toEqual(["batch", 8]);
    // A fixed declared size is more specific than the symbol: kept, and not a conflict.
    expect(shapeOf(narrower)).toEqual([4, 8]);
    expect(shapeOf(wrong)).toEqual([3, 9]);
    expect(summary.conflicts).toEqual([
      {
        value: wrong.name,
        node: "neg",
        opType: "Neg",
        message: "declared [3, 9], inferred [batch, 8]",
      },
    ]);
    expect(summary.valuesTyped).toBe(2);
    // Intermediate values are listed as value_info so the result survives saving.
    expect(model.graph.valueInfo).toEqual([relu]);
    const reloaded = decodeModel(encodeModel(model));
    expect(shapeOf(reloaded.graph.valueInfo[0])).toEqual(["batch", 8]);
  });

  it("is idempotent: a second run types nothing new and finds no conflicts", () => {
    const b = builder();
    const x = b.input("x", DataType.FLOAT, [2, 3]);
    b.output(b.op("Transpose", [b.op("Relu", [x])]));
    const { model } = infer(b);
    const again = inferShapes(model);
    expect(again.valuesTyped).toBe(0);
    expect(again.conflicts).toEqual([]);
    expect(again.valuesWithShape).toBe(3);
  });

  it("counts ops it has no rule for and leaves their outputs unknown", () => {
    const b = builder();
    b.model.setOpset("com.example", 1);
    const x = b.input("x", DataType.FLOAT, [2]);
    const custom = b.op("Frobnicate", [x], undefined, { domain: "com.example" });
    const after = b.op("Relu", [custom]);
    const { summary } = infer(b);
    expect(custom.type).toBeUndefined();
    expect(after.type).toBeUndefined();
    expect([...summary.unsupportedOps]).toEqual([["com.example::Frobnicate", 1]]);
  });

  it("only computes the summary with write: false", () => {
    const b = builder();
    const x = b.input("x", DataType.FLOAT, [2]);
    const relu = b.op("Relu", [x]);
    const model = b.build({ validate: false });
    const summary = inferShapes(model, { write: false });
    expect(summary.valuesTyped).toBe(1);
    expect(relu.type).toBeUndefined();
  });

  it("keeps shape folding to small tensors (maxKnownElements)", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, [2, 3]);
    const shape = b.op("Shape", [x]);
    const reshaped = b.op("Reshape", [
      x,
      b.op("Concat", [shape, b.int64s([1], "one")], { axis: 0 }),
    ]);
    const model = b.build({ validate: false });
    inferShapes(model, { maxKnownElements: 2 });
    // The folded target [2, 3, 1] has 3 elements: over the limit, so only its length is known.
    expect(shapeOf(reshaped)).toEqual([null, null, null]);
  });

  it("reports a node whose attribute has the wrong type by leaving it untyped, without throwing", () => {
    const b = builder();
    const x = b.input("x", DataType.FLOAT, [2, 3]);
    const flat = b.op("Flatten", [x]);
    flat.producer!.setAttribute(
      new Attribute(
        create(AttributeProtoSchema, { name: "axis", type: AttributeType.FLOAT, f: 1 }),
      ),
    );
    const { summary } = infer(b);
    expect(flat.type).toBeUndefined();
    expect(summary.conflicts).toEqual([]);
  });
});
