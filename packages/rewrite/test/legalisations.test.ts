// Legalisations (Pow with a constant exponent, PRelu with a slope tensor,
// LayerNormalization) on a target that lacks the op: the rewritten model has
// none of it left, and onnxruntime computes the same outputs from it.
import {
  DataType,
  type Dimension,
  type GraphBuilder,
  ModelBuilder,
  type Value,
} from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { opHistogram } from "../src/report/report.js";
import { builtinTarget } from "../src/targets/index.js";
import { parseTargetProfile } from "../src/targets/profile-schema.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

/** A general-purpose device without the ops under test (think of a WebGPU provider missing kernels). */
const lacking = parseTargetProfile(
  {
    name: "no-legacy-ops",
    description: "runs everything but Pow, PRelu and LayerNormalization",
    runsUnlistedOps: true,
    unsupported: ["Pow", "PRelu", "LayerNormalization"],
  },
  "test profile",
);

interface Case {
  readonly name: string;
  readonly opset?: number;
  readonly shape?: readonly Dimension[];
  readonly build: (g: GraphBuilder, x: Value) => Value;
  /** The op that must be gone (undefined: it must stay, with the planner's reason). */
  readonly gone?: string;
  readonly stays?: { op: string; reason: RegExp };
}

const pow = (exponent: number) => (g: GraphBuilder, x: Value) =>
  g.op("Pow", [x, g.scalar(exponent)]);

const cases: Case[] = [
  ...[2, 3, 7, -1, -2, 0.5, -0.5, 1.5, 1].map((exponent) => ({
    name: `Pow(x, ${exponent})`,
    // Square roots and reciprocals of positive numbers (|x| + 0.5) only.
    build: (g: GraphBuilder, x: Value) =>
      pow(exponent)(
        g,
        exponent % 1 !== 0 || exponent < 0 ? g.op("Add", [g.op("Abs", [x]), g.scalar(0.5)]) : x,
      ),
    gone: "Pow",
  })),
  {
    name: "Pow(x, int64 3)",
    build: (g, x) => g.op("Pow", [x, g.scalar(3, DataType.INT64)]),
    gone: "Pow",
  },
  {
    name: "Pow(x, 2.7) has no exact form",
    build: (g, x) => pow(2.7)(g, g.op("Abs", [x])),
    stays: { op: "Pow", reason: /exponent 2\.7 has no exact form/ },
  },
  {
    name: "PRelu with a per-channel slope above and below 1",
    shape: [2, 3, 4],
    build: (g, x) => g.op("PRelu", [x, g.constant(DataType.FLOAT, [3, 1], [0.25, -0.5, 1.5])]),
    gone: "PRelu",
  },
  {
    name: "PRelu with a slope ≤ 1 (the max form)",
    shape: [2, 3, 4],
    build: (g, x) => g.op("PRelu", [x, g.constant(DataType.FLOAT, [3, 1], [0.1, 0.2, 0.3])]),
    gone: "PRelu",
  },
  ...[17, 18].map((opset) => ({
    name: `LayerNormalization over the last axis, opset ${opset}`,
    opset,
    shape: [2, 3, 8] as const,
    build: (g: GraphBuilder, x: Value) =>
      g.op(
        "LayerNormalization",
        [
          x,
          g.constant(DataType.FLOAT, [8], [1, 2, 3, 4, 0.5, 0.25, 1, -1]),
          g.constant(DataType.FLOAT, [8], [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]),
        ],
        { epsilon: 1e-3 },
      ),
    gone: "LayerNormalization",
  })),
  {
    name: "LayerNormalization over axes 1.. (known rank), no bias",
    shape: [2, 3, 8],
    build: (g, x) =>
      g.op("LayerNormalization", [x, g.constant(DataType.FLOAT, [3, 8], Array(24).fill(1.5))], {
        axis: 1,
      }),
    gone: "LayerNormalization",
  },
];

describe("legalisations on a target that lacks the op", () => {
  it.each(cases)("$name", async (entry) => {
    const shape = entry.shape ?? [64];
    const load = () => {
      const builder = new ModelBuilder({ opset: entry.opset ?? 17, seed: 3 });
      const x = builder.input("x", DataType.FLOAT, shape);
      builder.output(entry.build(builder, x), DataType.FLOAT, undefined, "y");
      return builder.build();
    };
    const result = await optimizeModel(load, {
      target: lacking,
      evaluator: createOrtNodeEvaluator(),
    });
    const ops = opHistogram(result.model);
    if (entry.gone) {
      expect(ops[entry.gone]).toBeUndefined();
      expect(result.report.unsupportedOps).toEqual([]);
      expect(result.report.summary.substituted).toBe(1);
      expect(result.report.verification!.passed).toBe(true);
      // Within float32 rounding of the original, relative to the outputs' size (x⁷ reaches ~10⁴).
      const { comparison } = result.report.verification!;
      expect(comparison.nonFiniteMismatches).toBe(0);
      expect(comparison.maxRelativeError).toBeLessThan(2e-6);
    } else {
      expect(ops[entry.stays!.op]).toBe(1);
      expect(result.report.sites.map((site) => site.reason).join("\n")).toMatch(
        entry.stays!.reason,
      );
    }
  });

  it("leaves a Pow with a computed exponent alone and says why", async () => {
    const load = () => {
      const builder = new ModelBuilder({ opset: 17 });
      const x = builder.input("x", DataType.FLOAT, [4]);
      builder.output(
        builder.op("Pow", [x, builder.op("Abs", [x])]),
        DataType.FLOAT,
        undefined,
        "y",
      );
      return builder.build();
    };
    const result = await optimizeModel(load, { target: lacking });
    expect(result.changed).toBe(false);
    expect(result.report.unsupportedOps.map((entry) => entry.op)).toEqual(["Pow"]);
    expect(result.report.nearMisses.map((miss) => miss.reason)).toContainEqual(
      expect.stringMatching(/exponent is not one constant/),
    );
  });

  it("keeps LayerNormalization when its Mean output is read, and when the target runs it", async () => {
    const load = () => {
      const builder = new ModelBuilder({ opset: 17 });
      const x = builder.input("x", DataType.FLOAT, [2, 8]);
      const [y, mean] = builder.node(
        "LayerNormalization",
        [x, builder.constant(DataType.FLOAT, [8], Array(8).fill(1))],
        {},
        { outputs: ["y_value", "mean_value"] },
      );
      builder.output(y!, DataType.FLOAT, undefined, "y");
      builder.output(mean!, DataType.FLOAT, undefined, "mean");
      return builder.build();
    };
    const result = await optimizeModel(load, { target: lacking });
    expect(result.changed).toBe(false);
    expect(result.report.nearMisses.map((miss) => miss.reason)).toContainEqual(
      expect.stringMatching(/only Y can be rewritten/),
    );
    const cpu = await optimizeModel(load, { target: builtinTarget("ort-cpu") });
    expect(opHistogram(cpu.model).LayerNormalization).toBe(1);
  });
});
