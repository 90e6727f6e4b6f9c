import { TensorProto_DataType as DataType } from "../proto/onnx_pb.js";

export { DataType };

/** Which repeated field of TensorProto holds a type's elements when raw_data is absent. */
export type TypedField =
  | "floatData"
  | "int32Data"
  | "stringData"
  | "int64Data"
  | "doubleData"
  | "uint64Data";

/** Static facts about one ONNX tensor element type. */
export interface DataTypeInfo {
  readonly id: DataType;
  /** ONNX spelling, e.g. `FLOAT16`. */
  readonly name: string;
  /** Bits one element takes in raw_data (0 for strings). Complex types count both parts. */
  readonly bits: number;
  /** The typed field used when raw_data is not set. */
  readonly field: TypedField;
  /** Values per typed-field element: 2 for complex types, otherwise 1. */
  readonly componentsPerElement: number;
}

function info(
  id: DataType,
  name: string,
  bits: number,
  field: TypedField,
  componentsPerElement = 1,
): DataTypeInfo {
  return { id, name, bits, field, componentsPerElement };
}

const table: ReadonlyMap<number, DataTypeInfo> = new Map(
  [
    info(DataType.FLOAT, "FLOAT", 32, "floatData"),
    info(DataType.UINT8, "UINT8", 8, "int32Data"),
    info(DataType.INT8, "INT8", 8, "int32Data"),
    info(DataType.UINT16, "UINT16", 16, "int32Data"),
    info(DataType.INT16, "INT16", 16, "int32Data"),
    info(DataType.INT32, "INT32", 32, "int32Data"),
    info(DataType.INT64, "INT64", 64, "int64Data"),
    info(DataType.STRING, "STRING", 0, "stringData"),
    info(DataType.BOOL, "BOOL", 8, "int32Data"),
    info(DataType.FLOAT16, "FLOAT16", 16, "int32Data"),
    info(DataType.DOUBLE, "DOUBLE", 64, "doubleData"),
    info(DataType.UINT32, "UINT32", 32, "uint64Data"),
    info(DataType.UINT64, "UINT64", 64, "uint64Data"),
    info(DataType.COMPLEX64, "COMPLEX64", 64, "floatData", 2),
    info(DataType.COMPLEX128, "COMPLEX128", 128, "doubleData", 2),
    info(DataType.BFLOAT16, "BFLOAT16", 16, "int32Data"),
    info(DataType.FLOAT8E4M3FN, "FLOAT8E4M3FN", 8, "int32Data"),
    info(DataType.FLOAT8E4M3FNUZ, "FLOAT8E4M3FNUZ", 8, "int32Data"),
    info(DataType.FLOAT8E5M2, "FLOAT8E5M2", 8, "int32Data"),
    info(DataType.FLOAT8E5M2FNUZ, "FLOAT8E5M2FNUZ", 8, "int32Data"),
    info(DataType.UINT4, "UINT4", 4, "int32Data"),
    info(DataType.INT4, "INT4", 4, "int32Data"),
    info(DataType.FLOAT4E2M1, "FLOAT4E2M1", 4, "int32Data"),
    info(DataType.FLOAT8E8M0, "FLOAT8E8M0", 8, "int32Data"),
    info(DataType.UINT2, "UINT2", 2, "int32Data"),
    info(DataType.INT2, "INT2", 2, "int32Data"),
  ].map((entry) => [entry.id, entry]),
);

/** Facts about a data type id, or undefined for ids this schema does not know. */
export function dataTypeInfo(id: number): DataTypeInfo | undefined {
  return table.get(id);
}

/** Every data type this package understands. */
export function allDataTypes(): DataTypeInfo[] {
  return [...table.values()];
}

/** ONNX spelling of a data type id (`FLOAT`, `INT64`, …), or `DATATYPE(<id>)` when unknown. */
export function dataTypeName(id: number): string {
  return table.get(id)?.name ?? `DATATYPE(${id})`;
}

/** Parses an ONNX type name (`float`, `FLOAT16`, `tensor(int64)`) into its id. */
export function parseDataType(name: string): DataType | undefined {
  const bare = name.replace(/^tensor\((.*)\)$/, "$1").toUpperCase();
  for (const entry of table.values()) if (entry.name === bare) return entry.id;
  return undefined;
}

/** Bytes `count` elements of a type take in raw_data (sub-byte types pack low bits first). */
export function rawByteLength(id: number, count: number): number {
  const entry = table.get(id);
  if (!entry || entry.bits === 0) return Number.NaN;
  return Math.ceil((count * entry.bits) / 8);
}
