import type { Feeds, FeedTensor } from "@rectify/rewrite/light";

/** What onnxruntime-common's Tensor looks like to us (both ort packages share it). */
export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}

/** The part of an onnxruntime module we use. */
export interface OrtModule {
  readonly Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensorLike;
  readonly InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSessionLike>;
  };
}

/** The part of an onnxruntime InferenceSession we use. */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(
    feeds: Record<string, OrtTensorLike>,
    options?: Record<string, unknown>,
  ): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
  /** Ends the profile a session created with enableProfiling records (onnxruntime-node writes its file; onnxruntime-web prints it). */
  endProfiling(): unknown;
}

/** onnxruntime tensors made for feed objects (CPU tensors only refer to the feed's data). */
const ortTensors = new WeakMap<FeedTensor, OrtTensorLike>();

/**
 * Runs an onnxruntime session on rectify feeds and returns rectify tensors;
 * `onError` maps a failed run. Written to touch little per call (for-in, no
 * copies of dims, one promise): on a ~1 ms model the wrapper's cost is mostly
 * cache misses, so every avoided allocation shows in the overhead benchmark.
 */
export function runOrtSession(
  ort: OrtModule,
  session: OrtSessionLike,
  feeds: Feeds,
  onError: (error: unknown) => never,
  finished?: () => void,
  runOptions?: Record<string, unknown>,
): Promise<Record<string, FeedTensor>> {
  const inputs: Record<string, OrtTensorLike> = {};
  for (const name in feeds) {
    const feed = feeds[name]!;
    // A feed passed again (a loop over one buffer) reuses its onnxruntime tensor: it refers to the same data.
    let tensor = ortTensors.get(feed);
    if (!tensor || tensor.data !== feed.data) {
      tensor = new ort.Tensor(feed.type, feed.data, feed.dims);
      ortTensors.set(feed, tensor);
    }
    inputs[name] = tensor;
  }
  return (runOptions ? session.run(inputs, runOptions) : session.run(inputs)).then((results) => {
    finished?.();
    const outputs: Record<string, FeedTensor> = {};
    // Outputs come back on the CPU (no preferred output location is set), so there is nothing to dispose.
    for (const name in results) {
      const tensor = results[name]!;
      outputs[name] = {
        type: tensor.type as FeedTensor["type"],
        dims: tensor.dims,
        data: tensor.data as FeedTensor["data"],
      };
    }
    return outputs;
  }, onError);
}
