// Exp, Log, Erf and Reciprocal outside recognised activations: substituted
// where a stand-in provably holds for the input (e^x on (−∞, 0] after a max
// shift or of −x²), refused with the reason where it does not.
import { DataType, type GraphBuilder, ModelBuilder, type Value } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { opHistogram } from "../src/report/report.js";
import { builtinTarget } from "../src/targets/index.js";
import { parseTargetProfile } from "../src/targets/profile-schema.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

function model(build: (g: GraphBuilder, x: Value) => Value) {
  return () => {
    const builder = new ModelBuilder({ opset: 17, seed: 2 });
    const x = builder.input("x", DataType.FLOAT, [4, 32]);
    builder.output(build(builder, x), DataType.FLOAT, undefined, "y");
    return builder.build();
  };
}

const algebraic = builtinTarget("algebraic");

describe("standalone transcendental ops", () => {
  it.each([
    [
      "Exp(x − ReduceMax(x)) (attention written out)",
      (g: GraphBuilder, x: Value) =>
        g.op("Exp", [g.op("Sub", [x, g.op("ReduceMax", [x], { axes: [1], keepdims: 1 })])]),
    ],
    ["Exp(−x·x)", (g: GraphBuilder, x: Value) => g.op("Exp", [g.op("Neg", [g.op("Mul", [x, x])])])],
    [
      "Exp(−(x·x + 1))",
      (g: GraphBuilder, x: Value) =>
        g.op("Exp", [g.op("Neg", [g.op("Add", [g.op("Mul", [x, x]), g.scalar(1)])])]),
    ],
    [
      "Exp(−|x| · 2)",
      (g: GraphBuilder, x: Value) =>
        g.op("Exp", [g.op("Mul", [g.op("Neg", [g.op("Abs", [x])]), g.scalar(2)])]),
    ],
  ])("substitutes %s on algebraic within its predicted error", async (_name, build) => {
    const result = await optimizeModel(model(build), {
      target: algebraic,
      evaluator: createOrtNodeEvaluator(),
    });
    expect(opHistogram(result.model).Exp).toBeUndefined();
    const site = result.report.sites.find((entry) => entry.activation === "exp")!;
    expect(site.action).toBe("substitute");
    expect(site.substitute).toMatch(/^exp-squaring/);
    const { comparison } = result.report.verification!;
    expect(comparison.nonFiniteMismatches).toBe(0);
    expect(comparison.maxAbsError).toBeLessThanOrEqual(site.predictedError + 1e-6);
  });

  it.each([
    ["Exp(x)", (g: GraphBuilder, x: Value) => g.op("Exp", [x]), "exp", /holds on \(−∞, 0\] only/],
    [
      "Exp(x − ReduceMax(z)) of another tensor",
      (g: GraphBuilder, x: Value) =>
        g.op("Exp", [g.op("Sub", [x, g.op("ReduceMax", [g.op("Neg", [x])], { axes: [1] })])]),
      "exp",
      /holds on \(−∞, 0\] only/,
    ],
    [
      "Log(|x| + 1)",
      (g: GraphBuilder, x: Value) => g.op("Log", [g.op("Add", [g.op("Abs", [x]), g.scalar(1)])]),
      "log",
      /holds on \[1, 1024\] only/,
    ],
  ])(
    "leaves %s to the report on algebraic, with the reason",
    async (_name, build, activation, reason) => {
      const result = await optimizeModel(model(build), { target: algebraic });
      const site = result.report.sites.find((entry) => entry.activation === activation)!;
      expect(site.action).toBe("unsupported");
      expect(site.rejected.map((entry) => entry.reason).join("\n")).toMatch(reason);
      expect(result.report.unsupportedOps.map((entry) => entry.op)).toContain(
        activation === "exp" ? "Exp" : "Log",
      );
    },
  );

  it("keeps standalone Exp where the target runs it", async () => {
    const result = await optimizeModel(
      model((g, x) => g.op("Exp", [x])),
      {
        target: builtinTarget("ort-cpu"),
      },
    );
    expect(result.changed).toBe(false);
    expect(result.report.sites[0]!.action).toBe("keep");
  });

  it("writes Reciprocal as Div(1, x) where the target lacks it", async () => {
    const target = parseTargetProfile(
      {
        name: "no-reciprocal",
        description: "runs everything but Reciprocal",
        runsUnlistedOps: true,
        unsupported: ["Reciprocal"],
      },
      "test profile",
    );
    const result = await optimizeModel(
      model((g, x) => g.op("Reciprocal", [g.op("Add", [g.op("Abs", [x]), g.scalar(0.5)])])),
      { target, evaluator: createOrtNodeEvaluator() },
    );
    const ops = opHistogram(result.model);
    expect(ops.Reciprocal).toBeUndefined();
    expect(ops.Div).toBe(1);
    expect(result.report.verification!.comparison.maxAbsError).toBe(0);
  });
});
