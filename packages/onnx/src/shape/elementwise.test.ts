import { describe, expect, it } from "vitest";
import { builder, elementTypeOf, infer, shapeOf } from "../../test/support/shape-models.js";
import { DataType } from "../tensor/data-type.js";

describe("shape inference: elementwise ops", () => {
  it("broadcasts like numpy and keeps symbolic dims by name", () => {
    const b = builder();
    const x = b.input("x", DataType.FLOAT, ["batch", 1, 4]);
    const y = b.input("y", DataType.FLOAT, [3, 1]);
    const one = b.input("one", DataType.FLOAT, [1]);
    const n = b.input("n", DataType.FLOAT, ["n", 1, 1]);
    const same = b.input("same", DataType.FLOAT, ["batch", 1, 1]);
    const sum = b.op("Add", [x, y]);
    const scaled = b.op("Mul", [x, one]);
    const mixed = b.op("Sub", [x, n]);
    const kept = b.op("Div", [x, same]);
    const { summary } = infer(b);
    expect(shapeOf(sum)).toEqual(["batch", 3, 4]);
    expect(elementTypeOf(sum)).toBe(DataType.FLOAT);
    expect(shapeOf(scaled)).toEqual(["batch", 1, 4]);
    // "batch" against "n" could be either: unknown, never a guess.
    expect(shapeOf(mixed)).toEqual([null, 1, 4]);
    expect(shapeOf(kept)).toEqual(["batch", 1, 4]);
    expect(summary.conflicts).toEqual([]);
  });

  it("gives comparisons bool outputs and Where the broadcast of all three inputs", () => {
    const b = builder();
    const a = b.input("a", DataType.FLOAT, [2, 1]);
    const c = b.input("c", DataType.FLOAT, [1, 3]);
    const equal = b.op("Equal", [a, c]);
    const where = b.op("Where", [equal, a, b.scalar(0)]);
    infer(b);
    expect(elementTypeOf(equal)).toBe(DataType.BOOL);
    expect(shapeOf(equal)).toEqual([2, 3]);
    expect(elementTypeOf(where)).toBe(DataType.FLOAT);
    expect(shapeOf(where)).toEqual([2, 3]);
  });

  it("reports shapes that cannot broadcast and leaves the output unknown", () => {
    const b = builder();
    const a = b.input("a", DataType.FLOAT, [2, 3]);
    const c = b.input("c", DataType.FLOAT, [4, 3]);
    const sum = b.op("Add", [a, c], undefined, { name: "bad_add" });
    const { summary } = infer(b);
    expect(shapeOf(sum)).toBeUndefined();
    expect(summary.conflicts).toHaveLength(1);
    expect(summary.conflicts[0]!.node).toBe("bad_add");
    expect(summary.conflicts[0]!.message).toContain("2 and 4");
  });

  it("follows legacy unidirectional broadcasting before opset 7", () => {
    const b = builder(6);
    const a = b.input("a", DataType.FLOAT, [2, 3, 4]);
    const c = b.input("c", DataType.FLOAT, [3]);
    const sum = b.op("Add", [a, c], { broadcast: 1, axis: 1 });
    infer(b);
    expect(shapeOf(sum)).toEqual([2, 3, 4]);
  });

  it("types Cast, Dropout masks by opset, PRelu and unary ops", () => {
    const b12 = builder(12);
    const x = b12.input("x", DataType.FLOAT, ["n", 5]);
    const cast = b12.op("Cast", [x], { to: DataType.INT64 });
    const [out, mask] = b12.node("Dropout", [x], undefined, { outputs: ["d_out", "d_mask"] });
    const prelu = b12.op("PRelu", [x, b12.constant(DataType.FLOAT, [5], [1, 1, 1, 1, 1], "slope")]);
    const gelu = b12.op("Softplus", [x]);
    infer(b12);
    expect([elementTypeOf(cast), shapeOf(cast)]).toEqual([DataType.INT64, ["n", 5]]);
    expect(shapeOf(out)).toEqual(["n", 5]);
    expect([elementTypeOf(mask), shapeOf(mask)]).toEqual([DataType.BOOL, ["n", 5]]);
    expect(shapeOf(prelu)).toEqual(["n", 5]);
    expect(shapeOf(gelu)).toEqual(["n", 5]);

    const b7 = builder(7);
    const y = b7.input("y", DataType.FLOAT, [3]);
    const [, oldMask] = b7.node("Dropout", [y], undefined, { outputs: ["d7_out", "d7_mask"] });
    infer(b7);
    expect(elementTypeOf(oldMask)).toBe(DataType.FLOAT);
  });
});
