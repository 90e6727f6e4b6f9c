#!/usr/bin/env node
// Runs every model in tooling/models/torch/manifest.json on onnxruntime-node at
// every test shape and compares each output with the one PyTorch computed
// (saved as .npy by export-torch-models.py). A trained model's labelled data
// sets (digits-silu's calibration and held-out) are run too, and onnxruntime's
// accuracy on them must be the one PyTorch measured (manifest's training facts).
// Exit 0 when all are within the manifest's tolerance, 1 otherwise.
//
//   node tooling/models/check-torch-models.mjs [--onnxruntime=<dir>] [model-name ...]
//
// onnxruntime-node is resolved from packages/runtime (run `pnpm install` first);
// --onnxruntime=/path/to/onnxruntime-node uses another copy.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modelsDir = join(here, "torch");

function loadOnnxruntime(override) {
  const require = createRequire(join(here, "..", "..", "packages", "runtime", "package.json"));
  try {
    return require(override ?? "onnxruntime-node");
  } catch (error) {
    throw new Error(
      `cannot load onnxruntime-node (${error.message}); run pnpm install, or pass --onnxruntime=<its folder>`,
    );
  }
}

const npyTypes = {
  "<f4": { type: "float32", array: Float32Array },
  "<f8": { type: "float64", array: Float64Array },
  "<i8": { type: "int64", array: BigInt64Array },
  "<i4": { type: "int32", array: Int32Array },
  "|b1": { type: "bool", array: Uint8Array },
};

/** Reads a little-endian, C-order .npy file (what numpy.save writes here). */
export function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error(`${path}: not an .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString("latin1", headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const kind = npyTypes[descr];
  if (!kind || fortran !== "False" || shapeText === undefined) {
    throw new Error(`${path}: unsupported .npy header ${header.trim()}`);
  }
  const dims = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  // Copy so the typed array is aligned regardless of the header length.
  const data = new kind.array(
    bytes.buffer.slice(
      bytes.byteOffset + dataStart,
      bytes.byteOffset + dataStart + count * kind.array.BYTES_PER_ELEMENT,
    ),
  );
  return { type: kind.type, dims, data };
}

function maxAbsDiff(actual, expected) {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(Number(actual[i]) - Number(expected[i]));
    if (!(diff <= worst)) worst = Number.isNaN(diff) ? Infinity : Math.max(worst, diff);
  }
  return worst;
}

/** How many rows of [rows, classes] logits have their largest value at the label. */
function countCorrect(logits, labels) {
  const classes = logits.dims[1];
  let correct = 0;
  for (let row = 0; row < labels.length; row++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (logits.data[row * classes + c] > logits.data[row * classes + best]) best = c;
    if (BigInt(best) === labels[row]) correct++;
  }
  return correct;
}

async function main() {
  const args = process.argv.slice(2);
  const flag = args.find((arg) => arg.startsWith("--onnxruntime="));
  const ort = loadOnnxruntime(flag?.slice("--onnxruntime=".length));
  const manifest = JSON.parse(readFileSync(join(modelsDir, "manifest.json"), "utf8"));
  const tolerance = manifest.tolerance.max_abs;
  const only = new Set(args.filter((arg) => !arg.startsWith("--")));
  let failures = 0;
  for (const model of manifest.models) {
    if (only.size > 0 && !only.has(model.name)) continue;
    for (const level of ["disabled", "all"]) {
      const session = await ort.InferenceSession.create(join(modelsDir, model.file), {
        graphOptimizationLevel: level,
        intraOpNumThreads: 1,
      });
      for (const shape of [...model.test_shapes, ...(model.datasets ?? [])]) {
        const feeds = {};
        for (const [name, input] of Object.entries(shape.inputs)) {
          const { type, dims, data } = readNpy(join(modelsDir, input.file));
          feeds[name] = new ort.Tensor(type, data, dims);
        }
        const results = await session.run(feeds);
        const parts = [];
        for (const [name, output] of Object.entries(shape.outputs)) {
          const expected = readNpy(join(modelsDir, output.file));
          const actual = results[name];
          const sameShape = actual && actual.dims.join("x") === expected.dims.join("x");
          const diff = sameShape ? maxAbsDiff(actual.data, expected.data) : Infinity;
          const ok = sameShape && diff <= tolerance;
          if (!ok) failures++;
          parts.push(
            `${name} [${actual ? actual.dims.join(",") : "missing"}] max|diff| ${diff.toExponential(2)}${ok ? "" : " FAIL"}`,
          );
        }
        if (shape.labels) {
          const labels = readNpy(join(modelsDir, shape.labels.file)).data;
          const [logits] = Object.keys(shape.outputs).map((name) => results[name]);
          const correct = countCorrect(logits, labels);
          const measured = Math.round((correct / labels.length) * 1e4) / 1e4;
          const expected = model.training?.accuracy?.[shape.id];
          const ok = measured === expected;
          if (!ok) failures++;
          parts.push(
            `accuracy ${correct}/${labels.length} = ${measured} (PyTorch ${expected})${ok ? "" : " FAIL"}`,
          );
        }
        console.log(`${model.name} ${shape.id} (optimization ${level}): ${parts.join("; ")}`);
      }
      await session.release();
    }
  }
  console.log(
    failures === 0 ? "all outputs within tolerance" : `${failures} output(s) out of tolerance`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
}

try {
  await main();
} catch (error) {
  console.error(`check-torch-models: ${error.message}`);
  process.exitCode = 2;
}
