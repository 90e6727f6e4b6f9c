// The rewriter verifies by running models through this interface only, so it
// stays usable where no onnxruntime is installed; @rectify/runtime (and tests)
// implement it. Nothing here may import onnxruntime.

/** Element types feeds and outputs carry, named as onnxruntime-common names them. */
export type FeedType =
  | "float32"
  | "float64"
  | "float16"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bool";

/** The typed arrays a FeedTensor's data may be (float16 as raw Uint16Array bits, bool as Uint8Array 0/1). */
export type FeedData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A dense tensor in row-major (C) order, as fed to or returned by an Evaluator. */
export interface FeedTensor {
  readonly type: FeedType;
  readonly dims: readonly number[];
  readonly data: FeedData;
}

/** Named model inputs (or outputs). */
export type Feeds = Readonly<Record<string, FeedTensor>>;

/** Runs serialized models; the rewriter measures accuracy with it. */
export interface Evaluator {
  /** Short name for reports, e.g. "onnxruntime-node 1.30.0 (cpu)". */
  readonly name: string;
  /** Runs the serialized model on `feeds` and returns every graph output by name. */
  run(model: Uint8Array, feeds: Feeds): Promise<Record<string, FeedTensor>>;
}
