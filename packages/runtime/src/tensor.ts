import type { FeedTensor, FeedType } from "@rectify/rewrite/light";
import { RuntimeError } from "./errors.js";

const typeOf = (data: FeedTensor["data"]): FeedType => {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof BigUint64Array) return "uint64";
  throw new RuntimeError("INPUT_INVALID", "tensor data must be a typed array");
};

/** A tensor for `session.run`: the element type follows the typed array (pass `type` for bool or float16). */
export function tensor(
  data: FeedTensor["data"],
  dims: readonly number[],
  type: FeedType = typeOf(data),
): FeedTensor {
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (data.length !== count) {
    throw new RuntimeError(
      "INPUT_INVALID",
      `tensor data has ${data.length} elements but dims [${dims.join(", ")}] need ${count}`,
    );
  }
  return { type, dims: [...dims], data };
}
