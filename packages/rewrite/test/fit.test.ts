import { DataType, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { builtinTarget } from "../src/targets/index.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

/** x [1, 256] → Softplus → y. */
function softplusModel() {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, [1, 256]);
  builder.output(builder.op("Softplus", [x], {}, { name: "act" }), DataType.FLOAT, [1, 256], "y");
  return builder.build();
}

describe("fit: stand-ins refitted to the inputs a site really sees", () => {
  it("lets squareplus in when its parameter is fitted to the observed range, and measures it", async () => {
    const data = Float32Array.from({ length: 256 }, (_, i) => -1 + (2 * i) / 255); // the site sees [−1, 1]
    const feeds = { x: { type: "float32" as const, dims: [1, 256], data } };
    const options = {
      target: builtinTarget("algebraic"),
      budget: 0.06,
      evaluator: createOrtNodeEvaluator(),
      feeds,
    };
    const plain = await optimizeModel(softplusModel, options);
    // squareplus{b=4} is 0.307 off at 0: over ℝ the cheapest within 0.06 is a piecewise-linear fit.
    // (its pieces are convex: as the Max of its few lines when that is cheaper than ramps)
    expect(plain.report.sites[0]!.substitute).toMatch(
      /^softplus-pwl\{k=1,e=0\.06\}( as Max of \d+ lines)?$/,
    );

    const fitted = await optimizeModel(softplusModel, { ...options, fit: true });
    const [site] = fitted.report.sites;
    expect(site!.substitute).toMatch(/^squareplus\{b=1\.\d+\} fitted on \[-1\.50, 1\.50\]$/);
    expect(site!.observed).toEqual({ count: 256, min: -1, max: 1 });
    expect(site!.predictedError).toBeLessThanOrEqual(0.06);
    expect(site!.costAfter!).toBeLessThan(plain.report.sites[0]!.costAfter!);
    // measured on the data it was fitted to: within the predicted error
    expect(fitted.report.verification!.comparison.maxAbsError).toBeLessThanOrEqual(
      site!.predictedError + 1e-6,
    );
    expect(fitted.report.verification!.comparison.maxAbsError).toBeGreaterThan(0);
  });

  it("needs feeds", async () => {
    await expect(
      optimizeModel(softplusModel, {
        target: builtinTarget("algebraic"),
        fit: true,
        evaluator: createOrtNodeEvaluator(),
      }),
    ).rejects.toThrow(/fitting needs an evaluator and the inputs/);
  });
});
