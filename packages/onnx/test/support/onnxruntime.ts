// Bridges between @rectify/onnx tensors and onnxruntime-node, shared by the
// end-to-end tests that run real models (conformance data, npm-shipped models).
import * as ort from "onnxruntime-node";
import { DataType, float16BitsToNumber, type Tensor } from "../../src/index.js";

/** ONNX element types onnxruntime-node accepts as feeds, by their ort type string. */
const ortTypes: ReadonlyMap<number, ort.Tensor.Type> = new Map<number, ort.Tensor.Type>([
  [DataType.FLOAT, "float32"],
  [DataType.UINT8, "uint8"],
  [DataType.INT8, "int8"],
  [DataType.UINT16, "uint16"],
  [DataType.INT16, "int16"],
  [DataType.INT32, "int32"],
  [DataType.INT64, "int64"],
  [DataType.STRING, "string"],
  [DataType.BOOL, "bool"],
  [DataType.FLOAT16, "float16"],
  [DataType.DOUBLE, "float64"],
  [DataType.UINT32, "uint32"],
  [DataType.UINT64, "uint64"],
]);

/** The ort type string for an ONNX element type, or undefined when ort-node cannot take it as a feed. */
export function ortTypeFor(dataType: number): ort.Tensor.Type | undefined {
  return ortTypes.get(dataType);
}

/** Converts a decoded tensor to an ort feed, or undefined when its element type has no ort form. */
export function toOrtTensor(tensor: Tensor): ort.Tensor | undefined {
  const type = ortTypeFor(tensor.dataType);
  if (!type) return undefined;
  const values = tensor.toArray();
  if (Array.isArray(values)) {
    const decoder = new TextDecoder();
    return new ort.Tensor(
      "string",
      values.map((bytes) => decoder.decode(bytes)),
      tensor.dims,
    );
  }
  // ort takes the same typed arrays toArray returns (bool as Uint8Array, float16 as bit patterns).
  return new ort.Tensor(type, values as ort.Tensor.DataTypeMap[typeof type], tensor.dims);
}

/** Options every test session uses: one thread so results are reproducible, errors only in the log. */
export const sessionOptions: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
};

/** Runs `bytes` once on `feeds` and releases the session; throws what onnxruntime throws. */
export async function runModel(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, sessionOptions);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * Describes the first difference between two runs' outputs, or undefined when
 * they are bit-for-bit identical (same names, types, dims and element bytes).
 */
export function outputsDiffer(
  a: Record<string, ort.Tensor>,
  b: Record<string, ort.Tensor>,
): string | undefined {
  const names = Object.keys(a);
  if (names.join("\0") !== Object.keys(b).join("\0")) {
    return `output names ${names.join(",")} vs ${Object.keys(b).join(",")}`;
  }
  for (const name of names) {
    const x = a[name]!;
    const y = b[name]!;
    if (x.type !== y.type) return `${name}: type ${x.type} vs ${y.type}`;
    if (x.dims.join(",") !== y.dims.join(",")) return `${name}: dims [${x.dims}] vs [${y.dims}]`;
    if (x.type === "string") {
      const xs = x.data as string[];
      const ys = y.data as string[];
      const index = xs.findIndex((s, i) => s !== ys[i]);
      if (index >= 0)
        return `${name}[${index}]: ${JSON.stringify(xs[index])} vs ${JSON.stringify(ys[index])}`;
    } else if (!bytesOf(x.data as ArrayBufferView).equals(bytesOf(y.data as ArrayBufferView))) {
      return `${name}: element bytes differ (max |diff| ${maxAbsDiff(x, y)})`;
    }
  }
  return undefined;
}

/** Numeric values of an ort tensor as float64 (float16 decoded from its bits, bool as 0/1). */
export function ortValues(tensor: ort.Tensor): Float64Array {
  const data = tensor.data as ArrayLike<number | bigint>;
  const out = new Float64Array(data.length);
  if (tensor.type === "float16") {
    for (let i = 0; i < data.length; i++) out[i] = float16BitsToNumber(Number(data[i]));
  } else {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  }
  return out;
}

/** Largest |x - y| over two numeric ort tensors of the same size (NaN where exactly one side is NaN). */
export function maxAbsDiff(x: ort.Tensor, y: ort.Tensor): number {
  if (x.type === "string" || y.type === "string") return Number.NaN;
  const a = ortValues(x);
  const b = ortValues(y);
  if (a.length !== b.length) return Number.NaN;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const u = a[i]!;
    const v = b[i]!;
    if (Object.is(u, v) || (Number.isNaN(u) && Number.isNaN(v))) continue;
    const diff = Math.abs(u - v);
    if (Number.isNaN(diff)) return Number.NaN;
    if (diff > max) max = diff;
  }
  return max;
}

/**
 * Describes how `actual` (an ort output) misses the reference `expected`, or
 * undefined when it matches: same dims and every element within
 * atol + rtol·|expected| (NaN equals NaN, infinities must match exactly;
 * int64/uint64 and strings compare exactly).
 */
export function referenceMismatch(
  actual: ort.Tensor,
  expected: Tensor,
  tolerance: { rtol: number; atol: number } = { rtol: 1e-3, atol: 1e-4 },
): string | undefined {
  if (actual.dims.join(",") !== expected.dims.join(",")) {
    return `dims [${actual.dims}] vs reference [${expected.dims}]`;
  }
  if (actual.type !== ortTypeFor(expected.dataType)) {
    return `type ${actual.type} vs reference data type ${expected.dataType}`;
  }
  if (actual.type === "string") {
    const decoder = new TextDecoder();
    const want = (expected.toArray() as Uint8Array[]).map((s) => decoder.decode(s));
    const got = actual.data as string[];
    const index = want.findIndex((s, i) => s !== got[i]);
    return index >= 0
      ? `[${index}] ${JSON.stringify(got[index])} vs ${JSON.stringify(want[index])}`
      : undefined;
  }
  if (actual.type === "int64" || actual.type === "uint64") {
    const want = expected.toArray() as BigInt64Array | BigUint64Array;
    const got = actual.data as BigInt64Array | BigUint64Array;
    for (let i = 0; i < want.length; i++) {
      if (want[i] !== got[i]) return `[${i}] ${got[i]} vs reference ${want[i]}`;
    }
    return undefined;
  }
  const want = expected.toFloat64Array();
  const got = ortValues(actual);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (w === g) continue;
      return `[${i}] ${g} vs reference ${w}`;
    }
    if (!(Math.abs(g - w) <= tolerance.atol + tolerance.rtol * Math.abs(w))) {
      return `[${i}] ${g} vs reference ${w}`;
    }
  }
  return undefined;
}
