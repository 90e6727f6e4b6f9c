// Shape inference on deliberately broken models: every conformance model with
// its integer attributes and declared input dims replaced by hostile values
// (negative, zero, huge, out-of-range axes) must be inferred without throwing
// and without allocating from an untrusted size.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AttributeType,
  decodeModel,
  type Model,
  SeededRandom,
  tensorType,
  tensorTypeInfo,
} from "../src/index.js";
import { ShapeInference } from "../src/shape/engine.js";

const nodeTests = "/usr/share/libonnx-testdata/data/node";
const hostileInts = [-(2n ** 62n), -7n, -1n, 0n, 1n, 3n, 1_000_000_000n, 2n ** 40n, 2n ** 62n];
const hostileDims = [0, 1, 7, 2 ** 40, "n", null] as const;

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.nextUint32() % items.length]!;
}

function mutate(model: Model, random: SeededRandom): void {
  for (const graph of model.graphs()) {
    for (const node of graph.nodes) {
      for (const attribute of node.attributes) {
        if (attribute.type === AttributeType.INT) attribute.proto.i = pick(random, hostileInts);
        if (attribute.type === AttributeType.INTS)
          attribute.proto.ints = attribute.proto.ints.map(() => pick(random, hostileInts));
      }
    }
    for (const input of graph.inputs) {
      const info = tensorTypeInfo(input.type);
      if (!info?.shape || random.nextUint32() % 2 === 0) continue;
      input.type = tensorType(
        info.elementType,
        info.shape.map(() => pick(random, hostileDims)),
      );
    }
  }
}

describe.skipIf(!existsSync(nodeTests))("shape inference on mutated conformance models", () => {
  it("never throws, no rule fails other than by SkipNode, and only valid dims are written", () => {
    const random = new SeededRandom(2026);
    let models = 0;
    const failures: string[] = [];
    for (const name of readdirSync(nodeTests).sort()) {
      const file = join(nodeTests, name, "model.onnx");
      if (!existsSync(file)) continue;
      const model = decodeModel(readFileSync(file));
      mutate(model, random);
      try {
        new ShapeInference(model, {}, (node, error) =>
          failures.push(`${name}: rule for ${node.opType} threw ${String(error)}`),
        ).run();
      } catch (error) {
        failures.push(`${name}: ${String(error)}`);
        continue;
      }
      models++;
      for (const graph of model.graphs()) {
        for (const value of graph.valueInfo) {
          const shape = tensorTypeInfo(value.type)?.shape ?? [];
          if (
            shape.some((dim) => typeof dim === "number" && (!Number.isSafeInteger(dim) || dim < 0))
          )
            failures.push(`${name}: ${value.name} got [${shape.join(", ")}]`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(models).toBeGreaterThan(900);
  });
});
