import { DataType, encodeModel, ModelBuilder, SeededRandom } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { builtinTarget } from "../src/targets/index.js";
import { compareOutputs } from "../src/verify/compare.js";
import type { Feeds } from "../src/verify/evaluator.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

const width = 64;
const classes = 10;

/** A seeded classifier x [batch, 16] → MatMul → Sigmoid → MatMul → Tanh → MatMul → logits [batch, 10]. */
function classifier() {
  const random = new SeededRandom(7);
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, ["batch", 16]);
  const weights = (rows: number, columns: number, name: string) =>
    builder.constant(
      DataType.FLOAT,
      [rows, columns],
      random.float32(rows * columns, { normal: [0, 1 / Math.sqrt(rows)] }),
      name,
    );
  const hidden = builder.op(
    "Sigmoid",
    [builder.op("MatMul", [x, weights(16, width, "w1")])],
    {},
    { name: "sigmoid" },
  );
  const second = builder.op(
    "Tanh",
    [builder.op("MatMul", [hidden, weights(width, width, "w2")])],
    {},
    { name: "tanh" },
  );
  builder.output(
    builder.op("MatMul", [second, weights(width, classes, "w3")]),
    DataType.FLOAT,
    ["batch", classes],
    "logits",
  );
  return builder.build();
}

function inputs(rows: number, seed: number): Feeds {
  return {
    x: {
      type: "float32",
      dims: [rows, 16],
      data: new SeededRandom(seed).float32(rows * 16, { normal: [0, 1] }),
    },
  };
}

const evaluator = createOrtNodeEvaluator();
const target = builtinTarget("ort-cpu");

describe("accuracy-aware search past the per-activation budget", () => {
  it("takes stand-ins past the budget where the outputs tolerate them, and checks them on held-out rows", async () => {
    const feeds = inputs(64, 11);
    const plain = await optimizeModel(classifier, { target, evaluator, feeds });
    expect(plain.report.summary.substituted).toBe(0); // nothing cheaper within 1e-3 on ort-cpu

    const { report, model } = await optimizeModel(classifier, {
      target,
      evaluator,
      feeds,
      feedsSource: "x.npy",
      minCosine: 0.95,
    });
    const search = report.search!;
    expect(search.candidates).toBeGreaterThan(0);
    expect(search.pastBudget.length).toBeGreaterThan(0);
    for (const taken of search.pastBudget) {
      expect(taken.predictedError).toBeGreaterThan(report.budget);
      const site = report.sites.find((entry) => entry.id === taken.id)!;
      expect(site.pastBudget).toBe(true);
      expect(site.action).toBe("substitute");
    }
    // The search saw rows 1–48; rows 49–64 were held out and checked.
    expect(report.verification!.inputs).toBe("x.npy, rows 1–48");
    expect(report.verification!.passed).toBe(true);
    expect(report.verification!.comparison.minCosineSimilarity!).toBeGreaterThanOrEqual(0.95);
    const heldOut = report.heldOut!;
    expect("passed" in heldOut && heldOut.inputs).toMatch(/rows 49–64 \(held out/);
    // The held-out figures are what running the models on those rows gives.
    const rows = inputs(64, 11).x!;
    const tail: Feeds = {
      x: { type: "float32", dims: [16, 16], data: (rows.data as Float32Array).slice(48 * 16) },
    };
    const expected = compareOutputs(
      await evaluator.run(encodeModel(classifier()), tail),
      await evaluator.run(encodeModel(model), tail),
    );
    if (!("passed" in heldOut)) throw new Error("expected a held-out check");
    expect(heldOut.comparison.maxAbsError).toBeCloseTo(expected.maxAbsError, 6);
    expect(heldOut.passed).toBe(expected.minCosineSimilarity! >= 0.95);
  });

  it("takes nothing past the budget that the outputs do not tolerate", async () => {
    const { report } = await optimizeModel(classifier, {
      target,
      evaluator,
      feeds: inputs(32, 3),
      maxOutputError: 1e-6,
    });
    expect(report.search!.pastBudget).toEqual([]);
    expect(report.search!.evaluations).toBeGreaterThan(0);
    expect(report.summary.substituted).toBe(0);
    expect(report.verification!.passed).toBe(true);
  });

  it("keeps the budget with search off, and reports why held-out rows are missing when the inputs cannot split", async () => {
    const off = await optimizeModel(classifier, {
      target,
      evaluator,
      feeds: inputs(32, 3),
      minCosine: 0.5,
      search: false,
    });
    expect(off.report.search).toBeUndefined();
    expect(off.report.summary.substituted).toBe(0);

    const single = await optimizeModel(classifier, {
      target,
      evaluator,
      feeds: inputs(1, 3),
      minCosine: 0.5,
    });
    expect(single.report.heldOut).toEqual({
      skipped: expect.stringMatching(/could not be split .*1 row\(s\); 2 or more split/),
    });
  });

  it("refuses a top-1 limit on a model without a classifier-shaped output", async () => {
    const spatial = () => {
      const builder = new ModelBuilder({ opset: 17 });
      const x = builder.input("x", DataType.FLOAT, [4, 3, 5, 5]);
      builder.output(builder.op("Elu", [x]), DataType.FLOAT, [4, 3, 5, 5], "y");
      return builder.build();
    };
    const feeds: Feeds = {
      x: { type: "float32", dims: [4, 3, 5, 5], data: new SeededRandom(1).float32(300) },
    };
    await expect(
      optimizeModel(spatial, { target, evaluator, feeds, minTop1Agreement: 1 }),
    ).rejects.toThrow(/needs a classifier-shaped output/);
  });
});
