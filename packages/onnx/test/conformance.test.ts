// End-to-end check of the codec against the ONNX backend conformance data
// (Debian package libonnx-testdata): every model must survive
// decode → encode → decode, and onnxruntime must compute the same outputs
// from the re-encoded bytes as from the original ones.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { decodeModel, decodeTensor, diffModels, encodeModel, type Tensor } from "../src/index.js";
import {
  ortTypeFor,
  outputsDiffer,
  referenceMismatch,
  sessionOptions,
  toOrtTensor,
} from "./support/onnxruntime.js";

const dataRoot = "/usr/share/libonnx-testdata/data";
const suites = ["node", "pytorch-converted", "pytorch-operator", "simple", "real"];

/** onnxruntime-node 1.30 ran 1,000+ of these models when this test was written; far fewer means something broke. */
const minimumModelsRun = 800;

interface ConformanceCase {
  /** `suite/test_name`, used in messages. */
  id: string;
  directory: string;
}

function conformanceCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const suite of suites) {
    const suiteDirectory = join(dataRoot, suite);
    if (!existsSync(suiteDirectory)) continue;
    for (const name of readdirSync(suiteDirectory).sort()) {
      const directory = join(suiteDirectory, name);
      if (existsSync(join(directory, "model.onnx")))
        cases.push({ id: `${suite}/${name}`, directory });
    }
  }
  return cases;
}

/** The numbered `<prefix>_N.pb` files of a test data set, in numeric order. */
function numberedFiles(directory: string, prefix: string): string[] {
  if (!existsSync(directory)) return [];
  const pattern = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
  return readdirSync(directory)
    .map((file) => ({ file, match: pattern.exec(file) }))
    .filter((entry) => entry.match !== null)
    .sort((a, b) => Number(a.match![1]) - Number(b.match![1]))
    .map((entry) => join(directory, entry.file));
}

type Feeds = { feeds: Record<string, ort.Tensor> } | { unsupported: string };

/**
 * Reads test_data_set_0's inputs as ort feeds. Files map to the session's
 * inputs by tensor name when it names one, else by position (the backend-test
 * convention). Sequence / optional inputs (SequenceProto, OptionalProto files)
 * and element types ort-node has no feed type for are reported, not read.
 */
function readFeeds(session: ort.InferenceSession, dataSet: string): Feeds {
  const feeds: Record<string, ort.Tensor> = {};
  const files = numberedFiles(dataSet, "input");
  for (const [index, file] of files.entries()) {
    const metadata = session.inputMetadata[index];
    if (metadata && !metadata.isTensor)
      return { unsupported: `input ${metadata.name} is not a tensor` };
    let tensor: Tensor;
    try {
      tensor = decodeTensor(readFileSync(file));
    } catch (error) {
      return { unsupported: `input_${index}.pb is not a TensorProto (${String(error)})` };
    }
    const name = session.inputNames.includes(tensor.name) ? tensor.name : session.inputNames[index];
    if (name === undefined) return { unsupported: `input_${index}.pb has no matching model input` };
    if (!ortTypeFor(tensor.dataType))
      return { unsupported: `input ${name} has data type ${tensor.dataType}` };
    feeds[name] = toOrtTensor(tensor)!;
  }
  return { feeds };
}

async function createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    sessionOptions,
  );
}

/** What a session says about its outputs, kept after the session is released. */
interface OutputSignature {
  outputNames: readonly string[];
  outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
}

interface Run extends OutputSignature {
  outputs: Record<string, ort.Tensor>;
}

async function runOnce(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Run> {
  const session = await createSession(bytes);
  try {
    const outputs = await session.run(feeds);
    return {
      outputs,
      outputNames: [...session.outputNames],
      outputMetadata: [...session.outputMetadata],
    };
  } finally {
    await session.release();
  }
}

/** Why the session's outputs miss test_data_set_0's reference outputs, or undefined if they match. */
function compareWithReference(
  session: OutputSignature,
  outputs: Record<string, ort.Tensor>,
  dataSet: string,
): { mismatch: string | undefined; comparable: boolean } {
  const files = numberedFiles(dataSet, "output");
  for (const [index, file] of files.entries()) {
    const metadata = session.outputMetadata[index];
    const name = session.outputNames[index];
    if (!metadata || name === undefined || !metadata.isTensor)
      return { mismatch: undefined, comparable: false };
    let expected: Tensor;
    try {
      expected = decodeTensor(readFileSync(file));
    } catch {
      return { mismatch: undefined, comparable: false };
    }
    const actual = outputs[name];
    if (!actual) return { mismatch: `output ${name} missing`, comparable: true };
    const mismatch = referenceMismatch(actual, expected);
    if (mismatch) return { mismatch: `${name} ${mismatch}`, comparable: true };
  }
  return { mismatch: undefined, comparable: files.length > 0 };
}

const cases = conformanceCases();
/** Re-encoded bytes by case id, filled by the round-trip test and reused by the onnxruntime test. */
const reencoded = new Map<string, Uint8Array>();
const roundTrip = {
  equal: 0,
  byteIdentical: 0,
  failures: [] as string[],
  notByteIdentical: [] as string[],
};

function reencode(testCase: ConformanceCase): { original: Uint8Array; encoded: Uint8Array } {
  const original = readFileSync(join(testCase.directory, "model.onnx"));
  let encoded = reencoded.get(testCase.id);
  if (!encoded) {
    encoded = encodeModel(decodeModel(original, { source: testCase.id }));
    reencoded.set(testCase.id, encoded);
  }
  return { original, encoded };
}

describe.skipIf(cases.length === 0)("ONNX backend conformance data", () => {
  it("the comparisons used below notice a changed model (control)", async () => {
    const testCase = cases.find((c) => c.id === "node/test_abs") ?? cases[0]!;
    const bytes = readFileSync(join(testCase.directory, "model.onnx"));
    const changed = decodeModel(bytes);
    changed.graph.nodes[0]!.opType = "Neg";
    const changedBytes = encodeModel(changed);
    expect(diffModels(decodeModel(bytes), decodeModel(changedBytes))).not.toEqual([]);
    if (testCase.id !== "node/test_abs") return;
    const session = await createSession(bytes);
    const read = readFeeds(session, join(testCase.directory, "test_data_set_0"));
    await session.release();
    expect("feeds" in read).toBe(true);
    const feeds = (read as { feeds: Record<string, ort.Tensor> }).feeds;
    const original = await runOnce(bytes, feeds);
    const negated = await runOnce(changedBytes, feeds);
    expect(outputsDiffer(original.outputs, negated.outputs)).toEqual(expect.any(String));
    expect(
      compareWithReference(original, original.outputs, join(testCase.directory, "test_data_set_0")),
    ).toEqual({
      mismatch: undefined,
      comparable: true,
    });
    expect(
      compareWithReference(negated, negated.outputs, join(testCase.directory, "test_data_set_0"))
        .mismatch,
    ).toEqual(expect.any(String));
  });

  it("decode → encode → decode keeps every model's IR (and its bytes)", () => {
    expect(cases.length, "libonnx-testdata models found").toBeGreaterThan(1000);
    for (const testCase of cases) {
      try {
        const { original, encoded } = reencode(testCase);
        const first = decodeModel(original, { source: testCase.id });
        const second = decodeModel(encoded, { source: `${testCase.id} (re-encoded)` });
        const differences = diffModels(first, second);
        if (differences.length === 0) roundTrip.equal++;
        else roundTrip.failures.push(`${testCase.id}: ${differences.slice(0, 3).join("; ")}`);
        if (Buffer.from(original).equals(Buffer.from(encoded))) roundTrip.byteIdentical++;
        else roundTrip.notByteIdentical.push(testCase.id);
      } catch (error) {
        roundTrip.failures.push(`${testCase.id}: ${String(error)}`);
      }
    }
    console.log(
      `round trip: ${cases.length} models, ${roundTrip.equal} IR-equal, ${roundTrip.byteIdentical} byte-identical` +
        (roundTrip.notByteIdentical.length
          ? `; not byte-identical: ${roundTrip.notByteIdentical.join(", ")}`
          : ""),
    );
    expect(roundTrip.failures).toEqual([]);
    expect(roundTrip.equal).toBe(cases.length);
    expect(roundTrip.notByteIdentical).toEqual([]);
  });

  it("onnxruntime computes identical outputs from original and re-encoded models", {
    timeout: 600_000,
  }, async () => {
    const cannotRun: string[] = [];
    const unsupportedInputs: string[] = [];
    const nondeterministic: string[] = [];
    const reencodedFailures: string[] = [];
    const referenceRegressions: string[] = [];
    const referenceMisses: string[] = [];
    let ran = 0;
    let matchReference = 0;

    for (const testCase of cases) {
      const dataSet = join(testCase.directory, "test_data_set_0");
      let original: Uint8Array;
      let encoded: Uint8Array;
      try {
        ({ original, encoded } = reencode(testCase));
      } catch {
        continue; // already reported by the round-trip test
      }

      let session: ort.InferenceSession;
      try {
        session = await createSession(original);
      } catch {
        cannotRun.push(testCase.id);
        continue;
      }
      let feeds: Record<string, ort.Tensor>;
      let outputs: Record<string, ort.Tensor>;
      let reference: { mismatch: string | undefined; comparable: boolean };
      try {
        const read = readFeeds(session, dataSet);
        if ("unsupported" in read) {
          unsupportedInputs.push(`${testCase.id} (${read.unsupported})`);
          continue;
        }
        feeds = read.feeds;
        try {
          outputs = await session.run(feeds);
        } catch {
          cannotRun.push(testCase.id);
          continue;
        }
        reference = compareWithReference(session, outputs, dataSet);
      } finally {
        await session.release();
      }
      ran++;
      if (reference.comparable && !reference.mismatch) matchReference++;
      else if (reference.mismatch) referenceMisses.push(`${testCase.id} (${reference.mismatch})`);

      let again: Run;
      try {
        again = await runOnce(encoded, feeds);
      } catch (error) {
        reencodedFailures.push(
          `${testCase.id}: re-encoded model fails in onnxruntime: ${String(error)}`,
        );
        continue;
      }
      const difference = outputsDiffer(outputs, again.outputs);
      if (difference) {
        // Random* / Bernoulli / training-mode Dropout draw fresh values on every
        // run; if the original disagrees with itself, identical bytes cannot be expected.
        const originalAgain = await runOnce(original, feeds);
        if (outputsDiffer(outputs, originalAgain.outputs)) nondeterministic.push(testCase.id);
        else reencodedFailures.push(`${testCase.id}: ${difference}`);
        continue;
      }
      if (reference.comparable && !reference.mismatch) {
        const withReencoded = compareWithReference(again, again.outputs, dataSet);
        if (withReencoded.mismatch)
          referenceRegressions.push(`${testCase.id}: ${withReencoded.mismatch}`);
      }
    }

    console.log(
      `conformance: ${cases.length} models, ${roundTrip.equal} round-trip equal, ` +
        `${roundTrip.byteIdentical} byte-identical, ${ran} ran in onnxruntime, ${matchReference} match reference, ` +
        `${cannotRun.length} onnxruntime cannot run: [${cannotRun.join(", ")}]`,
    );
    console.log(
      `conformance: ${unsupportedInputs.length} with inputs onnxruntime-node cannot take: [${unsupportedInputs.join(", ")}]`,
    );
    console.log(
      `conformance: ${nondeterministic.length} nondeterministic: [${nondeterministic.join(", ")}]`,
    );
    console.log(
      `conformance: ${referenceMisses.length} where onnxruntime itself misses the reference: [${referenceMisses.join("; ")}]`,
    );

    expect(reencodedFailures).toEqual([]);
    expect(referenceRegressions).toEqual([]);
    expect(ran).toBeGreaterThan(minimumModelsRun);
    expect(matchReference).toBeGreaterThan(minimumModelsRun);
    expect(ran + cannotRun.length + unsupportedInputs.length).toBe(
      cases.length - roundTrip.failures.length,
    );
  });
});
