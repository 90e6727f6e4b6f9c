// A cheap oracle for shape inference that needs no python: every ONNX
// backend conformance model declares its graph outputs' types; with every
// intermediate and output type stripped, inference must never contradict them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel, inferShapes } from "../src/index.js";
import { contradiction, hasShape, stripIntermediateTypes } from "./support/shape-oracle.js";

const nodeTests = "/usr/share/libonnx-testdata/data/node";

describe.skipIf(!existsSync(nodeTests))("shape inference on the conformance models", () => {
  it("never contradicts a declared graph output type, and shapes most outputs", () => {
    const contradictions: string[] = [];
    let outputs = 0;
    let shaped = 0;
    let models = 0;
    for (const name of readdirSync(nodeTests).sort()) {
      const file = join(nodeTests, name, "model.onnx");
      if (!existsSync(file)) continue;
      const model = decodeModel(readFileSync(file));
      const declared = stripIntermediateTypes(model);
      inferShapes(model);
      models++;
      for (const value of model.graph.outputs) {
        const expected = declared.get(value.name);
        if (!hasShape(expected)) continue;
        outputs++;
        if (hasShape(value.type)) shaped++;
        const why = contradiction(expected, value.type);
        if (why) contradictions.push(`${name} ${value.name}: ${why}`);
      }
    }
    expect(contradictions).toEqual([]);
    expect(models).toBeGreaterThan(900);
    // Measured when written: see the report line below; keeps a regression in coverage visible.
    console.log(
      `shape inference: ${shaped}/${outputs} declared outputs shaped in ${models} models`,
    );
    expect(shaped / outputs).toBeGreaterThan(0.9);
  });
});
