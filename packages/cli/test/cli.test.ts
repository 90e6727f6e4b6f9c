import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeModel, saveModel, validateModel } from "@rectify/onnx";
import { afterAll, describe, expect, it } from "vitest";
import { buildExampleModel } from "../src/example/example-model.js";
import { exitCodes } from "../src/io/cli-error.js";
import { dynamicAudioModel } from "./support/models.js";
import { cli } from "./support/run-cli.js";

const folder = mkdtempSync(join(tmpdir(), "rectify-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const examplePath = join(folder, "example.onnx");
await saveModel(buildExampleModel(), examplePath);

describe("rectify CLI", () => {
  it("targets: lists the built-in profiles, as a table and as JSON", async () => {
    const table = await cli("targets");
    expect(table.code).toBe(0);
    for (const name of [
      "ort-cpu",
      "ort-wasm",
      "ort-webgpu",
      "ort-webgpu-jsep",
      "webnn",
      "algebraic",
      "piecewise-linear",
      "lut",
      "lut-int8",
      "lut-int16",
    ])
      expect(table.stdout).toContain(name);
    const json = JSON.parse((await cli("targets", "--json")).stdout) as { name: string }[];
    expect(json.map((profile) => profile.name)).toEqual([
      "ort-cpu",
      "ort-wasm",
      "ort-webgpu",
      "ort-webgpu-jsep",
      "webnn",
      "algebraic",
      "piecewise-linear",
      "lut",
      "lut-int8",
      "lut-int16",
    ]);
  });

  it("optimize --target lut-int8: int8 tables on each site's calibrated grid, and what was assumed", async () => {
    const output = join(folder, "example.int8.onnx");
    const reportPath = join(folder, "report-int8.json");
    const result = await cli(
      "optimize",
      examplePath,
      "--target",
      "lut-int8",
      "-o",
      output,
      "--report",
      reportPath,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("assumed of the int8 device:");
    expect(result.stdout).toMatch(/int8 table \(256 entries\) on \[/);
    expect(result.stdout).toContain("max |error| added to int8");
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as {
      budget: number;
      quantization: { bits: number; assumptions: string[] };
      maxFloatError: number;
      sites: {
        substitute?: string;
        predictedError: number;
        device?: {
          method: string;
          addedError: number;
          floatError: number;
          range: [number, number];
          input: { scale: number };
        };
      }[];
      verification: { comparison: { maxAbsError: number } };
    };
    expect(report.quantization.bits).toBe(8);
    expect(report.quantization.assumptions.join(" ")).toMatch(/min\/max/);
    const tables = report.sites.filter((site) => site.device?.method === "table");
    expect(tables.length).toBeGreaterThan(2);
    for (const site of tables) {
      // One entry per input integer: nothing added to the device's rounding.
      expect(site.device!.addedError).toBe(0);
      expect(site.predictedError).toBe(0);
      // 256 integers over the calibrated range (widened to hold 0).
      const [lo, hi] = site.device!.range;
      const span = Math.max(hi, 0) - Math.min(lo, 0);
      expect(site.device!.input.scale).toBeCloseTo(span / 255, 12);
      expect(site.device!.floatError).toBeLessThanOrEqual(report.maxFloatError);
    }
    expect(report.maxFloatError).toBeGreaterThan(report.budget); // int8 rounding is coarser than 1e-3
    expect(validateModel(decodeModel(readFileSync(output)))).toEqual([]);
  });

  it("approximations: the catalog with measured errors", async () => {
    const result = await cli("approximations", "softplus");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/squareplus\{b=4\}\s+Add×2 Mul×2 Max Sqrt Clip\s+0\.307/);
    const rows = JSON.parse((await cli("approximations", "gelu", "--json")).stdout) as {
      exactName: string;
    }[];
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((row) => row.exactName === "gelu")).toBe(true);
  });

  it("inspect: op histogram, sites and per-target changes, the same facts in JSON", async () => {
    const text = await cli("inspect", examplePath);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/activation sites: \d+/);
    expect(text.stdout).toContain("softplus");
    const facts = JSON.parse((await cli("inspect", examplePath, "--json")).stdout) as {
      sites: { activation: string; nodes: string[] }[];
      targets: {
        target: string;
        substitute: number;
        unsupported: number;
        changes: { substitute?: string }[];
      }[];
    };
    const activations = facts.sites.map((site) => site.activation);
    for (const activation of ["gelu", "silu", "softplus", "mish", "elu", "leaky-relu", "softmax"])
      expect(activations).toContain(activation);
    const algebraic = facts.targets.find((entry) => entry.target === "algebraic")!;
    expect(algebraic.substitute).toBeGreaterThan(4);
    // On onnxruntime's CPU everything runs; the only changes are exact rewrites that its measured costs favour
    // (Softplus → max(x,0) + log(1 + e^−|x|), ELU → max(x, e^min(x,0) − 1)) and onnxruntime's own
    // one-kernel forms (the tanh GELU as FastGelu).
    const cpu = facts.targets.find((entry) => entry.target === "ort-cpu")!;
    expect(cpu.unsupported).toBe(0);
    for (const change of cpu.changes)
      expect(change.substitute).toMatch(/\(exact expression\)$|as com\.microsoft\.\w+$|^elu-max\{/);
  });

  it("optimize: writes a valid rewritten model and a JSON report; doing it again changes nothing", async () => {
    const output = join(folder, "example.algebraic.onnx");
    const reportPath = join(folder, "report.json");
    const result = await cli(
      "optimize",
      examplePath,
      "--target",
      "algebraic",
      "-o",
      output,
      "--report",
      reportPath,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("verified with @rectify/runtime cpu");
    const rewritten = decodeModel(readFileSync(output));
    expect(validateModel(rewritten)).toEqual([]);
    const ops = new Set(
      [...rewritten.graphs()].flatMap((graph) => graph.nodes.map((node) => node.opType)),
    );
    for (const op of ["Erf", "Softplus", "Sigmoid", "Tanh", "Elu", "Softmax"])
      expect(ops.has(op), op).toBe(false);
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as {
      summary: { substituted: number };
      verification: { passed: boolean; comparison: { maxAbsError: number } };
    };
    expect(report.summary.substituted).toBeGreaterThan(4);
    expect(report.verification.comparison.maxAbsError).toBeLessThan(1e-3);

    const again = join(folder, "example.algebraic.again.onnx");
    const second = await cli("optimize", output, "--target", "algebraic", "-o", again, "--json");
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { changed: boolean }).changed).toBe(false);
    expect(readFileSync(again)).toEqual(readFileSync(output));
  });

  it("optimize --max-output-error rolls sites back until the outputs fit, and says which", async () => {
    const result = await cli(
      "optimize",
      examplePath,
      "--target",
      "algebraic",
      "--budget",
      "0.5",
      "--max-output-error",
      "1e-4",
      "--json",
    );
    const report = JSON.parse(result.stdout) as {
      summary: { rolledBack: number };
      verification: { passed: boolean; rolledBack: string[]; comparison: { maxAbsError: number } };
      sites: { id: string; rolledBack: boolean }[];
    };
    expect(result.code).toBe(0);
    expect(report.verification.passed).toBe(true);
    expect(report.verification.comparison.maxAbsError).toBeLessThanOrEqual(1e-4);
    expect(report.summary.rolledBack).toBeGreaterThan(0);
    expect(
      report.sites
        .filter((site) => site.rolledBack)
        .map((site) => site.id)
        .sort(),
    ).toEqual([...report.verification.rolledBack].sort());
  });

  it("optimize exits 3 when the target cannot run some activation within the budget", async () => {
    const result = await cli(
      "optimize",
      "--example",
      "--target",
      "piecewise-linear",
      // At 1e-5 Mish gets no stand-in: its fit and table refitted to 1e-5 measure 1.3e-5 and 1.0e-5
      // in float32 (their float32 constants and sums), over the budget.
      "--budget",
      "1e-5",
      "--no-verify",
    );
    expect(result.code).toBe(exitCodes.budgetNotMet);
    expect(result.stdout).toContain("CANNOT RUN");
  });

  it("bad input: one clear line and exit 2, never a stack trace", async () => {
    const notOnnx = join(folder, "not-a-model.onnx");
    writeFileSync(notOnnx, "this is text, not protobuf");
    const badProfile = join(folder, "bad-profile.json");
    writeFileSync(
      badProfile,
      JSON.stringify({
        name: "My NPU",
        description: "x",
        runsUnlistedOps: "yes",
        ops: { Sqrt: -1 },
      }),
    );
    const cases: [string[], RegExp][] = [
      [["inspect", join(folder, "missing.onnx")], /model file not found: .*missing\.onnx/],
      [["inspect", notOnnx], /not-a-model\.onnx is not a readable ONNX model/],
      [
        ["optimize", examplePath, "--target", "quantum"],
        /unknown target "quantum"; built-in targets: ort-cpu/,
      ],
      [
        ["optimize", examplePath, "--target", badProfile],
        /bad-profile\.json is not a valid target profile: name: kebab-case.*runsUnlistedOps/,
      ],
      [
        ["optimize", examplePath, "--target", join(folder, "nope.json")],
        /target profile not found/,
      ],
      [
        ["optimize", examplePath, "--target", "algebraic", "-o", examplePath],
        /OUTPUT_INVALID: -o .*example\.onnx: that is the input .*--overwrite-input/,
      ],
      [
        ["optimize", examplePath, "--target", "algebraic", "--budget", "-1"],
        /expected a number ≥ 0/,
      ],
    ];
    const before = readFileSync(examplePath);
    for (const [argv, message] of cases) {
      const result = await cli(...argv);
      expect(result.code, argv.join(" ")).toBe(exitCodes.badInput);
      expect(result.stderr, argv.join(" ")).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    // the input is untouched by the refused overwrite
    expect(readFileSync(examplePath)).toEqual(before);
  });

  it("verify: compares two models output by output", async () => {
    const output = join(folder, "example.wasm.onnx");
    expect(
      (await cli("optimize", examplePath, "--target", "algebraic", "-o", output, "--no-verify"))
        .code,
    ).toBe(0);
    const result = await cli("verify", examplePath, output, "--max-output-error", "1e-3");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/probabilities\s+1×10/);
    const onWasm = await cli("verify", examplePath, output, "--provider", "wasm", "--json");
    expect(onWasm.code).toBe(0);
    expect((JSON.parse(onWasm.stdout) as { evaluator: string }).evaluator).toContain("wasm");
    const strict = await cli("verify", examplePath, output, "--max-output-error", "1e-9", "--json");
    expect(strict.code).toBe(exitCodes.budgetNotMet);
    expect((JSON.parse(strict.stdout) as { passed: boolean }).passed).toBe(false);
  });

  it("takes verification inputs from files and fits stand-ins to them", async () => {
    const inputs = join(folder, "features.json");
    const rows = Array.from({ length: 4 }, (_, r) =>
      Array.from({ length: 32 }, (_, c) => Math.sin(r * 32 + c)),
    );
    writeFileSync(inputs, JSON.stringify({ features: rows }));
    const verified = await cli("verify", examplePath, examplePath, "--inputs", inputs, "--json");
    expect(verified.code).toBe(0);
    const facts = JSON.parse(verified.stdout) as {
      inputs: string;
      comparison: { maxAbsError: number; outputs: { dims: number[] }[] };
    };
    expect(facts.inputs).toBe(inputs);
    expect(facts.comparison.maxAbsError).toBe(0);
    expect(facts.comparison.outputs[0]!.dims).toEqual([4, 10]);

    const fitted = await cli(
      "optimize",
      examplePath,
      "--target",
      "algebraic",
      "--budget",
      "0.05",
      "--inputs",
      inputs,
      "--fit",
      "--json",
    );
    expect(fitted.code).toBe(0);
    const report = JSON.parse(fitted.stdout) as {
      sites: { observed?: { count: number } }[];
      verification: { inputs: string; passed: boolean };
    };
    expect(report.verification.inputs).toBe(inputs);
    expect(report.sites.some((site) => (site.observed?.count ?? 0) > 0)).toBe(true);

    const noInputs = await cli("optimize", examplePath, "--target", "algebraic", "--fit");
    expect(noInputs.code).toBe(exitCodes.badInput);
    expect(noInputs.stderr).toMatch(/--fit needs --inputs/);
    const badInputs = join(folder, "bad.json");
    writeFileSync(badInputs, JSON.stringify({ features: [[1, 2, 3]] }));
    const rejected = await cli("verify", examplePath, examplePath, "--inputs", badInputs);
    expect(rejected.code).toBe(exitCodes.badInput);
    expect(rejected.stderr).toMatch(/features/);
  });

  it("sizes dynamic dims with --dim / --input-shape, and says FEEDS_UNRUNNABLE when the original cannot run", async () => {
    const path = join(folder, "dynamic.onnx");
    await saveModel(dynamicAudioModel(), path);
    const unrunnable = await cli("optimize", path, "--target", "algebraic");
    expect(unrunnable.code).toBe(exitCodes.badInput);
    expect(unrunnable.stderr).toMatch(
      /^rectify: FEEDS_UNRUNNABLE: the original model cannot run on the random inputs \(audio \[1, 16\], state \[2, 1, 4\]\): the model declares audio \[batch, time\], state \[2, batch, 4\]; choose sizes with --dim NAME=N or --input-shape/,
    );
    for (const sizes of [
      ["--dim", "time=32"],
      ["--input-shape", "audio=4,8"],
    ]) {
      const sized = await cli("optimize", path, "--target", "algebraic", ...sizes, "--json");
      expect(sized.code, sized.stderr).toBe(0);
      const report = JSON.parse(sized.stdout) as { verification: { passed: boolean } };
      expect(report.verification.passed).toBe(true);
      const verified = await cli("verify", path, path, ...sizes);
      expect(verified.code, verified.stderr).toBe(0);
    }
    const contradiction = await cli("verify", path, path, "--input-shape", "state=3,1,4");
    expect(contradiction.code).toBe(exitCodes.badInput);
    expect(contradiction.stderr).toMatch(/"state": dim 0 is 3, the model fixes it at 2/);
    const malformed = await cli("optimize", path, "--target", "algebraic", "--dim", "time=lots");
    expect(malformed.code).toBe(exitCodes.badInput);
    expect(malformed.stderr).toMatch(/--dim time: "lots" is not a size/);
    const inspected = JSON.parse(
      (await cli("inspect", path, "--input-shape", "audio=2,16", "--json")).stdout,
    ) as { sites: { activation: string }[] };
    expect(inspected.sites.map((site) => site.activation)).toEqual(["softplus"]);
  });

  it("--help lists the commands and each command's examples", async () => {
    const top = await cli("--help");
    expect(top.code).toBe(0);
    for (const command of ["inspect", "optimize", "verify", "targets", "approximations"])
      expect(top.stdout).toContain(command);
    expect(top.stdout).toMatch(/Exit codes: 0 ok/);
    const optimize = await cli("optimize", "--help");
    expect(optimize.code).toBe(0);
    expect(optimize.stdout).toMatch(
      /Examples:\n\s+rectify optimize model\.onnx --target algebraic/,
    );
    const unknown = await cli("frobnicate");
    expect(unknown.code).toBe(exitCodes.badInput);
  });
});
