// The pattern rules must match, refuse with a reason, or pass, and never
// throw, on damaged versions of the patterns: missing or extra inputs,
// cycles, tensors where constants belong, many-element and string constants.
import { DataType, type Model, ModelBuilder, SeededRandom, type Value } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { patternCaseTables } from "../../test/patterns/index.js";
import { constantWriter, type PatternBuild } from "../../test/support/pattern-test-support.js";
import { findSites } from "../sites/find-sites.js";
import { patternRules } from "./index.js";

/** One canonical form per rule, from the rules' case tables. */
const canonical: readonly PatternBuild[] = patternCaseTables.map((cases) => cases.canonical);

/** A canonical pattern with 1–3 random injuries (seeded). */
function damagedModel(seed: number): Model {
  const random = new SeededRandom(seed);
  const builder = new ModelBuilder({ opset: random.next() < 0.3 ? 10 : 17, seed });
  const x = builder.input("x", DataType.FLOAT, [4]);
  const style = (["scalar", "vector", "node"] as const)[random.int(0, 3)]!;
  const y = canonical[seed % canonical.length]!(builder, x, constantWriter(builder, style));
  builder.output(y, DataType.FLOAT);
  const strange: Value[] = [
    builder.constant(DataType.FLOAT, [2], [0.5, 0.5], "pair"),
    builder.constant(DataType.STRING, [1], ["s"], "text"),
    builder.op("Neg", [x]),
  ];
  const nodes = builder.graph.nodes.filter((node) => node.opType !== "Constant");
  for (let injury = random.int(1, 4); injury > 0; injury--) {
    const node = nodes[random.int(0, nodes.length)]!;
    const slot = random.int(0, Math.max(1, node.inputs.length));
    switch (random.int(0, 6)) {
      case 0:
        node.setInput(slot, null);
        break;
      case 1:
        node.truncateInputs(random.int(0, node.inputs.length));
        break;
      case 2:
        node.addInput(x);
        break;
      case 3:
        node.setInput(slot, node.outputs[0]!);
        break;
      default:
        node.setInput(slot, strange[random.int(0, strange.length)]!);
    }
  }
  return builder.build({ validate: false });
}

describe("pattern rules on damaged patterns", () => {
  it("never throw, and every site's nodes are in its graph", () => {
    let answers = 0;
    for (let seed = 0; seed < 350; seed++) {
      const { sites, nearMisses } = findSites(damagedModel(seed), patternRules);
      answers += sites.length + nearMisses.length;
      for (const site of sites)
        for (const node of site.nodes) expect(site.graph.nodes).toContain(node);
      for (const miss of nearMisses) expect(miss.reason).toMatch(/\w/);
    }
    // Some injuries leave a pattern whole or nearly so: the rules ran to the end, not just their first test.
    expect(answers).toBeGreaterThan(50);
  });
});
