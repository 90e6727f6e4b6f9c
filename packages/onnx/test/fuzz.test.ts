// Seeded fuzzing of decodeModel and the IR over corrupt variants of real
// models (generator and checker shared with scripts/fuzz.mjs). Set FUZZ_SEED
// to explore another seed; a failing case reruns alone with
// `node scripts/fuzz.mjs --seed <seed> --case <index>` after a build.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  caseRandom,
  formatSummary,
  generateCase,
  loadCorpus,
  prepareCorpus,
  runFuzz,
  testdataRoot,
} from "../scripts/fuzz-mutations.mjs";
import * as onnx from "../src/index.js";

const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : 0x5eed0a11;
const caseCount = 3000;
const perCaseLimitMs = 2000;
const rssLimitBytes = 1.5 * 1024 ** 3;

describe.skipIf(!existsSync(testdataRoot))("decodeModel fuzzing", () => {
  const corpus = loadCorpus();

  it("has a varied corpus that decodes cleanly before mutation", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
    let subgraphs = 0;
    let tensors = 0;
    for (const { name, bytes } of corpus) {
      const model = onnx.decodeModel(bytes, { source: name });
      subgraphs += [...model.graphs()].length - 1;
      tensors += [...onnx.modelTensors(model)].length;
    }
    expect(subgraphs).toBeGreaterThanOrEqual(10);
    expect(tensors).toBeGreaterThanOrEqual(20);
  });

  it("generates the same case from the same seed and index", () => {
    const prepared = prepareCorpus(corpus);
    for (const index of [0, 1, 977]) {
      const a = generateCase(prepared, caseRandom(seed, index));
      const b = generateCase(prepared, caseRandom(seed, index));
      expect(b.description).toBe(a.description);
      expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    }
  });

  it(`rejects ${caseCount} corrupt variants only with OnnxError, quickly, in bounded memory`, () => {
    console.log(`fuzz seed ${seed} (rerun with FUZZ_SEED=${seed}); ${corpus.length} corpus models`);
    const summary = runFuzz({
      lib: onnx,
      corpus,
      seed,
      cases: caseCount,
      slowMs: perCaseLimitMs,
      maxFailures: 10,
    });
    console.log(formatSummary(summary));

    expect(summary.cases).toBeGreaterThanOrEqual(2000);
    // Both paths must be exercised: some variants still decode, most are rejected.
    expect(summary.decoded).toBeGreaterThan(summary.cases * 0.05);
    expect(summary.rejected).toBeGreaterThan(summary.cases * 0.4);
    for (const code of [
      "DECODE_TRUNCATED",
      "DECODE_WIRE_TYPE",
      "DECODE_INVALID",
      "DECODE_TOO_DEEP",
      "DECODE_EMPTY",
    ]) {
      expect(summary.byCode[code] ?? 0, `no case was rejected with ${code}`).toBeGreaterThan(0);
    }
    expect(summary.crashed).toBe(0);
    expect(
      summary.failures.map(
        (f) => `case ${f.index} [${f.stage}] ${f.error} <- ${f.description.slice(0, 160)}`,
      ),
    ).toEqual([]);
    expect(summary.slowest.ms).toBeLessThan(perCaseLimitMs);
    expect(summary.rssGrowth).toBeLessThan(rssLimitBytes);
  }, 300_000);
});
