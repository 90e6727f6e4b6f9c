import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { decodeTensor } from "../codec/decode.js";
import { encodeTensor } from "../codec/encode.js";
import { OnnxError } from "../errors/onnx-error.js";
import { TensorProtoSchema } from "../proto/onnx_pb.js";
import { allDataTypes, DataType, rawByteLength } from "./data-type.js";
import {
  bfloat16BitsToNumber,
  decodeMiniFloat,
  encodeMiniFloat,
  float32ToBfloat16Bits,
} from "./float-formats.js";
import { Tensor } from "./tensor.js";

describe("Tensor data types", () => {
  const samples: Record<string, { values: unknown; expected: unknown }> = {
    FLOAT: { values: [1.5, -2, 0], expected: [1.5, -2, 0] },
    UINT8: { values: [0, 255, 7], expected: [0, 255, 7] },
    INT8: { values: [-128, 127, -1], expected: [-128, 127, -1] },
    UINT16: { values: [0, 65535, 9], expected: [0, 65535, 9] },
    INT16: { values: [-32768, 32767, 3], expected: [-32768, 32767, 3] },
    INT32: { values: [-(2 ** 31), 2 ** 31 - 1, 5], expected: [-(2 ** 31), 2 ** 31 - 1, 5] },
    INT64: {
      values: [-(2n ** 63n), 2n ** 63n - 1n, 5n],
      expected: [-(2n ** 63n), 2n ** 63n - 1n, 5n],
    },
    BOOL: { values: [1, 0, 1], expected: [1, 0, 1] },
    DOUBLE: { values: [Math.PI, -1e300, 0], expected: [Math.PI, -1e300, 0] },
    UINT32: { values: [0, 2 ** 32 - 1, 3], expected: [0, 2 ** 32 - 1, 3] },
    UINT64: { values: [0n, 2n ** 64n - 1n, 3n], expected: [0n, 2n ** 64n - 1n, 3n] },
    INT4: { values: [-8, 7, -1], expected: [-8, 7, -1] },
    UINT4: { values: [0, 15, 9], expected: [0, 15, 9] },
    INT2: { values: [-2, 1, -1], expected: [-2, 1, -1] },
    UINT2: { values: [0, 3, 2], expected: [0, 3, 2] },
  };

  for (const [name, { values, expected }] of Object.entries(samples)) {
    it(`${name}: raw_data round trip through TensorProto bytes`, () => {
      const type = DataType[name as keyof typeof DataType] as DataType;
      const tensor = Tensor.fromArray(type, [3], values as ArrayLike<number>, "t");
      expect(tensor.rawBytes().byteLength).toBe(rawByteLength(type, 3));
      const decoded = decodeTensor(encodeTensor(tensor));
      expect(Array.from(decoded.toArray() as ArrayLike<unknown>)).toEqual(expected);
      expect(decoded.dims).toEqual([3]);
    });
  }

  it("float16, bfloat16 and the float8 types decode what they encode", () => {
    const values = [0, 1, -1.5, 0.25, 3];
    for (const type of [
      DataType.FLOAT16,
      DataType.BFLOAT16,
      DataType.FLOAT8E4M3FN,
      DataType.FLOAT8E4M3FNUZ,
      DataType.FLOAT8E5M2,
      DataType.FLOAT8E5M2FNUZ,
    ]) {
      const tensor = decodeTensor(encodeTensor(Tensor.fromArray(type, [5], values)));
      expect(Array.from(tensor.toFloat64Array()), `type ${DataType[type]}`).toEqual(values);
    }
    // float4e2m1 holds 0, 0.5, 1, 1.5, 2, 3, 4, 6; 0.25 is a tie between 0 and 0.5 and rounds to even (0).
    const fp4 = decodeTensor(
      encodeTensor(Tensor.fromArray(DataType.FLOAT4E2M1, [6], [0, 1, -1.5, 0.25, 6, 100])),
    );
    expect(Array.from(fp4.toFloat64Array())).toEqual([0, 1, -1.5, 0, 6, 6]);
    const e8m0 = Tensor.fromArray(DataType.FLOAT8E8M0, [3], [1, 0.5, 1024]);
    expect(Array.from(e8m0.toFloat64Array())).toEqual([1, 0.5, 1024]);
  });

  it("strings are kept as bytes", () => {
    const tensor = decodeTensor(
      encodeTensor(Tensor.fromArray(DataType.STRING, [2], ["héllo", ""])),
    );
    const strings = (tensor.toArray() as Uint8Array[]).map((s) => new TextDecoder().decode(s));
    expect(strings).toEqual(["héllo", ""]);
  });

  it("reads every typed field the way ONNX stores it", () => {
    const float = new Tensor(
      create(TensorProtoSchema, { dataType: DataType.FLOAT, dims: [2n], floatData: [1, 2] }),
    );
    expect(Array.from(float.toArray() as Float32Array)).toEqual([1, 2]);
    const complex = new Tensor(
      create(TensorProtoSchema, { dataType: DataType.COMPLEX64, dims: [1n], floatData: [1, -1] }),
    );
    expect(Array.from(complex.toArray() as Float32Array)).toEqual([1, -1]);
    const half = new Tensor(
      create(TensorProtoSchema, { dataType: DataType.FLOAT16, dims: [1n], int32Data: [0x3c00] }),
    );
    expect(Array.from(half.toFloat64Array())).toEqual([1]);
    const int4 = new Tensor(
      create(TensorProtoSchema, { dataType: DataType.INT4, dims: [3n], int32Data: [0xf7, 0x01] }),
    );
    expect(Array.from(int4.toArray() as Int8Array)).toEqual([7, -1, 1]);
    const int64 = new Tensor(
      create(TensorProtoSchema, { dataType: DataType.INT64, dims: [1n], int64Data: [-5n] }),
    );
    expect(Array.from(int64.toArray() as BigInt64Array)).toEqual([-5n]);
    const uint32 = new Tensor(
      create(TensorProtoSchema, {
        dataType: DataType.UINT32,
        dims: [1n],
        uint64Data: [4294967295n],
      }),
    );
    expect(Array.from(uint32.toArray() as Uint32Array)).toEqual([4294967295]);
    const double = new Tensor(
      create(TensorProtoSchema, { dataType: DataType.DOUBLE, dims: [], doubleData: [0.1] }),
    );
    expect(Array.from(double.toArray() as Float64Array)).toEqual([0.1]);
  });

  it("rejects data that does not fit the dims, naming the tensor", () => {
    const short = new Tensor(
      create(TensorProtoSchema, {
        name: "w",
        dataType: DataType.FLOAT,
        dims: [4n],
        rawData: new Uint8Array(8),
      }),
    );
    expect(() => short.rawBytes()).toThrowError(/tensor "w".*needs 16 bytes.*has 8/);
    const huge = new Tensor(
      create(TensorProtoSchema, {
        name: "big",
        dataType: DataType.FLOAT,
        dims: [2n ** 62n],
        rawData: new Uint8Array(4),
      }),
    );
    expect(() => huge.rawBytes()).toThrow(OnnxError);
    const negative = new Tensor(
      create(TensorProtoSchema, { name: "neg", dataType: DataType.FLOAT, dims: [-1n] }),
    );
    expect(() => negative.dims).toThrowError(/dimension 0 = -1/);
    expect(() => Tensor.fromArray(DataType.FLOAT, [2, 2], [1, 2, 3])).toThrowError(
      /needs 4 values/,
    );
  });

  it("knows every data type of the schema", () => {
    expect(
      allDataTypes()
        .map((t) => t.id)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
  });
});

describe("small float formats", () => {
  const eightBit = [
    DataType.FLOAT8E4M3FN,
    DataType.FLOAT8E4M3FNUZ,
    DataType.FLOAT8E5M2,
    DataType.FLOAT8E5M2FNUZ,
    DataType.FLOAT8E8M0,
  ];
  it("every 8-bit code decodes and re-encodes to itself (NaN codes to a NaN)", () => {
    for (const type of eightBit) {
      for (let code = 0; code < 256; code++) {
        const value = decodeMiniFloat(type, code);
        const back = encodeMiniFloat(type, value);
        if (Number.isNaN(value)) expect(Number.isNaN(decodeMiniFloat(type, back))).toBe(true);
        else expect(decodeMiniFloat(type, back), `${DataType[type]} code ${code}`).toBe(value);
      }
    }
  });

  it("float16: exhaustive decode/encode round trip and known values", () => {
    for (let code = 0; code < 65536; code++) {
      const value = decodeMiniFloat(DataType.FLOAT16, code);
      if (Number.isNaN(value)) continue;
      expect(encodeMiniFloat(DataType.FLOAT16, value)).toBe(code);
    }
    expect(decodeMiniFloat(DataType.FLOAT16, 0x7bff)).toBe(65504);
    expect(decodeMiniFloat(DataType.FLOAT16, 0x0001)).toBe(2 ** -24);
    expect(encodeMiniFloat(DataType.FLOAT16, 1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(encodeMiniFloat(DataType.FLOAT16, 1e6)).toBe(0x7c00); // overflows to +Inf like an IEEE cast
    expect(encodeMiniFloat(DataType.FLOAT16, 65519)).toBe(0x7bff); // below max + ulp/2 stays finite
    expect(encodeMiniFloat(DataType.FLOAT16, 65520)).toBe(0x7c00);
    expect(encodeMiniFloat(DataType.FLOAT8E5M2, 1e6)).toBe(0x7b); // float8 saturates
  });

  it("known float8 maxima and saturation", () => {
    expect(decodeMiniFloat(DataType.FLOAT8E4M3FN, 0x7e)).toBe(448);
    expect(decodeMiniFloat(DataType.FLOAT8E5M2, 0x7b)).toBe(57344);
    expect(encodeMiniFloat(DataType.FLOAT8E4M3FN, 1e9)).toBe(0x7e);
    expect(Number.isNaN(decodeMiniFloat(DataType.FLOAT8E4M3FNUZ, 0x80))).toBe(true);
    expect(decodeMiniFloat(DataType.FLOAT4E2M1, 0x7)).toBe(6);
  });

  it("bfloat16 rounds float32 to nearest even", () => {
    expect(bfloat16BitsToNumber(float32ToBfloat16Bits(1))).toBe(1);
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });
});
