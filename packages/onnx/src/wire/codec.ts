import * as codec from "../proto/onnx_codec.js";
import type { ModelProto, TensorProto } from "../proto/onnx_pb.js";
import { WireReadError, WireReader } from "./wire-reader.js";
import { WireWriter } from "./wire-writer.js";

/** The generated functions for one message type. */
export interface MessageCodec<T> {
  read(r: WireReader, end: number, depth: number): T;
  size(m: T, sizes: number[]): number;
  write(w: WireWriter, m: T): void;
}

export const modelCodec: MessageCodec<ModelProto> = {
  read: codec.readModelProto,
  size: codec.sizeModelProto,
  write: codec.writeModelProto,
};

export const tensorCodec: MessageCodec<TensorProto> = {
  read: codec.readTensorProto,
  size: codec.sizeTensorProto,
  write: codec.writeTensorProto,
};

/** Parses a whole buffer as one message; structural problems throw WireReadError. */
export function readMessage<T>(type: MessageCodec<T>, bytes: Uint8Array): T {
  const reader = new WireReader(bytes);
  const message = type.read(reader, bytes.byteLength, 1);
  if (reader.pos !== bytes.byteLength)
    throw new WireReadError("message ends before the input does");
  return message;
}

/** Encodes a message into one exactly sized buffer; `checkSize` may refuse the size before anything big is allocated. */
export function writeToBuffer<T>(
  type: MessageCodec<T>,
  message: T,
  checkSize?: (size: number) => void,
): Uint8Array {
  const sizes: number[] = [];
  const size = type.size(message, sizes);
  checkSize?.(size);
  const output = new Uint8Array(size);
  const writer = new WireWriter(sizes, size, Number.POSITIVE_INFINITY, output);
  type.write(writer, message);
  writer.finish();
  return output;
}

/** Encodes a message as a list of chunks; bytes fields ≥ `referenceThreshold` are views of the message's data. */
export function writeToChunks<T>(
  type: MessageCodec<T>,
  message: T,
  referenceThreshold = 64 * 1024,
  blockSize = 1024 * 1024,
): { chunks: Uint8Array[]; byteLength: number } {
  const sized = sizeMessage(type, message);
  const chunks: Uint8Array[] = [];
  writeSized(sized, (chunk) => chunks.push(chunk), referenceThreshold, blockSize);
  return { chunks, byteLength: sized.byteLength };
}

/** A message with its encoded length and the lengths of everything nested in it (the size pass). */
export interface SizedMessage<T> {
  readonly type: MessageCodec<T>;
  readonly message: T;
  readonly byteLength: number;
  readonly sizes: number[];
}

/** The size pass alone: cheap next to writing, and enough to refuse a model that is too large. */
export function sizeMessage<T>(type: MessageCodec<T>, message: T): SizedMessage<T> {
  const sizes: number[] = [];
  const byteLength = type.size(message, sizes);
  return { type, message, byteLength, sizes };
}

/**
 * The write pass: hands each finished chunk to `sink`, in order, as soon as
 * it is complete (a chunk is never written to again), so a caller can start
 * writing the beginning of a file while the rest is still being encoded.
 */
export function writeSized<T>(
  sized: SizedMessage<T>,
  sink: (chunk: Uint8Array) => void,
  referenceThreshold = 64 * 1024,
  blockSize = 1024 * 1024,
): void {
  const writer = new WireWriter(sized.sizes, blockSize, referenceThreshold, undefined, sink);
  sized.type.write(writer, sized.message);
  writer.finish();
}
