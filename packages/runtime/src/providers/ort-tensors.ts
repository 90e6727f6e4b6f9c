import type { Feeds, FeedTensor } from "@rectify/rewrite";

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
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/** Runs an onnxruntime session on rectify feeds and returns rectify tensors (GPU outputs are read back). */
export async function runOrtSession(
  ort: OrtModule,
  session: OrtSessionLike,
  feeds: Feeds,
): Promise<Record<string, FeedTensor>> {
  const inputs: Record<string, OrtTensorLike> = {};
  for (const [name, feed] of Object.entries(feeds))
    inputs[name] = new ort.Tensor(feed.type, feed.data, [...feed.dims]);
  const results = await session.run(inputs);
  const outputs: Record<string, FeedTensor> = {};
  for (const [name, tensor] of Object.entries(results)) {
    outputs[name] = {
      type: tensor.type as FeedTensor["type"],
      dims: [...tensor.dims],
      data: tensor.data as FeedTensor["data"],
    };
    tensor.dispose?.();
  }
  return outputs;
}
