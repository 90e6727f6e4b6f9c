import { describe, expect, it } from "vitest";
import { builder, elementTypeOf, infer, shapeOf } from "../../test/support/shape-models.js";
import { DataType } from "../tensor/data-type.js";

describe("shape inference: ops of opsets 18–23", () => {
  it("types AffineGrid, Col2Im, DeformConv, CenterCropPad, StringSplit and RMSNormalization", () => {
    const b = builder(23);
    const theta = b.input("theta", DataType.FLOAT, [2, 2, 3]);
    const grid = b.op("AffineGrid", [theta, b.int64s([2, 3, 4, 5], "size")]);
    const columns = b.input("columns", DataType.FLOAT, [1, 20, 16]);
    const image = b.op("Col2Im", [
      columns,
      b.int64s([5, 5], "image_shape"),
      b.int64s([2, 2], "block"),
    ]);
    const x = b.input("x", DataType.FLOAT, ["n", 3, 8, 8]);
    const deformed = b.op("DeformConv", [
      x,
      b.randomInitializer("w", [4, 3, 3, 3]),
      b.input("offset", DataType.FLOAT, ["n", 18, 6, 6]),
    ]);
    const cropped = b.op(
      "CenterCropPad",
      [b.input("c", DataType.FLOAT, [10, 7, 3]), b.int64s([5, 9], "crop")],
      { axes: [0, 1] },
    );
    const [pieces, counts] = b.node(
      "StringSplit",
      [b.input("s", DataType.STRING, [2, 3])],
      undefined,
      { outputs: ["pieces", "counts"] },
    );
    const normalized = b.op("RMSNormalization", [x, b.randomInitializer("scale", [8])], {
      axis: -1,
    });
    const { summary } = infer(b);
    expect(shapeOf(grid)).toEqual([2, 4, 5, 2]);
    // 20 columns / (2·2 block) = 5 channels
    expect(shapeOf(image)).toEqual([1, 5, 5, 5]);
    expect(shapeOf(deformed)).toEqual(["n", 4, 6, 6]);
    expect(shapeOf(cropped)).toEqual([5, 9, 3]);
    expect([elementTypeOf(pieces), shapeOf(pieces)]).toEqual([DataType.STRING, [2, 3, null]]);
    expect([elementTypeOf(counts), shapeOf(counts)]).toEqual([DataType.INT64, [2, 3]]);
    expect(shapeOf(normalized)).toEqual(["n", 3, 8, 8]);
    expect(summary.conflicts).toEqual([]);
  });
});
