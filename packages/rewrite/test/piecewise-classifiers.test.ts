// Issue 15's accuracy test: digits classifiers trained in the repo, one per
// activation family (tooling/models/train-classifiers.py, plus digits-silu),
// rewritten for an integer NPU at the default budget: `piecewise-linear`
// (ramp sums, MatMul), `lut` (tables, Gather), and `lut-int8` and `lut-int16`
// (the device's own tables on grids calibrated to the calibration digits; their
// top-1 is also taken with every table's input and output rounded to its
// grids, as the device computes the activations). Each result must hold no
// transcendental op or division left from an activation, only ops the target
// runs, outputs within the predicted bound, and top-1 on the 497 held-out
// digits (never trained or calibrated on) at most 0.3 points below the
// original's. The table is printed for the closing note.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeModel, encodeModel } from "@rectify/onnx";
import { afterAll, describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { builtinTarget } from "../src/targets/index.js";
import type { FeedTensor } from "../src/verify/evaluator.js";
import { parseNpy } from "../src/verify/npy.js";
import { withDeviceActivations } from "./support/device-activations.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../../tooling/models/torch");
const digits = join(root, "digits-silu");
const manifest = JSON.parse(readFileSync(join(root, "classifiers/manifest.json"), "utf8")) as {
  models: { name: string; file: string; activations: string[] }[];
};
const models = [
  { name: "digits-silu (SiLU CNN)", path: join(root, "digits-silu.onnx") },
  ...manifest.models.map((entry) => ({
    name: `${entry.name} (${entry.activations.join(", ")})`,
    path: join(root, "classifiers", entry.file),
  })),
];

const npy = (path: string) => parseNpy(readFileSync(path), path);
const calibration = npy(join(digits, "calibration/inputs/input.npy"));
const heldOut = npy(join(digits, "held-out/inputs/input.npy"));
const labels = Array.from(
  npy(join(digits, "held-out/labels.npy")).data as ArrayLike<bigint>,
  Number,
);

/** Ops an activation's exact form computes with that neither NPU target runs. */
const transcendental = new Set(["Sigmoid", "Tanh", "Softplus", "Erf", "Exp", "Log", "Div", "Mish"]);

const evaluator = createOrtNodeEvaluator();
const rows: string[] = [];

/** The held-out logits [n, 10] of a model. */
async function logitsOf(bytes: Uint8Array): Promise<Float32Array> {
  const outputs = await evaluator.run(bytes, { input: heldOut });
  return (outputs.logits as FeedTensor).data as Float32Array;
}

/** Top-1 accuracy of a model's logits [n, 10] against the labels, in percent. */
async function accuracy(bytes: Uint8Array): Promise<number> {
  const data = await logitsOf(bytes);
  let right = 0;
  for (let row = 0; row < labels.length; row++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (data[row * 10 + k]! > data[row * 10 + best]!) best = k;
    if (best === labels[row]) right++;
  }
  return (100 * right) / labels.length;
}

describe("digits classifiers on integer NPUs (piecewise-linear and lut targets)", () => {
  for (const model of models) {
    for (const targetName of ["piecewise-linear", "lut", "lut-int8", "lut-int16"]) {
      it(`${model.name} → ${targetName}`, async () => {
        const bytes = readFileSync(model.path);
        const target = builtinTarget(targetName);
        const { model: rewritten, report } = await optimizeModel(() => decodeModel(bytes), {
          target,
          evaluator,
          feeds: { input: calibration },
          feedsSource: "digits-silu/calibration/inputs/input.npy",
        });
        // Every activation got a stand-in the target runs.
        expect(report.summary.unsupported, `${model.name}: sites that cannot run`).toBe(0);
        expect(report.unsupportedOps).toEqual([]);
        for (const graph of rewritten.graphs())
          for (const node of graph.nodes) {
            expect(transcendental.has(node.opType), `${node.opType} left in ${node.name}`).toBe(
              false,
            );
            expect(target.runs(node.opType, node.domain), `${node.opType} on ${targetName}`).toBe(
              true,
            );
          }
        // Outputs within the predicted bound (on the calibration digits).
        const bound = report.verification!.bound!;
        expect("within" in bound && bound.within, JSON.stringify(bound)).toBe(true);
        const before = await accuracy(bytes);
        const after = await accuracy(encodeModel(rewritten));
        const forms = [...new Set(report.sites.map((site) => site.substitute ?? site.action))];
        // On an integer device: also with every table computed as the device computes it (inputs and
        // results rounded to the site's grids), and each table's device error within the budget.
        let device = "";
        if (target.quantization) {
          for (const site of report.sites) {
            expect(site.device?.method, `${site.id}: a table on the device's grid`).toBe("table");
            expect(site.device!.addedError).toBeLessThanOrEqual(report.budget);
          }
          const simulated = withDeviceActivations(
            decodeModel(bytes),
            decodeModel(encodeModel(rewritten)),
            report,
          );
          const onDevice = await accuracy(encodeModel(simulated));
          // The rounding took effect: the device's logits are not the float model's.
          const float = await logitsOf(encodeModel(rewritten));
          const rounded = await logitsOf(encodeModel(simulated));
          let moved = 0;
          for (let i = 0; i < float.length; i++)
            moved = Math.max(moved, Math.abs(float[i]! - rounded[i]!));
          expect(moved).toBeGreaterThan(0);
          device = ` (device activations: ${onDevice.toFixed(2)}, logits moved ≤ ${moved.toPrecision(2)})`;
          expect(
            before - onDevice,
            `${model.name} → ${targetName} as the device computes activations`,
          ).toBeLessThanOrEqual(0.3);
        }
        rows.push(
          `| ${model.name} | ${targetName} | ${before.toFixed(2)} | ${after.toFixed(2)}${device} | ${(after - before).toFixed(2)} | ${report.verification!.comparison.maxAbsError.toExponential(2)} | ${"maxBound" in bound && bound.maxBound !== null ? bound.maxBound.toPrecision(3) : "—"} | ${forms.join(", ")} |`,
        );
        expect(
          before - after,
          `${model.name} → ${targetName}: top-1 ${before} → ${after}`,
        ).toBeLessThanOrEqual(0.3);
      });
    }
  }
  afterAll(() => {
    process.stdout.write(
      `\n| model | target | top-1 original (%) | top-1 rewritten (%) | change (points) | max abs error (calibration) | predicted bound | stand-ins |\n|---|---|---|---|---|---|---|---|\n${rows.join("\n")}\n`,
    );
  });
});
