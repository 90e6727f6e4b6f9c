// Targeted corrupt inputs for decodeModel and Tensor, with the exact error
// code, byte offset and field path each must report.
import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  DataType,
  decodeModel,
  modelTensors,
  OnnxError,
  type OnnxErrorCode,
  proto,
} from "../src/index.js";

/** Minimal protobuf writer for bytes no schema-driven encoder would produce. */
function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wireType: number) => varint((field << 3) | wireType);
const lengthDelimited = (field: number, body: ArrayLike<number>) => [
  ...tag(field, 2),
  ...varint(body.length),
  ...Array.from(body),
];
const bytes = (...parts: ArrayLike<number>[]) =>
  Uint8Array.from(parts.flatMap((p) => Array.from(p)));

/** Runs `action`, requires an OnnxError with `code`, and returns it. */
function expectOnnxError(action: () => unknown, code: OnnxErrorCode): OnnxError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected an OnnxError to be thrown").toBeInstanceOf(OnnxError);
  const error = caught as OnnxError;
  expect(error.code, error.message).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

function indexOf(haystack: Uint8Array, needle: ArrayLike<number>): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const rawPayload = Uint8Array.from({ length: 64 }, (_, i) => 0xa0 ^ i);

/** A small valid model: y = x + w, with w a 4x4 float initializer in raw_data. */
function modelBytes(): Uint8Array {
  const model = create(proto.ModelProtoSchema, {
    irVersion: 8n,
    producerName: "decode-errors-test",
    opsetImport: [{ domain: "", version: 17n }],
    graph: {
      name: "g",
      node: [{ opType: "Add", input: ["x", "w"], output: ["y"], name: "add" }],
      initializer: [{ name: "w", dataType: DataType.FLOAT, dims: [4n, 4n], rawData: rawPayload }],
      input: [
        { name: "x", type: { value: { case: "tensorType", value: { elemType: DataType.FLOAT } } } },
      ],
      output: [
        { name: "y", type: { value: { case: "tensorType", value: { elemType: DataType.FLOAT } } } },
      ],
    },
  });
  return toBinary(proto.ModelProtoSchema, model);
}

/** A model whose only content is one initializer. */
function modelWithTensor(tensor: proto.TensorProto): Uint8Array {
  const model = create(proto.ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [{ domain: "", version: 17n }],
    graph: { name: "g", initializer: [tensor] },
  });
  return toBinary(proto.ModelProtoSchema, model);
}

function onlyTensor(bytes: Uint8Array) {
  const tensors = [...modelTensors(decodeModel(bytes))];
  expect(tensors).toHaveLength(1);
  return tensors[0]!.tensor;
}

describe("decodeModel error codes and locations", () => {
  it("decodes the uncorrupted fixture", () => {
    const model = decodeModel(modelBytes());
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(["Add"]);
    const tensor = onlyTensor(modelBytes());
    expect(tensor.dims).toEqual([4, 4]);
    expect(tensor.rawBytes()).toEqual(rawPayload);
  });

  it("reports empty input as DECODE_EMPTY at offset 0", () => {
    const error = expectOnnxError(
      () => decodeModel(new Uint8Array(0), { source: "empty.onnx" }),
      "DECODE_EMPTY",
    );
    expect(error.location.offset).toBe(0);
    expect(error.message).toContain("empty.onnx");
  });

  it("reports truncation inside raw_data at the length prefix of the overrunning field, naming its path", () => {
    const full = modelBytes();
    const dataStart = indexOf(full, rawPayload);
    expect(dataStart).toBeGreaterThan(0);
    // raw_data is field 9 of TensorProto: tag 0x4a, then the one-byte length 64, then the payload.
    expect(full[dataStart - 2]).toBe(0x4a);
    expect(full[dataStart - 1]).toBe(64);
    const truncated = full.slice(0, dataStart + 20);
    const error = expectOnnxError(() => decodeModel(truncated), "DECODE_TRUNCATED");
    expect(error.message).toContain("graph.initializer");
    expect(error.location.path).toContain("graph.initializer[0].raw_data");
    expect(error.location.offset).toBe(dataStart - 1);
  });

  it("reports a tag with wire type 7 as DECODE_WIRE_TYPE at that tag", () => {
    const full = modelBytes();
    // Top level: after ir_version (08 08), a tag for field 1 with wire type 7.
    const topLevel = bytes([0x08, 0x08], tag(1, 7), full);
    const top = expectOnnxError(() => decodeModel(topLevel), "DECODE_WIRE_TYPE");
    expect(top.location.offset).toBe(2);
    expect(top.message).toMatch(/wire type 7/);

    // Nested: inside the graph, after its name field.
    const graph = bytes(lengthDelimited(2, [0x67]), tag(3, 7), [0x00]);
    const nested = bytes([0x08, 0x08], lengthDelimited(7, graph));
    const inner = expectOnnxError(() => decodeModel(nested), "DECODE_WIRE_TYPE");
    // 08 08 | 3a <len> | 12 01 67 | <bad tag> => the bad tag is at 2 + 2 + 3.
    expect(inner.location.offset).toBe(7);
    expect(inner.location.path).toMatch(/^ModelProto\.graph/);
  });

  it("reports a 2^32 length prefix as DECODE_TRUNCATED at the prefix without allocating it", () => {
    const before = process.memoryUsage();
    const huge = bytes([0x08, 0x08], tag(7, 2), varint(2n ** 32n), [0x0a, 0x01, 0x67]);
    const error = expectOnnxError(() => decodeModel(huge), "DECODE_TRUNCATED");
    expect(error.location.offset).toBe(3);
    expect(error.location.path).toBe("ModelProto.graph");
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    expect(after.rss - before.rss).toBeLessThan(256 * 1024 * 1024);
  });

  it("reports 10,000 nested sequence types in a graph input as DECODE_TOO_DEEP", () => {
    // graph(7).input(11).type(2) { sequence_type(4) { elem_type(1) { sequence_type(4) ... } } }
    const depth = 10_000;
    const body: number[] = [];
    const headers: number[][] = [];
    let size = 0;
    for (let level = 0; level < depth; level++) {
      const header = [...tag(level % 2 === 0 ? 1 : 4, 2), ...varint(size)];
      headers.push(header);
      size += header.length;
    }
    // headers[0] is innermost; write outermost first.
    for (let i = headers.length - 1; i >= 0; i--) body.push(...headers[i]!);
    const type = lengthDelimited(2, body);
    const valueInfo = bytes(lengthDelimited(1, [0x78]), type);
    const graph = lengthDelimited(11, valueInfo);
    const model = bytes([0x08, 0x08], lengthDelimited(7, graph));
    const started = performance.now();
    const error = expectOnnxError(() => decodeModel(model), "DECODE_TOO_DEEP");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.location.path).toMatch(/^ModelProto\.graph\.input\[0\]\.type/);
    expect(error.message).toMatch(/nest|deep/i);
  });

  it("says text and PNG bytes are not an ONNX model or corrupt", () => {
    const inputs = [
      new TextEncoder().encode("hello world"),
      Uint8Array.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
      ]),
    ];
    for (const input of inputs) {
      let caught: unknown;
      try {
        decodeModel(input, { source: "picture.png" });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(OnnxError);
      const error = caught as OnnxError;
      expect(error.code).toMatch(/^DECODE_/);
      expect(error.message).toMatch(/not an ONNX model|corrupt/);
      expect(error.message).toContain("picture.png");
    }
  });

  it("rejects input that is not a Uint8Array with DECODE_INVALID, not a TypeError", () => {
    for (const input of ["model.onnx", null, undefined, 42, [8, 8], { length: 2 }]) {
      const error = expectOnnxError(
        () => decodeModel(input as unknown as Uint8Array),
        "DECODE_INVALID",
      );
      expect(error.message).toMatch(/Uint8Array/);
    }
  });
});

describe("Tensor data errors after a successful decode", () => {
  it("decodes dims [2^62] with tiny raw_data but rawBytes() and toArray() throw TENSOR_INVALID", () => {
    const tensor = onlyTensor(
      modelWithTensor(
        create(proto.TensorProtoSchema, {
          name: "huge",
          dataType: DataType.FLOAT,
          dims: [2n ** 62n],
          rawData: new Uint8Array(4),
        }),
      ),
    );
    expect(expectOnnxError(() => tensor.rawBytes(), "TENSOR_INVALID").message).toContain('"huge"');
    expectOnnxError(() => tensor.toArray(), "TENSOR_INVALID");
    expectOnnxError(() => tensor.dims, "TENSOR_INVALID");
  });

  it("rejects a huge typed-field tensor with TENSOR_INVALID before allocating its bytes", () => {
    // 2^33 floats declared, float_data empty: must fail on the count, not on allocation.
    const tensor = onlyTensor(
      modelWithTensor(
        create(proto.TensorProtoSchema, {
          name: "typed",
          dataType: DataType.FLOAT,
          dims: [2n ** 33n],
          floatData: [1],
        }),
      ),
    );
    expect(expectOnnxError(() => tensor.rawBytes(), "TENSOR_INVALID").message).toContain('"typed"');
    expectOnnxError(() => tensor.toArray(), "TENSOR_INVALID");
  });

  it("reports a raw_data length mismatch as TENSOR_INVALID naming the tensor", () => {
    const tensor = onlyTensor(
      modelWithTensor(
        create(proto.TensorProtoSchema, {
          name: "weights.3",
          dataType: DataType.FLOAT,
          dims: [2n, 3n],
          rawData: new Uint8Array(20),
        }),
      ),
    );
    expect(tensor.dims).toEqual([2, 3]);
    const error = expectOnnxError(() => tensor.rawBytes(), "TENSOR_INVALID");
    expect(error.message).toContain('"weights.3"');
    expect(error.message).toMatch(/24 bytes/);
    expect(error.location.value).toBe("weights.3");
    expectOnnxError(() => tensor.toArray(), "TENSOR_INVALID");
  });
});
