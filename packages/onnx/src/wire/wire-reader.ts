/**
 * Low-level protobuf reading for the generated ONNX decoder
 * (src/proto/onnx_codec.ts). Every read checks its bounds against the end of
 * the enclosing message, so corrupt input fails here with a WireReadError;
 * decode.ts then walks the bytes again (locate-error.ts) to say where and why.
 */

/** A structural problem found while reading; never escapes the codec (decode.ts turns it into an OnnxError). */
export class WireReadError extends Error {
  override name = "WireReadError";
}

/** Deepest message nesting accepted, the root being depth 1 (ONNX graphs nest through If/Loop/Scan; real models stay far below this). */
export const maxNestingDepth = 200;

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Strings up to this many bytes are decoded by hand when they are ASCII:
 * TextDecoder has a high per-call cost, and beyond ~20 bytes it wins (measured
 * on Node 20 with names of 5–60 bytes). Strings are never built by `+=`: the
 * resulting cons-strings made every later Map lookup by name flatten them.
 */
const asciiFastPathMax = 16;

const two32 = 4294967296;

export class WireReader {
  readonly buf: Uint8Array;
  pos: number;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    // A plain Uint8Array view: subarray() of a Node Buffer would build a Buffer per bytes field.
    this.buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
  }

  /** A varint as a non-negative number (up to 2^53; lengths and tags). */
  uint(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < end) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new WireReadError("varint runs past the end of its message");
      const b = buf[pos++]!;
      if (i < 8) result += (b & 0x7f) * scale;
      else if ((b & 0x7f) !== 0) throw new WireReadError("varint does not fit in 53 bits");
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
      scale *= 128;
    }
    throw new WireReadError("varint longer than 10 bytes");
  }

  /** Reads a varint and returns its low 32 bits in `lo` and high 32 bits in `hi` (as signed int32s). */
  private split(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw new WireReadError("varint runs past the end of its message");
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) throw new WireReadError("varint runs past the end of its message");
    b = buf[pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) throw new WireReadError("varint longer than 10 bytes");
        if (pos >= end) throw new WireReadError("varint runs past the end of its message");
        b = buf[pos++]!;
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    this.lo = lo;
    this.hi = hi;
  }
  private lo = 0;
  private hi = 0;

  int32(end: number): number {
    const buf = this.buf;
    const pos = this.pos;
    if (pos < end && buf[pos]! < 0x80) {
      this.pos = pos + 1;
      return buf[pos]!;
    }
    this.split(end);
    return this.lo | 0;
  }

  int64(end: number): bigint {
    const buf = this.buf;
    const pos = this.pos;
    if (pos < end && buf[pos]! < 0x80) {
      this.pos = pos + 1;
      return BigInt(buf[pos]!);
    }
    this.split(end);
    const hi = this.hi;
    const lo = this.lo >>> 0;
    if (hi >= 0 && hi < 0x200000) return BigInt(hi * two32 + lo);
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo));
  }

  uint64(end: number): bigint {
    this.split(end);
    const hi = this.hi >>> 0;
    const lo = this.lo >>> 0;
    if (hi < 0x200000) return BigInt(hi * two32 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  float(end: number): number {
    const pos = this.pos;
    if (end - pos < 4) throw new WireReadError("float runs past the end of its message");
    this.pos = pos + 4;
    return this.view.getFloat32(pos, true);
  }

  double(end: number): number {
    const pos = this.pos;
    if (end - pos < 8) throw new WireReadError("double runs past the end of its message");
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and returns the end of the delimited payload (checked against `end`). */
  delimited(end: number): number {
    const length = this.uint(end);
    if (length > end - this.pos) throw new WireReadError("length runs past the end of its message");
    return this.pos + length;
  }

  bytes(end: number): Uint8Array {
    const stop = this.delimited(end);
    const start = this.pos;
    this.pos = stop;
    return this.buf.subarray(start, stop);
  }

  string(end: number): string {
    const stop = this.delimited(end);
    const buf = this.buf;
    const start = this.pos;
    this.pos = stop;
    if (stop - start <= asciiFastPathMax) {
      const codes: number[] = new Array(stop - start);
      for (let i = start; i < stop; i++) {
        const c = buf[i]!;
        if (c >= 0x80) return decoder.decode(buf.subarray(start, stop));
        codes[i - start] = c;
      }
      return String.fromCharCode(...codes);
    }
    return decoder.decode(buf.subarray(start, stop));
  }

  /**
   * Skips a field of an unknown number and returns its payload (what follows
   * the tag, including a group's end tag), as a view.
   */
  skip(wireType: number, fieldNo: number, end: number, depthLeft: number): Uint8Array {
    const start = this.pos;
    switch (wireType) {
      case 0:
        this.uintAny(end);
        break;
      case 1:
        if (end - this.pos < 8) throw new WireReadError("fixed64 runs past the end of its message");
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimited(end);
        break;
      case 5:
        if (end - this.pos < 4) throw new WireReadError("fixed32 runs past the end of its message");
        this.pos += 4;
        break;
      case 3: {
        if (depthLeft <= 0) throw new WireReadError("groups nested too deeply");
        for (;;) {
          const tag = this.uint(end);
          const no = Math.floor(tag / 8);
          const type = tag % 8;
          if (no === 0) throw new WireReadError("field number 0");
          if (type === 4) {
            if (no !== fieldNo) throw new WireReadError("end-group tag does not match its group");
            break;
          }
          this.skip(type, no, end, depthLeft - 1);
        }
        break;
      }
      default:
        throw new WireReadError(`wire type ${wireType} where a field was expected`);
    }
    return this.buf.subarray(start, this.pos);
  }

  /** Skips a varint of up to 10 bytes whatever its value. */
  private uintAny(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new WireReadError("varint runs past the end of its message");
      if (buf[pos++]! < 0x80) {
        this.pos = pos;
        return;
      }
    }
    throw new WireReadError("varint longer than 10 bytes");
  }
}

/** An unknown field as @bufbuild/protobuf keeps it in `$unknown`. */
export interface UnknownField {
  no: number;
  wireType: number;
  data: Uint8Array;
}
