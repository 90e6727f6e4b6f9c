// End to end: models built with @rectify/onnx run on the real onnxruntime-node,
// checked against JavaScript computations of the same functions.
import {
  DataType,
  encodeModel,
  float16BitsToNumber,
  type Model,
  ModelBuilder,
} from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { RewriteError } from "../src/errors/rewrite-error.js";
import { compareOutputs } from "../src/verify/compare.js";
import type { FeedTensor } from "../src/verify/evaluator.js";
import { randomFeeds } from "../src/verify/random-feeds.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const squareplus = (x: number) => (x + Math.sqrt(x * x + 4)) / 2;

function softplusModel(): Model {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, ["batch", 5]);
  builder.output(builder.op("Softplus", [x]), DataType.FLOAT, ["batch", 5], "y");
  return builder.build();
}

/** squareplus(x) = (x + √(x² + 4)) / 2, the algebraic stand-in for softplus. */
function squareplusModel(): Model {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, ["batch", 5]);
  const square = builder.op("Mul", [x, x]);
  const root = builder.op("Sqrt", [
    builder.op("Add", [square, builder.scalar(4, DataType.FLOAT, "four")]),
  ]);
  const sum = builder.op("Add", [x, root]);
  builder.output(
    builder.op("Mul", [sum, builder.scalar(0.5, DataType.FLOAT, "half")]),
    DataType.FLOAT,
    ["batch", 5],
    "y",
  );
  return builder.build();
}

describe("createOrtNodeEvaluator", () => {
  const evaluator = createOrtNodeEvaluator();

  it("names itself after onnxruntime-node's version", () => {
    expect(evaluator.name).toBe("onnxruntime-node 1.30.0 (cpu)");
  });

  it("runs Softplus and matches the JavaScript softplus", async () => {
    const x = [-20, -3, -1, -0.5, 0, 0.25, 1, 2.5, 10, 30];
    const outputs = await evaluator.run(encodeModel(softplusModel()), {
      x: { type: "float32", dims: [2, 5], data: new Float32Array(x) },
    });
    expect(Object.keys(outputs)).toEqual(["y"]);
    const y = outputs.y!;
    expect(y.type).toBe("float32");
    expect(y.dims).toEqual([2, 5]);
    expect(y.data).toBeInstanceOf(Float32Array);
    for (const [i, value] of x.entries()) {
      const expected = softplus(Math.fround(value));
      expect(Math.abs((y.data[i] as number) - expected), `x = ${value}`).toBeLessThanOrEqual(
        2e-7 * Math.max(1, expected),
      );
    }
  });

  it("carries every feed type through onnxruntime and back", async () => {
    const builder = new ModelBuilder({ opset: 17 });
    const inputs: [string, DataType, string][] = [
      ["d", DataType.DOUBLE, "Neg"],
      ["h", DataType.FLOAT16, "Identity"],
      ["ids", DataType.INT64, "Neg"],
      ["u64", DataType.UINT64, "Identity"],
      ["u", DataType.UINT8, "Identity"],
      ["i8", DataType.INT8, "Abs"],
      ["i16", DataType.INT16, "Identity"],
      ["u16", DataType.UINT16, "Identity"],
      ["i32", DataType.INT32, "Identity"],
      ["u32", DataType.UINT32, "Identity"],
      ["mask", DataType.BOOL, "Not"],
    ];
    for (const [name, type, op] of inputs) {
      const value = builder.input(name, type, [3]);
      builder.output(builder.op(op, [value]), type, [3], `${name}_out`);
    }
    const feeds: Record<string, FeedTensor> = {
      d: { type: "float64", dims: [3], data: new Float64Array([Math.PI, -1e300, 0.5]) },
      h: { type: "float16", dims: [3], data: new Uint16Array([0x3c00, 0xc000, 0x7bff]) },
      ids: { type: "int64", dims: [3], data: new BigInt64Array([2n ** 62n, -5n, 0n]) },
      u64: { type: "uint64", dims: [3], data: new BigUint64Array([2n ** 64n - 1n, 1n, 0n]) },
      u: { type: "uint8", dims: [3], data: new Uint8Array([0, 128, 255]) },
      i8: { type: "int8", dims: [3], data: new Int8Array([-127, 3, -4]) },
      i16: { type: "int16", dims: [3], data: new Int16Array([-32768, 1, 2]) },
      u16: { type: "uint16", dims: [3], data: new Uint16Array([65535, 1, 2]) },
      i32: { type: "int32", dims: [3], data: new Int32Array([-(2 ** 31), 1, 2]) },
      u32: { type: "uint32", dims: [3], data: new Uint32Array([2 ** 32 - 1, 1, 2]) },
      mask: { type: "bool", dims: [3], data: new Uint8Array([1, 0, 1]) },
    };
    const outputs = await evaluator.run(encodeModel(builder.build()), feeds);
    expect(outputs.d_out).toEqual({
      type: "float64",
      dims: [3],
      data: new Float64Array([-Math.PI, 1e300, -0.5]),
    });
    expect(Array.from(outputs.h_out!.data as Uint16Array, float16BitsToNumber)).toEqual([
      1, -2, 65504,
    ]);
    expect(outputs.h_out!.type).toBe("float16");
    expect(outputs.ids_out!.data).toEqual(new BigInt64Array([-(2n ** 62n), 5n, 0n]));
    expect(outputs.u64_out!.data).toEqual(new BigUint64Array([2n ** 64n - 1n, 1n, 0n]));
    expect(outputs.u_out!.data).toEqual(new Uint8Array([0, 128, 255]));
    expect(outputs.i8_out!.data).toEqual(new Int8Array([127, 3, 4]));
    expect(outputs.i16_out!.data).toEqual(new Int16Array([-32768, 1, 2]));
    expect(outputs.u16_out!.data).toEqual(new Uint16Array([65535, 1, 2]));
    expect(outputs.i32_out!.data).toEqual(new Int32Array([-(2 ** 31), 1, 2]));
    expect(outputs.u32_out!.data).toEqual(new Uint32Array([2 ** 32 - 1, 1, 2]));
    expect(outputs.mask_out).toEqual({ type: "bool", dims: [3], data: new Uint8Array([0, 1, 0]) });
  });

  it("measures squareplus against softplus on random feeds as JavaScript predicts", async () => {
    const original = softplusModel();
    const feeds = randomFeeds(original, { seed: 3, dynamicDims: { batch: 40 }, scale: 2 });
    expect(feeds.x!.dims).toEqual([40, 5]);
    const reference = await evaluator.run(encodeModel(original), feeds);
    const candidate = await evaluator.run(encodeModel(squareplusModel()), feeds);
    const comparison = compareOutputs(reference, candidate);
    let expectedMax = 0;
    let expectedAt = -1;
    for (const [i, x] of (feeds.x!.data as Float32Array).entries()) {
      const error = Math.abs(squareplus(x) - softplus(x));
      if (error > expectedMax) [expectedMax, expectedAt] = [error, i];
    }
    // squareplus − softplus peaks at x = 0 (1 − ln 2 ≈ 0.307) and shrinks away from it.
    expect(expectedMax).toBeLessThan(1 - Math.LN2);
    expect(expectedMax).toBeGreaterThan(0.25);
    expect(comparison.maxAbsError).toBeCloseTo(expectedMax, 5);
    expect(comparison.outputs[0]!.maxAbsErrorAt?.index).toBe(expectedAt);
    expect(comparison.outputs[0]!.maxAbsErrorAt?.coordinates).toEqual([
      Math.floor(expectedAt / 5),
      expectedAt % 5,
    ]);
    expect(comparison.nonFiniteMismatches).toBe(0);
    expect(comparison.outputs[0]!.cosineSimilarity).toBeGreaterThan(0.97);
    // Running the same model twice is bit-for-bit identical.
    const again = compareOutputs(reference, await evaluator.run(encodeModel(original), feeds));
    expect(again.maxAbsError).toBe(0);
  });

  it("reports unloadable models, bad feeds and malformed feed tensors as RewriteErrors", async () => {
    const garbage = await evaluator
      .run(new Uint8Array([1, 2, 3, 4]), {})
      .catch((error: unknown) => error);
    expect(garbage).toBeInstanceOf(RewriteError);
    expect((garbage as RewriteError).code).toBe("EVALUATOR_FAILED");
    expect((garbage as RewriteError).message).toMatch(
      /^onnxruntime-node 1\.30\.0 \(cpu\) could not load the model: /,
    );

    const bytes = encodeModel(softplusModel());
    const wrongShape = await evaluator
      .run(bytes, { x: { type: "float32", dims: [2, 4], data: new Float32Array(8) } })
      .catch((error: unknown) => error);
    expect((wrongShape as RewriteError).code).toBe("EVALUATOR_FAILED");
    expect((wrongShape as RewriteError).message).toMatch(/could not run the model: .*/);

    const malformed = await evaluator
      .run(bytes, { x: { type: "float32", dims: [2, 5], data: new Float32Array(3) } })
      .catch((error: unknown) => error);
    expect((malformed as RewriteError).code).toBe("INPUTS_INVALID");
    expect((malformed as RewriteError).message).toMatch(
      /tensor "x" has dims \[2, 5\] \(10 elements\) but 3 data elements/,
    );
  });
});
