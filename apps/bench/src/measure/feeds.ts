import type { Model } from "@rectify/onnx";
import { type Feeds, type FeedTensor, randomFeeds } from "@rectify/rewrite/light";
import type { ZooModel } from "../zoo/zoo-model.js";

/**
 * How a model is fed, as plain JSON (it crosses into the browser page):
 * seeded random inputs sized by `dims`/`inputShapes`, with `fixed` inputs
 * (control inputs such as a sample rate) given by value.
 */
export interface FeedSpec {
  readonly seed: number;
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  readonly fixed?: Readonly<
    Record<
      string,
      {
        readonly type: FeedTensor["type"];
        readonly dims: readonly number[];
        readonly values: readonly number[];
      }
    >
  >;
}

/** The feed spec of a zoo model (seed 1). */
export function feedSpecOf(zoo: ZooModel, seed = 1): FeedSpec {
  const fixed: Record<string, { type: FeedTensor["type"]; dims: number[]; values: number[] }> = {};
  for (const [name, tensor] of Object.entries(zoo.fixedFeeds ?? {}))
    fixed[name] = {
      type: tensor.type,
      dims: [...tensor.dims],
      values: Array.from(tensor.data, Number),
    };
  return {
    seed,
    ...(zoo.dims ? { dims: zoo.dims } : {}),
    ...(zoo.inputShapes ? { inputShapes: zoo.inputShapes } : {}),
    ...(Object.keys(fixed).length ? { fixed } : {}),
  };
}

/** The feeds a spec describes for this model. */
export function feedsFromSpec(model: Model, spec: FeedSpec): Feeds {
  const fixed = spec.fixed ?? {};
  const random = randomFeeds(model, {
    seed: spec.seed,
    ...(spec.dims ? { dynamicDims: spec.dims } : {}),
    ...(spec.inputShapes ? { inputShapes: spec.inputShapes } : {}),
  });
  const feeds: Record<string, FeedTensor> = { ...random };
  for (const [name, tensor] of Object.entries(fixed)) feeds[name] = fixedTensor(tensor);
  return feeds;
}

function fixedTensor(spec: NonNullable<FeedSpec["fixed"]>[string]): FeedTensor {
  const { type, dims, values } = spec;
  switch (type) {
    case "int64":
      return { type, dims, data: BigInt64Array.from(values, (value) => BigInt(value)) };
    case "int32":
      return { type, dims, data: Int32Array.from(values) };
    case "float32":
      return { type, dims, data: Float32Array.from(values) };
    case "float64":
      return { type, dims, data: Float64Array.from(values) };
    case "bool":
    case "uint8":
      return { type, dims, data: Uint8Array.from(values) };
    default:
      throw new Error(`fixed inputs of type ${type} are not supported`);
  }
}

/** Each fed input's dims, for the report. */
export function feedDims(feeds: Feeds): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, tensor]) => [name, [...tensor.dims]]),
  );
}
