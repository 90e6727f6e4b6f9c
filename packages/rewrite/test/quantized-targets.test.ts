// Integer devices (profiles with `quantization`): each site's grid is calibrated to the range its input
// takes on the inputs optimize runs, stand-ins are placed on that grid (tables; piecewise-linear knots),
// and the budget checks how far each raises the device's worst error, computed input integer by input
// integer. Checked here on single-op models whose site input is the graph input, so the range is known.
import {
  calibratedGrid,
  dequantize,
  getActivation,
  instantiate,
  integerRange,
  quantize,
} from "@rectify/kernels";
import { encodeModel } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { builtinTarget } from "../src/targets/index.js";
import { parseTargetProfile } from "../src/targets/profile-schema.js";
import type { Feeds } from "../src/verify/evaluator.js";
import { singleOpModel } from "./support/activation-models.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

const evaluator = createOrtNodeEvaluator();

/** 32 inputs spread over [−6, 5]. */
function feeds(): Feeds {
  const data = Float32Array.from({ length: 32 }, (_, i) => -6 + (11 * i) / 31);
  return { x: { type: "float32", dims: [4, 8], data } };
}

/** An int8 NPU without a table unit: ramp sums only, knots on its grid. */
const pwlInt8 = parseTargetProfile(
  {
    extends: "piecewise-linear",
    name: "pwl-int8",
    description: "piecewise-linear in int8",
    quantization: { bits: 8 },
  },
  "pwl-int8.json",
);

describe("integer devices", () => {
  it("lut-int8: the table sits on the grid calibrated to the input's min/max and adds nothing", async () => {
    const { report, model } = await optimizeModel(() => singleOpModel({ opType: "Sigmoid" }), {
      target: builtinTarget("lut-int8"),
      evaluator,
      feeds: feeds(),
    });
    const [site] = report.sites;
    expect(site!.substitute).toMatch(/^sigmoid int8 table \(256 entries\) on \[-6, 5\]/);
    expect(site!.device).toMatchObject({ bits: 8, method: "table", addedError: 0, range: [-6, 5] });
    const grid = calibratedGrid([-6, 5], 8, false);
    expect(site!.device!.input.scale).toBeCloseTo(grid.scale, 12);
    expect(site!.device!.input.zeroPoint).toBe(grid.zeroPoint);
    // The device's worst error is rounding sigmoid to its output grid: half a step.
    expect(site!.device!.totalError).toBeLessThanOrEqual(site!.device!.output.scale / 2 + 1e-9);
    expect(report.quantization?.assumptions.length).toBeGreaterThan(3);
    expect(model.graph.nodes.some((node) => node.opType === "Gather")).toBe(true);
  });

  it("a piecewise-linear int8 profile: knots on the grid, the device error computed for all 256 inputs", async () => {
    const budget = 0.01;
    const { report, model } = await optimizeModel(() => singleOpModel({ opType: "Tanh" }), {
      target: pwlInt8,
      budget,
      evaluator,
      feeds: feeds(),
    });
    const [site] = report.sites;
    expect(site!.action).toBe("substitute");
    expect(site!.substitute).toMatch(/^tanh-pwl\{.*\}, knots on the int8 grid/);
    expect(site!.device!.method).toBe("every input");
    expect(site!.device!.addedError).toBeLessThanOrEqual(budget);
    // Recomputed here from the written model's own outputs at every input integer: run the rewritten
    // model on the 256 grid inputs, round its outputs to the output grid, and compare with tanh.
    const grid = calibratedGrid([-6, 5], 8, false);
    const output = site!.device!.output;
    const rounded = (y: number) =>
      dequantize(
        { bits: 8, scale: output.scale, zeroPoint: output.zeroPoint },
        quantize({ bits: 8, scale: output.scale, zeroPoint: output.zeroPoint }, y),
      );
    const [qmin] = integerRange(8);
    const inputs = Float32Array.from({ length: 256 }, (_, i) => dequantize(grid, qmin + i));
    const tanh = instantiate(getActivation("tanh"));
    let worst = 0;
    let floor = 0;
    for (let block = 0; block < 8; block++) {
      const data = inputs.slice(block * 32, block * 32 + 32);
      const out = await evaluator.run(encodeModel(model), {
        x: { type: "float32", dims: [4, 8], data },
      });
      const y = out.y!.data as Float32Array;
      for (let i = 0; i < 32; i++) {
        const exact = tanh.f(data[i]!);
        worst = Math.max(worst, Math.abs(rounded(y[i]!) - exact));
        floor = Math.max(floor, Math.abs(rounded(exact) - exact));
      }
    }
    // float32 evaluation can move a value across a rounding boundary: allow one step on top.
    expect(worst - floor).toBeLessThanOrEqual(site!.device!.addedError + output.scale + 1e-9);
  });

  it("without a run (no evaluator) no grid is known: tables are refused and say why", async () => {
    const { report } = await optimizeModel(() => singleOpModel({ opType: "Sigmoid" }), {
      target: builtinTarget("lut-int8"),
    });
    const [site] = report.sites;
    expect(site!.device).toBeUndefined();
    expect(site!.rejected.map((r) => r.reason).join("\n")).toMatch(
      /needs the range of the site's input/,
    );
  });
});
