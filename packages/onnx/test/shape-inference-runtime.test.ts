// Shape inference against the real thing: every node output inference gives a
// tensor type is made a graph output, onnxruntime-node runs the model on its
// reference inputs (conformance models) or on simple feeds (npm-shipped
// models), and every fixed size and rank inferred must match what ran.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import {
  type Dimension,
  decodeModel,
  decodeTensor,
  encodeModel,
  inferShapes,
  type Model,
  tensorTypeInfo,
} from "../src/index.js";
import { toOrtTensor } from "./support/onnxruntime.js";
import { stripIntermediateTypes } from "./support/shape-oracle.js";

const dataRoot = "/usr/share/libonnx-testdata/data";
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const modelCache = join(repoRoot, ".cache", "models");

/** Strips, infers, and exposes every typed node output of the main graph; returns the inferred shapes. */
function exposeInferred(model: Model): Map<string, Dimension[]> {
  stripIntermediateTypes(model);
  inferShapes(model);
  const shapes = new Map<string, Dimension[]>();
  for (const node of model.graph.nodes) {
    for (const value of node.outputs) {
      const shape = tensorTypeInfo(value?.type)?.shape;
      if (!value || !shape) continue;
      shapes.set(value.name, shape);
      if (!model.graph.outputs.includes(value)) model.graph.outputs.push(value);
    }
  }
  return shapes;
}

async function mismatches(
  label: string,
  model: Model,
  shapes: Map<string, Dimension[]>,
  feeds: (session: ort.InferenceSession) => Record<string, ort.Tensor>,
): Promise<{ checked: number; wrong: string[] } | undefined> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(model), {
      graphOptimizationLevel: "disabled",
      logSeverityLevel: 4,
    });
  } catch {
    return undefined; // ops onnxruntime 1.30 dropped or cannot set up here (locales, batch-first RNNs)
  }
  try {
    const outputs = await session.run(feeds(session));
    const wrong: string[] = [];
    let checked = 0;
    for (const [name, tensor] of Object.entries(outputs)) {
      const shape = shapes.get(name);
      if (!shape || !Array.isArray(tensor.dims)) continue;
      checked++;
      const dims = tensor.dims;
      if (
        shape.length !== dims.length ||
        shape.some((d, i) => typeof d === "number" && d !== dims[i])
      )
        wrong.push(`${label} ${name}: inferred [${shape.join(", ")}], ran [${dims.join(", ")}]`);
    }
    return { checked, wrong };
  } catch {
    return undefined;
  } finally {
    await session.release();
  }
}

function referenceFeeds(directory: string) {
  return (session: ort.InferenceSession) => {
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, index) => {
      const file = join(directory, "test_data_set_0", `input_${index}.pb`);
      if (!existsSync(file)) return;
      const tensor = toOrtTensor(decodeTensor(readFileSync(file)));
      if (tensor) feeds[name] = tensor;
    });
    return feeds;
  };
}

/** Feeds for the npm-shipped models: free dims 1, silero's audio chunk 512 samples at 16 kHz. */
function simpleFeeds(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputMetadata) {
    if (!input.isTensor) continue;
    const dims = input.shape.map((d, axis) =>
      typeof d === "number" && d >= 0
        ? d
        : input.name === "input" && axis === input.shape.length - 1
          ? 512
          : 1,
    );
    const count = dims.reduce((product, d) => product * d, 1);
    feeds[input.name] =
      input.type === "int64"
        ? new ort.Tensor("int64", new BigInt64Array(count).fill(16_000n), dims)
        : new ort.Tensor("float32", new Float32Array(count).fill(0.1), dims);
  }
  return feeds;
}

function onnxFilesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return onnxFilesUnder(path);
    return entry.name.endsWith(".onnx") ? [path] : [];
  });
}

describe.skipIf(!existsSync(dataRoot))("inferred shapes match what onnxruntime computes", () => {
  it("for every node output of the conformance models and the npm-shipped models", async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const suite of ["node", "pytorch-converted", "pytorch-operator", "simple"]) {
      const root = join(dataRoot, suite);
      if (!existsSync(root)) continue;
      for (const name of readdirSync(root).sort()) {
        const directory = join(root, name);
        const file = join(directory, "model.onnx");
        if (!existsSync(file)) continue;
        const model = decodeModel(readFileSync(file));
        const result = await mismatches(
          `${suite}/${name}`,
          model,
          exposeInferred(model),
          referenceFeeds(directory),
        );
        checked += result?.checked ?? 0;
        wrong.push(...(result?.wrong ?? []));
      }
    }
    for (const file of onnxFilesUnder(modelCache)) {
      const model = decodeModel(readFileSync(file));
      const result = await mismatches(file, model, exposeInferred(model), simpleFeeds);
      checked += result?.checked ?? 0;
      wrong.push(...(result?.wrong ?? []));
    }
    expect(wrong).toEqual([]);
    // About 2,450 conformance outputs (plus ~350 from the npm models when cached) were checked when written.
    expect(checked).toBeGreaterThan(2000);
  }, 300_000);
});
