import { SeededRandom } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/support/error-of.js";
import { isRewriteError, RewriteError } from "../errors/rewrite-error.js";
import { parseNpy } from "./npy.js";

/** Bytes of a .npy file laid out as numpy.save writes them (header padded with spaces to 64 bytes, ending in "\n"). */
function npyBytes(options: {
  descr: string;
  shape: readonly number[];
  data: Uint8Array;
  fortranOrder?: boolean;
  version?: 1 | 2 | 3;
  header?: string;
}): Uint8Array {
  const version = options.version ?? 1;
  const shape =
    options.shape.length === 1 ? `(${options.shape[0]},)` : `(${options.shape.join(", ")})`;
  const dict =
    options.header ??
    `{'descr': '${options.descr}', 'fortran_order': ${options.fortranOrder ? "True" : "False"}, 'shape': ${shape}, }`;
  const prefix = version === 1 ? 10 : 12;
  const padded = dict.padEnd(Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix - 1, " ");
  const header = new TextEncoder().encode(`${padded}\n`);
  const out = new Uint8Array(prefix + header.length + options.data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, prefix);
  out.set(options.data, prefix + header.length);
  return out;
}

/** Element bytes written with a DataView setter in the given byte order. */
function elementBytes(
  size: number,
  values: readonly (number | bigint)[],
  write: (view: DataView, offset: number, value: never, littleEndian: boolean) => void,
  littleEndian = true,
): Uint8Array {
  const out = new Uint8Array(size * values.length);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => {
    write(view, i * size, value as never, littleEndian);
  });
  return out;
}

const setters = {
  f2: (v: DataView, o: number, x: number, le: boolean) => v.setUint16(o, x, le),
  f4: (v: DataView, o: number, x: number, le: boolean) => v.setFloat32(o, x, le),
  f8: (v: DataView, o: number, x: number, le: boolean) => v.setFloat64(o, x, le),
  i1: (v: DataView, o: number, x: number) => v.setInt8(o, x),
  u1: (v: DataView, o: number, x: number) => v.setUint8(o, x),
  b1: (v: DataView, o: number, x: number) => v.setUint8(o, x),
  i2: (v: DataView, o: number, x: number, le: boolean) => v.setInt16(o, x, le),
  u2: (v: DataView, o: number, x: number, le: boolean) => v.setUint16(o, x, le),
  i4: (v: DataView, o: number, x: number, le: boolean) => v.setInt32(o, x, le),
  u4: (v: DataView, o: number, x: number, le: boolean) => v.setUint32(o, x, le),
  i8: (v: DataView, o: number, x: bigint, le: boolean) => v.setBigInt64(o, x, le),
  u8: (v: DataView, o: number, x: bigint, le: boolean) => v.setBigUint64(o, x, le),
} as const;

describe("parseNpy", () => {
  const cases: {
    code: keyof typeof setters;
    order: "<" | "|";
    type: string;
    values: (number | bigint)[];
    array: unknown;
  }[] = [
    { code: "f4", order: "<", type: "float32", values: [1.5, -2, 0.25], array: Float32Array },
    { code: "f8", order: "<", type: "float64", values: [Math.PI, -1e300, 0], array: Float64Array },
    {
      code: "f2",
      order: "<",
      type: "float16",
      values: [0x3c00, 0xc000, 0x7c00],
      array: Uint16Array,
    },
    { code: "i1", order: "|", type: "int8", values: [-128, 0, 127], array: Int8Array },
    { code: "u1", order: "|", type: "uint8", values: [0, 200, 255], array: Uint8Array },
    { code: "i2", order: "<", type: "int16", values: [-32768, 5, 32767], array: Int16Array },
    { code: "u2", order: "<", type: "uint16", values: [0, 40000, 65535], array: Uint16Array },
    {
      code: "i4",
      order: "<",
      type: "int32",
      values: [-(2 ** 31), 7, 2 ** 31 - 1],
      array: Int32Array,
    },
    { code: "u4", order: "<", type: "uint32", values: [0, 3e9, 2 ** 32 - 1], array: Uint32Array },
    {
      code: "i8",
      order: "<",
      type: "int64",
      values: [-(2n ** 63n), 9n, 2n ** 62n + 1n],
      array: BigInt64Array,
    },
    {
      code: "u8",
      order: "<",
      type: "uint64",
      values: [0n, 2n ** 64n - 1n, 3n],
      array: BigUint64Array,
    },
    { code: "b1", order: "|", type: "bool", values: [1, 0, 1], array: Uint8Array },
  ];

  for (const { code, order, type, values, array } of cases) {
    it(`reads ${order}${code} as ${type} with exact values`, () => {
      const size = Number(code.slice(1));
      const data = elementBytes(size, values, setters[code] as never);
      const tensor = parseNpy(npyBytes({ descr: `${order}${code}`, shape: [3], data }), "x.npy");
      expect(tensor.type).toBe(type);
      expect(tensor.dims).toEqual([3]);
      expect(tensor.data).toBeInstanceOf(array);
      expect(Array.from(tensor.data as ArrayLike<unknown>)).toEqual(
        code === "f4" ? values.map((v) => Math.fround(Number(v))) : values,
      );
    });
  }

  for (const code of ["f4", "f8", "f2", "i2", "u2", "i4", "u4", "i8", "u8"] as const) {
    it(`byte-swaps big-endian >${code}`, () => {
      const size = Number(code.slice(1));
      const values: (number | bigint)[] =
        code === "i8"
          ? [-5n, 2n ** 40n + 3n]
          : code === "u8"
            ? [7n, 2n ** 63n + 11n]
            : code === "f2"
              ? [0x3c00, 0x3555]
              : code.startsWith("f")
                ? [1.25, -1024.5]
                : [258, 4];
      const little = elementBytes(size, values, setters[code] as never, true);
      const big = elementBytes(size, values, setters[code] as never, false);
      expect(big).not.toEqual(little);
      const fromBig = parseNpy(npyBytes({ descr: `>${code}`, shape: [2], data: big }));
      const fromLittle = parseNpy(npyBytes({ descr: `<${code}`, shape: [2], data: little }));
      expect(fromBig.type).toBe(fromLittle.type);
      expect(Array.from(fromBig.data as ArrayLike<unknown>)).toEqual(
        Array.from(fromLittle.data as ArrayLike<unknown>),
      );
      expect(Array.from(fromBig.data as ArrayLike<unknown>)).toEqual(values);
    });
  }

  it("transposes fortran_order data to row-major order (2-D)", () => {
    // The 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
    const data = elementBytes(4, [1, 4, 2, 5, 3, 6], setters.i4 as never);
    const tensor = parseNpy(npyBytes({ descr: "<i4", shape: [2, 3], data, fortranOrder: true }));
    expect(tensor.dims).toEqual([2, 3]);
    expect(Array.from(tensor.data as Int32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("transposes fortran_order data to row-major order (3-D, big-endian float64)", () => {
    const shape = [2, 3, 4];
    // Element (i, j, k) has value 100i + 10j + k; in Fortran order i varies fastest.
    const fortran: number[] = [];
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const data = elementBytes(8, fortran, setters.f8 as never, false);
    const tensor = parseNpy(npyBytes({ descr: ">f8", shape, data, fortranOrder: true }));
    const expected: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(100 * i + 10 * j + k);
    expect(Array.from(tensor.data as Float64Array)).toEqual(expected);
  });

  it("reads format versions 2.0 and 3.0", () => {
    const data = elementBytes(4, [3.5, -1], setters.f4 as never);
    for (const version of [2, 3] as const) {
      const tensor = parseNpy(npyBytes({ descr: "<f4", shape: [1, 2], data, version }));
      expect(tensor.dims).toEqual([1, 2]);
      expect(Array.from(tensor.data as Float32Array)).toEqual([3.5, -1]);
    }
  });

  it("reads scalars, empty arrays, Python 2 long shapes and double-quoted keys", () => {
    const scalar = parseNpy(
      npyBytes({ descr: "<f8", shape: [], data: elementBytes(8, [42], setters.f8 as never) }),
    );
    expect(scalar.dims).toEqual([]);
    expect(Array.from(scalar.data as Float64Array)).toEqual([42]);
    const empty = parseNpy(npyBytes({ descr: "<f4", shape: [0, 3], data: new Uint8Array() }));
    expect(empty.dims).toEqual([0, 3]);
    expect(empty.data.length).toBe(0);
    const legacy = parseNpy(
      npyBytes({
        descr: "",
        shape: [],
        header: `{"descr": "|u1", "fortran_order": False, "shape": (2L, 1L)}`,
        data: new Uint8Array([9, 8]),
      }),
    );
    expect(legacy.dims).toEqual([2, 1]);
    expect(Array.from(legacy.data as Uint8Array)).toEqual([9, 8]);
  });

  it("reads any non-zero bool byte as 1", () => {
    const tensor = parseNpy(
      npyBytes({ descr: "|b1", shape: [3], data: new Uint8Array([0, 2, 255]) }),
    );
    expect(Array.from(tensor.data as Uint8Array)).toEqual([0, 1, 1]);
  });

  it("names the file and the problem for unsupported dtypes and bad headers", () => {
    const data = new Uint8Array(8);
    const bad: [string, Uint8Array, RegExp][] = [
      ["unicode", npyBytes({ descr: "<U2", shape: [1], data }), /dtype '<U2'.*astype/],
      ["complex", npyBytes({ descr: "<c8", shape: [1], data }), /dtype '<c8'/],
      ["no byte order", npyBytes({ descr: "|f4", shape: [2], data }), /without a byte order/],
      [
        "structured",
        npyBytes({
          descr: "",
          shape: [],
          header:
            "{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (1,), }",
          data,
        }),
        /structured/,
      ],
      [
        "negative dim",
        npyBytes({
          descr: "",
          shape: [],
          header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
          data,
        }),
        /shape \[-2\]/,
      ],
      [
        "no fortran_order",
        npyBytes({ descr: "", shape: [], header: "{'descr': '<f4', 'shape': (2,), }", data }),
        /fortran_order/,
      ],
      [
        "not a dict",
        npyBytes({ descr: "", shape: [], header: "{'descr': '<f4', 'shape': (2,", data }),
        /not a Python dict literal/,
      ],
      ["extra bytes", npyBytes({ descr: "<f4", shape: [1], data }), /4 bytes after the data/],
      ["short data", npyBytes({ descr: "<f8", shape: [3], data }), /need 24 bytes.*holds 8/],
    ];
    for (const [label, bytes, message] of bad) {
      const error = errorOf(() => parseNpy(bytes, `${label}.npy`));
      expect(error.code, label).toBe("INPUTS_INVALID");
      expect(error.message, label).toMatch(message);
      expect(error.message, label).toContain(`${label}.npy`);
      expect(error.location.file, label).toBe(`${label}.npy`);
    }
  });

  it("rejects other formats and versions with a hint", () => {
    const pb = errorOf(() => parseNpy(new Uint8Array([0x08, 0x01, 0x10, 0x02]), "a.npy"));
    expect(pb.message).toMatch(/not a \.npy file.*numpy\.save/);
    const future = npyBytes({ descr: "<f4", shape: [1], data: new Uint8Array(4) });
    future[6] = 4;
    expect(errorOf(() => parseNpy(future, "f.npy")).message).toMatch(
      /version 4\.0.*1\.0, 2\.0 and 3\.0/,
    );
    const huge = npyBytes({ descr: "<f4", shape: [1], data: new Uint8Array(4), version: 2 });
    new DataView(huge.buffer).setUint32(8, 0xfffffff0, true);
    expect(errorOf(() => parseNpy(huge, "h.npy")).message).toMatch(/truncated|header/);
  });

  it("reports every truncation of a valid file as INPUTS_INVALID, never a TypeError", () => {
    const whole = npyBytes({
      descr: ">f8",
      shape: [2, 2],
      data: elementBytes(8, [1, 2, 3, 4], setters.f8 as never, false),
      fortranOrder: true,
    });
    expect(Array.from(parseNpy(whole).data as Float64Array)).toEqual([1, 3, 2, 4]);
    for (let length = 0; length < whole.length; length++) {
      const error = errorOf(() => parseNpy(whole.subarray(0, length), "cut.npy"));
      expect(isRewriteError(error, "INPUTS_INVALID")).toBe(true);
      expect(error.message).toMatch(/cut\.npy.*(truncated|not a Python dict|need)/);
    }
  });

  it("reports random garbage after a valid magic as INPUTS_INVALID", () => {
    const random = new SeededRandom(7);
    for (let trial = 0; trial < 300; trial++) {
      const length = random.int(0, 200);
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = random.int(0, 256);
      bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1 + random.int(0, 3), 0].slice(0, length));
      expect(() => parseNpy(bytes, "garbage.npy")).toThrow(RewriteError);
    }
    // A valid header followed by garbage header text.
    const data = new Uint8Array(4);
    for (const header of [
      "{",
      "{'descr': '<f4'",
      "{{{{{{{{{{{{{{{{{{{{{{{{",
      "'\\x00'",
      "{'shape': (1,), 'descr': 5}",
      "{'__proto__': {'descr': '<f4', 'fortran_order': False, 'shape': (1,)}}",
    ]) {
      expect(() => parseNpy(npyBytes({ descr: "", shape: [], header, data }), "g.npy")).toThrow(
        RewriteError,
      );
    }
  });
});

describe("parseNpy on Node Buffers", () => {
  it("copies exactly the data of a Buffer that views a larger pool", () => {
    const file = npyBytes({
      descr: "<i2",
      shape: [2],
      data: elementBytes(2, [-3, 300], setters.i2 as never),
    });
    // Buffer.from(string) and fs reads hand out views into a shared pool.
    const pooled = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(file), Buffer.from([4])]);
    const view = pooled.subarray(3, 3 + file.length);
    const tensor = parseNpy(view, "pooled.npy");
    expect(tensor.data).toBeInstanceOf(Int16Array);
    expect(Array.from(tensor.data as Int16Array)).toEqual([-3, 300]);
    expect(tensor.data.buffer.byteLength).toBe(4);
  });
});
