/**
 * Low-level protobuf writing for the generated ONNX encoder
 * (src/proto/onnx_codec.ts).
 *
 * Encoding is two passes over the message tree: the generated `size*`
 * functions record every message's encoded length in pre-order in a plain
 * array, and the `write*` functions then walk the tree in the same order,
 * taking each length from that array, so every byte is written once and
 * nothing is re-sized or copied. Hand-written instead of @bufbuild/protobuf's
 * toBinary because toBinary copies each nested message into its parent (an
 * ONNX model's tensor bytes once per nesting level, ~3× the file in peak
 * memory), and because `bytes` fields of at least `referenceThreshold` bytes
 * are emitted here by reference: saving streams the tensors from where they
 * are. Output is byte-identical to toBinary (test/codec-differential.test.ts).
 */

import type { UnknownField } from "./wire-reader.js";

const two32 = 4294967296;

export function varintSize(value: number): number {
  if (value < 0x80) return value < 0 ? 10 : 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  if (value < 0x800000000) return 5;
  let size = 6;
  for (let v = Math.floor(value / 0x40000000000); v > 0; v = Math.floor(v / 128)) size++;
  return size;
}

/** Size of an int32 varint: negative values take 10 bytes (sign-extended to 64 bits). */
export function int32Size(value: number): number {
  return value < 0 ? 10 : varintSize(value);
}

/** Size of a 64-bit varint (int64 as two's complement, or uint64). */
export function int64Size(value: bigint): number {
  if (value >= 0n && value < 0x80n) return 1;
  if (value < 0n) return 10;
  if (value <= 0x1fffffffffffffn) return varintSize(Number(value));
  let v = BigInt.asUintN(64, value);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

/**
 * Tests for ASCII with the regex engine: native code, so it is fast even
 * before the JIT has compiled the calling code (a model is usually encoded
 * once per process); a charCodeAt loop took ~1.4× as long there.
 */
const asciiOnly = /^[\0-\x7f]*$/;

/** UTF-8 length of a JS string (lone surrogates count as the 3 bytes of U+FFFD, as TextEncoder writes them). */
export function utf8Length(text: string): number {
  const n = text.length;
  if (n < 256 && asciiOnly.test(text)) return n;
  let length = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) length += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 2; // 4 bytes for two UTF-16 units
        i++;
      } else length += 2;
    } else length += 2;
  }
  return length;
}

export function stringSize(text: string): number {
  const length = utf8Length(text);
  return varintSize(length) + length;
}

export function bytesSize(bytes: Uint8Array): number {
  return varintSize(bytes.byteLength) + bytes.byteLength;
}

export function unknownSize(unknown: readonly UnknownField[] | undefined): number {
  if (unknown === undefined) return 0;
  let size = 0;
  for (const field of unknown)
    size += varintSize(field.no * 8 + field.wireType) + field.data.byteLength;
  return size;
}

const encoder = new TextEncoder();

/**
 * Writes into fixed blocks. `bytes` payloads of at least `referenceThreshold`
 * bytes become chunks of their own (views of the caller's data, not copies).
 */
export class WireWriter {
  /** Finished chunks, in order (when no sink was given). */
  readonly chunks: Uint8Array[] = [];
  /** Lengths of the messages being written, in pre-order (from the size pass). */
  readonly sizes: number[];
  /** Next entry of `sizes` to use. */
  next = 1;
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(
    sizes: number[],
    private readonly blockSize: number,
    private readonly referenceThreshold: number,
    initial?: Uint8Array,
    sink?: (chunk: Uint8Array) => void,
  ) {
    this.sizes = sizes;
    this.emit = sink ?? ((chunk) => this.chunks.push(chunk));
    this.buf = initial ?? new Uint8Array(blockSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Receives each finished chunk. */
  private readonly emit: (chunk: Uint8Array) => void;

  /** Ends writing and returns the chunks in order (empty when they went to a sink). */
  finish(): Uint8Array[] {
    if (this.pos > 0) this.emit(this.buf.subarray(0, this.pos));
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    return this.chunks;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.byteLength) return;
    if (this.pos > 0) this.emit(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(this.blockSize, bytes));
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  /** The length prefix of the next nested message (from the size pass). */
  length(): void {
    this.uint(this.sizes[this.next++]!);
  }

  /** A non-negative integer below 2^53 as a varint. */
  uint(value: number): void {
    if (this.pos + 10 > this.buf.byteLength) this.ensure(varintSize(value));
    const buf = this.buf;
    let pos = this.pos;
    while (value >= 0x80) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value = value < two32 ? value >>> 7 : Math.floor(value / 128);
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  int32(value: number): void {
    if (value >= 0) this.uint(value);
    else this.int64(BigInt(value));
  }

  int64(value: bigint): void {
    if (value >= 0n && value <= 0x1fffffffffffffn) {
      this.uint(Number(value));
      return;
    }
    this.ensure(int64Size(value));
    const buf = this.buf;
    let pos = this.pos;
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      buf[pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    buf[pos++] = Number(v);
    this.pos = pos;
  }

  float(value: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  string(text: string): void {
    const length = utf8Length(text);
    this.uint(length);
    this.ensure(length);
    if (length === text.length) {
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < length; i++) buf[pos++] = text.charCodeAt(i);
      this.pos = pos;
      return;
    }
    encoder.encodeInto(text, this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
  }

  bytes(bytes: Uint8Array): void {
    this.uint(bytes.byteLength);
    this.raw(bytes);
  }

  unknown(unknown: readonly UnknownField[] | undefined): void {
    if (unknown === undefined) return;
    for (const field of unknown) {
      this.uint(field.no * 8 + field.wireType);
      this.raw(field.data);
    }
  }

  private raw(bytes: Uint8Array): void {
    if (bytes.byteLength >= this.referenceThreshold) {
      if (this.pos > 0) {
        this.emit(this.buf.subarray(0, this.pos));
        this.buf = this.buf.subarray(this.pos);
        this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
        this.pos = 0;
      }
      this.emit(bytes);
      return;
    }
    this.ensure(bytes.byteLength);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.byteLength;
  }
}
