import { OnnxError } from "../errors/onnx-error.js";
import type { Model } from "../ir/model.js";
import { modelToProto } from "../ir/to-proto.js";
import type { ModelProto } from "../proto/onnx_pb.js";
import type { Tensor } from "../tensor/tensor.js";
import { modelCodec, tensorCodec, writeToBuffer, writeToChunks } from "../wire/codec.js";

/** Protobuf messages cannot exceed 2 GiB; larger models must move tensors to external data. */
export const maxProtobufBytes = 2 ** 31 - 1;

/** Encodes a Model to ONNX bytes (one exactly sized buffer). */
export function encodeModel(model: Model): Uint8Array {
  const proto = modelToProtoChecked(model);
  // Sizing comes first, so a model over 2 GiB is refused before anything big is allocated.
  return writeToBuffer(modelCodec, proto, (size) => {
    if (size > maxProtobufBytes) throw tooLarge(size);
  });
}

/** Encodes a Model as chunks; tensor bytes ≥ `referenceThreshold` are views of the model's data (for streaming writes). */
export function encodeModelChunks(
  model: Model,
  referenceThreshold = 64 * 1024,
): { chunks: Uint8Array[]; byteLength: number } {
  const proto = modelToProtoChecked(model);
  const result = writeToChunks(modelCodec, proto, referenceThreshold);
  if (result.byteLength > maxProtobufBytes) throw tooLarge(result.byteLength);
  return result;
}

function tooLarge(size: number): OnnxError {
  return new OnnxError(
    "ENCODE_TOO_LARGE",
    `the model encodes to ${size} bytes, over protobuf's 2 GiB limit; save it with external data (saveModel(model, path, { externalData: { threshold: 1024 } }))`,
  );
}

/** @internal */
export function modelToProtoChecked(model: Model): ModelProto {
  try {
    return modelToProto(model);
  } catch (cause) {
    if (cause instanceof OnnxError) throw cause;
    throw new OnnxError(
      "ENCODE_INVALID",
      `the model could not be encoded: ${String(cause)}`,
      {},
      { cause },
    );
  }
}

/** Encodes a single tensor to TensorProto bytes. */
export function encodeTensor(tensor: Tensor): Uint8Array {
  return writeToBuffer(tensorCodec, tensor.proto);
}
