// Crafted files and paths, run through the built binary (node dist/bin.js) on
// real temporary files and real onnxruntime: what a user or an attacker sees.
import { execFileSync } from "node:child_process";
import { type FSWatcher, watch } from "node:fs";
import {
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataType, decodeModel, encodeModel, ModelBuilder, saveModel } from "@rectify/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExampleModel } from "../src/example/example-model.js";
import { exitCodes } from "../src/io/cli-error.js";
import {
  brokenModel,
  linearModel,
  logOfZeroModel,
  probabilityMapModel,
  softplusModel,
} from "./support/models.js";
import { runBin } from "./support/run-bin.js";

let root: string;
let examplePath: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rectify-hostile-cli-"));
  examplePath = join(root, "example.onnx");
  await saveModel(buildExampleModel(), examplePath);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the test's root. */
async function folder(name: string): Promise<string> {
  const path = join(root, name);
  await mkdir(path, { recursive: true });
  return path;
}

/** m.onnx with its weight in m.onnx.data, in a fresh folder. */
async function externalModel(name: string): Promise<string> {
  const path = join(await folder(name), "m.onnx");
  await saveModel(softplusModel(), path, { externalData: { threshold: 1024 } });
  return path;
}

/** The single error line: `rectify: CODE: message`, and nothing else on stderr. */
function errorLine(stderr: string): { code: string; message: string } {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  const match = /^rectify: ([A-Z_]+): (.+)$/.exec(lines[0]!);
  expect(match, stderr).not.toBeNull();
  return { code: match![1]!, message: match![2]! };
}

describe("hostile model files (through the binary)", () => {
  it("1: a symbolic link out of the model's folder is not followed; nothing is written", async () => {
    const model = await externalModel("symlink");
    const secret = join(root, "secret.bin");
    await writeFile(secret, (await readFile(`${model}.data`)).fill(0x41));
    await rm(`${model}.data`);
    await symlink(secret, `${model}.data`);
    const out = await folder("symlink-out");
    const result = await runBin([
      "optimize",
      model,
      "--target",
      "algebraic",
      "--no-verify",
      "-o",
      join(out, "o.onnx"),
    ]);
    expect(result.code).toBe(exitCodes.badInput);
    const error = errorLine(result.stderr);
    expect(error.code).toBe("EXTERNAL_DATA");
    expect(error.message).toMatch(
      /tensor "w" is stored in "m\.onnx\.data", which resolves \(through a symbolic link\) to .*secret\.bin, outside the model's folder/,
    );
    expect(await readdir(out)).toEqual([]);
  });

  it("2: a FIFO or a folder as external data or as the model is refused at once, naming it", async () => {
    const fifoModel = await externalModel("fifo-data");
    await rm(`${fifoModel}.data`);
    execFileSync("mkfifo", [`${fifoModel}.data`]);
    const fifo = await runBin(["inspect", fifoModel]);
    expect(fifo.code).toBe(exitCodes.badInput);
    expect(errorLine(fifo.stderr)).toEqual({
      code: "EXTERNAL_DATA",
      message: expect.stringMatching(
        /^tensor "w" is stored in "m\.onnx\.data", which cannot be read: it is a FIFO \(named pipe\), not a regular file; external data must be a regular file inside the model's folder/,
      ),
    });

    const folderModel = await externalModel("folder-data");
    await rm(`${folderModel}.data`);
    await mkdir(`${folderModel}.data`);
    const directory = await runBin(["inspect", folderModel]);
    expect(directory.code).toBe(exitCodes.badInput);
    expect(errorLine(directory.stderr)).toMatchObject({
      code: "EXTERNAL_DATA",
      message: expect.stringMatching(/"m\.onnx\.data", which cannot be read: it is a directory/),
    });

    const modelFifo = join(await folder("fifo-model"), "model.onnx");
    execFileSync("mkfifo", [modelFifo]);
    for (const argv of [
      ["inspect", modelFifo],
      ["optimize", modelFifo, "--target", "algebraic", "--no-verify"],
      ["verify", modelFifo, examplePath],
    ]) {
      const result = await runBin(argv);
      expect(result.code, argv.join(" ")).toBe(exitCodes.badInput);
      expect(errorLine(result.stderr)).toMatchObject({
        code: "IO_READ",
        message: expect.stringMatching(
          /model\.onnx: it is a FIFO \(named pipe\), not a regular file/,
        ),
      });
    }
    const profileFifo = join(await folder("fifo-profile"), "device.json");
    execFileSync("mkfifo", [profileFifo]);
    const profile = await runBin(["optimize", examplePath, "--target", profileFifo, "--no-verify"]);
    expect(profile.code).toBe(exitCodes.badInput);
    expect(errorLine(profile.stderr)).toEqual({
      code: "PROFILE_INVALID",
      message: expect.stringMatching(/device\.json is not a regular file/),
    });
    const asModel = await runBin(["inspect", root]);
    expect(errorLine(asModel.stderr).message).toMatch(/it is a directory, not a regular file/);
  });

  it("3/4/9: outputs are checked before anything is written", async () => {
    const work = await folder("outputs");
    const input = join(work, "in.onnx");
    await saveModel(buildExampleModel(), input);
    const original = await readFile(input);
    const out = join(work, "out.onnx");
    const hardLink = join(work, "hard-link.onnx");
    await link(input, hardLink);
    const softLink = join(work, "soft-link.json");
    await symlink(input, softLink);
    const fifo = join(work, "fifo.onnx");
    execFileSync("mkfifo", [fifo]);
    // Root ignores permission bits, so an unwritable folder for root is one the kernel refuses (sysfs).
    const unwritable = process.getuid?.() === 0 ? "/sys" : await folder("read-only");
    if (process.getuid?.() !== 0) execFileSync("chmod", ["555", unwritable]);
    const optimize = (...rest: string[]) =>
      runBin(["optimize", input, "--target", "algebraic", "--no-verify", ...rest]);
    const cases: [string[], RegExp][] = [
      [
        ["--report", input],
        /^--report .*in\.onnx: that is the input .*in\.onnx; rectify never writes over its inputs/,
      ],
      [
        ["-o", out, "--report", out],
        /^--report .*out\.onnx: that is the same file as -o .*out\.onnx/,
      ],
      [["-o", hardLink], /^-o .*hard-link\.onnx: that is the input .*--overwrite-input/],
      [["-o", out, "--report", softLink], /^--report .*soft-link\.json: that is the input/],
      [
        ["-o", "/dev/null"],
        /^-o \/dev\/null: it is a character device; outputs are written to regular files only/,
      ],
      [["-o", fifo], /^-o .*fifo\.onnx: it is a FIFO \(named pipe\)/],
      [["-o", work], /^-o .*outputs: it is a directory/],
      [
        ["-o", join(work, "missing", "o.onnx")],
        /^-o .*o\.onnx: the folder .*missing does not exist; create it first/,
      ],
      [
        ["-o", out, "--report", join(work, "missing", "r.json")],
        /^--report .*r\.json: the folder .*missing does not exist/,
      ],
      [
        ["-o", join(unwritable, "o.onnx")],
        /^-o .*o\.onnx: the folder .* is not writable \(E[A-Z]+\)/,
      ],
    ];
    for (const [rest, message] of cases) {
      const result = await optimize(...rest);
      expect(result.code, rest.join(" ")).toBe(exitCodes.badInput);
      expect(errorLine(result.stderr), rest.join(" ")).toEqual({
        code: "OUTPUT_INVALID",
        message: expect.stringMatching(message),
      });
    }
    expect(await readFile(input)).toEqual(original);
    expect((await stat("/dev/null")).isCharacterDevice()).toBe(true);
    expect((await stat(fifo)).isFIFO()).toBe(true);
    expect((await readdir(work)).sort()).toEqual([
      "fifo.onnx",
      "hard-link.onnx",
      "in.onnx",
      "soft-link.json",
    ]);
    // -o may name the input only with --overwrite-input.
    const overwrite = await optimize("-o", input, "--overwrite-input");
    expect(overwrite.code).toBe(0);
    expect(await readFile(input)).not.toEqual(original);
  }, 300_000); // About 12 CLI runs with verification: over 120 s when the whole suite runs at once on 2 cores.

  it("3: the external-data file -o would write is checked too, and never replaces the input's", async () => {
    const model = await externalModel("data-output");
    const folderPath = join(root, "data-output");
    // o.onnx would write o.onnx.data: make that name a folder.
    await mkdir(join(folderPath, "o.onnx.data"));
    const result = await runBin([
      "optimize",
      model,
      "--target",
      "algebraic",
      "--no-verify",
      "-o",
      join(folderPath, "o.onnx"),
    ]);
    expect(result.code).toBe(exitCodes.badInput);
    expect(errorLine(result.stderr).message).toMatch(
      /^-o \(external data\) .*o\.onnx\.data: it is a directory/,
    );
    expect((await readdir(folderPath)).sort()).toEqual(["m.onnx", "m.onnx.data", "o.onnx.data"]);
  });

  it("5: SIGTERM during a large write leaves no temporary file and no output", async () => {
    const input = join(await folder("signal-in"), "big.onnx");
    const b = new ModelBuilder();
    const count = 25_000_000; // 100 MB of float32
    const x = b.input("x", DataType.FLOAT, [count]);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i += 1024) values[i] = i;
    const w = b.constant(DataType.FLOAT, [count], values, "w");
    b.output(b.op("Add", [x, w]), DataType.FLOAT, [count], "y");
    await saveModel(b.build(), input);
    const out = await folder("signal-out");
    let watcher: FSWatcher | undefined;
    let signalled = false;
    const result = await runBin(
      ["optimize", input, "--target", "ort-cpu", "--no-verify", "-o", join(out, "big.out.onnx")],
      {
        onStart: (child) => {
          // The temporary file appears when the write starts: that is when to interrupt.
          watcher = watch(out, (_event, name) => {
            if (!signalled && name?.includes(".tmp-")) {
              signalled = true;
              child.kill("SIGTERM");
            }
          });
        },
      },
    );
    watcher?.close();
    expect(signalled).toBe(true);
    expect(result.code).toBe(128 + 15);
    expect(await readdir(out)).toEqual([]);
  });

  it("6: invalid input models are refused before anything is written, naming the node", async () => {
    const work = await folder("invalid");
    const expectations = {
      cycle: /\[(CYCLE|NOT_TOPOLOGICAL)\] in main: node Relu "first"/,
      missing: /\[UNDEFINED_INPUT\] in main: node Neg "second" input 0 "ghost" is not defined/,
      duplicate:
        /\[DUPLICATE_DEFINITION\] in main: value ".*" is defined more than once \(again as an output of node Neg "second"\)/,
    } as const;
    for (const [kind, message] of Object.entries(expectations)) {
      const path = join(work, `${kind}.onnx`);
      await writeFile(path, encodeModel(brokenModel(kind as keyof typeof expectations)));
      const output = join(work, `${kind}.out.onnx`);
      const result = await runBin([
        "optimize",
        path,
        "--target",
        "algebraic",
        "--no-verify",
        "-o",
        output,
      ]);
      expect(result.code, kind).toBe(exitCodes.badInput);
      expect(errorLine(result.stderr), kind).toEqual({
        code: "VALIDATION_FAILED",
        message: expect.stringMatching(message),
      });
      await expect(stat(output)).rejects.toMatchObject({ code: "ENOENT" });
    }
  });

  it("7: verify fails on NaN/Inf mismatches and on unrelated models by default", async () => {
    const work = await folder("verify");
    const paths = {
      log: join(work, "log.onnx"),
      zero: join(work, "zero.onnx"),
      first: join(work, "first.onnx"),
      second: join(work, "second.onnx"),
    };
    await saveModel(logOfZeroModel(true), paths.log);
    await saveModel(logOfZeroModel(false), paths.zero);
    await saveModel(linearModel(1), paths.first);
    await saveModel(linearModel(2), paths.second);
    const nonFinite = await runBin(["verify", paths.zero, paths.log]);
    expect(nonFinite.code).toBe(exitCodes.budgetNotMet);
    expect(nonFinite.stdout).toMatch(
      /NOT MET — 4 elements are NaN\/Inf in one model and not the other/,
    );
    const limited = await runBin([
      "verify",
      paths.zero,
      paths.log,
      "--max-output-error",
      "1",
      "--json",
    ]);
    expect(limited.code).toBe(exitCodes.budgetNotMet);
    expect(JSON.parse(limited.stdout)).toMatchObject({ passed: false, nonFiniteMismatches: 4 });

    const unrelated = await runBin(["verify", paths.first, paths.second, "--json"]);
    expect(unrelated.code).toBe(exitCodes.budgetNotMet);
    const facts = JSON.parse(unrelated.stdout) as {
      passed: boolean;
      tolerance: { absolute: number; relative: number };
      violations: number;
    };
    expect(facts.passed).toBe(false);
    expect(facts.tolerance).toEqual({ absolute: 1e-3, relative: 1e-3 });
    expect(facts.violations).toBeGreaterThan(0);
    const same = await runBin(["verify", paths.first, paths.first]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/tolerance \|b − a\| ≤ 0\.001 \+ 0\.001·\|a\|: met/);
    const loose = await runBin(["verify", paths.first, paths.second, "--atol", "100"]);
    expect(loose.code).toBe(0);
  });

  it("8: no top-1 for a probability map, and its cosine is flagged as tiny-norm noise", async () => {
    const work = await folder("detector");
    const a = join(work, "a.onnx");
    const b = join(work, "b.onnx");
    await saveModel(probabilityMapModel(1), a);
    await saveModel(probabilityMapModel(-1), b);
    const json = await runBin(["verify", a, b, "--json"]);
    expect(json.code).toBe(0);
    const facts = JSON.parse(json.stdout) as {
      comparison: {
        unreliableCosineOutputs: string[];
        minCosineSimilarity: number | null;
        minTop1Agreement: number | null;
        outputs: { top1Agreement: number | null; cosineReliable: boolean; maxAbsError: number }[];
      };
    };
    expect(facts.comparison.outputs[0]).toMatchObject({
      top1Agreement: null,
      cosineReliable: false,
    });
    expect(facts.comparison.outputs[0]!.maxAbsError).toBeLessThan(1e-9);
    expect(facts.comparison.unreliableCosineOutputs).toEqual(["probabilities"]);
    expect(facts.comparison.minCosineSimilarity).toBeNull();
    expect(facts.comparison.minTop1Agreement).toBeNull();
    const text = await runBin(["verify", a, b]);
    expect(text.stdout).toMatch(/probabilities\s+1×1×8×8\s+\S+\s+\S+\s+-?[\d.]+ \(tiny norm\)\s+—/);
    expect(text.stdout).toMatch(/cosine of probabilities: both outputs are near zero/);
  });

  it("10: inputs nested 50,000 deep are bad input, not a stack overflow", async () => {
    const deep = join(await folder("deep"), "deep.json");
    await writeFile(deep, `{"features": ${"[".repeat(50_000)}1${"]".repeat(50_000)}}`);
    const result = await runBin(["verify", examplePath, examplePath, "--inputs", deep]);
    expect(result.code).toBe(exitCodes.badInput);
    expect(errorLine(result.stderr)).toEqual({
      code: "INPUTS_INVALID",
      message: expect.stringMatching(/deep\.json: input "features" nests arrays more than 64 deep/),
    });
  });

  it("11: a model with external data optimizes and verifies from another working directory", async () => {
    const model = await externalModel("external");
    const elsewhere = await folder("elsewhere");
    const out = join(await folder("external-out"), "o.onnx");
    const optimized = await runBin(
      ["optimize", model, "--target", "algebraic", "-o", out, "--json"],
      { cwd: elsewhere },
    );
    expect(optimized.stderr).toBe("");
    expect(optimized.code).toBe(0);
    const report = JSON.parse(optimized.stdout) as {
      changed: boolean;
      verification: { passed: boolean; comparison: { maxAbsError: number } };
    };
    expect(report.changed).toBe(true);
    expect(report.verification.passed).toBe(true);
    expect(report.verification.comparison.maxAbsError).toBeLessThan(1e-2);
    // The output keeps its weights external, beside it.
    expect((await stat(`${out}.data`)).size).toBeGreaterThanOrEqual(64 * 64 * 4);
    const verified = await runBin(["verify", model, out, "--json"], { cwd: elsewhere });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ passed: true });
  });

  it("12: every error line carries its stable code; --json errors are JSON on stderr", async () => {
    const missing = await runBin(["inspect", join(root, "absent.onnx")]);
    expect(missing.code).toBe(exitCodes.badInput);
    expect(errorLine(missing.stderr)).toEqual({
      code: "FILE_NOT_FOUND",
      message: expect.stringMatching(/model file not found: .*absent\.onnx/),
    });
    const usage = await runBin(["optimize", examplePath, "--frobnicate"]);
    expect(usage.code).toBe(exitCodes.badInput);
    expect(errorLine(usage.stderr).code).toBe("USAGE");
    const target = await runBin(["optimize", examplePath, "--target", "quantum", "--json"]);
    expect(target.code).toBe(exitCodes.badInput);
    expect(target.stdout).toBe("");
    expect(JSON.parse(target.stderr)).toEqual({
      error: {
        code: "TARGET_UNKNOWN",
        message: expect.stringMatching(/^unknown target "quantum"/),
        exitCode: 2,
      },
    });
    const notOnnx = join(root, "text.onnx");
    await writeFile(notOnnx, "this is text, not protobuf");
    const decode = await runBin(["verify", notOnnx, examplePath, "--json"]);
    const error = (JSON.parse(decode.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toMatch(/^DECODE_/);
    expect(error.message).toMatch(/text\.onnx is not a readable ONNX model/);
  });

  it("13: --version prints the package version", async () => {
    const manifest = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    const result = await runBin(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(manifest.version);
  });

  it("14: targets --json NAME writes one profile that --target accepts", async () => {
    const work = await folder("profile");
    const exported = await runBin(["targets", "--json", "algebraic"]);
    expect(exported.code).toBe(0);
    const profilePath = join(work, "my-device.json");
    await writeFile(profilePath, exported.stdout);
    const profile = JSON.parse(exported.stdout) as { name: string };
    expect(profile.name).toBe("algebraic");
    const out = join(work, "o.onnx");
    const optimized = await runBin([
      "optimize",
      examplePath,
      "--target",
      profilePath,
      "--no-verify",
      "-o",
      out,
      "--json",
    ]);
    expect(optimized.code).toBe(0);
    const viaBuiltin = await runBin([
      "optimize",
      examplePath,
      "--target",
      "algebraic",
      "--no-verify",
      "-o",
      join(work, "b.onnx"),
    ]);
    expect(viaBuiltin.code).toBe(0);
    expect(await readFile(out)).toEqual(await readFile(join(work, "b.onnx")));
    // The list of every profile is not one profile, and says so.
    const all = join(work, "all.json");
    await writeFile(all, (await runBin(["targets", "--json"])).stdout);
    const refused = await runBin(["optimize", examplePath, "--target", all, "--no-verify"]);
    expect(refused.code).toBe(exitCodes.badInput);
    expect(errorLine(refused.stderr)).toEqual({
      code: "PROFILE_INVALID",
      message: expect.stringMatching(
        /all\.json holds a list of \d+ profiles .*write it with rectify targets --json NAME/,
      ),
    });
    const unknown = await runBin(["targets", "quantum"]);
    expect(unknown.code).toBe(exitCodes.badInput);
    expect(errorLine(unknown.stderr).code).toBe("TARGET_UNKNOWN");
  });

  it("15: on exit 3 the last lines say what was written and why", async () => {
    const out = join(await folder("exit-three"), "pl.onnx");
    const result = await runBin([
      "optimize",
      examplePath,
      "--target",
      "piecewise-linear",
      "--budget",
      "1e-5",
      "--no-verify",
      "-o",
      out,
    ]);
    expect(result.code).toBe(exitCodes.budgetNotMet);
    const last = result.stdout.trimEnd().split("\n").slice(-2);
    expect(last[0]).toMatch(/^wrote .*pl\.onnx \(\d+ sites? substituted\)$/);
    expect(last[1]).toMatch(
      /^exit 3: \d+ sites? still cannot run on piecewise-linear within the budget 1\.00e-5 \(marked CANNOT RUN above\)$/,
    );
    expect(validateLoads(await readFile(out))).toBe(true);
  });
});

function validateLoads(bytes: Uint8Array): boolean {
  return decodeModel(bytes).graph.nodes.length > 0;
}
