import { describe, expect, it } from "vitest";
import { builder, elementTypeOf, infer, shapeOf } from "../../test/support/shape-models.js";
import { DataType } from "../tensor/data-type.js";

describe("shape inference: convolution, pooling, normalization, matmul, reductions, recurrent", () => {
  it("computes Conv and ConvTranspose sizes from pads, strides, dilations and auto_pad", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, ["batch", 3, 32, 31]);
    const w = b.randomInitializer("w", [8, 3, 3, 3]);
    const padded = b.op("Conv", [x, w], { pads: [1, 1, 1, 1], strides: [2, 2] });
    const same = b.op("Conv", [x, w], { auto_pad: "SAME_UPPER", strides: [2, 2] });
    const dilated = b.op("Conv", [x, w], { dilations: [2, 2] });
    const y = b.input("y", DataType.FLOAT, [1, 4, 5, 5]);
    const wt = b.randomInitializer("wt", [4, 2, 3, 3]);
    const up = b.op("ConvTranspose", [y, wt], { strides: [2, 2] });
    const grouped = b.op("ConvTranspose", [y, wt], {
      strides: [2, 2],
      group: 2,
      output_padding: [1, 1],
    });
    infer(b);
    // floor((32 + 2 - 3) / 2) + 1 = 16; floor((31 + 2 - 3) / 2) + 1 = 16
    expect(shapeOf(padded)).toEqual(["batch", 8, 16, 16]);
    expect(shapeOf(same)).toEqual(["batch", 8, 16, 16]);
    // kernel extent (3 - 1)·2 + 1 = 5
    expect(shapeOf(dilated)).toEqual(["batch", 8, 28, 27]);
    // 2·(5 - 1) + 3 = 11 (+ output_padding 1)
    expect(shapeOf(up)).toEqual([1, 2, 11, 11]);
    expect(shapeOf(grouped)).toEqual([1, 4, 12, 12]);
  });

  it("pools with ceil_mode, types MaxPool indices, and reduces spatial dims in global pools", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, ["batch", 16, 8, 8]);
    const [pooled, indices] = b.node(
      "MaxPool",
      [x],
      { kernel_shape: [3, 3], strides: [2, 2] },
      { outputs: ["pooled", "indices"] },
    );
    const ceiled = b.op("AveragePool", [x], {
      kernel_shape: [3, 3],
      strides: [2, 2],
      ceil_mode: 1,
    });
    const global = b.op("GlobalAveragePool", [x]);
    infer(b);
    expect(shapeOf(pooled)).toEqual(["batch", 16, 3, 3]);
    expect([elementTypeOf(indices), shapeOf(indices)]).toEqual([
      DataType.INT64,
      ["batch", 16, 3, 3],
    ]);
    expect(shapeOf(ceiled)).toEqual(["batch", 16, 4, 4]);
    expect(shapeOf(global)).toEqual(["batch", 16, 1, 1]);
  });

  it("types BatchNormalization and LayerNormalization statistics", () => {
    const b = builder(17);
    const x = b.input("x", DataType.FLOAT, [2, 5, 8]);
    const scale = b.constant(DataType.FLOAT, [8], new Array(8).fill(1), "scale");
    const [normalized, mean, inverse] = b.node(
      "LayerNormalization",
      [x, scale],
      { axis: -1 },
      { outputs: ["ln", "ln_mean", "ln_inv"] },
    );
    const channels = b.constant(DataType.FLOAT, [5], new Array(5).fill(1), "channels");
    const batchNorm = b.op("BatchNormalization", [x, channels, channels, channels, channels]);
    infer(b);
    expect(shapeOf(normalized)).toEqual([2, 5, 8]);
    expect(shapeOf(mean)).toEqual([2, 5, 1]);
    expect(shapeOf(inverse)).toEqual([2, 5, 1]);
    expect(shapeOf(batchNorm)).toEqual([2, 5, 8]);
  });

  it("broadcasts MatMul batch dims, handles 1-D operands and Gemm transposes", () => {
    const b = builder(13);
    const a = b.input("a", DataType.FLOAT, [2, 1, 3, 4]);
    const c = b.input("c", DataType.FLOAT, [5, 4, 6]);
    const vector = b.input("vector", DataType.FLOAT, [4]);
    const matrix = b.input("matrix", DataType.FLOAT, [3, 4]);
    const batched = b.op("MatMul", [a, c]);
    const left = b.op("MatMul", [vector, b.input("m46", DataType.FLOAT, [4, 6])]);
    const right = b.op("MatMul", [matrix, vector]);
    const dot = b.op("MatMul", [vector, vector]);
    const gemm = b.op(
      "Gemm",
      [b.input("ga", DataType.FLOAT, [4, 3]), b.input("gb", DataType.FLOAT, [5, 4])],
      { transA: 1, transB: 1 },
    );
    const einsum = b.op(
      "Einsum",
      [b.input("e1", DataType.FLOAT, ["b", 2, 3]), b.input("e2", DataType.FLOAT, ["b", 3, 7])],
      { equation: "bij,bjk->bik" },
    );
    const { summary } = infer(b);
    expect(shapeOf(batched)).toEqual([2, 5, 3, 6]);
    expect(shapeOf(left)).toEqual([6]);
    expect(shapeOf(right)).toEqual([3]);
    expect(shapeOf(dot)).toEqual([]);
    expect(shapeOf(gemm)).toEqual([3, 5]);
    expect(shapeOf(einsum)).toEqual(["b", 2, 7]);
    expect(summary.conflicts).toEqual([]);
  });

  it("reads reduction axes from the attribute or the input by opset, with keepdims and noop_with_empty_axes", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, [2, 3, 4]);
    const mean = b.op("ReduceMean", [x], { axes: [1], keepdims: 0 });
    const sum = b.op("ReduceSum", [x, b.int64s([-1], "axes")]);
    const all = b.op("ReduceSum", [x], { keepdims: 0 });
    const noop = b.op("ReduceSum", [x], { noop_with_empty_axes: 1 });
    const argmax = b.op("ArgMax", [x], { axis: 1, keepdims: 0 });
    const [values, indices] = b.node(
      "TopK",
      [x, b.int64s([2], "k")],
      { axis: -1 },
      { outputs: ["top", "top_i"] },
    );
    infer(b);
    expect(shapeOf(mean)).toEqual([2, 4]);
    expect(shapeOf(sum)).toEqual([2, 3, 1]);
    expect(shapeOf(all)).toEqual([]);
    expect(shapeOf(noop)).toEqual([2, 3, 4]);
    expect([elementTypeOf(argmax), shapeOf(argmax)]).toEqual([DataType.INT64, [2, 4]]);
    expect([shapeOf(values), shapeOf(indices), elementTypeOf(indices)]).toEqual([
      [2, 3, 2],
      [2, 3, 2],
      DataType.INT64,
    ]);

    const b18 = builder(18);
    const y = b18.input("y", DataType.FLOAT, [2, 3, 4]);
    const max18 = b18.op("ReduceMax", [y, b18.int64s([0, 2], "axes")], { keepdims: 0 });
    infer(b18);
    expect(shapeOf(max18)).toEqual([3]);
  });

  it("types LSTM/GRU outputs by direction, hidden size and layout", () => {
    const b = builder(14);
    const x = b.input("x", DataType.FLOAT, [10, "b", 16]);
    const w = b.randomInitializer("w", [2, 128, 16]);
    const r = b.randomInitializer("r", [2, 128, 32]);
    const [y, h, c] = b.node(
      "LSTM",
      [x, w, r],
      { hidden_size: 32, direction: "bidirectional" },
      { outputs: ["y", "h", "c"] },
    );
    const batchFirst = b.input("bf", DataType.FLOAT, ["b", 10, 16]);
    const [y1, h1] = b.node(
      "LSTM",
      [batchFirst, w, r],
      { hidden_size: 32, direction: "bidirectional", layout: 1 },
      { outputs: ["y1", "h1"] },
    );
    const gw = b.randomInitializer("gw", [1, 60, 16]);
    const gr = b.randomInitializer("gr", [1, 60, 20]);
    const [gy] = b.node("GRU", [x, gw, gr], undefined, { outputs: ["gy"] });
    infer(b);
    expect(shapeOf(y)).toEqual([10, 2, "b", 32]);
    expect(shapeOf(h)).toEqual([2, "b", 32]);
    expect(shapeOf(c)).toEqual([2, "b", 32]);
    expect(shapeOf(y1)).toEqual(["b", 10, 2, 32]);
    expect(shapeOf(h1)).toEqual(["b", 2, 32]);
    // No hidden_size: R's last dim says 20.
    expect(shapeOf(gy)).toEqual([10, 1, "b", 20]);
  });
});
