import { create } from "@bufbuild/protobuf";
import { OnnxError } from "../errors/onnx-error.js";
import {
  StringStringEntryProtoSchema,
  type TensorProto,
  TensorProto_DataLocation,
  TensorProtoSchema,
} from "../proto/onnx_pb.js";
import { DataType, dataTypeInfo, dataTypeName, rawByteLength } from "./data-type.js";
import { decodeMiniFloat, encodeMiniFloat, isMiniFloat } from "./float-formats.js";

/** The array form of a tensor's elements, one JS element per tensor element (complex: interleaved). */
export type TensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Uint8Array[];

/** Where an externally stored tensor's bytes live, relative to the model's folder. */
export interface ExternalDataInfo {
  location: string;
  offset: number;
  length: number | undefined;
  checksum: string | undefined;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Largest element count we accept from dims before touching data (2^53 - 1 keeps arithmetic exact). */
const maxElements = Number.MAX_SAFE_INTEGER;

/**
 * A tensor value (an initializer, a Constant's value, an attribute tensor).
 * Wraps the TensorProto it came from so nothing is lost; raw_data stays a view
 * into the decoded buffer, and external data is resolved on load.
 */
export class Tensor {
  /** The underlying message; raw_data is a view into the model bytes when decoded. */
  readonly proto: TensorProto;
  private externalBytes: Uint8Array | undefined;

  constructor(proto: TensorProto) {
    this.proto = proto;
  }

  /** Creates a tensor from element values, stored as little-endian raw_data. */
  static fromArray(
    dataType: DataType,
    dims: readonly number[],
    values: ArrayLike<number> | ArrayLike<bigint> | TensorArray | readonly (string | Uint8Array)[],
    name = "",
  ): Tensor {
    const info = dataTypeInfo(dataType);
    if (!info) throw new OnnxError("TENSOR_UNSUPPORTED", `unknown data type ${dataType}`);
    const count = elementCountOf(dims, name);
    const proto = create(TensorProtoSchema, { dims: dims.map((d) => BigInt(d)), dataType });
    if (name) proto.name = name;
    if (dataType === DataType.STRING) {
      const strings = values as readonly (string | Uint8Array)[];
      if (strings.length !== count) throw countMismatch(name, count, strings.length);
      proto.stringData = strings.map((s) =>
        typeof s === "string" ? new TextEncoder().encode(s) : s,
      );
      return new Tensor(proto);
    }
    const length = (values as ArrayLike<unknown>).length;
    const expected = count * info.componentsPerElement;
    if (length !== expected) throw countMismatch(name, expected, length);
    proto.rawData = packElements(dataType, values as ArrayLike<number | bigint>, count);
    return new Tensor(proto);
  }

  /** Tensor name (for initializers the graph keeps it equal to the value's name). */
  get name(): string {
    return this.proto.name;
  }

  /** Element type id. */
  get dataType(): DataType {
    return this.proto.dataType;
  }

  /** Shape as safe integers; throws TENSOR_INVALID for negative or absurd dims. */
  get dims(): number[] {
    return this.proto.dims.map((d, index) => {
      if (d < 0n || d > BigInt(maxElements)) {
        throw new OnnxError(
          "TENSOR_INVALID",
          `tensor "${this.name}" has dimension ${index} = ${d}; dims must be between 0 and 2^53-1`,
          { value: this.name },
        );
      }
      return Number(d);
    });
  }

  /** Number of elements (product of dims; 1 for scalars). */
  get elementCount(): number {
    return elementCountOf(this.dims, this.name);
  }

  /** True when the data lives in an external file. */
  get isExternal(): boolean {
    return this.proto.dataLocation === TensorProto_DataLocation.EXTERNAL;
  }

  /** Location, offset, length and checksum of external data, if any. */
  get externalInfo(): ExternalDataInfo | undefined {
    if (!this.isExternal) return undefined;
    const entries = new Map(this.proto.externalData.map((e) => [e.key, e.value]));
    const location = entries.get("location");
    if (!location) {
      throw new OnnxError(
        "EXTERNAL_DATA",
        `tensor "${this.name}" is stored externally but has no "location" entry`,
        { value: this.name },
      );
    }
    const parse = (key: string): number | undefined => {
      const text = entries.get(key);
      if (text === undefined || text === "") return undefined;
      const value = Number(text);
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new OnnxError(
          "EXTERNAL_DATA",
          `tensor "${this.name}" has external_data ${key}="${text}"; expected a non-negative integer`,
          { value: this.name },
        );
      }
      return value;
    };
    return {
      location,
      offset: parse("offset") ?? 0,
      length: parse("length"),
      checksum: entries.get("checksum"),
    };
  }

  /** True when the bytes of an external tensor were loaded (or the tensor is inline). */
  get hasData(): boolean {
    return !this.isExternal || this.externalBytes !== undefined;
  }

  /** Attaches the loaded bytes of an external tensor. */
  setExternalBytes(bytes: Uint8Array): void {
    this.externalBytes = bytes;
  }

  /** Marks the tensor as stored in `location` at `offset` (used when saving with external data). */
  setExternalLocation(location: string, offset: number, length: number): void {
    this.proto.dataLocation = TensorProto_DataLocation.EXTERNAL;
    this.proto.externalData = [
      create(StringStringEntryProtoSchema, { key: "location", value: location }),
      create(StringStringEntryProtoSchema, { key: "offset", value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: "length", value: String(length) }),
    ];
  }

  /**
   * The element bytes as ONNX raw_data lays them out (little-endian; sub-byte
   * types packed low bits first). A view (no copy) for raw_data and loaded
   * external data; converted from the typed field otherwise. Not for strings.
   */
  rawBytes(): Uint8Array {
    const info = this.requireInfo();
    if (info.id === DataType.STRING) {
      throw new OnnxError(
        "TENSOR_UNSUPPORTED",
        `tensor "${this.name}" holds strings; use toArray()`,
        {
          value: this.name,
        },
      );
    }
    const count = this.elementCount;
    const expected = rawByteLength(info.id, count);
    let bytes: Uint8Array;
    if (this.isExternal) {
      if (!this.externalBytes) {
        throw new OnnxError(
          "EXTERNAL_DATA",
          `tensor "${this.name}" is stored in "${this.externalInfo?.location}" and was not loaded; load the model with loadModel(path) or call loadExternalData`,
          { value: this.name },
        );
      }
      bytes = this.externalBytes;
    } else if (this.proto.rawData.byteLength > 0 || expected === 0) {
      bytes = this.proto.rawData;
    } else {
      bytes = this.typedFieldBytes(info.id, info.field, count);
    }
    if (bytes.byteLength !== expected) {
      throw new OnnxError(
        "TENSOR_INVALID",
        `tensor "${this.name}" (${dataTypeName(info.id)}, dims [${this.dims.join(", ")}]) needs ${expected} bytes of data but has ${bytes.byteLength}`,
        { value: this.name },
      );
    }
    return bytes;
  }

  /** Element values in their natural JS array type (mini floats and sub-byte ints: one code per element). */
  toArray(): TensorArray {
    const info = this.requireInfo();
    if (info.id === DataType.STRING) {
      const count = this.elementCount;
      if (this.proto.stringData.length !== count) {
        throw countMismatch(this.name, count, this.proto.stringData.length);
      }
      return this.proto.stringData;
    }
    return unpackElements(info.id, this.rawBytes(), this.elementCount);
  }

  /** Numeric values as float64 (mini floats decoded, int64 converted; complex interleaved). */
  toFloat64Array(): Float64Array {
    const id = this.dataType;
    const array = this.toArray();
    if (Array.isArray(array)) {
      throw new OnnxError("TENSOR_UNSUPPORTED", `tensor "${this.name}" holds strings`, {
        value: this.name,
      });
    }
    const out = new Float64Array(array.length);
    if (id === DataType.FLOAT16 || id === DataType.BFLOAT16 || isMiniFloat(id)) {
      for (let i = 0; i < array.length; i++) out[i] = decodeMiniFloat(id, Number(array[i]));
    } else {
      for (let i = 0; i < array.length; i++) out[i] = Number(array[i]);
    }
    return out;
  }

  private requireInfo() {
    const info = dataTypeInfo(this.dataType);
    if (!info || this.dataType === DataType.UNDEFINED) {
      throw new OnnxError(
        "TENSOR_UNSUPPORTED",
        `tensor "${this.name}" has data type ${this.dataType}, which this schema does not define`,
        { value: this.name },
      );
    }
    return info;
  }

  private typedFieldBytes(id: DataType, field: string, count: number): Uint8Array {
    const components = dataTypeInfo(id)!.componentsPerElement;
    const byteLength = rawByteLength(id, count);
    const fail = (have: number, want: number) =>
      new OnnxError(
        "TENSOR_INVALID",
        `tensor "${this.name}" needs ${want} values in ${field} but has ${have}`,
        { value: this.name },
      );
    // Check the field's length against dims before allocating, so absurd dims never allocate.
    const bits = dataTypeInfo(id)!.bits;
    const have = (this.proto[field as "floatData"] as unknown[]).length;
    const want =
      bits < 8 && field === "int32Data"
        ? byteLength
        : count * (field === "floatData" || field === "doubleData" ? components : 1);
    if (have !== want) throw fail(have, want);
    const out = new Uint8Array(byteLength);
    const view = new DataView(out.buffer);
    switch (field) {
      case "floatData": {
        const data = this.proto.floatData;
        if (data.length !== count * components) throw fail(data.length, count * components);
        for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
        return out;
      }
      case "doubleData": {
        const data = this.proto.doubleData;
        if (data.length !== count * components) throw fail(data.length, count * components);
        for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i]!, true);
        return out;
      }
      case "int64Data": {
        const data = this.proto.int64Data;
        if (data.length !== count) throw fail(data.length, count);
        for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i]!), true);
        return out;
      }
      case "uint64Data": {
        const data = this.proto.uint64Data;
        if (data.length !== count) throw fail(data.length, count);
        if (id === DataType.UINT32) {
          for (let i = 0; i < count; i++)
            view.setUint32(i * 4, Number(BigInt(data[i]!) & 0xffffffffn), true);
        } else {
          for (let i = 0; i < count; i++) view.setBigUint64(i * 8, BigInt(data[i]!), true);
        }
        return out;
      }
      default: {
        // int32_data: one element per int32 for 8-, 16- and 32-bit types; for sub-byte
        // types each int32 carries one packed byte (ONNX IR spec).
        const data = this.proto.int32Data;
        const bits = dataTypeInfo(id)!.bits;
        if (bits < 8) {
          if (data.length !== byteLength) throw fail(data.length, byteLength);
          for (let i = 0; i < byteLength; i++) out[i] = data[i]! & 0xff;
        } else {
          if (data.length !== count) throw fail(data.length, count);
          const width = bits / 8;
          for (let i = 0; i < count; i++) {
            const value = data[i]!;
            if (width === 1) out[i] = value & 0xff;
            else if (width === 2) view.setUint16(i * 2, value & 0xffff, true);
            else view.setInt32(i * 4, value, true);
          }
        }
        return out;
      }
    }
  }
}

function countMismatch(name: string, expected: number, actual: number): OnnxError {
  return new OnnxError(
    "TENSOR_INVALID",
    `tensor "${name}" needs ${expected} values for its dims but ${actual} were given`,
    { value: name },
  );
}

function elementCountOf(dims: readonly number[], name: string): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new OnnxError("TENSOR_INVALID", `tensor "${name}" has invalid dimension ${d}`, {
        value: name,
      });
    }
    count *= d;
    if (count > maxElements) {
      throw new OnnxError(
        "TENSOR_INVALID",
        `tensor "${name}" has dims [${dims.join(", ")}], more than 2^53 elements`,
        { value: name },
      );
    }
  }
  return count;
}

type ArrayConstructorFor = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): TensorArray & ArrayLike<unknown>;
  new (length: number): TensorArray & ArrayLike<unknown>;
  BYTES_PER_ELEMENT: number;
};

function arrayTypeFor(id: DataType): ArrayConstructorFor {
  switch (id) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      return Float32Array as unknown as ArrayConstructorFor;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      return Float64Array as unknown as ArrayConstructorFor;
    case DataType.INT8:
    case DataType.INT4:
    case DataType.INT2:
      return Int8Array as unknown as ArrayConstructorFor;
    case DataType.INT16:
      return Int16Array as unknown as ArrayConstructorFor;
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return Uint16Array as unknown as ArrayConstructorFor;
    case DataType.INT32:
      return Int32Array as unknown as ArrayConstructorFor;
    case DataType.UINT32:
      return Uint32Array as unknown as ArrayConstructorFor;
    case DataType.INT64:
      return BigInt64Array as unknown as ArrayConstructorFor;
    case DataType.UINT64:
      return BigUint64Array as unknown as ArrayConstructorFor;
    default:
      return Uint8Array as unknown as ArrayConstructorFor;
  }
}

/** raw_data bytes → typed array (a view when aligned; sub-byte types unpacked, signed ones sign-extended). */
function unpackElements(id: DataType, bytes: Uint8Array, count: number): TensorArray {
  const bits = dataTypeInfo(id)!.bits;
  if (bits < 8) {
    const perByte = 8 / bits;
    const mask = (1 << bits) - 1;
    const signed = id === DataType.INT4 || id === DataType.INT2;
    const out = signed ? new Int8Array(count) : new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      let v = (bytes[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
      if (signed && v >= 1 << (bits - 1)) v -= 1 << bits;
      out[i] = v;
    }
    return out;
  }
  const ArrayType = arrayTypeFor(id);
  const length = bytes.byteLength / ArrayType.BYTES_PER_ELEMENT;
  if (littleEndian && bytes.byteOffset % ArrayType.BYTES_PER_ELEMENT === 0) {
    return new ArrayType(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
  }
  const copy = new Uint8Array(bytes);
  return new ArrayType(copy.buffer, 0, length);
}

/** Element values → raw_data bytes. Accepts numbers (mini floats are encoded) or codes in typed arrays. */
function packElements(id: DataType, values: ArrayLike<number | bigint>, count: number): Uint8Array {
  const bits = dataTypeInfo(id)!.bits;
  const out = new Uint8Array(rawByteLength(id, count));
  if (bits < 8) {
    const perByte = 8 / bits;
    const mask = (1 << bits) - 1;
    for (let i = 0; i < count; i++) {
      let code = Number(values[i]);
      if (id === DataType.FLOAT4E2M1 && !(values instanceof Uint8Array))
        code = encodeMiniFloat(id, code);
      out[Math.floor(i / perByte)]! |= (code & mask) << ((i % perByte) * bits);
    }
    return out;
  }
  const codesGiven = values instanceof Uint16Array || values instanceof Uint8Array;
  if ((id === DataType.FLOAT16 || id === DataType.BFLOAT16 || isMiniFloat(id)) && !codesGiven) {
    const codes = bits === 16 ? new Uint16Array(values.length) : new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) codes[i] = encodeMiniFloat(id, Number(values[i]));
    return new Uint8Array(codes.buffer);
  }
  const ArrayType = arrayTypeFor(id);
  const typed = new ArrayType(values.length) as unknown as { [index: number]: number | bigint };
  const needsBigInt = id === DataType.INT64 || id === DataType.UINT64;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    typed[i] = needsBigInt ? BigInt(v) : Number(v);
  }
  const typedArray = typed as unknown as ArrayBufferView;
  out.set(new Uint8Array(typedArray.buffer, typedArray.byteOffset, typedArray.byteLength));
  return out;
}

/** Wrappers are cached per proto so loaded external bytes stay attached wherever the tensor is reached from. */
const wrappers = new WeakMap<TensorProto, Tensor>();

/** The Tensor wrapping `proto` (the same object every time for the same proto). */
export function tensorFor(proto: TensorProto): Tensor {
  let tensor = wrappers.get(proto);
  if (!tensor) {
    tensor = new Tensor(proto);
    wrappers.set(proto, tensor);
  }
  return tensor;
}
