import type { DescMessage } from "@bufbuild/protobuf";
import { OnnxError, type OnnxErrorCode } from "../errors/onnx-error.js";
import { modelFromProto } from "../ir/from-proto.js";
import type { Model } from "../ir/model.js";
import {
  type ModelProto,
  ModelProtoSchema,
  type TensorProto,
  TensorProtoSchema,
} from "../proto/onnx_pb.js";
import { Tensor } from "../tensor/tensor.js";
import { modelCodec, readMessage, tensorCodec } from "../wire/codec.js";
import { locateWireProblem } from "../wire/locate-error.js";

/** Options for decodeModel. */
export interface DecodeOptions {
  /** Name used in error messages (e.g. the file path). */
  source?: string;
}

const kindToCode: Record<string, OnnxErrorCode> = {
  truncated: "DECODE_TRUNCATED",
  "wire-type": "DECODE_WIRE_TYPE",
  invalid: "DECODE_INVALID",
  "too-deep": "DECODE_TOO_DEEP",
};

/** Parses protobuf bytes, turning any parser failure into an OnnxError with the byte offset and field path. */
export function parseMessage<T>(
  desc: DescMessage,
  type: Parameters<typeof readMessage<T>>[0],
  bytes: Uint8Array,
  what: string,
  source?: string,
): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new OnnxError(
      "DECODE_INVALID",
      `${what}: expected a Uint8Array, got ${describe(bytes)}`,
      { file: source },
    );
  }
  try {
    return readMessage(type, bytes);
  } catch (cause) {
    const where = source ? ` in ${source}` : "";
    let problem: ReturnType<typeof locateWireProblem>;
    try {
      problem = locateWireProblem(bytes, desc);
    } catch {
      problem = undefined;
    }
    if (problem) {
      throw new OnnxError(
        kindToCode[problem.kind] ?? "DECODE_INVALID",
        `${what}${where} is corrupt at byte ${problem.offset} (${problem.path}): ${problem.reason}`,
        { offset: problem.offset, path: problem.path, file: source },
        { cause },
      );
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new OnnxError(
      /recursion/.test(message) ? "DECODE_TOO_DEEP" : "DECODE_INVALID",
      `${what}${where} could not be decoded: ${message}`,
      { file: source },
      { cause },
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

/** Decodes ONNX ModelProto bytes into an editable Model. Tensor data stays a view into `bytes`. */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Model {
  const source = options.source;
  if (bytes instanceof Uint8Array && bytes.byteLength === 0) {
    throw new OnnxError(
      "DECODE_EMPTY",
      `${source ?? "the input"} is empty (0 bytes); an ONNX model cannot be empty`,
      {
        file: source,
        offset: 0,
      },
    );
  }
  const proto = parseMessage<ModelProto>(ModelProtoSchema, modelCodec, bytes, "ONNX model", source);
  if (!looksLikeModel(proto)) {
    throw new OnnxError(
      "DECODE_INVALID",
      `${source ?? "the input"} parses as protobuf but is not an ONNX model: it has no ir_version, opset_import, graph or functions`,
      { file: source, offset: 0 },
    );
  }
  try {
    return modelFromProto(proto);
  } catch (cause) {
    if (cause instanceof OnnxError) throw cause;
    throw new OnnxError(
      "DECODE_INVALID",
      `${source ?? "the model"} could not be turned into a graph: ${String(cause)}`,
      {
        file: source,
      },
      { cause },
    );
  }
}

function looksLikeModel(proto: ModelProto): boolean {
  return (
    Object.hasOwn(proto, "irVersion") ||
    proto.opsetImport.length > 0 ||
    proto.graph !== undefined ||
    proto.functions.length > 0
  );
}

/** Decodes a serialized TensorProto (e.g. a conformance test's input_0.pb). */
export function decodeTensor(bytes: Uint8Array, options: DecodeOptions = {}): Tensor {
  return new Tensor(
    parseMessage<TensorProto>(TensorProtoSchema, tensorCodec, bytes, "ONNX tensor", options.source),
  );
}
