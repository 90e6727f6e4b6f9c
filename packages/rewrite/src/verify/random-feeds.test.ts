import {
  DataType,
  float16BitsToNumber,
  type Model,
  ModelBuilder,
  sequenceType,
  tensorType,
} from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/support/error-of.js";
import { checkFeedTensor, declaredInputs } from "./feeds.js";
import { concreteDims, randomFeeds } from "./random-feeds.js";

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

function deviation(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return Math.sqrt(sum / values.length);
}

function mixedModel(): Model {
  const builder = new ModelBuilder();
  builder.input("x", DataType.FLOAT, ["batch", 64, 64]);
  builder.input("d", DataType.DOUBLE, [4096]);
  builder.input("h", DataType.FLOAT16, [1024]);
  builder.input("ids", DataType.INT64, [1000]);
  builder.input("u", DataType.UINT8, [1000]);
  builder.input("mask", DataType.BOOL, [1000]);
  const w = builder.constant(DataType.FLOAT, [3], [1, 2, 3], "w");
  builder.graph.addInput(w, tensorType(DataType.FLOAT, [3]));
  return builder.model;
}

describe("randomFeeds", () => {
  it("makes every required input with its declared type and concrete dims, skipping defaults", () => {
    const feeds = randomFeeds(mixedModel(), { seed: 5 });
    expect(Object.keys(feeds)).toEqual(["x", "d", "h", "ids", "u", "mask"]);
    expect(feeds.x!.type).toBe("float32");
    expect(feeds.x!.dims).toEqual([1, 64, 64]);
    expect(feeds.d!.type).toBe("float64");
    expect(feeds.h!.data).toBeInstanceOf(Uint16Array);
    expect(feeds.ids!.data).toBeInstanceOf(BigInt64Array);
    expect(feeds.mask!.data).toBeInstanceOf(Uint8Array);
    for (const [name, tensor] of Object.entries(feeds)) checkFeedTensor(name, tensor);
  });

  it("draws floats from N(0, 1), integers from 0..9 and bools from {0, 1}", () => {
    const feeds = randomFeeds(mixedModel(), { seed: 5 });
    const x = feeds.x!.data as Float32Array;
    expect(Math.abs(mean(x))).toBeLessThan(0.05);
    expect(Math.abs(deviation(x) - 1)).toBeLessThan(0.05);
    const d = feeds.d!.data as Float64Array;
    expect(Math.abs(deviation(d) - 1)).toBeLessThan(0.05);
    const h = Array.from(feeds.h!.data as Uint16Array, float16BitsToNumber);
    expect(h.every(Number.isFinite)).toBe(true);
    expect(Math.abs(deviation(h) - 1)).toBeLessThan(0.1);
    const ids = Array.from(feeds.ids!.data as BigInt64Array, Number);
    expect(new Set(ids)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(new Set(feeds.u!.data as Uint8Array)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const mask = Array.from(feeds.mask!.data as Uint8Array);
    expect(new Set(mask)).toEqual(new Set([0, 1]));
    expect(Math.abs(mean(mask) - 0.5)).toBeLessThan(0.06);
  });

  it("honours scale, uniform and integerRange", () => {
    const scaled = randomFeeds(mixedModel(), { scale: 3 }).x!.data as Float32Array;
    expect(Math.abs(deviation(scaled) - 3)).toBeLessThan(0.15);
    const uniform = randomFeeds(mixedModel(), { uniform: [-2, 4] });
    const values = Array.from(uniform.x!.data as Float32Array);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...values)).toBeLessThan(4);
    expect(Math.abs(mean(values) - 1)).toBeLessThan(0.05);
    const ints = randomFeeds(mixedModel(), { integerRange: [100, 103] });
    expect(new Set(ints.u!.data as Uint8Array)).toEqual(new Set([100, 101, 102]));
  });

  it("is deterministic for a seed, differs between seeds, and keeps inputs independent", () => {
    const a = randomFeeds(mixedModel(), { seed: 11 });
    const b = randomFeeds(mixedModel(), { seed: 11 });
    const c = randomFeeds(mixedModel(), { seed: 12 });
    expect(b).toEqual(a);
    expect(c.x!.data).not.toEqual(a.x!.data);
    // The same seed with one input fewer leaves the other inputs' values unchanged.
    const smaller = new ModelBuilder();
    smaller.input("ids", DataType.INT64, [1000]);
    smaller.input("x", DataType.FLOAT, ["batch", 64, 64]);
    const fewer = randomFeeds(smaller.model, { seed: 11 });
    expect(fewer.x).toEqual(a.x);
    expect(fewer.ids).toEqual(a.ids);
    // Pinned values for the default seed (0), so a change to the generator is noticed.
    const tiny = new ModelBuilder();
    tiny.input("t", DataType.INT32, [6]);
    tiny.input("f", DataType.FLOAT, [3]);
    const pinned = randomFeeds(tiny.model);
    expect(Array.from(pinned.t!.data as Int32Array)).toEqual([5, 8, 3, 4, 9, 5]);
    const f = Array.from(pinned.f!.data as Float32Array);
    expect(f[0]).toBeCloseTo(0.24302499, 7);
    expect(f[1]).toBeCloseTo(-0.56587416, 7);
    expect(f[2]).toBeCloseTo(1.08126318, 7);
  });
});

describe("concreteDims", () => {
  const declaration = (shape: (number | string | null)[]) => {
    const builder = new ModelBuilder();
    builder.input("x", DataType.FLOAT, shape);
    return declaredInputs(builder.model)[0]!;
  };

  it("sizes batch-like dims 1, other dynamic dims 16, and honours dynamicDims and defaultDim", () => {
    expect(concreteDims(declaration(["batch", 3, "seq", null]))).toEqual([1, 3, 16, 16]);
    expect(concreteDims(declaration(["N", "n", "batch_size", "BatchSize", "width"]))).toEqual([
      1, 1, 1, 1, 16,
    ]);
    expect(
      concreteDims(declaration(["batch", "seq", null, 2]), {
        dynamicDims: { batch: 4, seq: 7 },
        defaultDim: 5,
      }),
    ).toEqual([4, 7, 5, 2]);
    expect(concreteDims(declaration([]))).toEqual([]);
  });
});

describe("randomFeeds errors", () => {
  it("refuses inputs without a type, with a non-tensor type or with an unknown rank", () => {
    const untyped = new ModelBuilder();
    untyped.graph.addInput("bare");
    expect(errorOf(() => randomFeeds(untyped.model)).message).toMatch(
      /graph input "bare" declares no type/,
    );
    const sequence = new ModelBuilder();
    sequence.graph.addInput("seq", sequenceType(tensorType(DataType.FLOAT, [2])));
    expect(errorOf(() => randomFeeds(sequence.model)).message).toMatch(/"seq" has a sequence type/);
    const noShape = new ModelBuilder();
    noShape.input("free", DataType.FLOAT);
    const error = errorOf(() => randomFeeds(noShape.model));
    expect(error.code).toBe("INPUTS_INVALID");
    expect(error.message).toMatch(/graph input "free" declares no shape \(unknown rank\)/);
    expect(error.location.value).toBe("free");
  });

  it("refuses huge or invalid dims before allocating", () => {
    const huge = new ModelBuilder();
    huge.input("big", DataType.FLOAT, [65536, 65536]);
    expect(errorOf(() => randomFeeds(huge.model)).message).toMatch(
      /"big" would get dims \[65536, 65536\] \(4294967296 elements\), too many/,
    );
    const dynamic = new ModelBuilder();
    dynamic.input("seq", DataType.FLOAT, ["length", "length"]);
    expect(
      errorOf(() => randomFeeds(dynamic.model, { dynamicDims: { length: 1 << 16 } })).message,
    ).toMatch(/too many for random inputs; set smaller sizes with dynamicDims/);
  });

  it("reports out-of-range options as OPTIONS_INVALID", () => {
    const model = mixedModel();
    const cases: [object, RegExp][] = [
      [{ scale: -1 }, /option scale is -1/],
      [{ uniform: [2, 1] }, /option uniform is \[2, 1\]/],
      [{ integerRange: [3, 3] }, /option integerRange is \[3, 3\)/],
      [{ dynamicDims: { batch: -2 } }, /option dynamicDims\.batch is -2/],
      [{ defaultDim: 1.5 }, /option defaultDim is 1\.5/],
      [{ seed: 0.5 }, /option seed is 0\.5/],
    ];
    for (const [options, message] of cases) {
      const error = errorOf(() => randomFeeds(model, options));
      expect(error.code).toBe("OPTIONS_INVALID");
      expect(error.message).toMatch(message);
    }
  });
});
