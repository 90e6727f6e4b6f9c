import { DataType } from "./data-type.js";

/**
 * Small floating-point formats ONNX stores bit-packed (float16, bfloat16, the
 * float8 family, float4e2m1). Decoding is exact; encoding rounds to nearest,
 * ties to even, and saturates to the largest finite value for formats without
 * infinity (the ONNX Cast default, saturate=1).
 */
interface MiniFloatFormat {
  readonly exponentBits: number;
  readonly mantissaBits: number;
  readonly bias: number;
  /** "ieee": all-ones exponent is Inf/NaN; "fn": only all-ones pattern is NaN; "fnuz": 0x80 is NaN, no -0; "none": no NaN. */
  readonly special: "ieee" | "fn" | "fnuz" | "none";
}

const formats: ReadonlyMap<number, MiniFloatFormat> = new Map([
  [DataType.FLOAT16, { exponentBits: 5, mantissaBits: 10, bias: 15, special: "ieee" }],
  [DataType.BFLOAT16, { exponentBits: 8, mantissaBits: 7, bias: 127, special: "ieee" }],
  [DataType.FLOAT8E4M3FN, { exponentBits: 4, mantissaBits: 3, bias: 7, special: "fn" }],
  [DataType.FLOAT8E4M3FNUZ, { exponentBits: 4, mantissaBits: 3, bias: 8, special: "fnuz" }],
  [DataType.FLOAT8E5M2, { exponentBits: 5, mantissaBits: 2, bias: 15, special: "ieee" }],
  [DataType.FLOAT8E5M2FNUZ, { exponentBits: 5, mantissaBits: 2, bias: 16, special: "fnuz" }],
  [DataType.FLOAT4E2M1, { exponentBits: 2, mantissaBits: 1, bias: 1, special: "none" }],
] as [number, MiniFloatFormat][]);

/** True when `id` is one of the bit-packed float formats handled here (including FLOAT8E8M0). */
export function isMiniFloat(id: number): boolean {
  return formats.has(id) || id === DataType.FLOAT8E8M0;
}

function decodeWith(format: MiniFloatFormat, bits: number): number {
  const { exponentBits, mantissaBits, bias, special } = format;
  const width = 1 + exponentBits + mantissaBits;
  const signBit = 1 << (width - 1);
  const mantissaMask = (1 << mantissaBits) - 1;
  const exponentMask = (1 << exponentBits) - 1;
  if (special === "fnuz" && bits === signBit) return Number.NaN;
  const negative = (bits & signBit) !== 0;
  const exponent = (bits >> mantissaBits) & exponentMask;
  const mantissa = bits & mantissaMask;
  if (special === "ieee" && exponent === exponentMask) {
    if (mantissa !== 0) return Number.NaN;
    return negative ? -Infinity : Infinity;
  }
  if (special === "fn" && exponent === exponentMask && mantissa === mantissaMask) return Number.NaN;
  const magnitude =
    exponent === 0
      ? mantissa * 2 ** (1 - bias - mantissaBits)
      : (1 + mantissa / (1 << mantissaBits)) * 2 ** (exponent - bias);
  return negative ? -magnitude : magnitude;
}

/** Decodes one element's bits of a small float format to a JS number. */
export function decodeMiniFloat(id: number, bits: number): number {
  if (id === DataType.FLOAT8E8M0) return bits === 0xff ? Number.NaN : 2 ** (bits - 127);
  const format = formats.get(id);
  if (!format) throw new RangeError(`data type ${id} is not a small float format`);
  return decodeWith(format, bits);
}

/** Sorted non-negative finite values of a format with their codes, for nearest-value encoding. */
const positiveTables = new Map<number, { values: Float64Array; codes: Uint32Array }>();

function positiveTable(id: number, format: MiniFloatFormat) {
  let table = positiveTables.get(id);
  if (table) return table;
  const width = 1 + format.exponentBits + format.mantissaBits;
  const half = 1 << (width - 1);
  const values: number[] = [];
  const codes: number[] = [];
  for (let code = 0; code < half; code++) {
    const value = decodeWith(format, code);
    if (Number.isFinite(value)) {
      values.push(value);
      codes.push(code);
    }
  }
  table = { values: Float64Array.from(values), codes: Uint32Array.from(codes) };
  positiveTables.set(id, table);
  return table;
}

/** Encodes a number to one element's bits of a small float format (nearest, ties to even, saturating). */
export function encodeMiniFloat(id: number, value: number): number {
  if (id === DataType.FLOAT8E8M0) {
    if (Number.isNaN(value) || value <= 0) return value === 0 ? 0 : 0xff;
    const exponent = Math.round(Math.log2(value));
    return Math.min(254, Math.max(0, exponent + 127));
  }
  const format = formats.get(id);
  if (!format) throw new RangeError(`data type ${id} is not a small float format`);
  const width = 1 + format.exponentBits + format.mantissaBits;
  const signBit = 1 << (width - 1);
  const exponentMask = (1 << format.exponentBits) - 1;
  if (Number.isNaN(value)) {
    if (format.special === "fnuz") return signBit;
    if (format.special === "none") return 0;
    return (exponentMask << format.mantissaBits) | ((1 << format.mantissaBits) - 1);
  }
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  const { values, codes } = positiveTable(id, format);
  let code: number;
  if (magnitude === Infinity && format.special === "ieee") {
    code = exponentMask << format.mantissaBits;
  } else if (magnitude >= values[values.length - 1]!) {
    // float16/bfloat16 overflow to Inf like IEEE casts; the float8 types saturate (ONNX Cast saturate=1).
    const last = values.length - 1;
    const overflow = values[last]! + (values[last]! - values[last - 1]!) / 2;
    code =
      format.special === "ieee" && width > 8 && magnitude >= overflow
        ? exponentMask << format.mantissaBits
        : codes[last]!;
  } else {
    let low = 0;
    let high = values.length - 1;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if (values[middle]! <= magnitude) low = middle;
      else high = middle;
    }
    const below = magnitude - values[low]!;
    const above = values[high]! - magnitude;
    if (below < above) code = codes[low]!;
    else if (above < below) code = codes[high]!;
    else code = (codes[low]! & 1) === 0 ? codes[low]! : codes[high]!;
  }
  if (negative && !(format.special === "fnuz" && code === 0)) code |= signBit;
  return code;
}

const float32Scratch = new Float32Array(1);
const uint32Scratch = new Uint32Array(float32Scratch.buffer);

/** float32 → float16 bits, nearest-even (exact and fast path for the most common format). */
export function float32ToFloat16Bits(value: number): number {
  return encodeMiniFloat(DataType.FLOAT16, Math.fround(value));
}

/** float16 bits → number. */
export function float16BitsToNumber(bits: number): number {
  return decodeMiniFloat(DataType.FLOAT16, bits);
}

/** float32 → bfloat16 bits, nearest-even on the float32 bit pattern (NaN stays NaN). */
export function float32ToBfloat16Bits(value: number): number {
  float32Scratch[0] = value;
  const bits = uint32Scratch[0]!;
  if (Number.isNaN(value)) return ((bits >>> 16) | 0x40) & 0xffff;
  const rounding = 0x7fff + ((bits >>> 16) & 1);
  return ((bits + rounding) >>> 16) & 0xffff;
}

/** bfloat16 bits → number. */
export function bfloat16BitsToNumber(bits: number): number {
  uint32Scratch[0] = (bits & 0xffff) << 16;
  return float32Scratch[0]!;
}
