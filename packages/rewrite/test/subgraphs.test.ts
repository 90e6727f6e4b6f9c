// Sites inside If/Loop bodies and model-local functions are rewritten in
// place: constants go where the body can read them (Constant nodes in
// functions, which hold no initializers) and onnxruntime runs the result.
import { DataType, encodeModel, type Model, ModelBuilder, tensorType } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { findSites } from "../src/sites/find-sites.js";
import { builtinTarget } from "../src/targets/index.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

/** x → If(cond){ Softplus(x) } else { Tanh(x) } → local.Act(…) (a function holding Sigmoid·x and Elu) → y. */
function nestedModel(): Model {
  const builder = new ModelBuilder({ opset: 17, seed: 1 });
  const x = builder.input("x", DataType.FLOAT, [2, 16]);
  const condition = builder.input("cond", DataType.BOOL, []);
  const thenBranch = builder.subgraph("then", (body) => {
    const out = body.op("Softplus", [x], {}, { name: "then_softplus" });
    out.type = tensorType(DataType.FLOAT, [2, 16]);
    return [out];
  });
  const elseBranch = builder.subgraph("else", (body) => {
    const out = body.op("Tanh", [x], {}, { name: "else_tanh" });
    out.type = tensorType(DataType.FLOAT, [2, 16]);
    return [out];
  });
  const branched = builder.op("If", [condition], {
    then_branch: thenBranch,
    else_branch: elseBranch,
  });
  builder.function("local", "Act", ["a"], (body, [a]) => {
    const gate = body.op("Sigmoid", [a!], {}, { name: "fn_sigmoid" });
    const swished = body.op(
      "Elu",
      [body.op("Mul", [a!, gate], {}, { name: "fn_mul" })],
      { alpha: 1 },
      { name: "fn_elu" },
    );
    return [swished];
  });
  const y = builder.op("Act", [branched], {}, { domain: "local", name: "call_act" });
  builder.output(y, DataType.FLOAT, [2, 16], "y");
  return builder.build();
}

describe("sites in subgraphs and functions", () => {
  it("finds them with their locations and rewrites them so onnxruntime computes nearly the same", async () => {
    const { sites } = findSites(nestedModel());
    const where = sites.map((site) => `${site.activation} @ ${site.location}`).sort();
    expect(
      where.some(
        (entry) => entry.startsWith("softplus @ main > If") && entry.endsWith("then_branch"),
      ),
    ).toBe(true);
    expect(
      where.some((entry) => entry.startsWith("tanh @ main > If") && entry.endsWith("else_branch")),
    ).toBe(true);
    expect(where).toContain("elu @ function local.Act");
    expect(
      sites.some(
        (site) =>
          site.location === "function local.Act" &&
          (site.activation === "sigmoid" || site.activation === "silu"),
      ),
    ).toBe(true);

    const evaluator = createOrtNodeEvaluator();
    const target = builtinTarget("algebraic");
    for (const branch of [1, 0]) {
      const data = Float32Array.from({ length: 32 }, (_, i) => (i - 16) / 2);
      const feeds = {
        x: { type: "float32" as const, dims: [2, 16], data },
        cond: { type: "bool" as const, dims: [], data: Uint8Array.of(branch) },
      };
      const { model, report } = await optimizeModel(nestedModel, {
        target,
        evaluator,
        feeds,
        maxOutputError: 1e-3,
      });
      expect(report.summary.unsupported).toBe(0);
      expect(report.summary.substituted).toBe(report.summary.sites);
      expect(report.verification!.passed).toBe(true);
      expect(report.verification!.comparison.maxAbsError).toBeGreaterThan(0);
      const functionBody = model.functions[0]!.graph;
      expect(functionBody.nodes.some((node) => node.opType === "Constant")).toBe(true);
      for (const graph of model.graphs())
        for (const node of graph.nodes)
          expect(["Softplus", "Tanh", "Sigmoid", "Elu"]).not.toContain(node.opType);
      // the function body carries no initializers, and the model encodes
      expect(encodeModel(model).length).toBeGreaterThan(0);
    }
  });
});
