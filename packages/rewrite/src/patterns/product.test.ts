import { DataType, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { flattenProduct, hasFactors } from "./product.js";

function setup() {
  const builder = new ModelBuilder();
  const x = builder.input("x", DataType.FLOAT, [4]);
  const z = builder.input("z", DataType.FLOAT, [4]);
  return { builder, x, z };
}

describe("flattenProduct", () => {
  it("collects powers and the constant through Mul, Div and integer Pow in any association", () => {
    const { builder: b, x, z } = setup();
    // ((0.5 · x) · x) / (z · 4) · Pow(x, 2)
    const left = b.op("Mul", [b.op("Mul", [b.scalar(0.5), x]), x]);
    const value = b.op("Mul", [
      b.op("Div", [left, b.op("Mul", [z, b.constant(DataType.FLOAT, [1], [4])])]),
      b.op("Pow", [x, b.scalar(2)]),
    ]);
    const product = flattenProduct(value);
    expect(
      hasFactors(
        product,
        new Map([
          [x, 4],
          [z, -1],
        ]),
      ),
    ).toBe(true);
    expect(product.coefficient).toBeCloseTo(0.125, 7);
    expect(product.nodes).toHaveLength(6);
    expect(product.nodes[0]).toBe(value.producer);
  });

  it("stops at leaves, at fractional powers and at many-element constants", () => {
    const { builder: b, x, z } = setup();
    const scaled = b.op("Mul", [x, z]);
    const root = b.op("Mul", [scaled, b.op("Pow", [x, b.scalar(0.5)])]);
    const product = flattenProduct(root, new Set([scaled]));
    expect([...product.factors.keys()].map((v) => v.name)).toEqual([
      scaled.name,
      root.producer!.inputs[1]!.name,
    ]);
    const broadcast = b.op("Mul", [x, b.constant(DataType.FLOAT, [2, 1], [3, 3])]);
    expect(flattenProduct(broadcast).factors.size).toBe(2);
    expect(flattenProduct(broadcast).coefficient).toBe(1);
  });

  it("cancels x / x and does not throw on missing inputs or a node reading its own output", () => {
    const { builder: b, x } = setup();
    expect(flattenProduct(b.op("Div", [x, x])).factors.size).toBe(0);
    const broken = b.op("Mul", [x, b.scalar(2)]);
    broken.producer!.setInputs([x, null]);
    expect(flattenProduct(broken).factors.get(broken)).toBe(1);
    const loop = b.op("Mul", [x, x]);
    loop.producer!.setInput(1, loop);
    expect(() => flattenProduct(loop)).not.toThrow();
  });

  it("bounds its work on a DAG of shared products", () => {
    const { builder: b, x } = setup();
    let value = x;
    for (let i = 0; i < 60; i++) value = b.op("Mul", [value, value]);
    const started = performance.now();
    const product = flattenProduct(value);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(product.factors.size).toBeGreaterThan(0);
  });
});
