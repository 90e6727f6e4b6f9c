// The generated codec (src/proto/onnx_codec.ts) against @bufbuild/protobuf's
// reflective fromBinary / toBinary, which it replaces for speed: on every
// conformance model and tensor, the real models and thousands of mutated
// inputs, both must read the same message and write the same bytes. Where
// they disagree on corrupt input, the generated reader must be the stricter
// one, and the bytes must really be malformed (locateWireProblem finds why).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createRegistry,
  type DescMessage,
  equals,
  fromBinary,
  type Message,
  toBinary,
} from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  caseRandom,
  generateCase,
  loadCorpus,
  prepareCorpus,
  testdataRoot,
} from "../scripts/fuzz-mutations.mjs";
import { file_onnx, ModelProtoSchema, TensorProtoSchema } from "../src/proto/onnx_pb.js";
import {
  modelCodec,
  readMessage,
  tensorCodec,
  writeToBuffer,
  writeToChunks,
} from "../src/wire/codec.js";
import { locateWireProblem } from "../src/wire/locate-error.js";
import { maxNestingDepth } from "../src/wire/wire-reader.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const realModels = join(repoRoot, ".cache", "models");
const mutatedCases = 3000;
const seed = 0xd1ff;

function filesUnder(directory: string, accept: (name: string) => boolean): string[] {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, accept));
    else if (entry.isFile() && accept(entry.name)) found.push(path);
  }
  return found.sort();
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
function attempt<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

const registry = createRegistry(file_onnx);
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

interface Tally {
  files: number;
  bytes: number;
}

/** Reads and writes `bytes` both ways; returns a description of the first disagreement, or undefined. */
function compare<T extends Message>(
  desc: DescMessage,
  type: Parameters<typeof readMessage<T>>[0],
  bytes: Uint8Array,
): string | undefined {
  const ours = readMessage(type, bytes);
  const theirs = fromBinary(desc, bytes, {
    readUnknownFields: true,
    recursionLimit: maxNestingDepth,
  }) as T;
  if (!equals(desc, ours, theirs, { registry, unknown: true })) return "read: messages differ";
  const reference = toBinary(desc, theirs);
  if (!sameBytes(toBinary(desc, ours), reference))
    return "read: toBinary of the two messages differs";
  const buffer = writeToBuffer(type, ours);
  if (!sameBytes(buffer, reference)) return "write (one buffer): bytes differ from toBinary";
  const { chunks, byteLength } = writeToChunks(type, ours, 256, 4096);
  if (byteLength !== reference.byteLength || !sameBytes(concat(chunks, byteLength), reference))
    return "write (chunks): bytes differ from toBinary";
  return undefined;
}

describe.skipIf(!existsSync(testdataRoot))("generated codec vs @bufbuild/protobuf", () => {
  it("reads and writes every conformance model and tensor, and the real models, identically", () => {
    const models = [
      ...filesUnder(testdataRoot, (name) => name === "model.onnx"),
      ...filesUnder(realModels, (name) => name.endsWith(".onnx")),
    ];
    const tensors = filesUnder(testdataRoot, (name) => /^(input|output)_\d+\.pb$/.test(name));
    const tally: Record<string, Tally> = {
      models: { files: 0, bytes: 0 },
      tensors: { files: 0, bytes: 0 },
    };
    const failures: string[] = [];
    const check = (kind: string, path: string, run: (bytes: Uint8Array) => string | undefined) => {
      const bytes = readFileSync(path);
      const problem = run(bytes);
      if (problem) failures.push(`${path}: ${problem}`);
      tally[kind]!.files++;
      tally[kind]!.bytes += bytes.byteLength;
    };
    for (const path of models)
      check("models", path, (bytes) => compare(ModelProtoSchema, modelCodec, bytes));
    // Sequence / map / optional test inputs are other messages; TensorProto files only.
    for (const path of tensors) {
      const bytes = readFileSync(path);
      const asTensor = attempt(() =>
        fromBinary(TensorProtoSchema, bytes, { readUnknownFields: true }),
      );
      if (!asTensor.ok || (asTensor.value.$unknown?.length ?? 0) > 0) continue;
      check("tensors", path, (b) => compare(TensorProtoSchema, tensorCodec, b));
    }
    console.log(
      `codec differential: ${tally.models!.files} models (${(tally.models!.bytes / 1e6).toFixed(1)} MB), ${tally.tensors!.files} tensors; ${failures.length} disagreements`,
    );
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tally.models!.files).toBeGreaterThan(1000);
    expect(tally.tensors!.files).toBeGreaterThan(1000);
  });

  it(`agrees on ${mutatedCases} mutated models, and is never more lenient`, () => {
    const prepared = prepareCorpus(loadCorpus());
    const counts = { bothRead: 0, bothRejected: 0, onlyOursRejected: 0 };
    const failures: string[] = [];
    for (let index = 0; index < mutatedCases; index++) {
      const { bytes, description } = generateCase(prepared, caseRandom(seed, index));
      const ours = attempt(() => readMessage(modelCodec, bytes));
      const theirs = attempt(() =>
        fromBinary(ModelProtoSchema, bytes, {
          readUnknownFields: true,
          recursionLimit: maxNestingDepth,
        }),
      );
      if (ours.ok && theirs.ok) {
        counts.bothRead++;
        const problem = compare(ModelProtoSchema, modelCodec, bytes);
        if (problem) failures.push(`case ${index} (${description}): ${problem}`);
      } else if (!ours.ok && !theirs.ok) {
        counts.bothRejected++;
      } else if (ours.ok) {
        failures.push(
          `case ${index} (${description}): only @bufbuild/protobuf rejects it: ${String((theirs as { error: unknown }).error)}`,
        );
      } else {
        counts.onlyOursRejected++;
        // @bufbuild/protobuf reads some malformed input anyway (a known field
        // with the wrong wire type is read as if it had the right one; a
        // nested length may overrun its parent). Those must really be malformed.
        if (!locateWireProblem(bytes, ModelProtoSchema))
          failures.push(
            `case ${index} (${description}): only ours rejects it, and locateWireProblem finds nothing wrong: ${String(ours.error)}`,
          );
      }
    }
    console.log(`codec differential, mutated (seed ${seed}): ${JSON.stringify(counts)}`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(counts.bothRead).toBeGreaterThan(mutatedCases / 10);
    expect(counts.bothRejected).toBeGreaterThan(mutatedCases / 10);
  });

  it("can fail: a changed byte in the output is noticed", () => {
    const bytes = readFileSync(join(testdataRoot, "node", "test_relu", "model.onnx"));
    const message = readMessage(modelCodec, bytes);
    message.producerName = `${message.producerName}!`;
    expect(sameBytes(writeToBuffer(modelCodec, message), bytes)).toBe(false);
    expect(compare(ModelProtoSchema, modelCodec, bytes)).toBeUndefined();
  });
});

describe("generated codec source", () => {
  it("is up to date with scripts/generate-codec.ts and the schema", async () => {
    const { generateCodecSource, outputPath } = await import("../scripts/generate-codec.js");
    expect(readFileSync(outputPath, "utf8") === generateCodecSource()).toBe(true);
  });
});
