// Softmax and LogSoftmax of every opset and axis rewrite exactly: from opset
// 13 along one axis (any axis), before 13 over every axis from `axis` on —
// as a multi-axis reduction when the rank is known or the axis counts from
// the end, else on the input flattened to 2-D and reshaped back.
import { DataType, type Dimension, encodeModel, ModelBuilder, SeededRandom } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { planModel } from "../src/plan/plan-model.js";
import { opHistogram } from "../src/report/report.js";
import { builtinTarget } from "../src/targets/index.js";
import type { Feeds } from "../src/verify/evaluator.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

interface Case {
  readonly op: "Softmax" | "LogSoftmax";
  readonly opset: number;
  readonly axis?: number;
  /** Declared input shape (undefined: rank unknown). */
  readonly declared?: readonly Dimension[];
  /** Ops the rewrite must contain (the layout it took). */
  readonly uses?: string[];
}

const shape = [2, 3, 4, 5];
const cases: Case[] = [
  { op: "Softmax", opset: 13, axis: 1, declared: shape },
  { op: "Softmax", opset: 13, axis: -2, declared: ["n", "c", "h", "w"] },
  { op: "LogSoftmax", opset: 13, axis: 0 },
  { op: "Softmax", opset: 11, axis: 1, declared: shape },
  { op: "Softmax", opset: 11, declared: shape }, // default axis 1 before 13
  { op: "LogSoftmax", opset: 11, axis: 2, declared: ["n", "c", "h", "w"] },
  { op: "Softmax", opset: 11, axis: -2 },
  { op: "Softmax", opset: 11, axis: 2, uses: ["Flatten", "Reshape"] },
  { op: "LogSoftmax", opset: 9, axis: 1, uses: ["Flatten", "Reshape"] },
  { op: "Softmax", opset: 9, axis: 3, declared: shape },
];

function feeds(): Feeds {
  const data = new SeededRandom(5).float32(2 * 3 * 4 * 5, { normal: [0, 3] });
  return { x: { type: "float32", dims: shape, data } };
}

describe("softmax-like sites of every opset and axis on algebraic", () => {
  it.each(cases)("$op opset $opset axis $axis, declared $declared", async (entry) => {
    const load = () => {
      const builder = new ModelBuilder({ opset: entry.opset, seed: 1 });
      const x = builder.input("x", DataType.FLOAT, entry.declared);
      const attributes: Record<string, number> =
        entry.axis === undefined ? {} : { axis: entry.axis };
      builder.output(builder.op(entry.op, [x], attributes), DataType.FLOAT, undefined, "y");
      return builder.build();
    };
    const result = await optimizeModel(load, {
      target: builtinTarget("algebraic"),
      evaluator: createOrtNodeEvaluator(),
      feeds: feeds(),
    });
    const ops = opHistogram(result.model);
    expect(ops[entry.op]).toBeUndefined();
    expect(result.report.summary.substituted).toBe(1);
    for (const op of entry.uses ?? []) expect(ops[op]).toBe(1);
    if (!entry.uses) expect(ops.Flatten).toBeUndefined();
    const { comparison } = result.report.verification!;
    expect(comparison.nonFiniteMismatches).toBe(0);
    // The stand-in's predicted error bounds the output's (softmax-squaring, ≤ 2.1e-3 for probabilities).
    expect(comparison.maxAbsError).toBeLessThanOrEqual(result.report.maxPredictedError + 1e-6);
  });
});

describe("ranks from shape inference", () => {
  /** x [2, 3, 4, 5] → Relu (no declared type) → opset-11 Softmax at axis 1: the rank is only known by inference. */
  const load = () => {
    const builder = new ModelBuilder({ opset: 11, seed: 1 });
    const x = builder.input("x", DataType.FLOAT, shape);
    builder.output(
      builder.op("Softmax", [builder.op("Relu", [x])], { axis: 1 }),
      DataType.FLOAT,
      undefined,
      "y",
    );
    return builder.build();
  };

  it("reduces over the inferred axes instead of flattening, and writes no inferred types", async () => {
    const result = await optimizeModel(load, {
      target: builtinTarget("algebraic"),
      evaluator: createOrtNodeEvaluator(),
      feeds: feeds(),
    });
    const ops = opHistogram(result.model);
    expect(ops.Softmax).toBeUndefined();
    expect(ops.Flatten).toBeUndefined();
    expect(result.report.verification!.passed).toBe(true);
    expect(result.model.graph.valueInfo).toEqual([]);
  });

  it("plans without changing the model's declarations", () => {
    const model = load();
    const before = encodeModel(model);
    const plan = planModel(model, builtinTarget("algebraic"));
    expect(plan.plans[0]!.site.inferred).toEqual({
      elementType: DataType.FLOAT,
      rank: 4,
      elements: 120,
    });
    expect(Buffer.compare(Buffer.from(encodeModel(model)), Buffer.from(before))).toBe(0);
  });
});

describe("Hardmax of every opset and axis on algebraic", () => {
  it.each([
    { opset: 13, axis: 1 },
    { opset: 13, axis: -1 },
    { opset: 13, axis: -3 },
    { opset: 11, axis: 1 },
    { opset: 11, axis: 2 },
    { opset: 11, axis: -1 },
  ])(
    "opset $opset axis $axis: the one-hot of the first maximum, exactly",
    async ({ opset, axis }) => {
      const load = () => {
        const builder = new ModelBuilder({ opset, seed: 1 });
        const x = builder.input("x", DataType.FLOAT, shape);
        builder.output(builder.op("Hardmax", [x], { axis }), DataType.FLOAT, undefined, "y");
        return builder.build();
      };
      // Ties included: rounded values make equal maxima, where Hardmax takes the first.
      const data = new SeededRandom(9).float32(2 * 3 * 4 * 5, { normal: [0, 1] }).map(Math.round);
      const result = await optimizeModel(load, {
        target: builtinTarget("algebraic"),
        evaluator: createOrtNodeEvaluator(),
        feeds: { x: { type: "float32", dims: shape, data } },
      });
      expect(opHistogram(result.model).Hardmax).toBeUndefined();
      expect(result.report.unsupportedOps).toEqual([]);
      expect(result.report.verification!.comparison.maxAbsError).toBe(0);
    },
  );
});
