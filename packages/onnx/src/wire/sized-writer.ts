import { type DescField, type DescMessage, type Message, ScalarType } from "@bufbuild/protobuf";

/**
 * A protobuf encoder that sizes every message first and then writes each
 * byte once. Hand-written instead of @bufbuild/protobuf's toBinary because
 * toBinary concatenates every nested message into a fresh buffer (an ONNX
 * model's tensor bytes get copied once per nesting level, ~3x the file in
 * peak memory); here large `bytes` fields can also be emitted by reference,
 * so saving streams a model without building it in memory at all. Measured in
 * scripts/bench-io.mjs. Output is byte-identical to toBinary.
 */

interface FieldPlan {
  readonly field: DescField;
  readonly localName: string;
  readonly oneofName: string | undefined;
}

const plans = new WeakMap<DescMessage, FieldPlan[]>();

function planFor(desc: DescMessage): FieldPlan[] {
  let plan = plans.get(desc);
  if (!plan) {
    plan = [...desc.fields]
      .sort((a, b) => a.number - b.number)
      .map((field) => ({ field, localName: field.localName, oneofName: field.oneof?.localName }));
    plans.set(desc, plan);
  }
  return plan;
}

type AnyMessage = Message &
  Record<string, unknown> & { $unknown?: { no: number; wireType: number; data: Uint8Array }[] };

/** Value of a field if it is present (proto2 presence: own property; lists: non-empty; oneof: selected case). */
function presentValue(message: AnyMessage, plan: FieldPlan): unknown {
  if (plan.oneofName) {
    const selected = message[plan.oneofName] as { case?: string; value?: unknown } | undefined;
    return selected?.case === plan.localName ? selected.value : undefined;
  }
  const { field } = plan;
  if (field.fieldKind === "list") {
    const list = message[plan.localName] as unknown[] | undefined;
    return list && list.length > 0 ? list : undefined;
  }
  if (field.fieldKind === "message") return message[plan.localName] ?? undefined;
  if (field.fieldKind === "map") return undefined;
  if (field.presence === 2 /* IMPLICIT */) {
    const value = message[plan.localName];
    return isDefaultScalar(value) ? undefined : value;
  }
  return Object.hasOwn(message, plan.localName) ? message[plan.localName] : undefined;
}

function isDefaultScalar(value: unknown): boolean {
  if (value === undefined || value === 0 || value === 0n || value === "" || value === false)
    return true;
  return value instanceof Uint8Array && value.byteLength === 0;
}

function varintSize(value: number): number {
  if (value < 0) return 10;
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 5;
  for (let v = Math.floor(value / 0x800000000); v > 0; v = Math.floor(v / 128)) size++;
  return size;
}

function varint64Size(value: bigint): number {
  let v = BigInt.asUintN(64, value);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else length += 3;
    } else length += 3;
  }
  return length;
}

function wireTypeOf(field: DescField, packedList: boolean): number {
  if (packedList) return 2;
  if (field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message"))
    return 2;
  if (field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum"))
    return 0;
  const scalar = (field as { scalar?: ScalarType }).scalar;
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 1;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 5;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 2;
    default:
      return 0;
  }
}

/** Size of one scalar (not its tag). `scalar` undefined means enum. */
function scalarSize(scalar: ScalarType | undefined, value: unknown): number {
  switch (scalar) {
    case undefined:
    case ScalarType.INT32:
      return varintSize(value as number);
    case ScalarType.UINT32:
      return varintSize((value as number) >>> 0);
    case ScalarType.SINT32: {
      const v = value as number;
      return varintSize(((v << 1) ^ (v >> 31)) >>> 0);
    }
    case ScalarType.INT64:
    case ScalarType.UINT64:
      return varint64Size(BigInt(value as bigint));
    case ScalarType.SINT64: {
      const v = BigInt(value as bigint);
      return varint64Size((v << 1n) ^ (v >> 63n));
    }
    case ScalarType.BOOL:
      return 1;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 8;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 4;
    case ScalarType.STRING: {
      const length = utf8Length(value as string);
      return varintSize(length) + length;
    }
    case ScalarType.BYTES: {
      const length = (value as Uint8Array).byteLength;
      return varintSize(length) + length;
    }
    default:
      throw new Error(`unsupported scalar type ${scalar}`);
  }
}

/** Computes encoded sizes of a message tree, memoized per message object. */
export class MessageSizer {
  readonly sizes = new Map<object, number>();

  size(desc: DescMessage, message: AnyMessage): number {
    const known = this.sizes.get(message);
    if (known !== undefined) return known;
    let total = 0;
    for (const plan of planFor(desc)) {
      const value = presentValue(message, plan);
      if (value === undefined) continue;
      const field = plan.field;
      const tagSize = varintSize(field.number * 8);
      if (field.fieldKind === "message") {
        const size = this.size(field.message, value as AnyMessage);
        total += tagSize + varintSize(size) + size;
      } else if (field.fieldKind === "list") {
        const list = value as unknown[];
        if (field.listKind === "message") {
          for (const item of list) {
            const size = this.size(field.message, item as AnyMessage);
            total += tagSize + varintSize(size) + size;
          }
        } else {
          const scalar = field.listKind === "enum" ? undefined : field.scalar;
          let payload = 0;
          for (const item of list) payload += scalarSize(scalar, item);
          if (field.packed) total += tagSize + varintSize(payload) + payload;
          else total += tagSize * list.length + payload;
        }
      } else {
        const scalar =
          field.fieldKind === "enum" ? undefined : (field as { scalar: ScalarType }).scalar;
        total += tagSize + scalarSize(scalar, value);
      }
    }
    for (const unknown of message.$unknown ?? []) {
      total += varintSize(unknown.no * 8 + unknown.wireType) + unknown.data.byteLength;
    }
    this.sizes.set(message, total);
    return total;
  }
}

/**
 * Writes into fixed blocks. Bytes fields at least `referenceThreshold` long
 * are emitted as their own chunk (a view of the caller's data, not a copy).
 */
export class ChunkedWriter {
  readonly chunks: Uint8Array[] = [];
  private buffer: Uint8Array;
  private view: DataView;
  private position = 0;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly sizer: MessageSizer,
    private readonly blockSize: number,
    private readonly referenceThreshold: number,
    initial?: Uint8Array,
  ) {
    this.buffer = initial ?? new Uint8Array(blockSize);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  /** Ends writing and returns the chunks in order. */
  finish(): Uint8Array[] {
    if (this.position > 0) this.chunks.push(this.buffer.subarray(0, this.position));
    this.position = 0;
    return this.chunks;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.byteLength) return;
    if (this.position > 0) this.chunks.push(this.buffer.subarray(0, this.position));
    this.buffer = new Uint8Array(Math.max(this.blockSize, bytes));
    this.view = new DataView(this.buffer.buffer);
    this.position = 0;
  }

  private varint(value: number): void {
    if (value < 0) {
      this.varint64(BigInt(value));
      return;
    }
    this.ensure(varintSize(value));
    while (value >= 0x80) {
      this.buffer[this.position++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.position++] = value;
  }

  private varint64(value: bigint): void {
    this.ensure(varint64Size(value));
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.buffer[this.position++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.position++] = Number(v);
  }

  private rawBytes(bytes: Uint8Array): void {
    if (bytes.byteLength >= this.referenceThreshold) {
      if (this.position > 0) {
        this.chunks.push(this.buffer.subarray(0, this.position));
        this.buffer = this.buffer.subarray(this.position);
        this.view = new DataView(
          this.buffer.buffer,
          this.buffer.byteOffset,
          this.buffer.byteLength,
        );
        this.position = 0;
      }
      this.chunks.push(bytes);
      return;
    }
    this.ensure(bytes.byteLength);
    this.buffer.set(bytes, this.position);
    this.position += bytes.byteLength;
  }

  private scalar(scalar: ScalarType | undefined, value: unknown): void {
    switch (scalar) {
      case undefined:
      case ScalarType.INT32:
        this.varint(value as number);
        return;
      case ScalarType.UINT32:
        this.varint((value as number) >>> 0);
        return;
      case ScalarType.SINT32: {
        const v = value as number;
        this.varint(((v << 1) ^ (v >> 31)) >>> 0);
        return;
      }
      case ScalarType.INT64:
      case ScalarType.UINT64:
        this.varint64(BigInt(value as bigint));
        return;
      case ScalarType.SINT64: {
        const v = BigInt(value as bigint);
        this.varint64((v << 1n) ^ (v >> 63n));
        return;
      }
      case ScalarType.BOOL:
        this.ensure(1);
        this.buffer[this.position++] = value ? 1 : 0;
        return;
      case ScalarType.DOUBLE:
        this.ensure(8);
        this.view.setFloat64(this.position, value as number, true);
        this.position += 8;
        return;
      case ScalarType.FIXED64:
      case ScalarType.SFIXED64:
        this.ensure(8);
        this.view.setBigUint64(this.position, BigInt.asUintN(64, BigInt(value as bigint)), true);
        this.position += 8;
        return;
      case ScalarType.FLOAT:
        this.ensure(4);
        this.view.setFloat32(this.position, value as number, true);
        this.position += 4;
        return;
      case ScalarType.FIXED32:
      case ScalarType.SFIXED32:
        this.ensure(4);
        this.view.setUint32(this.position, (value as number) >>> 0, true);
        this.position += 4;
        return;
      case ScalarType.STRING: {
        const text = value as string;
        const length = utf8Length(text);
        this.varint(length);
        this.ensure(length);
        this.encoder.encodeInto(text, this.buffer.subarray(this.position, this.position + length));
        this.position += length;
        return;
      }
      case ScalarType.BYTES: {
        const bytes = value as Uint8Array;
        this.varint(bytes.byteLength);
        this.rawBytes(bytes);
        return;
      }
      default:
        throw new Error(`unsupported scalar type ${scalar}`);
    }
  }

  /** Writes a message's fields (not its own tag or length). */
  message(desc: DescMessage, message: AnyMessage): void {
    for (const plan of planFor(desc)) {
      const value = presentValue(message, plan);
      if (value === undefined) continue;
      const field = plan.field;
      if (field.fieldKind === "message") {
        this.varint(field.number * 8 + 2);
        this.varint(this.sizer.size(field.message, value as AnyMessage));
        this.message(field.message, value as AnyMessage);
      } else if (field.fieldKind === "list") {
        const list = value as unknown[];
        if (field.listKind === "message") {
          for (const item of list) {
            this.varint(field.number * 8 + 2);
            this.varint(this.sizer.size(field.message, item as AnyMessage));
            this.message(field.message, item as AnyMessage);
          }
        } else {
          const scalar = field.listKind === "enum" ? undefined : field.scalar;
          if (field.packed) {
            let payload = 0;
            for (const item of list) payload += scalarSize(scalar, item);
            this.varint(field.number * 8 + 2);
            this.varint(payload);
            for (const item of list) this.scalar(scalar, item);
          } else {
            const tag = field.number * 8 + wireTypeOf(field, false);
            for (const item of list) {
              this.varint(tag);
              this.scalar(scalar, item);
            }
          }
        }
      } else {
        const scalar =
          field.fieldKind === "enum" ? undefined : (field as { scalar: ScalarType }).scalar;
        this.varint(field.number * 8 + wireTypeOf(field, false));
        this.scalar(scalar, value);
      }
    }
    for (const unknown of message.$unknown ?? []) {
      this.varint(unknown.no * 8 + unknown.wireType);
      this.rawBytes(unknown.data);
    }
  }
}

/** Encodes a message into one exactly sized buffer. */
export function encodeToBuffer(
  desc: DescMessage,
  message: Message,
  checkSize?: (size: number) => void,
): Uint8Array {
  const sizer = new MessageSizer();
  const size = sizer.size(desc, message as AnyMessage);
  checkSize?.(size);
  const output = new Uint8Array(size);
  const writer = new ChunkedWriter(sizer, size, Number.POSITIVE_INFINITY, output);
  writer.message(desc, message as AnyMessage);
  writer.finish();
  return output;
}

/** Encodes a message as a list of chunks; bytes fields ≥ `referenceThreshold` are views of the message's data. */
export function encodeToChunks(
  desc: DescMessage,
  message: Message,
  referenceThreshold = 64 * 1024,
  blockSize = 1024 * 1024,
): { chunks: Uint8Array[]; byteLength: number } {
  const sizer = new MessageSizer();
  const byteLength = sizer.size(desc, message as AnyMessage);
  const writer = new ChunkedWriter(sizer, blockSize, referenceThreshold);
  writer.message(desc, message as AnyMessage);
  return { chunks: writer.finish(), byteLength };
}
