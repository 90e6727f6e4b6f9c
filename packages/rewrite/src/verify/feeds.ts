import {
  DataType,
  type Dimension,
  dataTypeName,
  float16BitsToNumber,
  type Graph,
  type Model,
  tensorTypeInfo,
  type Value,
} from "@rectify/onnx";
import { RewriteError, type RewriteErrorLocation } from "../errors/rewrite-error.js";
import type { FeedData, FeedTensor, FeedType } from "./evaluator.js";

/** Every FeedType, in the order error messages list them. */
export const feedTypes: readonly FeedType[] = [
  "float32",
  "float64",
  "float16",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "bool",
];

const dataTypeByFeedType: Readonly<Record<FeedType, DataType>> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int16: DataType.INT16,
  uint16: DataType.UINT16,
  int32: DataType.INT32,
  uint32: DataType.UINT32,
  int64: DataType.INT64,
  uint64: DataType.UINT64,
  bool: DataType.BOOL,
};

const feedTypeByDataType: ReadonlyMap<number, FeedType> = new Map(
  feedTypes.map((type) => [dataTypeByFeedType[type], type]),
);

type FeedArrayConstructor = new (length: number) => FeedData;

const arrayTypeByFeedType: Readonly<Record<FeedType, FeedArrayConstructor>> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/** True when `value` names a FeedType. */
export function isFeedType(value: unknown): value is FeedType {
  return typeof value === "string" && Object.hasOwn(dataTypeByFeedType, value);
}

/** True for float32, float64 and float16. */
export function isFloatFeedType(type: FeedType): boolean {
  return type === "float32" || type === "float64" || type === "float16";
}

/** The FeedType of an ONNX element type; throws INPUTS_INVALID for types feeds cannot carry (string, bfloat16, complex, …). */
export function feedTypeFromDataType(
  dataType: DataType,
  location: RewriteErrorLocation = {},
): FeedType {
  const type = feedTypeByDataType.get(dataType);
  if (type) return type;
  const what = location.value ? `input "${location.value}"` : "a tensor";
  throw new RewriteError(
    "INPUTS_INVALID",
    `${what}${location.file ? ` in ${location.file}` : ""} has element type ${dataTypeName(dataType)}, which rectify cannot feed or compare; supported element types are ${feedTypes.join(", ")}`,
    location,
  );
}

/** The ONNX element type of a FeedType. */
export function dataTypeFromFeedType(type: FeedType): DataType {
  return dataTypeByFeedType[type];
}

/** A zero-filled data array of `length` elements for `type`. */
export function allocateFeedData(type: FeedType, length: number): FeedData {
  return new arrayTypeByFeedType[type](length);
}

/** A data array of `type` viewing all of `buffer` (host byte order; its length must be a multiple of the element size). */
export function feedDataOverBuffer(type: FeedType, buffer: ArrayBuffer): FeedData {
  return new (arrayTypeByFeedType[type] as unknown as new (buffer: ArrayBuffer) => FeedData)(
    buffer,
  );
}

/** True when `data` is the typed array class `type` uses (Uint16Array for float16, Uint8Array for bool). */
export function dataFitsFeedType(type: FeedType, data: FeedData): boolean {
  return data instanceof arrayTypeByFeedType[type];
}

/** Number of elements dims describe (1 for a scalar); NaN when a dim is not a non-negative safe integer. */
export function feedElementCount(dims: readonly number[]): number {
  let count = 1;
  for (const dim of dims) {
    if (!Number.isSafeInteger(dim) || dim < 0) return Number.NaN;
    count *= dim;
  }
  return Number.isSafeInteger(count) ? count : Number.NaN;
}

/** Dims as `[2, 3]` for messages. */
export function formatDims(dims: readonly (Dimension | undefined)[]): string {
  return `[${dims.map((d) => (d === null || d === undefined ? "?" : typeof d === "string" ? `"${d}"` : String(d))).join(", ")}]`;
}

/** Throws INPUTS_INVALID unless the tensor's dims are valid, its data array fits its type and its length equals the dims' product. */
export function checkFeedTensor(
  name: string,
  tensor: FeedTensor,
  location: RewriteErrorLocation = {},
): void {
  const where = `"${name}"${location.file ? ` (${location.file})` : ""}`;
  const fail = (problem: string) =>
    new RewriteError("INPUTS_INVALID", `tensor ${where} ${problem}`, {
      value: name,
      ...location,
    });
  if (!isFeedType(tensor.type)) {
    throw fail(`has element type "${String(tensor.type)}"; use one of ${feedTypes.join(", ")}`);
  }
  if (!Array.isArray(tensor.dims)) throw fail("has no dims array");
  const count = feedElementCount(tensor.dims);
  if (Number.isNaN(count)) {
    throw fail(
      `has dims ${formatDims(tensor.dims)}; every dim must be a non-negative integer and their product a safe integer`,
    );
  }
  if (!dataFitsFeedType(tensor.type, tensor.data)) {
    const got = (tensor.data as object | undefined)?.constructor?.name ?? typeof tensor.data;
    throw fail(
      `is ${tensor.type} but its data is a ${got}; ${tensor.type} data must be a ${arrayTypeByFeedType[tensor.type].name}`,
    );
  }
  if (tensor.data.length !== count) {
    throw fail(
      `has dims ${formatDims(tensor.dims)} (${count} elements) but ${tensor.data.length} data elements`,
    );
  }
}

/** Element values as float64 for comparison (float16 bits decoded, 64-bit integers rounded to the nearest double). */
export function feedToFloat64(tensor: FeedTensor): Float64Array {
  const { data } = tensor;
  const out = new Float64Array(data.length);
  if (tensor.type === "float16") {
    for (let i = 0; i < data.length; i++) out[i] = float16BitsToNumber(Number(data[i]));
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  } else {
    out.set(data);
  }
  return out;
}

/** What a graph input declares: element type, shape (undefined when the rank is unknown) and whether an initializer gives it a default. */
export interface InputDeclaration {
  readonly name: string;
  readonly type: FeedType;
  readonly shape: readonly Dimension[] | undefined;
  /** True when an initializer of the same name supplies a default, so a feed is optional. */
  readonly optional: boolean;
}

/** What feeds are declared by: a model (its main graph), a graph, or a list of graph input values. */
export type InputSource = Model | Graph | readonly Value[];

/**
 * The declarations of a model's or graph's inputs (or of the given input values), in order.
 * Throws INPUTS_INVALID for an input without a declared type, a non-tensor type
 * or an element type feeds cannot carry.
 */
export function declaredInputs(source: InputSource): InputDeclaration[] {
  return inputValues(source).map((value) => {
    const name = value.name;
    const info = tensorTypeInfo(value.type);
    if (!info) {
      const kind = value.type?.value.case;
      throw new RewriteError(
        "INPUTS_INVALID",
        kind
          ? `graph input "${name}" has a ${kind.replace(/Type$/, "")} type; rectify can only feed tensor inputs`
          : `graph input "${name}" declares no type; give it a tensor type (element type and shape) in the model`,
        { value: name },
      );
    }
    return {
      name,
      type: feedTypeFromDataType(info.elementType, { value: name }),
      shape: info.shape,
      optional: value.initializer !== undefined || value.sparseInitializer !== undefined,
    };
  });
}

function inputValues(source: InputSource): readonly Value[] {
  if (Array.isArray(source)) return source as readonly Value[];
  if ("inputs" in source) return source.inputs;
  return (source as Model).graph.inputs;
}
