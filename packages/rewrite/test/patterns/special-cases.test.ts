// Pattern-rule behaviour that no case table expresses: which node reports a
// near miss, sites inside larger products, and sites split across graphs.
import { DataType, ModelBuilder, tensorType, type Value } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import {
  addConsumer,
  expectNoSite,
  patternModel,
  ruleResults,
} from "../support/pattern-test-support.js";
import { pytorchErfGelu } from "./erf-gelu.cases.js";

describe("erf-gelu", () => {
  it("reports an Erf output with another consumer once: at the outer Mul, where the ½ is applied", () => {
    let first = true;
    const model = patternModel({
      build: (g, x, k) =>
        pytorchErfGelu()(g, x, k, (value) => {
          if (first) addConsumer(g, value);
          first = false;
          return value;
        }),
    });
    const { sites, nearMisses } = ruleResults(model, "erf-gelu");
    expect(sites).toEqual([]);
    expect(nearMisses.map((miss) => miss.reason)).toEqual([
      expect.stringMatching(/inner value "erf_out.*" .*has other consumers/),
    ]);
  });
});

describe("silu", () => {
  it("finds silu inside a rescaled product without a near miss about the scale", () => {
    const model = patternModel({
      build: (g, x, k) => g.op("Mul", [g.op("Mul", [x, g.op("Sigmoid", [x])]), k(2)]),
    });
    const { sites, nearMisses } = ruleResults(model, "silu");
    expect(sites).toHaveLength(1);
    expect(sites[0]!.output.name).not.toBe("y");
    expect(nearMisses).toEqual([]);
  });

  it("refuses a product in an If branch whose Sigmoid the enclosing graph computes", () => {
    const builder = new ModelBuilder({ opset: 17 });
    const x = builder.input("x", DataType.FLOAT, [4]);
    const gate = builder.op("Sigmoid", [x], {}, { name: "outer_sigmoid" });
    const typed = (value: Value) => {
      value.type = tensorType(DataType.FLOAT, [4]);
      return value;
    };
    const y = builder.op(
      "If",
      [builder.input("cond", DataType.BOOL, [])],
      {
        then_branch: builder.subgraph("then", (g) => [typed(g.op("Mul", [x, gate]))]),
        else_branch: builder.subgraph("else", (g) => [typed(g.op("Identity", [x]))]),
      },
      { name: "branch" },
    );
    builder.output(y, DataType.FLOAT, [4], "y");
    const model = builder.build();
    expectNoSite(model, "silu", /Sigmoid "outer_sigmoid" is computed in another graph/);
    expect(ruleResults(model, "Sigmoid").sites.map((site) => site.location)).toEqual(["main"]);
  });
});
