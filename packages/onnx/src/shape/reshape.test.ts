import { describe, expect, it } from "vitest";
import { builder, elementTypeOf, infer, shapeOf } from "../../test/support/shape-models.js";
import { DataType } from "../tensor/data-type.js";

describe("shape inference: reshape family", () => {
  it("applies Reshape's 0 (copy) and -1 (infer) rules, with symbolic dims", () => {
    const b = builder();
    const x = b.input("x", DataType.FLOAT, ["batch", 3, 4]);
    const fixed = b.input("fixed", DataType.FLOAT, [2, 3, 4]);
    const copied = b.op("Reshape", [x, b.int64s([0, -1], "keep_batch")]);
    const inferred = b.op("Reshape", [fixed, b.int64s([-1, 4], "rows")]);
    const symbolic = b.op("Reshape", [x, b.int64s([-1], "flat")]);
    infer(b);
    expect(shapeOf(copied)).toEqual(["batch", 12]);
    expect(shapeOf(inferred)).toEqual([6, 4]);
    // batch·12 elements: not a single symbol, so unknown.
    expect(shapeOf(symbolic)).toEqual([null]);
  });

  it("honours allowzero (opset 14) and reports a reshape to an impossible size", () => {
    const b = builder(14);
    const empty = b.input("empty", DataType.FLOAT, [0, 3]);
    const x = b.input("x", DataType.FLOAT, [2, 3]);
    const zero = b.op("Reshape", [empty, b.int64s([3, 0], "zero_shape")], { allowzero: 1 });
    const bad = b.op("Reshape", [x, b.int64s([4, 2], "bad_shape")], undefined, {
      name: "bad_reshape",
    });
    const { summary } = infer(b);
    expect(shapeOf(zero)).toEqual([3, 0]);
    expect(shapeOf(bad)).toBeUndefined();
    expect(summary.conflicts.map((c) => c.node)).toEqual(["bad_reshape"]);
  });

  it("reads Squeeze/Unsqueeze axes from the attribute before opset 13 and from the input after", () => {
    const b11 = builder(11);
    const x11 = b11.input("x", DataType.FLOAT, [1, 3, 1, 5]);
    const squeezed11 = b11.op("Squeeze", [x11], { axes: [0, 2] });
    const unsqueezed11 = b11.op("Unsqueeze", [squeezed11], { axes: [0, 3] });
    infer(b11);
    expect(shapeOf(squeezed11)).toEqual([3, 5]);
    expect(shapeOf(unsqueezed11)).toEqual([1, 3, 5, 1]);

    const b13 = builder(13);
    const x13 = b13.input("x", DataType.FLOAT, [1, 3, 1, 5]);
    const sym = b13.input("sym", DataType.FLOAT, ["n", 1]);
    const squeezed13 = b13.op("Squeeze", [x13, b13.int64s([-2], "axes")]);
    const unsqueezed13 = b13.op("Unsqueeze", [squeezed13, b13.int64s([-1], "axes_u")]);
    const allOnes = b13.op("Squeeze", [x13]);
    const maybeOne = b13.op("Squeeze", [sym]);
    infer(b13);
    expect(shapeOf(squeezed13)).toEqual([1, 3, 5]);
    expect(shapeOf(unsqueezed13)).toEqual([1, 3, 5, 1]);
    expect(shapeOf(allOnes)).toEqual([3, 5]);
    // Without axes a symbolic dim might be 1: the rank is unknown.
    expect(shapeOf(maybeOne)).toBeUndefined();
  });

  it("folds Shape → Gather → Unsqueeze → Concat → Reshape chains, keeping symbols", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, ["batch", "seq", 64]);
    const shape = b.op("Shape", [x]);
    const batch = b.op("Unsqueeze", [
      b.op("Gather", [shape, b.constant(DataType.INT64, [], [0], "i0")]),
      b.int64s([0], "ax0"),
    ]);
    const seq = b.op("Unsqueeze", [
      b.op("Gather", [shape, b.constant(DataType.INT64, [], [1], "i1")]),
      b.int64s([0], "ax1"),
    ]);
    const width = b.op("Gather", [shape, b.constant(DataType.INT64, [], [2], "i2")]);
    const heads = b.op("Unsqueeze", [
      b.op("Div", [width, b.constant(DataType.INT64, [], [8], "eight")]),
      b.int64s([0], "ax2"),
    ]);
    const target = b.op("Concat", [batch, seq, heads, b.int64s([-1], "rest")], { axis: 0 });
    const split = b.op("Reshape", [x, target]);
    const filled = b.op("ConstantOfShape", [shape]);
    infer(b);
    expect(shapeOf(shape)).toEqual([3]);
    expect(elementTypeOf(shape)).toBe(DataType.INT64);
    expect(shapeOf(target)).toEqual([4]);
    // 64 / 8 = 8 heads, and -1 is what is left of batch·seq·64 after batch·seq·8.
    expect(shapeOf(split)).toEqual(["batch", "seq", 8, 8]);
    expect(shapeOf(filled)).toEqual(["batch", "seq", 64]);
  });

  it("slices by attributes (opset 9) and inputs (opset 13) with negative, clamped and reversed indices", () => {
    const b9 = builder(9);
    const x9 = b9.input("x", DataType.FLOAT, [10, 20]);
    const s9 = b9.op("Slice", [x9], { starts: [1], ends: [-1], axes: [1] });
    infer(b9);
    expect(shapeOf(s9)).toEqual([10, 18]);

    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, [10, "n"]);
    const big = b.constant(DataType.INT64, [1], [-(2n ** 63n) + 1n], "very_negative");
    const reversed = b.op("Slice", [
      x,
      b.int64s([-1], "s"),
      big,
      b.int64s([0], "a"),
      b.int64s([-1], "st"),
    ]);
    const stepped = b.op("Slice", [
      x,
      b.int64s([1], "s2"),
      b.int64s([100], "e2"),
      b.int64s([0], "a2"),
      b.int64s([3], "st2"),
    ]);
    const whole = b.constant(DataType.INT64, [1], [2n ** 63n - 1n], "to_end");
    const keepsSymbol = b.op("Slice", [x, b.int64s([0], "s3"), whole, b.int64s([1], "a3")]);
    const losesSymbol = b.op("Slice", [x, b.int64s([1], "s4"), whole, b.int64s([1], "a4")]);
    infer(b);
    expect(shapeOf(reversed)).toEqual([10, "n"]);
    expect(shapeOf(stepped)).toEqual([3, "n"]);
    expect(shapeOf(keepsSymbol)).toEqual([10, "n"]);
    expect(shapeOf(losesSymbol)).toEqual([10, null]);
  });

  it("types Concat, Gather, Expand, Flatten, Transpose, Tile, Pad, Split, Range and Resize", () => {
    const b = builder(13);
    const a = b.input("a", DataType.FLOAT, ["batch", 3]);
    const c = b.input("c", DataType.FLOAT, ["batch", 5]);
    const data = b.input("data", DataType.FLOAT, [5, 6, 7]);
    const indices = b.input("indices", DataType.INT64, [2, 3]);
    const column = b.input("column", DataType.FLOAT, [3, 1]);
    const image = b.input("image", DataType.FLOAT, [1, 3, 4, 5]);
    const concat = b.op("Concat", [a, c], { axis: 1 });
    const gather = b.op("Gather", [data, indices], { axis: 1 });
    const expand = b.op("Expand", [column, b.int64s([2, 1, 4], "to")]);
    const flatten = b.op("Flatten", [image], { axis: 2 });
    const transpose = b.op("Transpose", [data]);
    const permuted = b.op("Transpose", [data], { perm: [1, 0, 2] });
    const tile = b.op("Tile", [column, b.int64s([2, 3], "reps")]);
    const pad = b.op("Pad", [column, b.int64s([0, 1, 0, 2], "pads")]);
    const [first, second] = b.node(
      "Split",
      [c, b.int64s([2, 3], "sizes")],
      { axis: 1 },
      { outputs: ["part0", "part1"] },
    );
    const range = b.op("Range", [
      b.scalar(0, DataType.INT64, "r0"),
      b.scalar(10, DataType.INT64, "r1"),
      b.scalar(3, DataType.INT64, "r2"),
    ]);
    const resized = b.op("Resize", [
      image,
      null,
      b.constant(DataType.FLOAT, [4], [1, 1, 2, 1.5], "scales"),
    ]);
    const sized = b.op("Resize", [image, null, null, b.int64s([1, 3, 7, 9], "sizes_to")]);
    infer(b);
    expect(shapeOf(concat)).toEqual(["batch", 8]);
    expect(shapeOf(gather)).toEqual([5, 2, 3, 7]);
    expect(shapeOf(expand)).toEqual([2, 3, 4]);
    expect(shapeOf(flatten)).toEqual([3, 20]);
    expect(shapeOf(transpose)).toEqual([7, 6, 5]);
    expect(shapeOf(permuted)).toEqual([6, 5, 7]);
    expect(shapeOf(tile)).toEqual([6, 3]);
    expect(shapeOf(pad)).toEqual([3, 4]);
    expect([shapeOf(first), shapeOf(second)]).toEqual([
      ["batch", 2],
      ["batch", 3],
    ]);
    expect(shapeOf(range)).toEqual([4]);
    expect(shapeOf(resized)).toEqual([1, 3, 8, 7]);
    expect(shapeOf(sized)).toEqual([1, 3, 7, 9]);
  });

  it("splits evenly without sizes, and unevenly with num_outputs from opset 18", () => {
    const b13 = builder(13);
    const x13 = b13.input("x", DataType.FLOAT, [6, 2]);
    const parts13 = b13.node("Split", [x13], undefined, { outputs: ["p0", "p1", "p2"] });
    infer(b13);
    expect(parts13.map(shapeOf)).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);

    const b18 = builder(18);
    const x18 = b18.input("x", DataType.FLOAT, [7]);
    const parts18 = b18.node("Split", [x18], { num_outputs: 3 }, { outputs: ["q0", "q1", "q2"] });
    infer(b18);
    expect(parts18.map(shapeOf)).toEqual([[3], [3], [1]]);
  });

  it("knows the rank when Squeeze/Unsqueeze/reduction axes are computed at run time", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, [1, 3, 1, 5]);
    const axes = b.input("axes", DataType.INT64, [2]);
    const squeezed = b.op("Squeeze", [x, axes]);
    const unsqueezed = b.op("Unsqueeze", [x, axes]);
    const reduced = b.op("ReduceSum", [x, axes], { keepdims: 0 });
    const kept = b.op("ReduceSum", [x, axes]);
    infer(b);
    expect(shapeOf(squeezed)).toEqual([null, null]);
    expect(shapeOf(unsqueezed)).toEqual([null, null, null, null, null, null]);
    expect(shapeOf(reduced)).toEqual([null, null]);
    expect(shapeOf(kept)).toEqual([null, null, null, null]);
  });

  it("slices Shape by start/end from opset 15 and reads Upsample scales by opset", () => {
    const b15 = builder(15);
    const x = b15.input("x", DataType.FLOAT, ["batch", "seq", 64]);
    const tail = b15.op("Shape", [x], { start: 1 });
    const filled = b15.op("ConstantOfShape", [tail]);
    infer(b15);
    expect(shapeOf(tail)).toEqual([2]);
    expect(shapeOf(filled)).toEqual(["seq", 64]);

    const b7 = builder(7);
    const image7 = b7.input("image", DataType.FLOAT, [1, 3, 4, 5]);
    const up7 = b7.op("Upsample", [image7], { scales: [1, 1, 2, 2] });
    infer(b7);
    expect(shapeOf(up7)).toEqual([1, 3, 8, 10]);

    const b9 = builder(9);
    const image9 = b9.input("image", DataType.FLOAT, [1, 3, 4, 5]);
    const up9 = b9.op("Upsample", [
      image9,
      b9.constant(DataType.FLOAT, [4], [1, 1, 3, 3], "scales"),
    ]);
    infer(b9);
    expect(shapeOf(up9)).toEqual([1, 3, 12, 15]);
  });
});
