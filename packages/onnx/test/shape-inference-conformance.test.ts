// A cheap oracle for shape inference that needs no python: every ONNX
// backend conformance model declares its graph outputs' types and ships the
// outputs a reference run produced. With every intermediate and output type
// stripped, inference must contradict neither.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel, decodeTensor, inferShapes, tensorType } from "../src/index.js";
import { contradiction, hasShape, stripIntermediateTypes } from "./support/shape-oracle.js";

const dataRoot = "/usr/share/libonnx-testdata/data";
const nodeTests = join(dataRoot, "node");
const suites = ["node", "pytorch-converted", "pytorch-operator", "simple"];

function testDirectories(): string[] {
  return suites.flatMap((suite) => {
    const root = join(dataRoot, suite);
    return existsSync(root)
      ? readdirSync(root)
          .sort()
          .map((name) => join(root, name))
      : [];
  });
}

/** Dims of the reference output tensors of a test's first data set, by output position. */
function referenceOutputs(directory: string): Map<number, { dims: number[] }> {
  const found = new Map<number, { dims: number[] }>();
  const data = join(directory, "test_data_set_0");
  if (!existsSync(data)) return found;
  for (const file of readdirSync(data)) {
    const match = /^output_(\d+)\.pb$/.exec(file);
    if (!match) continue;
    try {
      const tensor = decodeTensor(readFileSync(join(data, file)));
      found.set(Number(match[1]), { dims: tensor.dims });
    } catch {
      // Sequence and optional outputs are not TensorProtos; they have no dims to compare.
    }
  }
  return found;
}

describe.skipIf(!existsSync(nodeTests))("shape inference on the conformance models", () => {
  it("never contradicts declared output types or the reference outputs' dims", () => {
    const contradictions: string[] = [];
    let outputs = 0;
    let shaped = 0;
    let models = 0;
    let referenceChecks = 0;
    for (const directory of testDirectories()) {
      const name = directory.slice(dataRoot.length + 1);
      const file = join(directory, "model.onnx");
      if (!existsSync(file)) continue;
      const model = decodeModel(readFileSync(file));
      const declared = stripIntermediateTypes(model);
      const summary = inferShapes(model);
      models++;
      for (const conflict of summary.conflicts)
        contradictions.push(`${name}: conflict at ${conflict.value}: ${conflict.message}`);
      const references = referenceOutputs(directory);
      for (const [index, value] of model.graph.outputs.entries()) {
        const expected = declared.get(value.name);
        const reference = references.get(index);
        // Only tensor outputs have dims; element types are not compared because the generator stores bfloat16 as uint16.
        if (reference && expected?.value.case === "tensorType") {
          referenceChecks++;
          const actual = tensorType(0, reference.dims);
          const why = contradiction(actual, value.type);
          if (why) contradictions.push(`${name} ${value.name} vs reference output: ${why}`);
        }
        if (!hasShape(expected)) continue;
        outputs++;
        if (hasShape(value.type)) shaped++;
        const why = contradiction(expected, value.type);
        if (why) contradictions.push(`${name} ${value.name}: ${why}`);
      }
    }
    expect(contradictions).toEqual([]);
    expect(models).toBeGreaterThan(1000);
    expect(referenceChecks).toBeGreaterThan(1000);
    // 100% of the declared outputs were shaped when this test was written; a drop means a rule regressed.
    expect(shaped / outputs).toBeGreaterThan(0.98);
  });
});
