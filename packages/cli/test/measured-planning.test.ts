// Measured planning and the accuracy-aware search through the CLI, on the real
// engines: what is decided depends on timings, so the tests hold the CLI to
// its rules (never writes what it measured slower, reports what it measured)
// rather than to one machine's numbers.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { saveModel } from "@rectify/onnx";
import type { RewriteReport } from "@rectify/rewrite";
import { afterAll, describe, expect, it } from "vitest";
import { buildExampleModel } from "../src/example/example-model.js";
import { exitCodes } from "../src/io/cli-error.js";
import { cli } from "./support/run-cli.js";

const folder = mkdtempSync(join(tmpdir(), "rectify-measure-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const examplePath = join(folder, "example.onnx");
await saveModel(buildExampleModel(), examplePath);
const torch = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tooling/models/torch");

function readReport(path: string): RewriteReport {
  return JSON.parse(readFileSync(path, "utf8")) as RewriteReport;
}

/** What every measured report must hold, whatever the machine measured. */
function checkMeasurement(report: RewriteReport, written: Buffer, original: Buffer) {
  const measurement = report.measurement!;
  expect(measurement.evaluator).toMatch(/@rectify\/runtime (cpu|wasm)/);
  if (measurement.activationShare !== null) {
    expect(measurement.activationShare).toBeGreaterThan(0);
    expect(measurement.activationShare).toBeLessThanOrEqual(1);
  }
  for (const site of measurement.sites) expect(site.beforeMilliseconds).toBeGreaterThanOrEqual(0);
  // A kind of substitution is put back only when the model ran faster without it, and then unless
  // another stand-in at those sites ran faster still, or the fastest single change alone beat all
  // of them together (then it is the only one taken).
  const trials = measurement.alternatives ?? [];
  const movesTaken =
    measurement.groups.filter((group) => group.rolledBack).length +
    trials.filter((trial) => trial.taken).length;
  for (const group of measurement.groups) {
    if (group.rolledBack) expect(group.keepRatio).toBeLessThan(1);
    else if (group.keepRatio < 1) {
      const replaced = trials.some(
        (trial) => trial.taken && trial.sites.some((id) => group.sites.includes(id)),
      );
      expect(replaced || movesTaken === 1, `${group.substitute} ran faster without`).toBe(true);
    }
  }
  const putBack = new Set(
    measurement.groups.filter((group) => group.rolledBack).flatMap((group) => group.sites),
  );
  expect(new Set(measurement.rolledBackSlower)).toEqual(putBack);
  if (measurement.decision === "rewrite") {
    // Never written unless measurably faster: the whole interval above 1.
    expect(measurement.speedup!.low).toBeGreaterThan(1);
    expect(measurement.speedup!.low).toBeLessThanOrEqual(measurement.speedup!.median);
    expect(measurement.speedup!.median).toBeLessThanOrEqual(measurement.speedup!.high);
  } else {
    // The original, byte for byte: nothing measured slower (or not faster) is written.
    expect(report.summary.substituted).toBe(0);
    expect(Buffer.compare(written, original)).toBe(0);
  }
}

describe("measured planning", () => {
  it("is on by default for ort-cpu: times the rewrite on onnxruntime-node and writes only what runs faster", async () => {
    const output = join(folder, "cpu.onnx");
    const reportPath = join(folder, "cpu.json");
    const result = await cli(
      "optimize",
      examplePath,
      "--target",
      "ort-cpu",
      "-o",
      output,
      "--report",
      reportPath,
    );
    expect(result.code).toBe(exitCodes.ok);
    const report = readReport(reportPath);
    expect(report.measurement).toBeDefined();
    checkMeasurement(report, readFileSync(output), readFileSync(examplePath));
    expect(result.stdout).toMatch(/measured on @rectify\/runtime cpu \(ort-cpu\)/);
    expect(result.stdout).toMatch(/kept the (rewrite|ORIGINAL)|unchanged/);
  });

  it("measures ort-wasm on onnxruntime-web's WASM build, and --no-measure trusts the costs", async () => {
    const reportPath = join(folder, "wasm.json");
    const output = join(folder, "wasm.onnx");
    const measured = await cli(
      "optimize",
      join(torch, "detector.onnx"),
      "--target",
      "ort-wasm",
      "--dim",
      "batch=1",
      "--dim",
      "height=32",
      "--dim",
      "width=32",
      "-o",
      output,
      "--report",
      reportPath,
    );
    expect(measured.code).toBe(exitCodes.ok);
    const report = readReport(reportPath);
    expect(report.measurement!.evaluator).toMatch(/wasm \(ort-wasm\)/);
    expect(report.measurement!.perSite).toBe(true);
    checkMeasurement(report, readFileSync(output), readFileSync(join(torch, "detector.onnx")));

    const trusted = await cli(
      "optimize",
      join(torch, "detector.onnx"),
      "--target",
      "ort-wasm",
      "--no-measure",
      "--dim",
      "batch=1",
      "--dim",
      "height=32",
      "--dim",
      "width=32",
      "--json",
    );
    expect(trusted.code).toBe(exitCodes.ok);
    const plain = JSON.parse(trusted.stdout) as RewriteReport;
    expect(plain.measurement).toBeUndefined();
    expect(plain.summary.substituted).toBeGreaterThan(0);
  });

  it("refuses what it cannot measure, before doing anything", async () => {
    const wrongEngine = await cli(
      "optimize",
      examplePath,
      "-t",
      "ort-wasm",
      "--provider",
      "cpu",
      "--measure",
    );
    expect(wrongEngine.code).toBe(exitCodes.badInput);
    expect(wrongEngine.stderr).toMatch(
      /--measure times on the target's own engine: use --provider wasm/,
    );
    const noEngine = await cli("optimize", examplePath, "-t", "algebraic", "--measure");
    expect(noEngine.code).toBe(exitCodes.badInput);
    expect(noEngine.stderr).toMatch(/does not run here/);
    const unverified = await cli(
      "optimize",
      examplePath,
      "-t",
      "ort-cpu",
      "--measure",
      "--no-verify",
    );
    expect(unverified.code).toBe(exitCodes.badInput);
    const fraction = await cli(
      "optimize",
      examplePath,
      "-t",
      "ort-cpu",
      "--min-top1-agreement",
      "1.5",
    );
    expect(fraction.code).toBe(exitCodes.badInput);
    expect(fraction.stderr).toMatch(/at most 1/);
    const heldOut = await cli("optimize", examplePath, "-t", "ort-cpu", "--held-out", examplePath);
    expect(heldOut.code).toBe(exitCodes.badInput);
    expect(heldOut.stderr).toMatch(/--held-out checks the result of the search/);
  });
});

describe("accuracy-aware search through the CLI", () => {
  it("takes SiLU stand-ins past the budget on a trained digits CNN where top-1 holds, and checks held-out rows", async () => {
    const reportPath = join(folder, "digits.json");
    const output = join(folder, "digits.onnx");
    const result = await cli(
      "optimize",
      join(torch, "digits-silu.onnx"),
      "--target",
      "ort-cpu",
      "--inputs",
      join(torch, "digits-silu/calibration/inputs/input.npy"),
      "--min-top1-agreement",
      "1",
      "-o",
      output,
      "--report",
      reportPath,
    );
    expect([exitCodes.ok, exitCodes.budgetNotMet]).toContain(result.code);
    const report = readReport(reportPath);
    const search = report.search!;
    expect(search.limits).toEqual({ minTop1Agreement: 1 });
    expect(search.candidates).toBeGreaterThan(0);
    // The calibration split's 300 rows: 225 searched, 75 held out.
    expect(report.verification!.inputs).toMatch(/rows 1–225$/);
    const heldOut = report.heldOut!;
    expect("passed" in heldOut && heldOut.inputs).toMatch(/rows 226–300 \(held out/);
    expect(report.verification!.comparison.minTop1Agreement).toBe(1);
    expect(result.stdout).toMatch(/search past the budget 0\.001 \(limits top-1 agreement ≥ 100%/);
    expect(result.stdout).toMatch(/held-out check on .*rows 226–300/);
    checkMeasurement(report, readFileSync(output), readFileSync(join(torch, "digits-silu.onnx")));
  });
});
