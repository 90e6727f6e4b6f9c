import { DataType, ModelBuilder, sequenceType, Tensor, tensorType } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/support/error-of.js";
import type { FeedTensor } from "./evaluator.js";
import {
  allocateFeedData,
  checkFeedTensor,
  dataFitsFeedType,
  dataTypeFromFeedType,
  declaredInputs,
  feedElementCount,
  feedToFloat64,
  feedTypeFromDataType,
  feedTypes,
  isFeedType,
  isFloatFeedType,
} from "./feeds.js";

describe("feed types", () => {
  it("maps every FeedType to its ONNX data type and back", () => {
    const expected: Record<string, DataType> = {
      float32: DataType.FLOAT,
      float64: DataType.DOUBLE,
      float16: DataType.FLOAT16,
      int8: DataType.INT8,
      uint8: DataType.UINT8,
      int16: DataType.INT16,
      uint16: DataType.UINT16,
      int32: DataType.INT32,
      uint32: DataType.UINT32,
      int64: DataType.INT64,
      uint64: DataType.UINT64,
      bool: DataType.BOOL,
    };
    expect([...feedTypes].sort()).toEqual(Object.keys(expected).sort());
    for (const type of feedTypes) {
      expect(dataTypeFromFeedType(type)).toBe(expected[type]);
      expect(feedTypeFromDataType(expected[type]!)).toBe(type);
    }
  });

  it("refuses element types feeds cannot carry, naming the input and the supported types", () => {
    for (const dataType of [
      DataType.STRING,
      DataType.BFLOAT16,
      DataType.COMPLEX64,
      DataType.INT4,
    ]) {
      const error = errorOf(() =>
        feedTypeFromDataType(dataType, { value: "tokens", file: "t.pb" }),
      );
      expect(error.code).toBe("INPUTS_INVALID");
      expect(error.message).toMatch(/input "tokens" in t\.pb has element type [A-Z0-9]+, which/);
      expect(error.message).toContain("float32, float64, float16");
      expect(error.location).toEqual({ value: "tokens", file: "t.pb" });
    }
  });

  it("allocates the typed array each type uses", () => {
    expect(allocateFeedData("float16", 2)).toBeInstanceOf(Uint16Array);
    expect(allocateFeedData("bool", 2)).toBeInstanceOf(Uint8Array);
    expect(allocateFeedData("int64", 3)).toBeInstanceOf(BigInt64Array);
    expect(allocateFeedData("uint64", 3).length).toBe(3);
    expect(dataFitsFeedType("float32", new Float32Array(1))).toBe(true);
    expect(dataFitsFeedType("float32", new Float64Array(1))).toBe(false);
    expect(isFeedType("float32")).toBe(true);
    expect(isFeedType("string")).toBe(false);
    expect(isFeedType("toString")).toBe(false);
    expect(isFloatFeedType("float16")).toBe(true);
    expect(isFloatFeedType("int32")).toBe(false);
  });
});

describe("feedElementCount and checkFeedTensor", () => {
  it("counts elements (1 for a scalar) and rejects invalid dims with NaN", () => {
    expect(feedElementCount([])).toBe(1);
    expect(feedElementCount([2, 3, 4])).toBe(24);
    expect(feedElementCount([5, 0])).toBe(0);
    expect(feedElementCount([-1, 2])).toBeNaN();
    expect(feedElementCount([1.5])).toBeNaN();
    expect(feedElementCount([2 ** 30, 2 ** 30])).toBeNaN();
  });

  it("accepts consistent tensors and names what is wrong otherwise", () => {
    const good: FeedTensor = { type: "float32", dims: [2, 2], data: new Float32Array(4) };
    expect(() => checkFeedTensor("x", good)).not.toThrow();
    const short = errorOf(() =>
      checkFeedTensor("x", { ...good, data: new Float32Array(3) }, { file: "x.npy" }),
    );
    expect(short.message).toBe(
      'tensor "x" (x.npy) has dims [2, 2] (4 elements) but 3 data elements',
    );
    expect(short.location).toEqual({ value: "x", file: "x.npy" });
    expect(
      errorOf(() => checkFeedTensor("x", { ...good, data: new Float64Array(4) })).message,
    ).toMatch(/is float32 but its data is a Float64Array; float32 data must be a Float32Array/);
    expect(errorOf(() => checkFeedTensor("x", { ...good, dims: [2, -2] })).message).toMatch(
      /dims \[2, -2\]/,
    );
    const badType = { ...good, type: "string" } as unknown as FeedTensor;
    expect(errorOf(() => checkFeedTensor("x", badType)).message).toMatch(/element type "string"/);
  });
});

describe("feedToFloat64", () => {
  it("decodes float16 bits, converts 64-bit integers and copies the rest", () => {
    const half = feedToFloat64({
      type: "float16",
      dims: [4],
      data: new Uint16Array([0x3c00, 0xc000, 0x3555, 0x7c00]),
    });
    expect(Array.from(half)).toEqual([1, -2, 0.333251953125, Number.POSITIVE_INFINITY]);
    const big = feedToFloat64({
      type: "int64",
      dims: [2],
      data: new BigInt64Array([-(2n ** 40n), 7n]),
    });
    expect(Array.from(big)).toEqual([-(2 ** 40), 7]);
    const bools = feedToFloat64({ type: "bool", dims: [2], data: new Uint8Array([1, 0]) });
    expect(Array.from(bools)).toEqual([1, 0]);
    const float = feedToFloat64({ type: "float32", dims: [1], data: new Float32Array([0.1]) });
    expect(float[0]).toBe(Math.fround(0.1));
  });
});

describe("declaredInputs", () => {
  it("reads element types and shapes and marks inputs with initializers optional", () => {
    const builder = new ModelBuilder();
    builder.input("x", DataType.FLOAT, ["batch", 3]);
    builder.input("ids", DataType.INT64, [null, 2]);
    builder.input("rank-unknown", DataType.BOOL);
    const w = builder.constant(DataType.FLOAT, [3], [1, 2, 3], "w");
    builder.graph.addInput(w, tensorType(DataType.FLOAT, [3]));
    const declarations = declaredInputs(builder.model);
    expect(declarations).toEqual([
      { name: "x", type: "float32", shape: ["batch", 3], optional: false },
      { name: "ids", type: "int64", shape: [null, 2], optional: false },
      { name: "rank-unknown", type: "bool", shape: undefined, optional: false },
      { name: "w", type: "float32", shape: [3], optional: true },
    ]);
    expect(declaredInputs(builder.graph)).toEqual(declarations);
    expect(declaredInputs(builder.graph.inputs.slice(1, 2))).toEqual([declarations[1]]);
    expect(w.initializer).toBeInstanceOf(Tensor);
  });

  it("refuses untyped, non-tensor and string inputs, naming the input", () => {
    const untyped = new ModelBuilder();
    untyped.graph.addInput("bare");
    const noType = errorOf(() => declaredInputs(untyped.model));
    expect(noType.code).toBe("INPUTS_INVALID");
    expect(noType.message).toMatch(/graph input "bare" declares no type/);
    expect(noType.location.value).toBe("bare");

    const sequence = new ModelBuilder();
    sequence.graph.addInput("seq", sequenceType(tensorType(DataType.FLOAT, [2])));
    expect(errorOf(() => declaredInputs(sequence.model)).message).toMatch(
      /"seq" has a sequence type; rectify can only feed tensor inputs/,
    );

    const strings = new ModelBuilder();
    strings.input("text", DataType.STRING, [1]);
    expect(errorOf(() => declaredInputs(strings.model)).message).toMatch(
      /input "text" has element type STRING/,
    );
  });
});
