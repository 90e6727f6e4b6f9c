import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { encodeModel } from "../codec/encode.js";
import { DataType } from "../tensor/data-type.js";
import { float, int } from "./attributes.js";
import { ModelBuilder } from "./model-builder.js";
import { tensorTypeInfo } from "./types.js";

async function run(model: ReturnType<ModelBuilder["build"]>, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe("ModelBuilder", () => {
  it("builds a model onnxruntime runs with the expected values (attributes, If subgraphs, a local function)", async () => {
    const b = new ModelBuilder({ opset: 17, seed: 3 });
    const x = b.input("x", DataType.FLOAT, [4]);
    const cond = b.input("cond", DataType.BOOL, []);
    const leaky = b.op("LeakyRelu", [x], { alpha: 0.5 });
    const clipped = b.op("Clip", [leaky, b.scalar(-1), b.scalar(2)]);
    b.function("local", "Square", ["a"], (body, [a]) => [body.op("Mul", [a!, a!])]);
    const squared = b.op("Square", [clipped], undefined, { domain: "local" });
    const selected = b.op("If", [cond], {
      then_branch: b.subgraph("then", (g) => [g.op("Neg", [squared])]),
      else_branch: b.subgraph("else", (g) => [g.op("Identity", [clipped])]),
    });
    b.output(selected, DataType.FLOAT, [4], "y");
    const model = b.build();
    const input = new ort.Tensor("float32", Float32Array.from([-4, -1, 1, 3]), [4]);
    // LeakyRelu(0.5): [-2, -0.5, 1, 3] → Clip[-1, 2]: [-1, -0.5, 1, 2]
    const yes = await run(model, { x: input, cond: new ort.Tensor("bool", [true], []) });
    expect(Array.from(yes.y!.data as Float32Array)).toEqual([-1, -0.25, -1, -4]);
    const no = await run(model, { x: input, cond: new ort.Tensor("bool", [false], []) });
    expect(Array.from(no.y!.data as Float32Array)).toEqual([-1, -0.5, 1, 2]);
  });

  it("types attributes: FLOAT for alpha-like names, INT otherwise, explicit helpers win", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [1, 3]);
    const node = b.op("Softmax", [b.op("Elu", [x], { alpha: 1 })], { axis: -1 }).producer!;
    const elu = node.inputs[0]!.producer!;
    expect(elu.getFloat("alpha")).toBe(1);
    expect(node.getInt("axis")).toBe(-1);
    const explicit = b.op("Custom", [x], { a: float(2), b: int(3) }, { domain: "x" }).producer!;
    expect(explicit.getFloat("a")).toBe(2);
    expect(explicit.getInt("b")).toBe(3);
  });

  it("seeded weights are identical for the same seed and differ for another", () => {
    const weights = (seed: number) => {
      const b = new ModelBuilder({ seed });
      return Array.from(b.randomInitializer("w", [8, 8]).initializer!.toArray() as Float32Array);
    };
    expect(weights(1)).toEqual(weights(1));
    expect(weights(1)).not.toEqual(weights(2));
    const values = weights(5);
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.2);
  });

  it("symbolic and unknown dims in declared types", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT16, ["batch", 3, null]);
    expect(tensorTypeInfo(x.type)).toEqual({
      elementType: DataType.FLOAT16,
      shape: ["batch", 3, null],
    });
  });

  it("builds a Loop whose body reads an outer value, and onnxruntime runs it", async () => {
    const b = new ModelBuilder();
    const step = b.input("step", DataType.FLOAT, [1]);
    const count = b.constant(DataType.INT64, [], [3n], "trip_count");
    const start = b.constant(DataType.FLOAT, [1], [0], "start");
    const body = b.subgraph("body", (g) => {
      g.input("i", DataType.INT64, []);
      const keepGoing = g.input("cond_in", DataType.BOOL, []);
      const carried = g.input("acc", DataType.FLOAT, [1]);
      const condOut = g.op("Identity", [keepGoing]);
      const next = g.op("Add", [carried, step]);
      return [condOut, next];
    });
    const [total] = b.node("Loop", [count, null, start], { body }, { outputs: 1 });
    b.output(total!, DataType.FLOAT, [1], "total");
    const result = await run(b.build(), {
      step: new ort.Tensor("float32", Float32Array.from([2.5]), [1]),
    });
    expect(Array.from(result.total!.data as Float32Array)).toEqual([7.5]);
  });
});
