import { DataType, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import type { EngineNode, EngineProfile } from "../verify/evaluator.js";
import { absorbedInputs, siteRegion, siteTimes } from "./site-time.js";

/** x → MatMul → bias Add → erf-GELU (Div, Erf, Add, Mul, Mul) → y, and x → Conv → Relu → z. */
function model() {
  const b = new ModelBuilder({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 8]);
  const w = b.constant(DataType.FLOAT, [8, 8], new Float32Array(64), "w");
  const bias = b.constant(DataType.FLOAT, [8], new Float32Array(8), "bias");
  const product = b.op("MatMul", [x, w], {}, { name: "matmul", output: "product" });
  const biased = b.op("Add", [product, bias], {}, { name: "bias_add", output: "biased" });
  const scaled = b.op(
    "Div",
    [biased, b.scalar(Math.SQRT2, DataType.FLOAT, "root2")],
    {},
    { name: "div", output: "scaled" },
  );
  const erf = b.op("Erf", [scaled], {}, { name: "erf", output: "erf" });
  const plus = b.op(
    "Add",
    [erf, b.scalar(1, DataType.FLOAT, "one")],
    {},
    { name: "plus", output: "plus" },
  );
  const times = b.op("Mul", [biased, plus], {}, { name: "times", output: "times" });
  const y = b.op(
    "Mul",
    [times, b.scalar(0.5, DataType.FLOAT, "half")],
    {},
    { name: "half_mul", output: "y" },
  );
  b.output(y, DataType.FLOAT, [1, 8]);
  const image = b.input("image", DataType.FLOAT, [1, 1, 4, 4]);
  const kernel = b.constant(DataType.FLOAT, [1, 1, 1, 1], [1], "kernel");
  const conv = b.op("Conv", [image, kernel], {}, { name: "conv", output: "conv_out" });
  b.output(b.op("Relu", [conv], {}, { name: "relu", output: "z" }), DataType.FLOAT, [1, 1, 4, 4]);
  return b.build();
}

const node = (
  name: string,
  opType: string,
  inputs: string[],
  outputs: string[],
  milliseconds: number,
  domain = "",
): EngineNode => ({
  name,
  opType,
  domain,
  inputs,
  outputs,
  milliseconds,
});

/** What onnxruntime runs for model() at level all: BiasGelu takes the Add in, the Relu goes into the Conv. */
const fused: EngineProfile = {
  nodes: [
    node("matmul", "MatMul", ["x", "w"], ["product"], 0.5),
    node("BiasGelu_1", "BiasGelu", ["product", "bias"], ["y"], 0.2, "com.microsoft"),
    node("conv", "FusedConv", ["image", "kernel"], ["z"], 0.3, "com.microsoft"),
  ],
  kernelMilliseconds: 1,
  runMilliseconds: 1.2,
  runs: 10,
  graph: true,
};

const gelu = { id: "gelu", input: "biased", output: "y" };
const relu = { id: "relu", input: "conv_out", output: "z" };

describe("site times in the engine's graph", () => {
  it("finds a site's tensors from its output back to its input", () => {
    expect([...siteRegion(model().graph, gelu)].sort()).toEqual([
      "erf",
      "plus",
      "scaled",
      "times",
      "y",
    ]);
    expect([...siteRegion(model().graph, relu)]).toEqual(["z"]);
  });

  it("counts a fused kernel for the site it computes, and a site folded into a Conv as free", () => {
    const graph = model().graph;
    const absorbed = absorbedInputs(graph, fused, [gelu, relu]);
    expect([...absorbed]).toEqual(["biased"]); // the bias Add went into BiasGelu
    const times = siteTimes(graph, fused, [gelu, relu], absorbed);
    expect(times.get("gelu")).toEqual({
      milliseconds: 0.2,
      nodes: ["BiasGelu_1 (com.microsoft.BiasGelu)"],
    });
    expect(times.get("relu")).toEqual({
      milliseconds: 0,
      nodes: [],
      fusedInto: "FusedConv",
      fusedMilliseconds: 0.3,
    });
  });

  it("goes by name where the engine's layout pass renamed the tensors (NCHWc)", () => {
    const graph = model().graph;
    const renamed: EngineProfile = {
      ...fused,
      nodes: [
        node(
          "conv_nchwc",
          "Conv",
          ["image", "kernel"],
          ["reorder_token_0"],
          0.3,
          "com.microsoft.nchwc",
        ),
        node(
          "half_mul/GeluFusion/",
          "Gelu",
          ["reorder_token_0"],
          ["reorder_token_1"],
          0.25,
          "com.microsoft",
        ),
        node("half_mul_extra", "Gelu", ["x"], ["other"], 9, "com.microsoft"),
      ],
    };
    const time = siteTimes(graph, renamed, [gelu]).get("gelu")!;
    expect(time).toEqual({
      milliseconds: 0.25,
      nodes: ["half_mul/GeluFusion/ (com.microsoft.Gelu)"],
    });
  });

  it("counts the bias Add on the side where it stayed, so both sides time the same work", () => {
    const graph = model().graph;
    const unfused: EngineProfile = {
      ...fused,
      nodes: [
        node("matmul", "MatMul", ["x", "w"], ["product"], 0.5),
        node("bias_add", "Add", ["product", "bias"], ["biased"], 0.05),
        node("div", "Div", ["biased", "root2"], ["scaled"], 0.05),
        node("erf", "Erf", ["scaled"], ["erf"], 0.1),
        node("plus", "Add", ["erf", "one"], ["plus"], 0.05),
        node("times", "Mul", ["biased", "plus"], ["times"], 0.05),
        node("half_mul", "Mul", ["times", "half"], ["y"], 0.05),
      ],
    };
    expect(absorbedInputs(graph, unfused, [gelu]).size).toBe(0);
    const time = siteTimes(graph, unfused, [gelu], new Set(["biased"])).get("gelu")!;
    expect(time.milliseconds).toBeCloseTo(0.35, 12);
    expect(time.nodes).toHaveLength(6);
    expect(siteTimes(graph, unfused, [gelu]).get("gelu")!.milliseconds).toBeCloseTo(0.3, 12);
  });
});
